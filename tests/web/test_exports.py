"""A video's annotations exported as WebVTT captions and as JSON, and linked from the watch page."""

import re
from datetime import UTC, datetime

import pytest

from app import multimedia
from tests.factories import make_annotation, make_user, make_video

TIMING = re.compile(r"^\d{2,}:\d{2}:\d{2}\.\d{3} --> \d{2,}:\d{2}:\d{2}\.\d{3}$")


def cues(vtt: str) -> list[list[str]]:
    """The cue blocks of a WebVTT file (identifier, timing, text lines), checking its structure."""
    header, *blocks = vtt.rstrip("\n").split("\n\n")
    assert header == "WEBVTT"
    parsed = [block.split("\n") for block in blocks]
    for block in parsed:  # an identifier, a timing line, then at least one non-blank text line
        assert len(block) >= 3 and TIMING.match(block[1]) and all(line.strip() for line in block[2:])
    return parsed


def test_the_captions_have_one_cue_per_annotation_in_moment_order_voiced_by_the_author(client, run):
    alice, bob = run(make_user), run(make_user)
    video = run(make_video, alice)
    late = run(make_annotation, bob, video, "The reveal", at=3_723_456)
    early = run(make_annotation, alice, video, "Here it starts", at=61_500)
    response = client.get(f"/watch/{video.id}/annotations.vtt")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/vtt; charset=utf-8"
    assert cues(response.text) == [
        [f"annotation-{early.id}", "00:01:01.500 --> 00:01:05.500",
         f"<v {alice.username}>Here it starts</v>"],
        [f"annotation-{late.id}", "01:02:03.456 --> 01:02:07.456", f"<v {bob.username}>The reveal</v>"],
    ]


def test_caption_text_is_escaped_and_blank_lines_cannot_end_a_cue_early(client, run):
    alice = run(make_user)
    video = run(make_video, alice)
    run(make_annotation, alice, video, "if a < b && c > d --> run\n\n\nsecond line", at=0)
    [cue] = cues(client.get(f"/watch/{video.id}/annotations.vtt").text)
    assert cue[1:] == ["00:00:00.000 --> 00:00:04.000",
                       f"<v {alice.username}>if a &lt; b &amp;&amp; c &gt; d --&gt; run",
                       "second line</v>"]


def test_a_video_without_annotations_exports_an_empty_file_and_list(client, run):
    video = run(make_video, run(make_user))
    assert client.get(f"/watch/{video.id}/annotations.vtt").text == "WEBVTT\n"
    assert client.get(f"/watch/{video.id}/annotations.json").json() == []


