"""Templates reload on change in development only (a stat per render is waste in production), and
the filters they use: timecodes, link moments, mentions."""

from dataclasses import replace

from app.main import create_app
from app.settings import Settings
from app.templating import TEMPLATE_CONFIG, mention_ids, seconds, timecode, with_mentions


def test_templates_reload_in_development_and_not_in_production(monkeypatch):
    engine = TEMPLATE_CONFIG.engine_instance.engine
    monkeypatch.setattr(engine, "auto_reload", engine.auto_reload)  # as it was, after the test
    create_app(replace(Settings.from_env(), production=True, secret_key="a real secret"))
    assert TEMPLATE_CONFIG.engine_instance.engine.auto_reload is False
    create_app(Settings.from_env())
    assert TEMPLATE_CONFIG.engine_instance.engine.auto_reload is True


def test_timecodes_read_as_minutes_then_hours():
    assert [timecode(ms) for ms in (0, 59_999, 61_000, 3_600_000, 3_725_000)] == [
        "0:00", "0:59", "1:01", "1:00:00", "1:02:05"]


def test_a_links_moment_is_in_seconds_with_at_most_three_decimals():
    assert [seconds(ms) for ms in (0, 30_000, 42_250, 1_005, 7)] == [
        "0", "30", "42.25", "1.005", "0.007"]


def test_a_body_links_the_users_it_mentions_and_escapes_everything_else():
    html = with_mentions("<b>@ALICE</b> & @bob, not @carol or a@alice.com", " 3:alice 17:bob ")
    assert html == ('&lt;b&gt;<a class="mention" href="/users/alice">@ALICE</a>&lt;/b&gt; &amp; '
                    '<a class="mention" href="/users/bob">@bob</a>, not @carol or a@alice.com')


def test_a_body_without_mentions_is_only_escaped():
    assert with_mentions("<i>@alice</i>", "") == "&lt;i&gt;@alice&lt;/i&gt;"


def test_the_pages_mention_ids_have_a_space_around_each():
    assert mention_ids(" 3:alice 17:bob ") == " 3 17 "
