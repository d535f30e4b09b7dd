"""The fragment gallery (development only): every fragment the live layer pushes, in each state."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from litestar import Request, get
from litestar.response import Template
from markupsafe import Markup

from app import multimedia
from app.live import fragments
from app.live.presence import viewers_panel
from app.live.refusals import VIDEO_GONE
from app.templating import render_partial
from app.validation import ValidationError
from app.web.pages import page

# The live status static/js/player.js shows when the socket closes because the video was deleted.
VIDEO_DELETED_STATUS = "This video has been deleted."
LONG_USERNAME = "Maximilian_Longname2"  # 20 characters: the longest a username may be
LONG_BODY = " ".join(3 * ["This annotation runs to the very last character a post may have, so "
                          "that whoever edits the list can see how a body this long wraps, "
                          "scrolls, and sits beside its time."])  # 500 characters, the limit
SCRIPT_BODY = '<script>alert("run")</script> must show as text'
CROWD = dict(enumerate([LONG_USERNAME, "ada", "Bob", "carol", "dmitri", "eun_ji", "fatima",
                        "gustavo", "hana", "ivan", "jo", "kwame", "Lena", "mo"], start=1))
MANY_GUESTS = 137
_PARTIAL = re.compile(r'<hx-partial hx-target="([^"]*)" hx-swap="[^"]*">(.*?)</hx-partial>', re.S)


@dataclass(frozen=True)
class Sample:
    """One state of a fragment: the HTML as sent, and what it puts in each target it swaps."""

    slug: str
    title: str
    note: str
    shown_in: str  # the part of the watch page the gallery template rebuilds around it
    sent: str
    parts: dict[str, Markup] = field(default_factory=dict)

    def into(self, target: str) -> Markup:
        """What is in (or replaces) the target once htmx has swapped the fragment in."""
        return self.parts.get(target, Markup())


def pushed(slug: str, title: str, note: str, shown_in: str, html: str) -> Sample:
    """A sample of a pushed fragment, unwrapped here so that htmx never acts on it."""
    # Fail loudly if the wrapper changes shape, rather than show an empty state as if it worked.
    if _PARTIAL.sub("", html):
        raise ValueError(f"not a run of hx-partial wrappers: {html[:120]!r}")
    parts: dict[str, Markup] = {}
    for target, inner in _PARTIAL.findall(html):
        parts[target] = parts.get(target, Markup()) + Markup(inner)  # rendered autoescaped
    return Sample(slug, title, note, shown_in, html, parts)


def _annotation(annotation_id: int, username: str, body: str, at: int, until: int | None = None,
                **state) -> multimedia.AnnotationView:
    """A view of an annotation (or, with parent_id in state, a reply) the server would accept."""
    text, millis, end = multimedia.clean_annotation(body, at, until)
    return multimedia.AnnotationView(id=annotation_id, video_id=1, user_id=annotation_id,
                                     username=username, body=text, at=millis, until=end,
                                     created_at=datetime.now(UTC), **state)


def _thread(deleted: bool) -> multimedia.AnnotationView:
    """A ranged annotation with two replies, one of them edited; its parent deleted or not."""
    edited = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    replies = (_annotation(32, "Bob", "Agreed, the cut comes a beat late.", 95_000, parent_id=31),
               _annotation(33, "carol", "Fixed in the next export.", 95_000, parent_id=31,
                           edited_at=edited))
    return _annotation(31, "ada", "The whole chase scene drags.", 95_000, 128_500,
                       deleted=deleted, edited_at=None if deleted else edited,
                       reply_count=len(replies), replies=replies)


def _refusal(body: str) -> str:
    try:
        multimedia.clean_annotation(body, 0)
    except ValidationError as error:
        return " ".join(error.errors.values())  # as the socket explains a refused post
    raise ValueError("the server would accept this post")


def _crowd() -> list[tuple[str, int | None]]:
    """Presence entries for every user in CROWD, with one to three tabs each, and the guests."""
    tabs = [(f"tab-{uid}-{tab}", uid) for uid in CROWD for tab in range(1 + uid % 3)]
    return tabs + [(f"guest-{n}", None) for n in range(MANY_GUESTS)]


def samples() -> list[Sample]:
    """Every state the gallery shows, each rendered by the function that pushes it."""
    batch = [_annotation(11, "ada", "First frame, before anything happens.", 0),
             _annotation(12, "Bob", SCRIPT_BODY, 83_000),
             _annotation(13, "carol", "Two lines:\nthe second one keeps its break.", 754_500),
             _annotation(14, "dmitri", "Hours in, the clock grows a field.", 7_509_000)]
    connecting = render_partial("watch/_user_list.html", viewers=None, guests=0)
    return [
        pushed("annotation-long-body", "An annotation with a 500-character body",
               "One live post at the length limit.", "annotations",
               fragments.annotations([_annotation(1, "ada", LONG_BODY, 42_000)])),
        pushed("annotation-long-username", "An annotation by the longest username",
               "Twenty characters, the most a username may have.", "annotations",
               fragments.annotations([_annotation(2, LONG_USERNAME, "Short and sweet.", 5_000)])),
        pushed("annotation-batch", "Several annotations, from 0:00 to hours in",
               "A replay frame or the page's list: the player keeps them sorted by time.",
               "annotations", fragments.annotations(batch)),
        pushed("annotation-thread", "A ranged, edited annotation with replies",
               "Its range shows as a span of times, the edit as a note; the replies sit in a "
               "thread under it, in posting order.", "annotations",
               fragments.annotations([_thread(deleted=False)])),
        pushed("annotation-mentions", "An annotation that mentions people",
               "Each @username of an existing user links to their profile (the item lists their "
               "ids in data-mentions); a name that is no one's stays text.", "annotations",
               fragments.annotations([_annotation(15, "eun_ji", "@ada and @BOB: look. @nobody missed it.",
                                                  61_000, mentions=" 1:ada 2:Bob ")])),
        pushed("annotation-deleted-thread", "A deleted annotation that has replies",
               "The thread stays readable: the annotation says it was deleted, its replies "
               "remain.", "annotations", fragments.annotations([_thread(deleted=True)])),
        pushed("annotation-removal", "An annotation taken off the list",
               "Deleted with no replies: the wrapper deletes the item by its id, so nothing is "
               "left to show.", "removed",
               fragments.change(_annotation(12, "Bob", "Gone.", 0, deleted=True, seq=9))),
        pushed("error-refused", "An error in the live error slot",
               "Sent to the one viewer whose post was refused.", "error",
               fragments.live_error(_refusal(LONG_BODY + "!"))),
        pushed("notice-taken", "A confirmation in the live error slot",
               "Sent to the one viewer whose report (or block) was taken.", "error",
               fragments.live_notice("Thank you: the video's owner will take a look.")),
        pushed("annotate-cleared", "The annotate form after a post",
               "Sent to the author once the annotation is stored: the error slot emptied and "
               "a fresh box.", "annotate", fragments.posted()),
        Sample("viewers-connecting", "The viewers panel before the first push",
               "Rendered with the page; the socket replaces it once presence is known.",
               "viewers", connecting, {"#user-list": Markup(connecting)}),
        pushed("viewers-empty", "Nobody watching", "The panel once everyone has left.",
               "viewers", viewers_panel([], {})),
        pushed("viewers-one-guest", "One guest", "A single visitor who is not signed in.",
               "viewers", viewers_panel([("guest-0", None)], {})),
        pushed("viewers-crowd", "Many users and many guests",
               "Each user once with their tab count, sorted by name, then the guests.",
               "viewers", viewers_panel(_crowd(), CROWD)),
        pushed("video-deleted", "The video was deleted",
               "The player shows the status when the socket closes with 4404 and hides the "
               "form; a post already on its way gets this error.", "deleted",
               fragments.live_error(VIDEO_GONE)),
    ]


@get("/dev/fragments", name="fragment_gallery")
async def fragment_gallery(request: Request) -> Template:
    """Show every pushed fragment in each of its states, as the watch page holds it after the swap."""
    return page(request, "dev/fragments.html", samples=samples(),
                video_deleted_status=VIDEO_DELETED_STATUS)
