"""The video channel: one viewer's conversation on a video's topic, as in Phoenix's VideoChannel."""

import json
import logging
from datetime import datetime
from typing import Protocol

from app import multimedia
from app.accounts import User
from app.live import fragments
from app.live.feed import Feed
from app.live.presence import Presence
from app.live.pubsub.hub import PubSub
from app.live.ratelimit import RateLimiter
from app.live.transport.outbox import Outbox
from app.live.wire import ANNOTATION, DELETED, Broadcast, user_topic, video_topic
from app.settings import Settings
from app.validation import NotAllowedError, NotFoundError, ValidationError

log = logging.getLogger("videologue.live")
# The reply to a post that reaches the server after its video was deleted.
VIDEO_GONE = "This video has been deleted, so nothing can be added to it."


class Node(PubSub, Protocol):
    """What a channel needs from its node's live service."""

    settings: Settings
    rate_limiter: RateLimiter
    presence: Presence

    def connection_id(self) -> str:
        """A new id for a connection, unique across nodes."""


class VideoChannel:
    """One viewer on a video: joins its topic, replays what they missed, handles their events."""

    # Event name in the frame -> the method handling it (Phoenix's handle_in clauses).
    EVENTS = {"new_annotation": "new_annotation", "delete_annotation": "delete_annotation"}

    __slots__ = ("node", "video_id", "user", "outbox", "topic", "feed", "connection_id", "tracked")

    def __init__(self, node: Node, video_id: int, user: User | None, outbox: Outbox) -> None:
        self.node, self.video_id, self.user, self.outbox = node, video_id, user, outbox
        self.topic = video_topic(video_id)
        self.feed = Feed(video_id, outbox, node.settings.live_backlog, node.settings.replay_batch)
        self.connection_id = node.connection_id()
        self.tracked = False

    async def join(self, last_seen_id: int, since: datetime | None = None) -> None:
        """Subscribe the viewer's feed first, then replay from the database, then appear in the
        viewers panel."""
        await self.node.subscribe(self.topic, self.feed)
        if self.user:
            await self.node.subscribe(user_topic(self.user.id), self.feed)
        await self.feed.replay(last_seen_id, since)
        await self.node.presence.track(self.topic, self.connection_id,
                                       self.user.id if self.user else None)
        self.tracked = True

    async def handle_in(self, raw: str) -> None:
        """Handle one frame from the viewer; anything wrong is explained to them alone."""
        limit = self.node.settings.live_max_frame
        if len(raw) > limit:
            return await self.reply_error(f"That message is too large ({limit // 1024} KiB at most).")
        try:
            frame = json.loads(raw)
        except (ValueError, RecursionError):
            return await self.reply_error("That message could not be read.")
        event = frame.get("event") if isinstance(frame, dict) else None
        handler = self.EVENTS.get(event) if isinstance(event, str) else None
        if handler is None:
            return await self.reply_error("Unknown event: nothing was done.")
        await getattr(self, handler)(frame)

    async def new_annotation(self, frame: dict) -> None:
        """Store the viewer's annotation and broadcast it, rendered once, to every viewer."""
        if self.user is None:
            return await self.reply_error("Sign in to post annotations.")
        if not await self.node.rate_limiter.allow(self.user.id):
            return await self.reply_error("You are posting too fast; wait a second and try again.")
        try:
            view = await multimedia.annotate_video(self.user, self.video_id, frame.get("body"),
                                                   frame.get("at"))
        except ValidationError as error:
            return await self.reply_error(" ".join(error.errors.values()))
        except NotFoundError:
            return await self.reply_error(VIDEO_GONE)
        except Exception:
            log.exception("storing an annotation failed (video %s, user %s)", self.video_id, self.user.id)
            return await self.reply_error("Your annotation could not be saved. Please try again.")
        await self.reply(fragments.posted())
        await self.broadcast(self.topic, Broadcast(ANNOTATION, fragments.annotations([view]), view.id))

    async def delete_annotation(self, frame: dict) -> None:
        """Delete an annotation for its author or the video's owner, and remove it for every viewer."""
        if self.user is None:
            return await self.reply_error("Sign in to delete annotations.")
        if not await self.node.rate_limiter.allow(self.user.id):
            return await self.reply_error("You are going too fast; wait a second and try again.")
        try:
            view = await multimedia.delete_annotation(
                self.user, multimedia.parse_id(str(frame.get("id"))) or 0)
        except NotFoundError:
            return await self.reply_error("That annotation does not exist (perhaps it was just deleted).")
        except NotAllowedError:
            return await self.reply_error("Only its author or the video's owner can delete an annotation.")
        except Exception:
            log.exception("deleting an annotation failed (user %s)", self.user.id)
            return await self.reply_error("The annotation could not be deleted. Please try again.")
        await self.reply(fragments.no_error())
        await self.broadcast(video_topic(view.video_id),
                             Broadcast(DELETED, fragments.removals([view.id]), view.id))

    async def leave(self) -> None:
        """Unsubscribe from everything this channel joined and leave the viewers panel."""
        if self.tracked:
            await self.node.presence.untrack(self.topic, self.connection_id)
        await self.node.unsubscribe(self.topic, self.feed)
        if self.user:
            await self.node.unsubscribe(user_topic(self.user.id), self.feed)

    async def broadcast(self, topic: str, broadcast: Broadcast) -> None:
        """Publish something already stored to every viewer of its topic, on every node.

        A failure is logged, never reported: the change is stored, so an author told "failed"
        would only do it twice, and viewers who missed the broadcast catch up from the database
        when the pub/sub connection comes back (catch_up) or their socket rejoins.
        """
        try:
            await self.node.publish(topic, broadcast)
        except Exception:
            log.warning("broadcasting %s %s failed; viewers will catch up", broadcast.kind,
                        broadcast.annotation_id, exc_info=True)

    async def reply(self, text: str) -> None:
        """Send a fragment to this viewer alone, in order with what they are already owed."""
        await self.outbox.send_now({"type": "websocket.send", "text": text})

    async def reply_error(self, message: str) -> None:
        """Show an error in this viewer's error slot only."""
        await self.reply(fragments.live_error(message))
