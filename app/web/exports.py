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


def webvtt(threads: Iterable[AnnotationView]) -> str:
    """WebVTT with one cue per annotation, voiced by its author, from its moment to the end of
    its stretch (four seconds for a single moment); replies and deleted annotations are left out."""
    cues = ["WEBVTT\n"]
    for view in threads:  # already in (at, id) order, as WebVTT wants cues sorted by start
        if view.deleted:
            continue
        # A blank line would end the cue early; escaping '>' also keeps "-->" out of the text.
        lines = [_escape(line) for line in view.body.splitlines() if line.strip()]
        text = "\n".join(lines)
        end = view.until if view.until is not None else view.at + CUE_MS
        cues.append(f"annotation-{view.id}\n{_timestamp(view.at)} --> {_timestamp(end)}\n"
                    f"<v {_escape(view.username)}>{text}</v>\n")
    return "\n".join(cues)


def _item(view: AnnotationView) -> dict:
    return {"id": view.id, "at": view.at, "until": view.until, "parent_id": view.parent_id,
            "body": view.body, "user": {"id": view.user_id, "username": view.username},
            "inserted_at": view.created_at.isoformat(),
            "edited_at": view.edited_at.isoformat() if view.edited_at else None}


def as_json(threads: Iterable[AnnotationView]) -> list[dict]:
    """Annotations as plain data in playback order, each with its replies in posting order:
    id, at and until (ms; until null for a single moment), parent_id (null, or the annotation a
    reply answers), body (its current text), user {id, username}, inserted_at and edited_at
    (ISO 8601, edited_at null if never edited). A deleted annotation that still has replies
    stays as {"id", "at", "deleted": true, "replies"}, so the replies keep their context."""
    items = []
    for view in threads:
        item = ({"id": view.id, "at": view.at, "until": view.until, "deleted": True}
                if view.deleted else _item(view))
        item["replies"] = [_item(reply) for reply in view.replies]
        items.append(item)
    return items
