"""Uploaded video files: typed by their bytes, kept under a new name, removed with their video."""

import os
import time

import pytest

from app import multimedia
from app.multimedia import UploadPolicy
from app.multimedia.uploads import PARTIAL_DIR, PartialUpload, UploadTooLarge, sniff_video_type
from app.settings import ROOT
from app.validation import ValidationError
from tests.factories import make_user, make_video

CLOCK = (ROOT / "app" / "multimedia" / "demo" / "clock.webm").read_bytes()


def box(kind: bytes, payload: bytes) -> bytes:
    """One ISO base media box."""
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def tiny_mp4(major: bytes = b"isom", compatible: bytes = b"isomiso2avc1mp41") -> bytes:
    """The start of an MP4 file: an ftyp box, then an empty free box and a small mdat box."""
    return box(b"ftyp", major + (512).to_bytes(4, "big") + compatible) + box(b"free", b"") + box(
        b"mdat", bytes(64))


def ebml(doctype: bytes) -> bytes:
    """A Matroska-family EBML header with the given DocType, then a Segment start."""
    body = b"\x42\x86\x81\x01" + b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body + b"\x18\x53\x80\x67"


def receiving(media_dir, max_bytes: int) -> PartialUpload:
    """A partial upload into media_dir under the given size limit, with room to spare otherwise."""
    return PartialUpload(UploadPolicy(media_dir, max_bytes, quota_bytes=2**40, free_reserve_bytes=0),
                         left_bytes=2**40)


def files_in(folder) -> set[str]:
    """Every file under folder, partial uploads included, as relative paths."""
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize(("head", "extension"), [
    (CLOCK[:4096], ".webm"),
    (ebml(b"webm"), ".webm"),
    (tiny_mp4(), ".mp4"),
    (tiny_mp4(b"mp42", b"isommp42"), ".mp4"),
    (tiny_mp4(b"XXXX", b"XXXXavc1"), ".mp4"),  # an unknown major brand, but an MP4 compatible one
])
def test_a_video_is_recognised_from_its_first_bytes(head, extension):
    assert sniff_video_type(head) == extension


@pytest.mark.parametrize("head", [
    b"",
    b"just some text that someone named clip.mp4",
    b"\x89PNG\r\n\x1a\n" + bytes(100),
    ebml(b"matroska"),  # .mkv shares WebM's container but browsers do not all play it
    ebml(b"webm")[:12],  # cut off before the DocType
    b"\x1a\x45\xdf\xa3\x00" + bytes(40),  # an impossible length
    tiny_mp4(b"qt  ", b"qt  "),  # QuickTime .mov
    tiny_mp4(b"heic", b"mif1heic"),  # a still photo in the same box format
    b"\x00\x00\x00\x08ftyp",  # a box too small to hold a brand
])
def test_anything_else_is_not_a_video_whatever_its_name(head):
    assert sniff_video_type(head) is None


async def test_a_kept_upload_gets_a_generated_name_and_leaves_no_partial_file(tmp_path):
    async with receiving(tmp_path, 10_000_000) as upload:
        for start in range(0, len(CLOCK), 65536):
            await upload.write(CLOCK[start:start + 65536])
        url = await upload.keep()
    assert url.startswith("/media/") and url.endswith(".webm") and len(url) == len("/media/") + 32 + 5
    assert (tmp_path / url.removeprefix("/media/")).read_bytes() == CLOCK
    assert files_in(tmp_path) == {url.removeprefix("/media/")}


async def test_an_upload_not_kept_or_left_by_an_error_leaves_nothing(tmp_path):
    async with receiving(tmp_path, 10_000_000) as upload:
        await upload.write(CLOCK)
        assert files_in(tmp_path) == {f"{PARTIAL_DIR}/{upload.path.name}"}  # on disk while it arrives
    with pytest.raises(RuntimeError):
        async with receiving(tmp_path, 10_000_000) as upload:
            await upload.write(CLOCK)
            await upload.keep()
            raise RuntimeError("the video's row could not be saved")
    assert files_in(tmp_path) == set()


async def test_an_upload_past_the_limit_is_refused_as_it_arrives(tmp_path):
    with pytest.raises(UploadTooLarge) as refused:
        async with receiving(tmp_path, 2 * 1024 * 1024) as upload:
            await upload.write(CLOCK)
            await upload.write(CLOCK)
    assert refused.value.errors == {"video": "That file is larger than 2 MB, the most this site accepts."}
    assert files_in(tmp_path) == set()


