"""The yardstick: a minimal broadcast server on the websockets library speaking the app's live protocol."""

import argparse
import html
import json
import logging
import os
import re
import sqlite3
from collections import defaultdict
from urllib.parse import parse_qs, urlsplit

import uvloop
from itsdangerous import BadSignature, URLSafeTimedSerializer
from websockets.asyncio.server import ServerConnection, broadcast, serve

PATH = re.compile(r"^/live/videos/(\d+)$")
SALT = "videologue user socket"  # the app's socket-token salt, so the app's tokens work here too
TOKEN_MAX_AGE = 14 * 24 * 3600
BATCH = 200
MAX_AT = 86_400_000
ANNOTATION = ('<li id="annotation-{id}" class="annotation" data-id="{id}" data-at="{at}" '
              'data-user-id="{user_id}">\n  <div class="note">\n'
              '  <button type="button" class="seek" aria-label="Play from {tc}">'
              '{tc}</button>\n  <span class="author">{author}</span>\n'
              '  <span class="body">{body}</span>\n'
              '  <div class="edit-slot" hx-morph-skip></div>\n'
              '  <div class="reactions"></div>\n'
              '  <span class="actions">\n'
              '    <a class="link" href="?t={t}#annotation-{id}" data-copy-link '
              'aria-label="Copy link to {tc}">Copy link</a>\n'
              '    <button type="button" class="link" data-react hidden aria-haspopup="menu" '
              'aria-label="React to the annotation at {tc}">React</button>\n'
              '    <button type="button" class="link" data-resolve hidden>Resolve</button>\n'
              '    <button type="button" class="link" data-reply hidden>Reply</button>\n'
              '    <button type="button" class="link" data-mute hidden>Mute {author}</button>\n'
              '    <button type="button" class="link" data-report hidden aria-haspopup="menu" '
              'aria-label="Report the annotation at {tc}">Report</button>\n'
              '    <button type="button" class="link danger" data-block hidden '
              'aria-label="Block {author}">Block</button>\n'
              '    <button type="button" class="link" data-edit hidden>Edit</button>\n'
              '    <form class="delete" hx-ws:send data-delete hidden>\n'
              '      <input type="hidden" name="event" value="delete_annotation">\n'
              '      <input type="hidden" name="id" value="{id}">\n'
              '      <button type="submit" class="link danger" aria-label="Delete the annotation by '
              '{author} at {tc}">Delete</button>\n    </form>\n  </span>\n  </div>\n'
              '  <details class="thread">\n'
              '    <summary>0 replies</summary>\n'
              '    <ol class="replies"></ol>\n  </details>\n'
              '  <div class="reply-slot" hx-morph-skip></div>\n</li>')
TEXTAREA = ('<textarea id="annotation-body" name="body" rows="2" maxlength="500" required '
            'aria-describedby="live-error" aria-keyshortcuts="c"\n'
            '          placeholder="Say something about this moment…" data-fresh></textarea>')
# The video's changes after a change number; the baseline posts only top-level annotations,
# so each page's live items are appended in playback order.
REPLAY = ("SELECT a.id, a.at, a.user, u.username, a.body, a.seq, a.deleted_at IS NULL FROM annotations a "
          "JOIN users u ON u.id = a.user WHERE a.video = ? AND a.seq > ? ORDER BY a.seq, a.id")
NEXT_SEQ = "UPDATE videos SET change_seq = change_seq + 1 WHERE id = ? RETURNING change_seq"
INSERT = ("INSERT INTO annotations (user, video, body, at, seq, created_seq, replies) "
          "VALUES (?, ?, ?, ?, ?, ?, 0)")


def partial(target: str, swap: str, content: str) -> str:
    """Wrap HTML in the hx-partial element hx-ws swaps into the page."""
    return f'<hx-partial hx-target="{target}" hx-swap="{swap}">{content}</hx-partial>'


def cursor(seq: int) -> str:
    """The page's cursor, as the app sends it after each change."""
    return partial("#live-cursor", "outerHTML", f'<span id="live-cursor" data-seq="{seq}" hidden></span>')


