"""A fresh SQLite database seeded through the app's own context functions, built in a subprocess."""

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
VIDEO_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
INSERT_BATCH = 500


@dataclass(frozen=True)
class Seed:
    """What the harness needs from the seeded database."""

    path: Path
    video: int  # the live video, with no annotations yet
    history: int  # the video with the join scenario's annotations
    history_size: int
    tokens: list[str]  # one socket token per poster, each poster a separate user
    reader: str  # the username that signs in during the sign-in storm
    reactions_video: int  # the video of the reaction storm, with `reaction_targets` on it
    reaction_targets: list[int]
    password: str = PASSWORD


def seed_database(directory: Path, env: dict[str, str], posters: int, history: int,
                  targets: int = 10) -> Seed:
    """Apply the migrations to a new database in directory and seed it; env must name SQLITE_PATH."""
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True}
    subprocess.run([sys.executable, "-m", "piccolo.main", "migrations", "forwards", "all"], **run)
    done = subprocess.run([sys.executable, "-m", "bench.seed", str(posters), str(history),
                           str(targets)], **run)
    path = Path(env["SQLITE_PATH"])
    with sqlite3.connect(path) as connection:  # fold the WAL in, so a plain file copy is complete
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Seed(path=path, **json.loads(done.stdout))


async def _seed(posters: int, history: int, targets: int) -> dict:
    from app import accounts, multimedia  # after the environment names the database

    users = [await accounts.register_user(f"Poster {n}", f"poster{n}", PASSWORD) for n in range(posters)]
    reader = await accounts.register_user("Reader", "reader", PASSWORD)
    video = await multimedia.create_video(users[0], {"title": "Live", "url": VIDEO_URL})
    old = await multimedia.create_video(users[0], {"title": "History", "url": VIDEO_URL})
    # Ten thousand one-by-one posts would take minutes; one bulk insert per batch is the same rows,
    # each with the change number its post would have taken.
    rows = [multimedia.Annotation(user=users[n % posters].id, video=old.id, at=(n * 997) % 3_600_000,
                                  body=f"Annotation {n} with a typical sentence of text.",
                                  seq=n + 1, created_seq=n + 1)
            for n in range(history)]
    for start in range(0, len(rows), INSERT_BATCH):
        await multimedia.Annotation.insert(*rows[start:start + INSERT_BATCH])
    await multimedia.Video.update({multimedia.Video.change_seq: history}).where(
        multimedia.Video.id == old.id)
    stormed = await multimedia.create_video(users[0], {"title": "Reactions", "url": VIDEO_URL})
    reacted = [await multimedia.annotate_video(users[0], stormed.id, f"Target {n}", n * 1000)
               for n in range(targets)]
    secret = os.environ["SECRET_KEY"]
    return {"video": video.id, "history": old.id, "history_size": history, "reader": reader.username,
            "tokens": [accounts.sign_socket_token(secret, user) for user in users],
            "reactions_video": stormed.id, "reaction_targets": [a.id for a in reacted]}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_seed(*map(int, sys.argv[1:4])))))
