"""Test data built through the contexts' own functions."""

import itertools
import secrets

from app import accounts, multimedia

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def unique_username(prefix: str = "user") -> str:
    """A username no other test uses."""
    return f"{prefix[:8]}_{next(_counter)}_{secrets.token_hex(2)}"


async def make_user(username: str | None = None, password: str = PASSWORD, name: str = "Test User"):
    """Register a user."""
    return await accounts.register_user(name, username or unique_username(), password)


async def make_video(user, title: str = "A test video",
                     url: str = "https://www.youtube.com/watch?v=dQw4w9WgXcQ", **attrs):
    """Create a video owned by the user."""
    return await multimedia.create_video(user, {"title": title, "url": url, **attrs})


async def make_annotation(user, video, body: str = "Nice moment", at: int = 1000):
    """Post an annotation through the context."""
    return await multimedia.annotate_video(user, video.id, body=body, at=at)