def annotations(rows) -> str:
    """The same fragment the app pushes for a list of (id, at, user id, username, body) rows."""
    items = []
    for id_, at, user_id, username, body in rows:
        seconds = at // 1000
        hours, rest = divmod(seconds, 3600)
        tc = f"{hours}:{rest // 60:02}:{rest % 60:02}" if hours else f"{rest // 60}:{rest % 60:02}"
        whole, part = divmod(at, 1000)
        t = f"{whole}.{part:03}".rstrip("0") if part else str(whole)
        items.append(ANNOTATION.format(id=id_, at=at, tc=tc, t=t, user_id=user_id,
                                       author=html.escape(username), body=html.escape(body)))
    return partial("#annotations", "beforeend", "".join(items))


POSTED = partial("#live-error", "innerHTML", "") + partial("#annotation-body", "outerHTML", TEXTAREA)


class Baseline:
    """Rooms of open sockets per video, one sqlite3 connection, and a broadcast per post."""

    def __init__(self, db_path: str, secret: str) -> None:
        self.db = sqlite3.connect(db_path, isolation_level=None)
        self.db.execute("PRAGMA busy_timeout=10000")
        self.tokens = URLSafeTimedSerializer(secret, salt=SALT)
        self.rooms: defaultdict[int, set[ServerConnection]] = defaultdict(set)

    def user(self, token: str) -> tuple[int, str] | None:
        """The (id, username) a socket token names, if it is valid and current."""
        try:
            user_id, generation = self.tokens.loads(token, max_age=TOKEN_MAX_AGE)
        except BadSignature:
            return None
        row = self.db.execute("SELECT id, username, session_generation FROM users WHERE id = ?",
                              (user_id,)).fetchone()
        return row[:2] if row and row[2] == generation else None

    async def handle(self, ws: ServerConnection) -> None:
        """Serve one socket: check it, replay what it missed, then broadcast its posts."""
        url = urlsplit(ws.request.path)
        query = parse_qs(url.query)
        match = PATH.match(url.path)
        origin = ws.request.headers.get("Origin")
        user = self.user(query["token"][0]) if "token" in query else None
        if origin is not None and urlsplit(origin).netloc != ws.request.headers.get("Host"):
            return await ws.close(4403, "This socket only serves this site's pages")
        if "token" in query and user is None:
            return await ws.close(4401, "Your session expired — sign in again")
        video_id = int(match[1]) if match else 0
        if not self.db.execute("SELECT 1 FROM videos WHERE id = ?", (video_id,)).fetchone():
            return await ws.close(4404, "No such video")
        since = query.get("cursor", ["0"])[0]
        rows = self.db.execute(REPLAY, (video_id, int(since) if since.isdigit() else 0)).fetchall()
        room = self.rooms[video_id]
        room.add(ws)  # in the same step as the query, so no post falls between them
        try:
            for start in range(0, len(rows), BATCH):  # the app's pages: 200 changes each
                page = rows[start:start + BATCH]
                live = sorted((row[:5] for row in page if row[6]), key=lambda row: (row[1], row[0]))
                await ws.send((annotations(live) if live else "") + cursor(page[-1][5]))
            async for raw in ws:
                await self.post(ws, room, video_id, user, raw)
        finally:
            room.discard(ws)

    async def post(self, ws: ServerConnection, room: set, video_id: int, user, raw) -> None:
        """Store one annotation and broadcast it, or tell the sender what was wrong."""
        frame = json.loads(raw)
        body = str(frame.get("body", "")).strip()
        at = int(frame.get("at", -1))
        if user is None or not 0 < len(body) <= 500 or not 0 <= at <= MAX_AT:
            error = '<p class="form-error" role="alert">Not posted.</p>'
            return await ws.send(partial("#live-error", "innerHTML", error))
        self.db.execute("BEGIN IMMEDIATE")  # the change number and the row commit together
        try:
            (seq,) = self.db.execute(NEXT_SEQ, (video_id,)).fetchone()
            row = self.db.execute(INSERT, (user[0], video_id, body, at, seq, seq))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        await ws.send(POSTED)
        broadcast(room, annotations([(row.lastrowid, at, user[0], user[1], body)]) + cursor(seq))


async def main() -> None:
    """Serve until killed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--deflate", action="store_true")
    args = parser.parse_args()
    baseline = Baseline(args.db, os.environ["SECRET_KEY"])
    async with serve(baseline.handle, "127.0.0.1", args.port, backlog=2048,
                     compression="deflate" if args.deflate else None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    uvloop.run(main())
