"""Finding threads on a video by filter and by words, on SQLite (FTS5) and PostgreSQL (tsvector)."""


import pytest

from app import multimedia
from app.multimedia import Annotation, search_video_annotations
from tests.factories import make_annotation, make_user, make_video

TRICKY = ['"', '"unbalanced', "*", "a*", "NEAR", "NEAR(a b)", "-", "-clock", "body:clock",
          ":", "^", "a OR b", "AND", "NOT", "(", ")", "'", "''", "\\", "%", "_", "!", "&", "|",
          "<->", "clock:*", "{body}", "🎉", "🎉🎉 🙈", "\u200b", "x" * 300, "a b c d e f g h i j k"]


async def found(video, query="", viewer=None, filter="all") -> set[int]:
    return await search_video_annotations(video.id, query, viewer, filter)


async def test_words_find_annotations_by_the_start_of_any_word_in_any_order(either_engine):
    alice = await make_user()
    video = await make_video(alice)
    clock = await make_annotation(alice, video, "Look at the clock tower", 1000)
    await make_annotation(alice, video, "Nice colours", 2000)
    assert await found(video, "clock") == {clock.id}
    assert await found(video, "tow LOOK") == {clock.id}
    assert await found(video, "clock colours") == set()
    assert await found(video, "ock") == set()  # the start of a word, not any part of it


async def test_a_matching_reply_brings_its_thread_and_deleted_items_are_not_found(either_engine):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    thread = await make_annotation(alice, video, "First scene", 1000)
    await multimedia.reply_to_annotation(bob, thread.id, "The lighthouse is lovely")
    gone = await make_annotation(alice, video, "lighthouse again", 3000)
    await multimedia.delete_annotation(alice, gone.id)
    assert await found(video, "lighthouse") == {thread.id}


async def test_an_edit_changes_what_the_index_finds(either_engine):
    alice = await make_user()
    video = await make_video(alice)
    note = await make_annotation(alice, video, "A red balloon", 1000)
    await multimedia.edit_annotation(alice, note.id, "A blue kite")
    assert await found(video, "balloon") == set()
    assert await found(video, "kite") == {note.id}


async def test_a_deleted_annotation_with_replies_is_found_through_its_replies_only(either_engine):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    thread = await make_annotation(alice, video, "Opening credits", 1000)
    await multimedia.reply_to_annotation(bob, thread.id, "Great music")
    await multimedia.delete_annotation(alice, thread.id)
    assert await found(video, "credits") == set()
    assert await found(video, "music") == {thread.id}


async def test_a_username_finds_what_its_author_wrote_and_words_combine_with_it(either_engine):
    alice, bob = await make_user("alice"), await make_user("bob")
    video = await make_video(alice)
    mine = await make_annotation(alice, video, "Cut here", 1000)
    theirs = await make_annotation(bob, video, "Cut there", 2000)
    assert await found(video, alice.username) == {mine.id}
    assert await found(video, bob.username.upper()) == {theirs.id}
    assert await found(video, "bob cut") == {theirs.id}
    assert await found(video, "cut") == {mine.id, theirs.id}


async def test_non_ascii_words_are_found(either_engine):
    alice = await make_user()
    video = await make_video(alice)
    cafe = await make_annotation(alice, video, "Un café avec Müller", 1000)
    japanese = await make_annotation(alice, video, "日本語 のテキスト 🎉", 2000)
    greek = await make_annotation(alice, video, "Καλημέρα κόσμε", 3000)
    assert await found(video, "café") == {cafe.id}
    assert await found(video, "müller") == {cafe.id}
    assert await found(video, "日本語") == {japanese.id}
    assert await found(video, "Καλημέρα") == {greek.id}
    assert await found(video, "🎉") == set()  # not a word to either index, and no error


