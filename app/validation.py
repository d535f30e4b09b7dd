"""The errors contexts raise (rejected input as a field-to-message map, missing records, refused
actions), and the check every text a context stores passes first."""

# The refusal for text a database column cannot hold (see storable).
UNSTORABLE = "Remove the invisible or broken characters from this text."


def storable(text: str) -> bool:
    """Tell whether both databases can store the text: no NUL (PostgreSQL refuses it in text)
    and no lone surrogate (a JSON escape like "\\ud800" makes one; it is not UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


class ValidationError(Exception):
    """Input that a context refused, with one message per offending field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class NotFoundError(LookupError):
    """A record that does not exist, or that the caller may not see."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key}")
        self.kind = kind

    @property
    def public_message(self) -> str:
        """What a person may be told: which kind of thing is missing, never why."""
        return f"No such {self.kind}."


class NotAllowedError(PermissionError):
    """An action on a record the caller can see but may not change."""


class MayNotComment(NotAllowedError):
    """Commenting (posting, replying, reacting, editing) on a video one may only watch."""

    public_message = "You can watch this video, but not comment on it."


class Blocked(MayNotComment):
    """Commenting on a video whose owner (or one of its moderators) blocked the person."""

    public_message = "The owner of this video has blocked you from commenting on their videos."
