"""Browsing videos on the home page, and the watch page."""

import re
import secrets

import pytest

from app import multimedia
from tests.conftest import post_form
from tests.factories import make_annotation, make_user, make_video


def titles_on(html: str) -> list[str]:
    """The video titles a listing page shows, top to bottom."""
    return re.findall(r'<a href="/watch/[^"]+"><h2>(.*?)</h2></a>', html)


def tag() -> str:
    """A marker that makes this test's titles unique."""
    return secrets.token_hex(3)


def test_home_lists_videos_newest_first_with_owner_and_category(client, run, categories):
    owner, mark = run(make_user), tag()
    run(make_video, owner, title=f"Older {mark}")
    run(make_video, owner, title=f"Newer {mark}", category_id=str(categories["Comedy"]))
    page = client.get("/").text
    assert titles_on(page)[:2] == [f"Newer {mark}", f"Older {mark}"]
    assert f"by {owner.username} · Comedy" in page


def test_home_shows_twelve_videos_a_page_and_the_next_ones_on_page_two(client, run):
    owner, mark = run(make_user), tag()
    for number in range(13):
        run(make_video, owner, title=f"Clip {number} {mark}")
    first, second = client.get("/").text, client.get("/?page=2").text
    assert titles_on(first) == [f"Clip {number} {mark}" for number in range(12, 0, -1)]
    assert titles_on(second)[0] == f"Clip 0 {mark}"
    assert 'href="/?page=2"' in first
    assert 'href="/?page=1"' in second


def test_home_filters_by_category_and_keeps_the_filter_across_pages(client, run, categories):
    owner, mark = run(make_user), tag()
    run(make_video, owner, title=f"Sci-fi pick {mark}", category_id=str(categories["Sci-fi"]))
    run(make_video, owner, title=f"Drama pick {mark}", category_id=str(categories["Drama"]))
    page = client.get(f"/?category={categories['Sci-fi']}").text
    assert f"Sci-fi pick {mark}" in titles_on(page)
    assert f"Drama pick {mark}" not in titles_on(page)
    assert f'<option value="{categories["Sci-fi"]}" selected>Sci-fi</option>' in page
    for number in range(12):
        run(make_video, owner, title=f"More sci-fi {number}", category_id=str(categories["Sci-fi"]))
    assert f'href="/?page=2&amp;category={categories["Sci-fi"]}"' in client.get(
        f"/?category={categories['Sci-fi']}").text


@pytest.mark.parametrize("query", ["?category=", "?category=all", "?category=" + "9" * 30,
                                   "?page=" + "9" * 30])
def test_home_treats_an_empty_or_nonsense_filter_as_all_videos(client, run, query):
    run(make_video, run(make_user), title=f"Anything {tag()}")
    assert client.get("/" + query).status_code == 200


def test_home_has_no_page_zero(client):
    assert client.get("/?page=0").status_code == 400


def test_the_watch_page_shows_the_title_owner_and_a_youtube_player(client, run):
    owner = run(make_user)
    video = run(make_video, owner, title="Rick rolled", url="https://youtu.be/dQw4w9WgXcQ")
    response = client.get(f"/watch/{video.id}-rick-rolled")
    assert response.status_code == 200
    assert "<h1>Rick rolled</h1>" in response.text
    assert f'by <a href="/users/{owner.username}"><strong>{owner.username}</strong></a>' in response.text
    assert 'data-player="youtube" data-youtube-id="dQw4w9WgXcQ"' in response.text
    assert "<video" not in response.text


def test_the_watch_page_plays_a_media_link_in_a_video_element(client, run):
    video = run(make_video, run(make_user), title="Clock", url="/media/demo-clock.webm")
    page = client.get(f"/watch/{video.id}-clock").text
    assert re.search(r'<video id="player" data-player="html5" src="/media/demo-clock.webm"', page)
    assert 'data-player="youtube"' not in page


def test_the_watch_page_has_empty_viewer_and_annotation_panels_for_a_new_video(client, run):
    video = run(make_video, run(make_user), title="Fresh")
    page = client.get(f"/watch/{video.id}-fresh").text
    assert 'id="user-list"' in page
    assert re.search(r'<ol id="annotations"[^>]*></ol>', page)


def test_the_watch_page_lists_existing_annotations_in_moment_order(client, run):
    owner = run(make_user)
    video = run(make_video, owner, title="Talked about")
    run(make_annotation, owner, video, "second", at=2000)
    run(make_annotation, owner, video, "first", at=1000)
    page = client.get(f"/watch/{video.id}-talked-about").text
    assert re.findall(r'<span class="body">(.*?)</span>', page) == ["first", "second"]


