"""The video channel: one viewer's conversation on a video's topic, as in Phoenix's VideoChannel."""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from app import accounts, multimedia, notifications
from app.accounts import User
from app.live import badges, blocking, fragments, metrics, refusals
from app.live.feed import Feed
from app.live.presence import Presence
from app.live.pubsub.hub import PubSub
from app.live.ratelimit import RateLimiter
from app.live.transport.outbox import Outbox
from app.live.wire import (
    CHANGE,
    LINK_EXPIRED,
    REACTION,
    SIGNED_OUT,
    Broadcast,
    user_topic,
    video_topic,
)
from app.settings import Settings
from app.validation import MayNotComment, NotAllowedError, NotFoundError, ValidationError

log = logging.getLogger("videologue.live")
T = TypeVar("T")
REFUSED = object()  # what VideoChannel.change returns for a change it did not make


async def _unsaid() -> None:
    """The refusal of a resolve that says neither yes nor no."""
    raise ValidationError({"resolved": "Say whether to resolve or reopen it."})


def _flag(value: object) -> bool | None:
    """A yes/no a frame gives as JSON or as a form field ("1"/"0", "true"/"false"); None if neither."""
    if isinstance(value, bool):
        return value
    return _FLAGS.get(value) if isinstance(value, str) else None


_FLAGS = {"1": True, "true": True, "0": False, "false": False}


def change_broadcast(view: multimedia.AnnotationView) -> Broadcast:
    """A stored change as every viewer of its video is sent it, rendered once."""
    return Broadcast(CHANGE, fragments.change(view), view.seq - 1, view.seq)


async def publish_stored(pubsub: PubSub, video_id: int, broadcast: Broadcast) -> None:
    """Publish a stored change's broadcast to the video's topic on every node. A failure is
    logged, never raised: every node reads a change it missed from the database when the next
    one arrives or the pub/sub connection comes back (sequencer)."""
    try:
        await pubsub.publish(video_topic(video_id), broadcast)
    except Exception:
        log.warning("broadcasting change %s of video %s failed; viewers will catch up",
                    broadcast.seq, video_id, exc_info=True)


class Node(PubSub, Protocol):
    """What a channel needs from its node's live service."""

    settings: Settings
    rate_limiter: RateLimiter
    reaction_limiter: RateLimiter
    guest_address_limiter: RateLimiter
    presence: Presence

    def connection_id(self) -> str:
        """A new id for a connection, unique across nodes."""