async def test_an_upload_whose_first_bytes_are_no_video_is_refused_before_the_rest_arrives(tmp_path):
    with pytest.raises(ValidationError) as refused:
        async with receiving(tmp_path, 10_000_000) as upload:
            await upload.write(b"not a video " * 1000)
    assert refused.value.errors == {"video": "That file is not an MP4 or WebM video."}
    assert files_in(tmp_path) == set()


async def test_partial_files_a_crashed_process_left_a_day_ago_are_swept_by_the_next_upload(tmp_path):
    (tmp_path / PARTIAL_DIR).mkdir()
    old, recent = tmp_path / PARTIAL_DIR / "old.part", tmp_path / PARTIAL_DIR / "recent.part"
    old.write_bytes(b"x")
    recent.write_bytes(b"y")  # may be another upload still arriving
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    async with receiving(tmp_path, 1000):
        pass
    assert files_in(tmp_path) == {f"{PARTIAL_DIR}/recent.part"}


async def test_a_video_made_from_an_upload_plays_its_file_and_deleting_it_deletes_the_file(tmp_path):
    user = await make_user()
    async with receiving(tmp_path, 10_000_000) as upload:
        await upload.write(tiny_mp4())
        video = await multimedia.create_video(user, {"title": "Uploaded"}, upload)
    assert multimedia.parse_video_url(video.url) == multimedia.PlayerSource("html5", video.url)
    assert files_in(tmp_path) == {video.url.removeprefix("/media/")}
    await multimedia.delete_video(user, video.id, tmp_path)
    assert files_in(tmp_path) == set()


async def test_a_video_with_an_upload_and_bad_fields_is_refused_and_its_file_removed(tmp_path):
    user = await make_user()
    with pytest.raises(ValidationError) as refused:
        async with receiving(tmp_path, 10_000_000) as upload:
            await upload.write(tiny_mp4())
            await multimedia.create_video(user, {"title": "", "url": "https://youtu.be/dQw4w9WgXcQ"},
                                          upload)
    assert refused.value.errors == {"title": "Give the video a title.",
                                    "video": "Give a link or choose a file, not both."}
    assert files_in(tmp_path) == set()
    assert await multimedia.list_user_videos(user) == []


async def test_a_small_file_that_is_no_video_is_refused_when_the_video_is_created(tmp_path):
    user = await make_user()
    with pytest.raises(ValidationError) as refused:
        async with receiving(tmp_path, 10_000_000) as upload:
            await upload.write(b"hello")
            await multimedia.create_video(user, {"title": "Fake"}, upload)
    assert refused.value.errors == {"video": "That file is not an MP4 or WebM video."}
    assert files_in(tmp_path) == set()


async def test_only_the_video_a_file_was_uploaded_for_may_link_to_it(tmp_path):
    owner, other = await make_user(), await make_user()
    async with receiving(tmp_path, 10_000_000) as upload:
        await upload.write(tiny_mp4())
        video = await multimedia.create_video(owner, {"title": "Mine"}, upload)
    with pytest.raises(ValidationError) as refused:
        await make_video(other, url=video.url)
    assert refused.value.errors == {
        "url": "That is another video's uploaded file: upload your own copy instead."}
    kept = await multimedia.update_video(owner, video.id, {"title": "Still mine", "url": video.url},
                                         tmp_path)
    assert kept.url == video.url and files_in(tmp_path) == {video.url.removeprefix("/media/")}


async def test_relinking_an_uploaded_video_elsewhere_deletes_its_file(tmp_path):
    user = await make_user()
    async with receiving(tmp_path, 10_000_000) as upload:
        await upload.write(tiny_mp4())
        video = await multimedia.create_video(user, {"title": "Moving"}, upload)
    await multimedia.update_video(user, video.id, {"title": "Moving", "url": "https://youtu.be/dQw4w9WgXcQ"},
                                  tmp_path)
    assert files_in(tmp_path) == set()


async def test_deleting_a_linked_video_leaves_media_files_alone(tmp_path):
    (tmp_path / "demo-clock.webm").write_bytes(CLOCK)
    user = await make_user()
    video = await make_video(user, url="/media/demo-clock.webm")
    await multimedia.delete_video(user, video.id, tmp_path)
    assert files_in(tmp_path) == {"demo-clock.webm"}
