"""Filter and find on the watch page: the page itself without htmx, the matches fragment with it."""

import re
from html import unescape
from urllib.parse import quote

import pytest

from app import multimedia
from tests.conftest import sign_in
from tests.factories import make_annotation, make_user, make_video

HTMX = {"HX-Request": "true"}


def threads_on(html: str) -> dict[int, bool]:
    """Every thread in the page's list, and whether it is shown (not marked data-unmatched)."""
    return {int(id_): " data-unmatched" not in attributes for id_, attributes in
            re.findall(r'<li id="annotation-(\d+)"([^>]*)>', html)}


def shown(html: str) -> set[int]:
    return {id_ for id_, visible in threads_on(html).items() if visible}


def matching_ids(fragment: str) -> set[int]:
    """The ids the matches fragment lists for the player shim."""
    match = re.search(r'id="annotation-matches"[^>]* data-ids="([^"]*)"', fragment)
    return {int(id_) for id_ in match.group(1).split()} if match else set()


def choices(html: str) -> list[str]:
    """The filter links' labels, in order."""
    nav = re.search(r'<nav class="filter-choices".*?</nav>', html, re.S).group(0)
    return re.findall(r">([^<>]+)</a>", nav)


@pytest.fixture
def scene(run):
    """A video with three threads: one about a clock, one with a reply about a bridge, one other."""
    alice, bob = run(make_user), run(make_user)
    video = run(make_video, alice)
    clock = run(make_annotation, alice, video, "The clock tower", 1000)
    bridge = run(make_annotation, alice, video, "A river", 2000)
    run(multimedia.reply_to_annotation, bob, bridge.id, "and a café bridge")
    other = run(make_annotation, bob, video, "Nothing here", 3000)
    return {"video": video, "url": f"/watch/{video.id}-{video.slug}", "alice": alice, "bob": bob,
            "clock": clock.id, "bridge": bridge.id, "other": other.id}


def test_the_page_without_a_filter_shows_every_thread_and_offers_all_open_and_resolved(client, scene):
    page = client.get(scene["url"]).text
    assert shown(page) == {scene["clock"], scene["bridge"], scene["other"]}
    assert choices(page) == ["All", "Open", "Resolved"]  # Mine and Mentioning me need a viewer
    assert 'data-active' not in page
    assert re.search(rf'<form id="annotation-filter"[^>]* method="get" action="{scene["url"]}"', page)


def test_a_search_without_htmx_renders_every_thread_and_marks_those_that_do_not_match(client, scene):
    page = client.get(f"{scene['url']}?q=clock").text
    assert set(threads_on(page)) == {scene["clock"], scene["bridge"], scene["other"]}  # for the socket
    assert shown(page) == {scene["clock"]}
    assert 'value="clock"' in page
    assert "1 thread matches “clock”." in unescape(page)


def test_a_reply_that_matches_brings_its_thread_and_non_ascii_words_are_found(client, scene):
    assert shown(client.get(f"{scene['url']}?q={quote('Café')}").text) == {scene["bridge"]}


def test_a_search_by_author_finds_what_they_wrote(client, scene):
    page = client.get(f"{scene['url']}?q={scene['bob'].username}").text
    assert shown(page) == {scene["bridge"], scene["other"]}


def test_open_and_resolved_filter_by_the_thread_and_combine_with_a_search(client, run, scene):
    run(multimedia.resolve_annotation, scene["alice"], scene["clock"], True)
    assert shown(client.get(f"{scene['url']}?filter=open").text) == {scene["bridge"], scene["other"]}
    assert shown(client.get(f"{scene['url']}?filter=resolved").text) == {scene["clock"]}
    assert shown(client.get(f"{scene['url']}?filter=open&q=clock").text) == set()
    assert "No annotations match “clock”." in unescape(client.get(f"{scene['url']}?filter=open&q=clock").text)


def test_a_signed_in_viewer_gets_mine_and_mentioning_me(client, scene):
    sign_in(client, scene["bob"].username)
    page = client.get(f"{scene['url']}?filter=mine").text
    assert choices(page) == ["All", "Open", "Resolved", "Mine", "Mentioning me"]
    assert shown(page) == {scene["bridge"], scene["other"]}  # a reply of theirs brings its thread
    assert re.search(r'aria-current="true">Mine</a>', page)


def test_mentioning_me_shows_the_threads_that_mention_the_viewer(client, run, scene):
    carol = run(make_user)
    mention = run(make_annotation, scene["alice"], scene["video"], f"Over to you @{carol.username}", 4000)
    sign_in(client, carol.username)
    assert shown(client.get(f"{scene['url']}?filter=mentioning").text) == {mention.id}


@pytest.mark.parametrize("name", ["mine", "mentioning", "bogus", ""])
def test_mine_or_mentioning_me_for_a_visitor_and_unknown_filters_show_everything(client, scene, name):
    page = client.get(f"{scene['url']}?filter={name}").text
    assert shown(page) == {scene["clock"], scene["bridge"], scene["other"]}
    assert "data-unmatched" not in page


def test_the_filter_links_keep_the_search_and_the_search_keeps_the_filter(client, scene):
    page = client.get(f"{scene['url']}?filter=open&q=a+b").text
    assert f'href="{scene["url"]}?filter=resolved&amp;q=a+b"' in page
    assert f'href="{scene["url"]}?q=a+b"' in page  # All
    assert '<input type="hidden" name="filter" value="open">' in page


def test_htmx_gets_only_the_matches_fragment_and_the_address_bar_follows(client, scene):
    response = client.get(f"/watch/{scene['video'].id}/matches?q=bridge&filter=open", headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="annotation-matches"')
    assert "<html" not in response.text and "<li" not in response.text
    assert matching_ids(response.text) == {scene["bridge"]}
    assert response.headers["HX-Replace-Url"] == f"{scene['url']}?filter=open&q=bridge"
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_with_nothing_asked_gets_an_inactive_fragment_and_the_plain_page_url(client, scene):
    response = client.get(f"/watch/{scene['video'].id}/matches?filter=all&q=", headers=HTMX)
    assert "data-active" not in response.text and matching_ids(response.text) == set()
    assert response.headers["HX-Replace-Url"] == scene["url"]


def test_the_matches_address_without_htmx_redirects_to_the_page(client, scene):
    response = client.get(f"/watch/{scene['video'].id}/matches?q=clock", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"{scene['url']}?q=clock"


def test_matches_of_an_unknown_video_are_not_found(client):
    assert client.get("/watch/999999999/matches?q=x", headers=HTMX).status_code == 404


@pytest.mark.parametrize("query", ['"', "NEAR(a b)", "-clock", "body:clock", "*", "'", "%_",
                                   "🎉", "日本語", "x" * 5000])
def test_query_syntax_in_the_box_never_fails_the_page_or_the_fragment(client, scene, query):
    assert client.get(f"{scene['url']}?q={quote(query)}").status_code == 200
    response = client.get(f"/watch/{scene['video'].id}/matches?q={quote(query)}", headers=HTMX)
    assert response.status_code == 200
    assert matching_ids(response.text) <= {scene["clock"], scene["bridge"], scene["other"]}


def test_a_search_is_escaped_where_the_page_shows_it(client, scene):
    page = client.get(f"{scene['url']}?q={quote('<b>x</b>')}").text
    assert "<b>x</b>" not in page
    assert 'value="&lt;b&gt;x&lt;/b&gt;"' in page