class VideoChannel:
    """One viewer on a video: joins its topic, replays what they missed, handles their events.

    `access` is what the socket's connect found they may do (multimedia.video_access); each
    change asks the context again. A guest's posts also take from their address's budget.
    """

    # Event name in the frame -> the method handling it (Phoenix's handle_in clauses).
    EVENTS = {"new_annotation": "new_annotation", "reply": "reply", "edit": "edit",
              "delete_annotation": "delete_annotation", "react": "react", "resolve": "resolve",
              "block": "block", "report": "report"}

    __slots__ = ("node", "video_id", "user", "outbox", "topic", "feed", "connection_id", "tracked",
                 "access", "address", "expiry")

    def __init__(self, node: Node, video_id: int, user: User | None, outbox: Outbox,
                 access: multimedia.Access | None = None, address: str = "") -> None:
        self.node, self.video_id, self.user, self.outbox = node, video_id, user, outbox
        self.access, self.address = access, address
        self.topic = video_topic(video_id)
        self.feed = Feed(video_id, outbox, node.settings.live_backlog, node.settings.replay_batch,
                         user.id if user else 0, access.link_id if access else 0,
                         access.owner_id if access else 0)
        self.connection_id = node.connection_id()
        self.tracked = False
        self.expiry: asyncio.TimerHandle | None = None

    async def join(self, cursor: int) -> None:
        """Subscribe the viewer's feed first, then replay every change after the page's cursor
        from the database (and tell a blocked viewer's page so), then appear in the viewers
        panel."""
        if self.access is not None and self.access.expires_at is not None:
            # Watching through a link that expires: the socket closes when it does.
            left = (self.access.expires_at - datetime.now(UTC)).total_seconds()
            self.expiry = asyncio.get_running_loop().call_later(max(left, 0), self.outbox.close,
                                                                LINK_EXPIRED)
        await self.node.subscribe(self.topic, self.feed)
        if self.user:
            await self.node.subscribe(user_topic(self.user.id), self.feed)
        await self.feed.replay(cursor)
        if self.access is not None and self.access.blocked:
            # Blocked while this page was away or loading: it turns read-only now.
            await self.send(fragments.blocked())
        metrics.JOINS.inc()
        await self.node.presence.track(self.topic, self.connection_id,
                                       self.user.id if self.user else None)
        self.tracked = True

    async def handle_in(self, raw: str) -> None:
        """Handle one frame from the viewer; anything wrong is explained to them alone."""
        limit = self.node.settings.live_max_frame
        if len(raw) > limit:
            return await self.reply_error(f"That message is too large ({limit // 1024} KiB at most).",
                                         "too_large")
        try:
            frame = json.loads(raw)
        except (ValueError, RecursionError):
            return await self.reply_error("That message could not be read.", "unreadable")
        event = frame.get("event") if isinstance(frame, dict) else None
        handler = self.EVENTS.get(event) if isinstance(event, str) else None
        if handler is None:
            return await self.reply_error("Unknown event: nothing was done.", "unknown_event")
        await getattr(self, handler)(frame)

    async def new_annotation(self, frame: dict) -> None:
        """Store the viewer's annotation and broadcast it, rendered once, to every viewer."""
        view = await self.change(refusals.POST, lambda: multimedia.annotate_video(
            self.user, self.video_id, frame.get("body"), frame.get("at"), frame.get("until")))
        if view is not REFUSED:
            await self.publish_change(view)
            metrics.CHANGES["post"].inc()
            await self.send(fragments.posted())
            await self.notify(view)

    async def reply(self, frame: dict) -> None:
        """Store the viewer's reply in an annotation's thread and broadcast it to every viewer."""
        view = await self.change(refusals.REPLY, lambda: multimedia.reply_to_annotation(
            self.user, self._id(frame, "parent_id"), frame.get("body")))
        if view is not REFUSED:
            await self.publish_change(view)
            metrics.CHANGES["reply"].inc()
            await self.send(fragments.replied(view.parent_id))
            await self.notify(view)

    async def edit(self, frame: dict) -> None:
        """Replace the text of the viewer's own annotation or reply, for every viewer."""
        view = await self.change(refusals.EDIT, lambda: multimedia.edit_annotation(
            self.user, self._id(frame, "id"), frame.get("body")))
        if view is not REFUSED:
            await self.publish_change(view)
            metrics.CHANGES["edit"].inc()
            await self.send(fragments.edited(view))
            await self.notify(view, edited=True)

    async def delete_annotation(self, frame: dict) -> None:
        """Delete an annotation or reply for its author or the video's owner, for every viewer."""
        view = await self.change(refusals.DELETE, lambda: multimedia.delete_annotation(
            self.user, self._id(frame, "id")))
        if view is not REFUSED:
            await self.publish_change(view)
            metrics.CHANGES["delete"].inc()
            await self.send(fragments.no_error())
            if await multimedia.is_reported(view.id):  # it leaves its owner's queue
                await self.recount_reports()

    async def react(self, frame: dict) -> None:
        """Add or take back the viewer's reaction on an annotation or reply, for every viewer
        (nothing to broadcast when a simultaneous toggle from another tab made it moot)."""
        change = await self.change(refusals.REACT, lambda: multimedia.toggle_reaction(
            self.user, self._id(frame, "id"), frame.get("emoji")), self.node.reaction_limiter)
        if change is REFUSED:
            return
        if change is not None:
            await self.publish(change.video_id, Broadcast(REACTION, fragments.reactions(change),
                                                          change.seq - 1, change.seq))
            metrics.CHANGES["react"].inc()
        await self.send(fragments.no_error())
        if change is not None and change.added:
            await self.notify(change, frame["emoji"])  # one of EMOJI: toggle_reaction checked it

    async def resolve(self, frame: dict) -> None:
        """Mark an annotation resolved, or reopen it, as its author or the video's owner
        (nothing to broadcast when it already was)."""
        resolved = _flag(frame.get("resolved"))
        view = await self.change(refusals.RESOLVE, lambda: multimedia.resolve_annotation(
            self.user, self._id(frame, "id"), resolved) if resolved is not None else _unsaid())
        if view is REFUSED:
            return
        if view is not None:
            await self.publish_change(view)
            metrics.CHANGES["resolve"].inc()
        await self.send(fragments.no_error())

    async def block(self, frame: dict) -> None:
        """Block the author of an annotation (`user_id`) from speaking on every video of this
        one's owner, as the owner or a moderator: their open pages turn read-only on every node."""
        change = await self.change(refusals.BLOCK, lambda: multimedia.block_person(
            self.user, self.video_id, self._id(frame, "user_id")))
        if change is REFUSED:
            return
        await blocking.announce(self.node, change, blocked=True)
        metrics.CHANGES["block"].inc()
        await self.send(fragments.live_notice(
            f"{change.username} can no longer post, reply or react on this owner's videos."))

    async def report(self, frame: dict) -> None:
        """Report someone else's annotation or reply to the video's owner with a reason; the
        owner's open pages show their queue's new count, on every node."""
        queued = await self.change(refusals.REPORT, lambda: multimedia.report_annotation(
            self.user, self._id(frame, "id"), frame.get("reason")))
        if queued is REFUSED:
            return
        metrics.CHANGES["report"].inc()
        await self.send(fragments.live_notice("Thank you: the video's owner will take a look."))
        await self.recount_reports()

    async def recount_reports(self) -> None:
        """Update the owner's count of reported items on their open pages (a report came, or a
        deleted item left the queue)."""
        if self.access is not None:
            await badges.push_report_count(self.node, self.access.owner_id)

    async def change(self, says: refusals.Refusals, make: Callable[[], Awaitable[T]],
                     limiter: RateLimiter | None = None) -> T | object:
        """Make a change through the context (`make`) for a signed-in viewer within their
        budget, and return what it returns; or explain to the viewer alone why not, in the
        event's words (`says`), and return REFUSED."""
        if not await self.may_act(says.signed_out, says.too_fast, limiter):
            return REFUSED
        try:
            if await self.signed_out_since_joining():
                return REFUSED
            return await make()
        except ValidationError as error:
            await self.reply_error(" ".join(error.errors.values()))
        except NotFoundError:
            await self.reply_error(says.missing)
        except MayNotComment as refused:
            await self.reply_error(refused.public_message, "not_allowed")
        except NotAllowedError:
            await self.reply_error(says.not_allowed)
        except Exception:
            log.exception("%s failed (video %s, user %s)", says.doing, self.video_id, self.user.id)
            await self.reply_error(says.failed, "failed")
        return REFUSED

    @staticmethod
    def _id(frame: dict, name: str) -> int:
        """The id a frame names (0, which matches nothing, when it is not one)."""
        return multimedia.parse_id(str(frame.get(name))) or 0

    async def may_act(self, signed_out: str, too_fast: str, limiter: RateLimiter | None = None) -> bool:
        """True when the viewer is signed in (or a guest) and within their rate limit (posting's,
        unless `limiter` names another budget; a guest's address's too); otherwise tell them
        why not and return False."""
        if self.user is None:
            await self.reply_error(signed_out, "signed_out")
            return False
        allowed = await (limiter or self.node.rate_limiter).allow(self.user.id)
        if allowed and self.user.guest:
            allowed = await self.node.guest_address_limiter.allow(self.address)
        if not allowed:
            metrics.RATE_LIMITED.inc()
            await self.send(fragments.live_error(too_fast))  # counted as rate-limited, not refused
            return False
        return True

    async def signed_out_since_joining(self) -> bool:
        """Close the socket as signed out, and return True, when its user signed out or changed
        password since it connected, even if the pub/sub message that should have closed it
        was lost (a Redis reconnect at that moment). Asked first inside each write's `try`, so
        a database outage gets that write's own explanation."""
        if await accounts.still_signed_in(self.user):
            return False
        metrics.refused("signed_out")
        self.outbox.close(SIGNED_OUT)
        return True

    async def leave(self) -> None:
        """Unsubscribe from everything this channel joined and leave the viewers panel."""
        if self.expiry is not None:
            self.expiry.cancel()
        if self.tracked:
            await self.node.presence.untrack(self.topic, self.connection_id)
        await self.node.unsubscribe(self.topic, self.feed)
        if self.user:
            await self.node.unsubscribe(user_topic(self.user.id), self.feed)

    async def publish_change(self, view: multimedia.AnnotationView) -> None:
        """Publish a stored change, rendered once, to every viewer of the video on every node.

        Published before the author is answered, so changes leave in the order they were
        stored. A failure is logged, never reported: the change is stored, so an author told
        "failed" would only do it twice, and every node reads a change it missed from the
        database when the next one arrives or the pub/sub connection comes back (sequencer).
        """
        await self.publish(view.video_id, change_broadcast(view))

    async def publish(self, video_id: int, broadcast: Broadcast) -> None:
        """Publish a stored change's broadcast to the video's topic (see publish_change)."""
        await publish_stored(self.node, video_id, broadcast)

    async def notify(self, view: multimedia.AnnotationView | multimedia.ReactionChange,
                     emoji: str | None = None, edited: bool = False) -> None:
        """Notify whoever a stored post, reply or edit concerns (or, given the `emoji` just
        added, the reacted item's author), and update their badges on every node.

        Called after the author is answered, so notifying never delays them; a failure is
        logged, never shown to them: what they did is stored and everyone sees it.
        """
        try:
            if emoji is None:
                mentioned = multimedia.mentioned_user_ids(view)
                notified = await notifications.notify_change(self.user, view, mentioned, edited)
            else:
                notified = await notifications.notify_reaction(self.user, view, emoji)
            await badges.push_badges(self.node, notified)
        except Exception:
            log.warning("notifying about annotation %s failed", view.id, exc_info=True)

    async def send(self, text: str) -> None:
        """Send a fragment to this viewer alone, in order with what they are already owed."""
        await self.outbox.send_now({"type": "websocket.send", "text": text})

    async def reply_error(self, message: str, reason: str = "rejected") -> None:
        """Show an error in this viewer's error slot only, counting the frame as refused for
        `reason` (metrics.REFUSED_REASONS; "rejected": the content or the target was refused)."""
        metrics.refused(reason)
        await self.send(fragments.live_error(message))
