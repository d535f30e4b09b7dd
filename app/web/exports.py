"""A video's annotations for other players and tools: WebVTT captions and JSON."""

from collections.abc import Iterable

from app.multimedia import AnnotationView

CUE_MS = 4000  # how long each annotation stays on screen as a caption


def _timestamp(millis: int) -> str:
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02}:{minutes:02}:{seconds:02}.{millis:03}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(views: Iterable[AnnotationView]) -> str:
    """WebVTT with one cue per annotation, from its moment for four seconds, voiced by its author."""
    cues = ["WEBVTT\n"]
    for view in views:  # already in (at, id) order, as WebVTT wants cues sorted by start
        # A blank line would end the cue early; escaping '>' also keeps "-->" out of the text.
        lines = [_escape(line) for line in view.body.splitlines() if line.strip()]
        text = "\n".join(lines)
        cues.append(f"annotation-{view.id}\n{_timestamp(view.at)} --> {_timestamp(view.at + CUE_MS)}\n"
                    f"<v {_escape(view.username)}>{text}</v>\n")
    return "\n".join(cues)


def as_json(views: Iterable[AnnotationView]) -> list[dict]:
    """Annotations as plain data: id, at (ms), body, user {id, username}, inserted_at (ISO 8601)."""
    return [{"id": view.id, "at": view.at, "body": view.body,
             "user": {"id": view.user_id, "username": view.username},
             "inserted_at": view.created_at.isoformat()} for view in views]
