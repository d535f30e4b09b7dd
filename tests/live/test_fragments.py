"""The fragments for changes: what a page that holds every change up to a cursor is sent for each
item changed after it, so that it ends with each item once, in its current state."""

import re
from dataclasses import replace
from datetime import UTC, datetime

from app.live import fragments
from app.multimedia import AnnotationView, ChangePage

NOW = datetime(2026, 12, 2, tzinfo=UTC)
COUNT = "#annotation-3 > .thread > summary innerHTML"  # thread 3's reply count


def item(id_: int, seq: int, created_seq: int, **fields) -> AnnotationView:
    """A view as a change page reads it."""
    return AnnotationView(id_, 1, 7, "alice", fields.pop("body", f"text {id_}"),
                          fields.pop("at", 0), NOW, seq=seq, created_seq=created_seq, **fields)


def swaps(html: str) -> list[str]:
    """The partials' targets and swaps, in order, leaving out the cursor."""
    return [f"{target} {how}" for target, how in
            re.findall(r'<hx-partial hx-target="([^"]+)" hx-swap="([^"]+)">', html)
            if target != "#live-cursor"]


def test_new_items_are_appended_in_playback_order_and_held_ones_replaced_in_place():
    page = ChangePage([item(3, 4, 1, body="edited"), item(5, 5, 5, at=900), item(6, 6, 6, at=100)], 6)
    html = fragments.changes(page, after=3)
    assert swaps(html) == ["#annotations beforeend", "#annotation-3 outerMorph"]
    assert html.index('id="annotation-6"') < html.index('id="annotation-5"')  # by time
    assert html.endswith(fragments.cursor(6))


def test_an_item_posted_and_deleted_while_away_is_never_sent_and_a_held_one_is_removed():
    page = ChangePage([item(3, 5, 1, deleted=True), item(4, 6, 4, deleted=True)], 6)
    assert swaps(fragments.changes(page, after=3)) == ["#annotation-3 delete"]


def test_a_deleted_annotation_with_replies_stays_as_a_thread():
    reply = item(9, 2, 2, parent_id=3)
    page = ChangePage([item(3, 5, 1, deleted=True, reply_count=1, replies=(reply,))], 5)
    html = fragments.changes(page, after=4)
    assert swaps(html) == ["#annotation-3 outerMorph"]
    assert "This annotation was deleted." in html and 'id="reply-9"' in html and "text 3" not in html


def test_a_reply_whose_thread_changes_after_the_cursor_is_left_to_the_thread():
    reply = item(9, 7, 7, parent_id=3, thread_seq=8, reply_count=1)
    thread = item(3, 8, 1, reply_count=1, replies=(replace(reply, thread_seq=0),))
    html = fragments.changes(ChangePage([reply, thread], 8), after=6)
    assert swaps(html) == ["#annotation-3 outerMorph"]
    assert html.count('id="reply-9"') == 1


def test_replies_to_a_held_thread_are_appended_replaced_or_removed_with_the_count():
    new = item(9, 7, 7, parent_id=3, thread_seq=2, reply_count=2)
    edited = item(8, 8, 5, parent_id=3, thread_seq=2, reply_count=2, edited_at=NOW)
    gone = item(7, 9, 4, parent_id=3, thread_seq=2, reply_count=2, deleted=True)
    html = fragments.changes(ChangePage([new, edited, gone], 9), after=6)
    assert swaps(html) == ["#annotation-3 > .thread > .replies beforeend", COUNT,
                           "#reply-8 outerMorph", COUNT,
                           "#reply-7 delete", COUNT]
    assert "2 replies" in html and 'data-edited="2026-12-02T00:00:00+00:00"' in html


def test_the_last_reply_of_a_deleted_annotation_takes_the_thread_with_it_live():
    last = item(9, 7, 5, parent_id=3, reply_count=0, deleted=True, thread_deleted=True)
    assert swaps(fragments.change(last)) == ["#annotation-3 delete"]


def test_each_live_change_ends_with_its_number():
    posted = item(3, 4, 4, until=9000, at=1000)
    html = fragments.change(posted)
    assert swaps(html) == ["#annotations beforeend"] and html.endswith(fragments.cursor(4))
    assert 'data-at="1000" data-until="9000"' in html and "0:01–0:09" in html


def test_an_edit_closes_the_form_in_the_slot_of_the_item_edited():
    assert swaps(fragments.edited(item(3, 4, 1))) == ["#live-error innerHTML",
                                                      "#annotation-3 > .note > .edit-slot innerHTML"]
    assert swaps(fragments.edited(item(9, 5, 2, parent_id=3))) == ["#live-error innerHTML",
                                                                   "#reply-9 > .edit-slot innerHTML"]
