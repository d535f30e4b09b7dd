"""Turning a video URL into something a player can play, or a clear refusal."""

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com",
                 "www.youtube-nocookie.com", "music.youtube.com"}
MEDIA_EXTENSIONS = (".mp4", ".webm", ".ogv")
LOCAL_MEDIA = re.compile(r"^/media/[A-Za-z0-9_][A-Za-z0-9_.-]*$")
URL_HELP = "Use a YouTube link, or a link to an .mp4, .webm or .ogv file."
MAX_URL = 2048  # the length of the videos.url column
URL_TOO_LONG = f"Use a link of at most {MAX_URL:,} characters."
URL_UNPRINTABLE = "That link has invisible or broken characters in it; paste it again."


@dataclass(frozen=True)
class PlayerSource:
    """What the watch page's player needs: a YouTube id or a media file URL."""

    kind: Literal["youtube", "html5"]
    src: str


def _youtube_id(parts) -> str | None:
    host = parts.netloc.lower()
    path = parts.path
    if host == "youtu.be":
        candidate = path.strip("/").split("/")[0]
    elif host in YOUTUBE_HOSTS and path == "/watch":
        candidate = parse_qs(parts.query).get("v", [""])[0]
    elif host in YOUTUBE_HOSTS and path.startswith(("/embed/", "/shorts/", "/live/")):
        candidate = path.split("/")[2] if path.count("/") >= 2 else ""
    else:
        return None
    if not YOUTUBE_ID.match(candidate):
        raise ValueError("That YouTube link has no video id.")
    return candidate


def parse_video_url(url: str) -> PlayerSource:
    """Return the player source for a URL, or raise ValueError with a message for the form."""
    url = url.strip()
    if len(url) > MAX_URL:
        raise ValueError(URL_TOO_LONG)
    if not url.isprintable():  # NUL, control characters, lone surrogates
        raise ValueError(URL_UNPRINTABLE)
    if LOCAL_MEDIA.match(url) and url.lower().endswith(MEDIA_EXTENSIONS) and ".." not in url:
        return PlayerSource("html5", url)
    try:
        parts = urlsplit(url)
        # .port raises ValueError for a port that is not a number from 0 to 65535.
        usable = parts.scheme in ("http", "https") and parts.netloc and parts.port != 0
    except ValueError:  # and urlsplit for a malformed IPv6 host such as "https://["
        usable = False
    if not usable:
        raise ValueError(URL_HELP)
    youtube_id = _youtube_id(parts)
    if youtube_id:
        return PlayerSource("youtube", youtube_id)
    if parts.path.lower().endswith(MEDIA_EXTENSIONS):
        return PlayerSource("html5", url)
    raise ValueError(URL_HELP)