def test_the_json_lists_annotations_in_moment_order_with_their_authors(client, run):
    alice, bob = run(make_user), run(make_user)
    video = run(make_video, alice)
    second = run(make_annotation, alice, video, "<b>second</b>", at=2000)
    first = run(make_annotation, bob, video, "first", at=1000)
    response = client.get(f"/watch/{video.id}/annotations.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    listed = response.json()
    assert [{key: item[key] for key in ("id", "at", "body", "user")} for item in listed] == [
        {"id": first.id, "at": 1000, "body": "first", "user": {"id": bob.id, "username": bob.username}},
        {"id": second.id, "at": 2000, "body": "<b>second</b>",
         "user": {"id": alice.id, "username": alice.username}},
    ]
    for item, view in zip(listed, (first, second), strict=True):
        inserted = datetime.fromisoformat(item["inserted_at"])
        assert inserted.tzinfo is not None and inserted == view.created_at
        assert abs((datetime.now(UTC) - inserted).total_seconds()) < 3600


def test_deleted_annotations_are_left_out_of_both_exports(client, run):
    alice = run(make_user)
    video = run(make_video, alice)
    kept = run(make_annotation, alice, video, "kept", at=1)
    gone = run(make_annotation, alice, video, "gone", at=2)
    run(multimedia.delete_annotation, alice, gone.id)
    assert [cue[0] for cue in cues(client.get(f"/watch/{video.id}/annotations.vtt").text)] == [
        f"annotation-{kept.id}"]
    assert [item["id"] for item in client.get(f"/watch/{video.id}/annotations.json").json()] == [kept.id]


def test_a_ranged_cue_ends_at_until_and_replies_stay_out_of_the_captions(client, run):
    alice, bob = run(make_user), run(make_user)
    video = run(make_video, alice)
    ranged = run(multimedia.annotate_video, alice, video.id, "The chase", 12_000, 20_000)
    run(multimedia.reply_to_annotation, bob, ranged.id, "Too long")
    [cue] = cues(client.get(f"/watch/{video.id}/annotations.vtt").text)
    assert cue == [f"annotation-{ranged.id}", "00:00:12.000 --> 00:00:20.000",
                   f"<v {alice.username}>The chase</v>"]


def test_the_json_carries_ranges_edits_and_replies_with_their_parent(client, run):
    alice, bob = run(make_user), run(make_user)
    video = run(make_video, alice)
    ranged = run(multimedia.annotate_video, alice, video.id, "Teh chase", 12_000, 20_000)
    point = run(make_annotation, bob, video, "Later", at=30_000)
    reply = run(multimedia.reply_to_annotation, bob, ranged.id, "Nice")
    edited = run(multimedia.edit_annotation, alice, ranged.id, "The chase")
    first, second = client.get(f"/watch/{video.id}/annotations.json").json()
    assert (first["id"], first["until"], first["parent_id"], first["body"]) == (
        ranged.id, 20_000, None, "The chase")
    assert datetime.fromisoformat(first["edited_at"]) == edited.edited_at
    assert [(r["id"], r["parent_id"], r["body"], r["edited_at"]) for r in first["replies"]] == [
        (reply.id, ranged.id, "Nice", None)]
    assert (second["id"], second["until"], second["edited_at"], second["replies"]) == (
        point.id, None, None, [])


def test_a_deleted_annotation_with_replies_stays_in_the_json_as_deleted(client, run):
    alice, bob = run(make_user), run(make_user)
    video = run(make_video, alice)
    parent = run(make_annotation, alice, video, "Gone soon", at=5000)
    reply = run(multimedia.reply_to_annotation, bob, parent.id, "Still here")
    run(multimedia.delete_annotation, alice, parent.id)
    [item] = client.get(f"/watch/{video.id}/annotations.json").json()
    assert item["deleted"] is True and "body" not in item
    assert [r["body"] for r in item["replies"]] == ["Still here"] and item["replies"][0]["id"] == reply.id
    assert cues(client.get(f"/watch/{video.id}/annotations.vtt").text) == []


@pytest.mark.parametrize("suffix", ["vtt", "json"])
@pytest.mark.parametrize("video_ref", ["999999999", "9" * 30, "0"])
def test_exports_of_an_unknown_video_are_not_found(client, suffix, video_ref):
    assert client.get(f"/watch/{video_ref}/annotations.{suffix}").status_code == 404


def test_a_visitor_who_is_not_signed_in_may_export_what_they_may_watch(client, run):
    alice = run(make_user)
    video = run(make_video, alice)
    run(make_annotation, alice, video, "Public")
    assert client.get(f"/watch/{video.id}/annotations.json").json()[0]["body"] == "Public"
    assert "Public" in client.get(f"/watch/{video.id}/annotations.vtt").text


def test_the_watch_page_links_both_exports_and_loads_the_captions_track_turned_off(client, run):
    video = run(make_video, run(make_user), title="Clock", url="/media/demo-clock.webm")
    page = client.get(f"/watch/{video.id}-clock").text
    assert f'<a href="/watch/{video.id}/annotations.vtt" download>' in page
    assert f'<a href="/watch/{video.id}/annotations.json" download>' in page
    track = re.search(r'<video id="player"[^>]*>(<track [^>]*>)</video>', page).group(1)
    assert f'src="/watch/{video.id}/annotations.vtt"' in track and 'kind="captions"' in track
    assert "default" not in track  # captions stay off until the viewer turns them on


def test_a_youtube_watch_page_links_the_exports_but_has_no_track(client, run):
    video = run(make_video, run(make_user), title="Tube")
    page = client.get(f"/watch/{video.id}-tube").text
    assert f'href="/watch/{video.id}/annotations.vtt"' in page and "<track" not in page


def test_mentions_are_exported_as_the_plain_text_that_was_written(client, run):
    alice, bob = run(make_user), run(make_user)
    video = run(make_video, alice)
    posted = run(make_annotation, alice, video, f"over to @{bob.username}", at=1_000)
    [cue] = cues(client.get(f"/watch/{video.id}/annotations.vtt").text)
    assert cue[2] == f"<v {alice.username}>over to @{bob.username}</v>"
    [item] = client.get(f"/watch/{video.id}/annotations.json").json()
    assert item["id"] == posted.id and item["body"] == f"over to @{bob.username}"
