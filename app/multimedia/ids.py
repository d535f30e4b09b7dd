"""Telling ids that could exist from ones that cannot, before they reach the database."""

import re

# The largest value an integer id column holds; both databases raise, rather than match nothing, above it.
MAX_ID = 2**31 - 1


def is_id(value: int) -> bool:
    """Tell whether an integer could be a row's id."""
    return 0 < value <= MAX_ID


def parse_id(text: str) -> int | None:
    """The id a form field or query string names, or None when it could not be one."""
    text = text.strip()
    if re.fullmatch(r"[0-9]{1,10}", text) is None or not is_id(int(text)):
        return None
    return int(text)
