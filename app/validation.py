"""The errors contexts raise: rejected input (a field-to-message map), missing records, refused actions."""


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
