"""The live layer's Prometheus metrics, one set per process (docs/deploy.md lists what each means).

They live in prometheus_client's default registry, which /metrics exposes. Nothing here is
called once per viewer per frame: a broadcast is counted once, by how many it reaches.
"""

from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram

from app.live.wire import CHANGE, PRESENCE

if TYPE_CHECKING:  # presence imports the hub, which counts its deliveries here
    from app.live.presence import Presence

OPEN_SOCKETS = Gauge("videologue_live_open_sockets",
                     "Video sockets this process serves now, from handshake to close.")
JOINS = Counter("videologue_live_joins", "Viewers joined to a video: subscribed, then replayed to.")
# A join's replay: one page or none for a page that was current, many for a long absence.
REPLAY_SECONDS = Histogram("videologue_live_replay_duration_seconds",
                           "Time from a join's first replay read to its last replay frame sent.",
                           buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
REPLAY_PAGES = Counter("videologue_live_replay_pages",
                       "Replay frames sent to joining viewers, each up to REPLAY_BATCH changes.")
_CHANGES = Counter("videologue_live_changes",
                   "Changes viewers made through their sockets, stored and broadcast.", ["event"])
CHANGES = {event: _CHANGES.labels(event)
           for event in ("post", "reply", "edit", "delete", "react", "resolve", "block", "report")}
_DELIVERIES = Counter("videologue_live_deliveries",
                      "Broadcast frames handed to this process's viewers (one per viewer each).",
                      ["kind"])
_DELIVERED = {CHANGE: _DELIVERIES.labels("change"), PRESENCE: _DELIVERIES.labels("presence")}
RATE_LIMITED = Counter("videologue_live_rate_limited_frames",
                       "Frames refused because their user was over the annotation rate limit.")
_REFUSED = Counter("videologue_live_refused_frames",
                   "Frames answered with an error and nothing done, other than rate-limited ones.",
                   ["reason"])
REFUSED_REASONS = ("too_large", "unreadable", "unknown_event", "not_text", "signed_out", "rejected",
                   "not_allowed", "failed")
for _reason in REFUSED_REASONS:
    _REFUSED.labels(_reason)  # every reason is scraped from the start, at 0
OVERFLOW_CLOSES = Counter("videologue_live_overflow_closes",
                          "Sockets closed with 1013 for falling LIVE_BACKLOG frames behind.")
PRESENCE_CONNECTIONS = Gauge("videologue_live_presence_connections",
                             "Connections this process tracks in presence (watching now).")
PRESENCE_VIDEOS = Gauge("videologue_live_presence_videos",
                        "Videos with at least one connection tracked by this process.")


def delivered(kind: str, viewers: int) -> None:
    """Count one broadcast of `kind` handed to `viewers` local members (frames to viewers only)."""
    if (counter := _DELIVERED.get(kind)) is not None:
        counter.inc(viewers)


def refused(reason: str) -> None:
    """Count a frame refused for `reason`, one of REFUSED_REASONS."""
    _REFUSED.labels(reason).inc()


def observe_presence(presence: "Presence") -> None:
    """Have the presence gauges read this node's presence at each scrape (the last one wins)."""
    PRESENCE_CONNECTIONS.set_function(presence.tracked_connections)
    PRESENCE_VIDEOS.set_function(presence.tracked_videos)
