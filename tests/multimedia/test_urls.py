"""parse_video_url: which links become a player, and which are refused with a message."""

import re

import pytest

from app.multimedia import parse_video_url
from tests.multimedia.expected import BAD_URLS, GOOD_URLS


@pytest.mark.parametrize(("url", "source"), GOOD_URLS)
def test_a_supported_link_becomes_a_player_source(url, source):
    assert parse_video_url(url) == source


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_an_unsupported_or_dangerous_link_is_refused_with_a_message(url, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_video_url(url)


def test_surrounding_whitespace_is_ignored():
    assert parse_video_url("  https://youtu.be/dQw4w9WgXcQ \n").src == "dQw4w9WgXcQ"


def test_a_link_with_half_a_character_is_refused():
    # A lone surrogate cannot arrive through a form (its bytes decode to U+FFFD), only from code.
    with pytest.raises(ValueError, match="invisible or broken characters"):
        parse_video_url("https://example.com/a\ud800.mp4")
