"""Mentions: the existing users an annotation's body names as @username, stored with it.

A body's mentions are kept in its row as " id:username id:username " (the username as its owner
spells it), written in the transaction that posts or edits the body: a replay renders the links
without looking anyone up, and SQL finds user 3's mentions with `mentions LIKE '% 3:%'`.
"""

import re

from app import accounts
from app.multimedia.threads import AnnotationView

# An @ and a username, not inside a word, an address ("a@b.c") or a path ("/@name"); a longer
# run of name characters is no one's username.
MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_]{3,20})(?![\w@])")


def mentioned_names(body: str) -> list[str]:
    """The usernames the body names with @, as written, each once whatever its case, in order."""
    seen: set[str] = set()
    names = []
    for name in MENTION.findall(body):
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


async def find_mentions(body: str) -> str:
    """The mentions column for a body: " id:username " for each existing user it names, in the
    order it first names them, or "" when it names no one (then nothing is looked up)."""
    names = mentioned_names(body) if "@" in body else []
    if not names:
        return ""
    users = await accounts.find_users_by_usernames(names)
    found = [users[name.lower()] for name in names if name.lower() in users]
    return "".join(f" {user.id}:{user.username}" for user in found) + " " if found else ""


def parse_mentions(mentions: str) -> list[tuple[int, str]]:
    """The (user id, username) pairs a " id:username id:username " list holds (a mentions
    column, or a notification's actors), in order; anything malformed is skipped."""
    pairs = []
    for item in mentions.split():
        user_id, _, username = item.partition(":")
        if user_id.isdecimal() and len(user_id) < 19 and username:
            pairs.append((int(user_id), username))
    return pairs


def mentioned_user_ids(view: AnnotationView) -> list[int]:
    """The ids of the users a stored annotation or reply mentions, in the order it names them
    (a deleted one keeps the mentions of its last text)."""
    return [user_id for user_id, _ in parse_mentions(view.mentions)]
