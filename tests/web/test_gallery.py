"""The development fragment gallery: every pushed fragment in its states, and absent in production."""

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from litestar.testing import TestClient

from app.live import fragments
from app.live.refusals import VIDEO_GONE
from app.main import create_app
from app.multimedia import AnnotationView
from app.settings import ROOT, Settings
from app.templating import render_partial
from app.web.gallery import (
    LONG_BODY,
    LONG_USERNAME,
    VIDEO_DELETED_STATUS,
    pushed,
    samples,
)


@pytest.fixture
def gallery(client) -> str:
    """The gallery page's HTML, fetched from a development app."""
    response = client.get("/dev/fragments")
    assert response.status_code == 200
    return response.text


def state(html: str, slug: str) -> str:
    """The HTML of one labelled state of the gallery, from its section to the next one."""
    sections = {part.split('"', 2)[1]: part for part in re.split(r'(?=<section id=")', html)[1:]}
    return sections[slug]


def test_the_gallery_shows_annotations_with_a_500_character_body_the_longest_username_and_hours(gallery):
    assert len(LONG_BODY) == 500
    assert f'<span class="body">{LONG_BODY}</span>' in state(gallery, "annotation-long-body")
    assert f'<span class="author">{LONG_USERNAME}</span>' in state(gallery, "annotation-long-username")
    batch = state(gallery, "annotation-batch")
    assert ">0:00</button>" in batch and ">2:05:09</button>" in batch
    assert batch.count('<li id="annotation-') == 4


def test_the_gallery_shows_a_ranged_edited_thread_and_a_deleted_annotation_keeping_its_replies(gallery):
    thread = state(gallery, "annotation-thread")
    assert ">1:35–2:08</button>" in thread and 'data-until="128500"' in thread
    assert thread.count('class="edited"') == 2  # the annotation and one reply
    assert thread.count('<li id="reply-') == 2 and ">2 replies</summary>" in thread
    deleted = state(gallery, "annotation-deleted-thread")
    assert "This annotation was deleted." in deleted and "The whole chase" not in deleted
    assert deleted.count('<li id="reply-') == 2
    assert '<li id="annotation-' not in state(gallery, "annotation-removal")


def test_the_gallery_shows_the_live_error_the_cleared_form_and_the_deleted_notice(gallery):
    assert ('<p class="form-error" role="alert">Keep it under 500 characters (this one has 501).</p>'
            in state(gallery, "error-refused"))
    assert render_partial("watch/_annotate_body.html", value="") in state(gallery, "annotate-cleared")
    deleted = state(gallery, "video-deleted")
    assert f'data-state="closed" role="status">{VIDEO_DELETED_STATUS}</p>' in deleted
    assert f'<p class="form-error" role="alert">{VIDEO_GONE}</p>' in deleted


def test_the_gallery_shows_the_viewers_panel_empty_with_one_guest_and_crowded(gallery):
    assert '<p class="empty">Connecting…</p>' in state(gallery, "viewers-connecting")
    assert '<p class="empty">Nobody is watching.</p>' in state(gallery, "viewers-empty")
    assert '<p class="guests">1 guest</p>' in state(gallery, "viewers-one-guest")
    crowd = state(gallery, "viewers-crowd")
    assert f"<li>{LONG_USERNAME} (2)</li>" in crowd and "<li>ada (3)</li>" in crowd
    assert '<p class="guests">and 137 guests</p>' in crowd


def test_every_state_has_its_own_labelled_section(gallery):
    for sample in samples():
        assert f'<h2 id="{sample.slug}-title">{sample.title}</h2>' in state(gallery, sample.slug)


def test_bodies_are_escaped_and_the_only_scripts_are_the_layouts(gallery):
    assert "&lt;script&gt;alert(&#34;run&#34;)&lt;/script&gt; must show as text" in gallery
    assert all('src="/static/' in tag for tag in re.findall(r"<script[^>]*>", gallery))


def test_no_wrapper_is_left_for_htmx_and_the_html_as_sent_is_shown_escaped(gallery):
    assert "<hx-partial" not in gallery
    assert "&lt;hx-partial hx-target=&#34;#annotations&#34; hx-swap=&#34;beforeend&#34;&gt;" in gallery


def test_the_deleted_notice_is_the_status_the_player_shows():
    player = (ROOT / "static" / "js" / "player.js").read_text()
    assert f'setStatus("closed", "{VIDEO_DELETED_STATUS}")' in player


def test_a_pushed_fragment_is_shown_as_the_page_holds_it_after_the_swap():
    view = AnnotationView(id=7, video_id=1, user_id=1, username="ada", body="Hi", at=0,
                          created_at=datetime.now(UTC))
    sample = pushed("s", "t", "n", "annotations", fragments.annotations([view]))
    assert sample.into("#annotations") == render_partial("watch/_annotations.html", annotations=[view])


def test_a_wrapper_the_gallery_cannot_read_fails_loudly_instead_of_showing_nothing():
    with pytest.raises(ValueError):
        pushed("s", "t", "n", "error", '<hx-partial hx-swap="innerHTML" hx-target="#x">!</hx-partial>')


def test_the_gallery_is_absent_in_production():
    settings = replace(Settings.from_env(), production=True, secret_key="a secret of its own")
    with TestClient(app=create_app(settings), base_url="http://testserver.local") as client:
        assert client.get("/dev/fragments").status_code == 404
        assert client.get("/dev/fragments", headers={"accept": "text/html"}).status_code == 404
