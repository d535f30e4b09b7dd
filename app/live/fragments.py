"""The HTML fragments pushed over the socket, each rendered once from its template partial.

Every change's fragment ends with the page's cursor (`#live-cursor`): the change number it is
now current to, which the page sends back when it reconnects.
"""

from collections.abc import Iterable

from app.live.wire import partial
from app.multimedia import AnnotationView, ChangePage, ReactionChange
from app.templating import render_partial


def by_time(view: AnnotationView) -> tuple[int, int]:
    """Sort key putting annotations in playback order, ties by id."""
    return view.at, view.id


def cursor(seq: int) -> str:
    """The page's cursor, replaced: every change it holds is numbered `seq` or lower."""
    return partial("#live-cursor", "outerHTML",
                   f'<span id="live-cursor" data-seq="{int(seq)}" hidden></span>')


def annotations(threads: Iterable[AnnotationView]) -> str:
    """Threads appended to the list (the player shim keeps it sorted and timed)."""
    # One template call for the whole batch: a replay frame holds up to 200 annotations.
    return partial("#annotations", "beforeend",
                   render_partial("watch/_annotations.html", annotations=threads))


def _thread(thread: AnnotationView) -> str:
    """A thread the page holds, brought to its current state in place (a morph keeps what the
    viewer is doing inside it: an open reply form, a collapsed or expanded thread)."""
    if thread.deleted and not thread.reply_count:
        return partial(f"#annotation-{thread.id}", "delete")
    return partial(f"#annotation-{thread.id}", "outerMorph",
                   render_partial("watch/_annotations.html", annotations=[thread]))


def in_thread(thread_id: int, part: str) -> str:
    """The selector of a part of a thread's element: its count, its replies, its reply slot.

    Addressed from the thread's id rather than given ids of their own: a replay renders 200
    threads per frame, and every id written out is one more value to escape.
    """
    return f"#annotation-{int(thread_id)} > {part}"


def edit_slot(item: AnnotationView) -> str:
    """The selector of the slot an annotation's or a reply's edit form opens in."""
    if item.parent_id is None:
        return in_thread(item.id, ".note > .edit-slot")
    return f"#reply-{int(item.id)} > .edit-slot"


def reactions(change: ReactionChange) -> str:
    """An item's reaction counts after a toggle, replaced in place (without the page's cursor:
    the coalescer adds it once it has merged a burst)."""
    slot = (in_thread(change.id, ".note > .reactions") if change.parent_id is None
            else f"#reply-{int(change.id)} > .reactions")
    return partial(slot, "innerHTML", render_partial("watch/_reactions.html", reactions=change.reactions))


def _reply_count(reply: AnnotationView) -> str:
    count = reply.reply_count
    text = f"{count} repl{'y' if count == 1 else 'ies'}"
    return partial(in_thread(reply.parent_id, ".thread > summary"), "innerHTML", text)


def _reply(reply: AnnotationView, held: bool) -> str:
    """A reply added, replaced or removed, and its thread's count; `held` says the page has it."""
    if reply.thread_gone:  # the last reply of a deleted annotation: the thread goes with it
        return partial(f"#annotation-{reply.parent_id}", "delete")
    if reply.deleted:
        html = partial(f"#reply-{reply.id}", "delete") if held else ""
    elif held:
        html = partial(f"#reply-{reply.id}", "outerMorph",
                       render_partial("watch/_replies.html", replies=[reply]))
    else:
        html = partial(in_thread(reply.parent_id, ".thread > .replies"), "beforeend",
                       render_partial("watch/_replies.html", replies=[reply]))
    return html + _reply_count(reply)


def change(view: AnnotationView) -> str:
    """One change as it was made (a post, reply, edit or delete), for every viewer of the video."""
    new = view.created_seq == view.seq
    if view.parent_id is not None:
        html = _reply(view, held=not new)
    else:
        html = annotations([view]) if new else _thread(view)
    return html + cursor(view.seq)


def changes(page: ChangePage, after: int) -> str:
    """A page of changes after number `after`, each item once in its current state, for a page
    that holds every change up to `after`.

    An item posted by `after` is on the page, so it is replaced or removed; a later one is
    appended, unless deleted already. A reply whose thread changes in this page or a later one
    is left to the thread, which comes with all its live replies.
    """
    appended, others = [], []
    for item in page.items:
        held = item.created_seq <= after
        if item.parent_id is None:
            if held:
                others.append(_thread(item))
            elif not (item.deleted and not item.reply_count):
                appended.append(item)
        elif item.thread_seq <= after:
            others.append(_reply(item, held))
    head = annotations(sorted(appended, key=by_time)) if appended else ""
    return head + "".join(others) + cursor(page.last_seq)


def live_error(message: str) -> str:
    """An explanation shown to one viewer in the error slot next to the annotate form."""
    return partial("#live-error", "innerHTML", render_partial("watch/_live_error.html",
                                                               message=message))


def outdated(message: str) -> str:
    """The live status of a page served by an older Videologue, which must be reloaded."""
    return partial("#live-status", "innerHTML", render_partial("watch/_live_error.html",
                                                                message=message))


def live_notice(message: str) -> str:
    """A confirmation shown to one viewer in the error slot next to the annotate form."""
    return partial("#live-error", "innerHTML", render_partial("watch/_live_notice.html",
                                                               message=message))


def blocked() -> str:
    """A blocked person's page made read-only: the annotate form gives way to a note saying why
    (the player shim then hides the controls that speak: app/live/blocking.py); on a page told
    of an unblock since it loaded, the note says so again."""
    return (partial("#annotate-form", "outerHTML", render_partial("watch/_blocked.html"))
            + partial("#blocked-note", "outerHTML", render_partial("watch/_blocked_note.html")))


def read_only() -> str:
    """The page of someone who may watch but no longer comment (their role or the video's
    comment rule changed): the annotate form gives way to a note saying so, as for a block."""
    return partial("#annotate-form", "outerHTML", render_partial("watch/_read_only.html"))


def may_comment_now() -> str:
    """A page that could not comment (read-only since it loaded, or watch-only from the start)
    told that its viewer may now, once they reload."""
    note = render_partial("watch/_may_comment_now.html")
    return (partial("#read-only-note", "outerHTML", note)
            + partial("#watch-only-note", "outerHTML", note))


def unblocked() -> str:
    """An unblocked person's page told that it may comment again once reloaded."""
    return partial("#blocked-note", "outerHTML", render_partial("watch/_unblocked.html"))


def no_error() -> str:
    """An emptied error slot, for a viewer whose last action worked."""
    return partial("#live-error", "innerHTML")


def posted() -> str:
    """What the author sees once their annotation is stored: a cleared form and no error."""
    return no_error() + partial(
        "#annotation-body", "outerHTML", render_partial("watch/_annotate_body.html", value=""))


def replied(thread_id: int) -> str:
    """What the author of a reply sees once it is stored: the thread's reply form closed."""
    return no_error() + partial(in_thread(thread_id, ".reply-slot"), "innerHTML")


def edited(item: AnnotationView) -> str:
    """What the author of an edit sees once it is stored: the item's edit form closed."""
    return no_error() + partial(edit_slot(item), "innerHTML")


def notification_count(count: int) -> str:
    """The header badge of a user's unread notifications, replaced on their open pages."""
    return partial("#notification-count", "outerHTML",
                   render_partial("notifications/_count.html", count=count))


def reports_link(count: int) -> str:
    """The header's link to an owner's moderation queue with its count, replaced on their pages."""
    return partial("#reports-link", "outerHTML", render_partial("moderation/_link.html", count=count))
