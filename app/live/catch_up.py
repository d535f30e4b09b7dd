"""Catch-up after a pub/sub outage: what the node's viewers of a video missed, from the database."""

from bisect import bisect_right
from collections import defaultdict

from app import multimedia
from app.live import fragments
from app.live.feed import Feed, by_time, pages
from app.live.wire import ANNOTATION, DELETED, Broadcast


async def catch_up(video_id: int, feeds: list[Feed], batch: int) -> None:
    """Send a video's local viewers what a pub/sub outage kept from them, from the database.

    Nothing here waits on a viewer: each page of missed annotations is read once, rendered once
    for every viewer that lacks the same part of it, and pushed like a broadcast, so a viewer that
    cannot take it overflows its backlog and rejoins by last_seen_id while the others carry on.
    A viewer still joining is left to its join, which reads the database again.
    """
    joined = [feed for feed in feeds if not feed.defer_to_join()]
    if not joined:
        return
    async for page in pages(video_id, min(feed.last_id for feed in joined), batch):
        ids = [view.id for view in page]
        for start, viewers in _by_first_missing(ids, joined).items():
            html = fragments.annotations(sorted(page[start:], key=by_time))
            _push(viewers, Broadcast(ANNOTATION, html, ids[-1]))
    # Deletions broadcast during the outage are lost too: send each viewer's again.
    cursors = [feed.since for feed in joined]
    deleted = await multimedia.list_deleted_annotation_ids(
        video_id, max(feed.last_id for feed in joined), None if None in cursors else min(cursors))
    for start in range(0, len(deleted), batch):
        chunk = deleted[start:start + batch]
        for end, viewers in _by_first_missing(chunk, joined, held=True).items():
            _push(viewers, Broadcast(DELETED, fragments.removals(chunk[:end]), chunk[end - 1]))


def _by_first_missing(ids: list[int], feeds: list[Feed], held: bool = False) -> dict[int, list[Feed]]:
    """Open feeds grouped by where their last_id falls in ascending ids, leaving out those
    for which the part asked for (above last_id, or with `held` up to it) is empty."""
    groups: defaultdict[int, list[Feed]] = defaultdict(list)
    for feed in feeds:
        cut = bisect_right(ids, feed.last_id)
        if not feed.outbox.closed and (cut > 0 if held else cut < len(ids)):
            groups[cut].append(feed)
    return groups


def _push(feeds: list[Feed], broadcast: Broadcast) -> None:
    """One rendering, one frame, for every feed in the group."""
    for feed in feeds:
        feed.push_caught_up(broadcast)
