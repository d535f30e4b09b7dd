"""The signed cookie in which a browser holds the share links it opened: a list of [link id,
guest id] pairs (guest id 0 when it is no guest of that link), newest last.

It proves only that this browser opened the link (and became that guest); whether the link
still works is asked of the database every time (multimedia.access). Read by the web layer
and by the socket's handshake, which the browser sends it with.
"""

from itsdangerous import BadSignature, URLSafeSerializer

LINKS_COOKIE = "videologue_links"
_SALT = "videologue share links"
MAX_HELD = 20  # links a browser keeps; opening one more forgets the oldest


def held_links(secret_key: str, cookie: str | None) -> dict[int, int]:
    """The links a cookie value holds, each with its guest id (0: none); none when it is
    missing, forged or malformed."""
    if not cookie:
        return {}
    try:
        pairs = URLSafeSerializer(secret_key, salt=_SALT).loads(cookie)
        return {int(link): int(guest) for link, guest in pairs[-MAX_HELD:]}
    except (BadSignature, ValueError, TypeError):
        return {}


def links_cookie_value(secret_key: str, held: dict[int, int]) -> str:
    """The signed cookie value for these links (the newest last), as held_links reads it."""
    pairs = [[link, guest] for link, guest in held.items()][-MAX_HELD:]
    return URLSafeSerializer(secret_key, salt=_SALT).dumps(pairs)
