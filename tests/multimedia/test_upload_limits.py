"""Each user's upload quota and the disk's free-space reserve, enforced before and while a file arrives."""

import sqlite3

import pytest

from app import multimedia
from app.multimedia import LowOnSpace, QuotaExceeded, UploadPolicy, start_upload
from tests.factories import make_user
from tests.multimedia.test_uploads import CLOCK, files_in, tiny_mp4
from tests.test_migrations import migrate, run_module

MIB = 1024 * 1024
BEFORE_SIZES = "2026-12-02T21:48:05:000000"  # the last multimedia migration before upload_bytes
FULL = ("That file does not fit in your 1 MB of upload space (0 MB left). "
        "Delete a video you uploaded to make room, or give a link instead.")


def policy(media_dir, quota_bytes: int = 10 * MIB, free_reserve_bytes: int = 0,
           free_bytes=lambda path: 2**40) -> UploadPolicy:
    """Limits for uploads into media_dir: 4 MB files, the given quota, reserve and free space."""
    return UploadPolicy(media_dir, 4 * MIB, quota_bytes, free_reserve_bytes, free_bytes)


async def upload_video(user, rules: UploadPolicy, content: bytes, coming: int | None = None):
    """Upload content as a new video of the user's, chunk by chunk, as the form reader does."""
    async with await start_upload(user, rules, coming) as upload:
        for start in range(0, len(content), 65536):
            await upload.write(content[start:start + 65536])
        return await multimedia.create_video(user, {"title": "Uploaded"}, upload)


async def test_a_users_stored_upload_bytes_count_their_kept_files_and_drop_when_one_is_deleted(tmp_path):
    user, other = await make_user(), await make_user()
    first = await upload_video(user, policy(tmp_path), tiny_mp4() + bytes(1000))
    await upload_video(user, policy(tmp_path), tiny_mp4())
    await upload_video(other, policy(tmp_path), tiny_mp4())
    await multimedia.create_video(user, {"title": "A link", "url": "https://youtu.be/dQw4w9WgXcQ"})
    assert await multimedia.stored_upload_bytes(user) == 2 * len(tiny_mp4()) + 1000
    await multimedia.delete_video(user, first.id, tmp_path)
    assert await multimedia.stored_upload_bytes(user) == len(tiny_mp4())
    assert await multimedia.upload_space_left(user, 10 * MIB) == 10 * MIB - len(tiny_mp4())


async def test_relinking_an_uploaded_video_elsewhere_gives_its_space_back(tmp_path):
    user = await make_user()
    video = await upload_video(user, policy(tmp_path), tiny_mp4())
    await multimedia.update_video(user, video.id, {"title": "Kept", "url": video.url}, tmp_path)
    assert await multimedia.stored_upload_bytes(user) == len(tiny_mp4())
    await multimedia.update_video(user, video.id, {"title": "Moved", "url": "https://youtu.be/dQw4w9WgXcQ"},
                                  tmp_path)
    assert await multimedia.stored_upload_bytes(user) == 0


async def test_a_file_announced_larger_than_the_quota_left_is_refused_before_a_byte_is_stored(tmp_path):
    user = await make_user()
    await upload_video(user, policy(tmp_path, quota_bytes=MIB), tiny_mp4() + bytes(MIB - 200))
    before = files_in(tmp_path)
    with pytest.raises(QuotaExceeded) as refused:
        await start_upload(user, policy(tmp_path, quota_bytes=MIB), coming_bytes=MIB)
    assert refused.value.errors == {"video": FULL}
    assert files_in(tmp_path) == before


async def test_a_file_past_the_quota_left_is_refused_as_it_arrives_and_leaves_nothing(tmp_path):
    user = await make_user()
    with pytest.raises(QuotaExceeded) as refused:
        await upload_video(user, policy(tmp_path, quota_bytes=MIB), tiny_mp4() + bytes(2 * MIB))
    assert refused.value.status == 413
    assert "your 1 MB of upload space (1 MB left)" in refused.value.errors["video"]
    assert files_in(tmp_path) == set()
    assert await multimedia.list_user_videos(user) == []


async def test_two_uploads_that_each_fit_but_not_together_keep_only_the_first(tmp_path):
    user = await make_user()
    rules = policy(tmp_path, quota_bytes=MIB)
    half = tiny_mp4() + bytes(MIB // 2)
    async with await start_upload(user, rules, None) as second:  # started while the first arrives
        await second.write(half)
        await upload_video(user, rules, half)
        with pytest.raises(QuotaExceeded):
            await multimedia.create_video(user, {"title": "Second"}, second)
    assert [video.title for video in await multimedia.list_user_videos(user)] == ["Uploaded"]
    assert len(files_in(tmp_path)) == 1


async def test_an_upload_that_would_eat_into_the_free_space_reserve_is_refused_up_front(tmp_path):
    user = await make_user()
    rules = policy(tmp_path, free_reserve_bytes=100 * MIB, free_bytes=lambda path: 102 * MIB)
    with pytest.raises(LowOnSpace) as refused:
        await start_upload(user, rules, coming_bytes=3 * MIB)
    assert refused.value.status == 507
    assert refused.value.errors == {"video": "The site is short of storage space and cannot take "
                                             "uploads right now. Please try again later, or give a "
                                             "link instead."}
    with pytest.raises(LowOnSpace):
        await start_upload(user, rules, coming_bytes=None)  # it may be as large as the 4 MB limit
    assert files_in(tmp_path) == set()
    async with await start_upload(user, rules, coming_bytes=MIB):
        pass  # 101 MB would be left: enough


async def test_an_upload_stops_when_other_writers_bring_the_disk_down_to_the_reserve(tmp_path):
    user = await make_user()
    free = [200 * MIB]
    rules = policy(tmp_path, free_reserve_bytes=100 * MIB, free_bytes=lambda path: free[0])
    with pytest.raises(LowOnSpace):
        async with await start_upload(user, rules, None) as upload:
            await upload.write(tiny_mp4() + bytes(300_000))  # written: the disk had room
            assert files_in(tmp_path) == {f".uploads/{upload.path.name}"}
            free[0] = 100 * MIB + 100_000  # someone else filled the disk meanwhile
            await upload.write(bytes(300_000))
    assert files_in(tmp_path) == set()


def test_upgrading_measures_the_files_uploaded_before_videos_recorded_their_size(tmp_path):
    env = {"SQLITE_PATH": str(tmp_path / "old.sqlite"), "MEDIA_DIR": str(tmp_path / "media")}
    run_module("piccolo.main", "migrations", "forwards", "accounts", **env)
    run_module("piccolo.main", "migrations", "forwards", "multimedia", BEFORE_SIZES, **env)
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / f"{'a' * 32}.webm").write_bytes(CLOCK)
    with sqlite3.connect(env["SQLITE_PATH"]) as connection:
        connection.execute("INSERT INTO users (name, username, username_key, password_hash) "
                           "VALUES ('Old', 'old', 'old', 'x')")
        connection.executemany(
            "INSERT INTO videos (user, title, url, slug) VALUES (1, ?, ?, 'v')",
            [("Uploaded", f"/media/{'a' * 32}.webm"), ("File gone", f"/media/{'b' * 32}.mp4"),
             ("Demo", "/media/demo-clock.webm"), ("Linked", "https://youtu.be/dQw4w9WgXcQ")])
    migrate(**env)
    with sqlite3.connect(env["SQLITE_PATH"]) as connection:
        sizes = dict(connection.execute("SELECT title, upload_bytes FROM videos"))
    assert sizes == {"Uploaded": len(CLOCK), "File gone": 0, "Demo": 0, "Linked": 0}