def test_a_link_by_id_alone_redirects_permanently_to_the_canonical_address(client, run):
    video = run(make_video, run(make_user), title="Canonical Title")
    response = client.get(f"/watch/{video.id}", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (301, f"/watch/{video.id}-canonical-title")


def test_a_stale_slug_redirects_permanently_to_the_current_one(client, run):
    owner = run(make_user)
    video = run(make_video, owner, title="First name")
    run(multimedia.update_video, owner, video.id, {"title": "Second name", "url": video.url})
    response = client.get(f"/watch/{video.id}-first-name", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (301, f"/watch/{video.id}-second-name")


def test_a_redirect_keeps_the_moment_the_filter_and_the_search_and_drops_the_rest(client, run):
    video = run(make_video, run(make_user), title="Kept")
    response = client.get(f"/watch/{video.id}?t=12.5&filter=open&q=caf%C3%A9+bar&utm=x",
                          follow_redirects=False)
    assert response.headers["location"] == f"/watch/{video.id}-kept?t=12.5&filter=open&q=caf%C3%A9+bar"
    response = client.get(f"/watch/{video.id}-old?filter=mine&t=soon", follow_redirects=False)
    assert response.headers["location"] == f"/watch/{video.id}-kept"  # Mine needs a viewer


@pytest.mark.parametrize("path", ["/watch/999999999", "/watch/999999999-gone", "/watch/not-a-video",
                                  "/watch/" + "9" * 30, "/watch/²-x"])
def test_an_unknown_video_is_not_found(client, path):
    assert client.get(path, follow_redirects=False).status_code == 404


def test_an_unknown_video_gets_a_friendly_page_in_a_browser(client):
    response = client.get("/watch/999999999-gone", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "No such video." in response.text
    assert "Back to all videos" in response.text


def test_html_in_titles_and_annotation_bodies_is_shown_as_text(client, run):
    owner = run(make_user)
    video = run(make_video, owner, title="<script>alert('t')</script>",
                description="<img src=x onerror=alert('d')>")
    run(make_annotation, owner, video, "<b onmouseover=alert('a')>hover</b>")
    home = client.get("/").text
    watch = client.get(f"/watch/{video.id}-{video.slug}").text
    for page in (home, watch):
        assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in page
        assert "<script>alert(" not in page
    assert "&lt;b onmouseover=alert(&#39;a&#39;)&gt;hover&lt;/b&gt;" in watch
    assert "&lt;img src=x onerror=alert(&#39;d&#39;)&gt;" in watch
    assert "<b onmouseover" not in watch and "<img src=x" not in watch


def test_html_in_a_username_is_refused_and_echoed_back_as_text(client):
    form = {"name": "X", "username": "<b>x</b>", "password": "long enough"}
    response = post_form(client, "/register", form)
    assert response.status_code == 422
    assert 'value="&lt;b&gt;x&lt;/b&gt;"' in response.text
    assert "<b>x</b>" not in response.text


def test_every_annotation_carries_a_hidden_delete_form_and_its_authors_id(client, run):
    owner, author = run(make_user), run(make_user)
    video = run(make_video, owner, title="Deletable")
    annotation = run(make_annotation, author, video, "Mine to delete")
    page = client.get(f"/watch/{video.id}-deletable").text
    item = re.search(rf'<li id="annotation-{annotation.id}"[^>]*>.*?</li>', page, re.S).group(0)
    assert f'data-user-id="{author.id}"' in item
    # Hidden for everyone here; the player shim shows it to the author and the owner.
    form = re.search(r"<form ([^>]*)>(.*?)</form>", item, re.S)
    assert form.group(1) == 'class="delete" hx-ws:send data-delete hidden'
    assert '<input type="hidden" name="event" value="delete_annotation">' in form.group(2)
    assert f'<input type="hidden" name="id" value="{annotation.id}">' in form.group(2)


def test_the_live_panel_names_the_videos_owner_and_the_signed_in_viewer(client, run, user):
    owner = run(make_user)
    video = run(make_video, owner, title="Someone else's")
    page = client.get(f"/watch/{video.id}-{video.slug}").text
    assert f'data-owner-id="{owner.id}" data-viewer-id="{user.id}"' in page


def test_a_visitors_live_panel_names_no_viewer(client, run):
    video = run(make_video, run(make_user), title="Open to all")
    page = client.get(f"/watch/{video.id}-open-to-all").text
    assert "data-owner-id=" in page and "data-viewer-id" not in page


def test_the_socket_address_and_the_page_carry_the_cursor_its_list_was_read_at(client, run, user):
    video = run(make_video, user, title="Cursor")
    posted = run(make_annotation, user, video)
    run(multimedia.edit_annotation, user, posted.id, "Edited")
    page = client.get(f"/watch/{video.id}-cursor").text
    connect = re.search(r'hx-ws:connect="/live/videos/(\d+)\?cursor=(\d+)&amp;token=[^"]+"', page)
    assert (int(connect.group(1)), int(connect.group(2))) == (video.id, 2)
    assert '<span id="live-cursor" data-seq="2" hidden></span>' in page
    assert "Edited" in page