@pytest.mark.parametrize("query", TRICKY)
async def test_query_syntax_in_the_box_is_plain_text_and_never_an_error(either_engine, query):
    alice = await make_user()
    video = await make_video(alice)
    await make_annotation(alice, video, 'Body: a "NEAR" clock - b OR c * d', 1000)
    assert isinstance(await found(video, query), set)


async def test_near_and_minus_are_words_not_operators(either_engine):
    alice = await make_user()
    video = await make_video(alice)
    near = await make_annotation(alice, video, "Stand near the door", 1000)
    clock = await make_annotation(alice, video, "The clock", 2000)
    assert await found(video, "NEAR") == {near.id}
    assert await found(video, "-clock") == {clock.id}
    assert await found(video, "body:clock") == set()  # both words, and "body" is in neither


async def test_open_and_resolved_ask_about_the_thread(either_engine):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    done = await make_annotation(alice, video, "Fix the colour", 1000)
    await multimedia.reply_to_annotation(bob, done.id, "Fixed the colour")
    todo = await make_annotation(alice, video, "Fix the sound", 2000)
    await multimedia.resolve_annotation(alice, done.id, True)
    assert await found(video, filter="open") == {todo.id}
    assert await found(video, filter="resolved") == {done.id}
    assert await found(video, "fixed", filter="resolved") == {done.id}
    assert await found(video, "fixed", filter="open") == set()


async def test_mine_finds_threads_where_the_viewer_wrote_the_annotation_or_a_reply(either_engine):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    written = await make_annotation(bob, video, "Mine", 1000)
    replied = await make_annotation(alice, video, "Hers", 2000)
    await multimedia.reply_to_annotation(bob, replied.id, "my answer")
    await make_annotation(alice, video, "Hers alone", 3000)
    assert await found(video, viewer=bob, filter="mine") == {written.id, replied.id}
    assert await found(video, "answer", viewer=bob, filter="mine") == {replied.id}


async def test_mentioning_me_finds_the_annotation_or_reply_that_mentions_the_viewer(either_engine):
    alice, bob, carol = await make_user(), await make_user(), await make_user()
    video = await make_video(alice)
    direct = await make_annotation(alice, video, f"@{bob.username} look", 1000)
    thread = await make_annotation(alice, video, "Question", 2000)
    await multimedia.reply_to_annotation(carol, thread.id, f"ask @{carol.username} and @{bob.username}")
    await make_annotation(alice, video, f"@{carol.username} hi", 3000)
    assert await found(video, viewer=bob, filter="mentioning") == {direct.id, thread.id}
    await multimedia.edit_annotation(alice, direct.id, "nobody now")
    assert await found(video, viewer=bob, filter="mentioning") == {thread.id}


async def test_mine_and_mentioning_me_without_a_viewer_and_unknown_filters_mean_all(either_engine):
    alice = await make_user()
    video = await make_video(alice)
    note = await make_annotation(alice, video, "Anything", 1000)
    for name in ("mine", "mentioning", "bogus", None, ["open"]):
        assert await found(video, filter=name) == {note.id}


async def test_other_videos_threads_are_never_found(either_engine):
    alice = await make_user()
    video, other = await make_video(alice), await make_video(alice)
    await make_annotation(alice, other, "Elsewhere", 1000)
    assert await found(video, "elsewhere") == set()
    assert await search_video_annotations(0, "elsewhere", None, "all") == set()


async def test_each_engine_searches_through_its_own_full_text_index(either_engine):
    if either_engine == "sqlite":
        rows = await Annotation.raw("SELECT name FROM sqlite_master WHERE name = 'annotations_fts'")
    else:
        async with Annotation._meta.db.transaction():  # one connection for both statements
            await Annotation.raw("SET LOCAL enable_seqscan = off")  # a tiny table is scanned anyway
            rows = await Annotation.raw(
                "EXPLAIN SELECT id FROM annotations WHERE to_tsvector('simple', body) @@ "
                "to_tsquery('simple', 'clock:*')")
        rows = [row for row in rows if "annotations_body_search" in row["QUERY PLAN"]]
    assert rows
