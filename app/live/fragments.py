"""The HTML fragments pushed over the socket, each rendered once from its template partial."""

from collections.abc import Iterable

from app.live.wire import partial
from app.multimedia import AnnotationView
from app.templating import render_partial


def annotations(views: Iterable[AnnotationView]) -> str:
    """Annotations appended to the list (the player shim keeps it sorted and timed)."""
    # One template call for the whole batch: a replay frame holds up to 200 annotations.
    return partial("#annotations", "beforeend",
                    render_partial("watch/_annotations.html", annotations=views))


def removals(annotation_ids: Iterable[int]) -> str:
    """Annotations taken off the list: deleted live, or deleted while the viewer was away."""
    return "".join(partial(f"#annotation-{int(annotation_id)}", "delete")
                   for annotation_id in annotation_ids)


def live_error(message: str) -> str:
    """An explanation shown to one viewer in the error slot next to the annotate form."""
    return partial("#live-error", "innerHTML", render_partial("watch/_live_error.html",
                                                               message=message))


def no_error() -> str:
    """An emptied error slot, for a viewer whose last action worked."""
    return partial("#live-error", "innerHTML")


def posted() -> str:
    """What the author sees once their annotation is stored: a cleared form and no error."""
    return no_error() + partial(
        "#annotation-body", "outerHTML", render_partial("watch/_annotate_body.html", value=""))
