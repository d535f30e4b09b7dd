"""The one error type for rejected input: a map from field name to message."""


class ValidationError(Exception):
    """Input that a context refused, with one message per offending field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class NotFoundError(LookupError):
    """A record that does not exist, or that the caller may not see."""
