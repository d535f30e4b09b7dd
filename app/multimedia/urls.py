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
    if LOCAL_MEDIA.match(url) and url.lower().endswith(MEDIA_EXTENSIONS) and ".." not in url:
        return PlayerSource("html5", url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(URL_HELP)
    youtube_id = _youtube_id(parts)
    if youtube_id:
        return PlayerSource("youtube", youtube_id)
    if parts.path.lower().endswith(MEDIA_EXTENSIONS):
        return PlayerSource("html5", url)
    raise ValueError(URL_HELP)
