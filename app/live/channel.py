"""The video channel: one viewer's conversation on a video's topic, as in Phoenix's VideoChannel."""

import json
import logging
from typing import Protocol

from app import accounts, multimedia, notifications
from app.accounts import User
from app.live import badges, fragments, metrics
from app.live.feed import Feed
from app.live.presence import Presence
from app.live.pubsub.hub import PubSub
from app.live.ratelimit import RateLimiter
from app.live.transport.outbox import Outbox
from app.live.wire import CHANGE, REACTION, SIGNED_OUT, Broadcast, user_topic, video_topic
from app.settings import Settings
from app.validation import NotAllowedError, NotFoundError, ValidationError

log = logging.getLogger("videologue.live")
# The reply to a post that reaches the server after its video was deleted.
VIDEO_GONE = "This video has been deleted, so nothing can be added to it."


def _flag(value: object) -> bool | None:
    """A yes/no a frame gives as JSON or as a form field ("1"/"0", "true"/"false"); None if neither."""
    if isinstance(value, bool):
        return value
    return _FLAGS.get(value) if isinstance(value, str) else None


_FLAGS = {"1": True, "true": True, "0": False, "false": False}


class Node(PubSub, Protocol):
    """What a channel needs from its node's live service."""

    settings: Settings
    rate_limiter: RateLimiter
    reaction_limiter: RateLimiter
    presence: Presence

    def connection_id(self) -> str:
        """A new id for a connection, unique across nodes."""


class VideoChannel:
    """One viewer on a video: joins its topic, replays what they missed, handles their events."""

    # Event name in the frame -> the method handling it (Phoenix's handle_in clauses).
    EVENTS = {"new_annotation": "new_annotation", "reply": "reply", "edit": "edit",
              "delete_annotation": "delete_annotation", "react": "react", "resolve": "resolve"}

    __slots__ = ("node", "video_id", "user", "outbox", "topic", "feed", "connection_id", "tracked")

    def __init__(self, node: Node, video_id: int, user: User | None, outbox: Outbox) -> None:
        self.node, self.video_id, self.user, self.outbox = node, video_id, user, outbox
        self.topic = video_topic(video_id)
        self.feed = Feed(video_id, outbox, node.settings.live_backlog, node.settings.replay_batch)
        self.connection_id = node.connection_id()
        self.tracked = False

    async def join(self, cursor: int) -> None:
        """Subscribe the viewer's feed first, then replay every change after the page's cursor
        from the database, then appear in the viewers panel."""
        await self.node.subscribe(self.topic, self.feed)
        if self.user:
            await self.node.subscribe(user_topic(self.user.id), self.feed)
        await self.feed.replay(cursor)
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
        if not await self.may_act("Sign in to post annotations.",
                                  "You are posting too fast; wait a second and try again."):
            return
        try:
            if await self.signed_out_since_joining():
                return
            view = await multimedia.annotate_video(self.user, self.video_id, frame.get("body"),
                                                   frame.get("at"), frame.get("until"))
        except ValidationError as error:
            return await self.reply_error(" ".join(error.errors.values()))
        except NotFoundError:
            return await self.reply_error(VIDEO_GONE)
        except Exception:
            log.exception("storing an annotation failed (video %s, user %s)", self.video_id, self.user.id)
            return await self.reply_error("Your annotation could not be saved. Please try again.", "failed")
        await self.publish_change(view)
        metrics.CHANGES["post"].inc()
        await self.send(fragments.posted())
        await self.notify(view)

    async def reply(self, frame: dict) -> None:
        """Store the viewer's reply in an annotation's thread and broadcast it to every viewer."""
        if not await self.may_act("Sign in to reply.",
                                  "You are posting too fast; wait a second and try again."):
            return
        try:
            if await self.signed_out_since_joining():
                return
            view = await multimedia.reply_to_annotation(self.user, self._id(frame, "parent_id"),
                                                        frame.get("body"))
        except ValidationError as error:
            return await self.reply_error(" ".join(error.errors.values()))
        except NotFoundError:
            return await self.reply_error(
                "That annotation is gone (perhaps it was just deleted), so it cannot be answered.")
        except Exception:
            log.exception("storing a reply failed (video %s, user %s)", self.video_id, self.user.id)
            return await self.reply_error("Your reply could not be saved. Please try again.", "failed")
        await self.publish_change(view)
        metrics.CHANGES["reply"].inc()
        await self.send(fragments.replied(view.parent_id))
        await self.notify(view)

    async def edit(self, frame: dict) -> None:
        """Replace the text of the viewer's own annotation or reply, for every viewer."""
        if not await self.may_act("Sign in to edit annotations.",
                                  "You are going too fast; wait a second and try again."):
            return
        try:
            if await self.signed_out_since_joining():
                return
            view = await multimedia.edit_annotation(self.user, self._id(frame, "id"), frame.get("body"))
        except ValidationError as error:
            return await self.reply_error(" ".join(error.errors.values()))
        except NotFoundError:
            return await self.reply_error("That annotation does not exist (perhaps it was just deleted).")
        except NotAllowedError:
            return await self.reply_error("Only its author can edit an annotation.")
        except Exception:
            log.exception("editing an annotation failed (user %s)", self.user.id)
            return await self.reply_error("Your edit could not be saved. Please try again.", "failed")
        await self.publish_change(view)
        metrics.CHANGES["edit"].inc()
        await self.send(fragments.edited(view))

    async def delete_annotation(self, frame: dict) -> None:
        """Delete an annotation or reply for its author or the video's owner, for every viewer."""
        if not await self.may_act("Sign in to delete annotations.",
                                  "You are going too fast; wait a second and try again."):
            return
        try:
            if await self.signed_out_since_joining():
                return
            view = await multimedia.delete_annotation(self.user, self._id(frame, "id"))
        except NotFoundError:
            return await self.reply_error("That annotation does not exist (perhaps it was just deleted).")
        except NotAllowedError:
            return await self.reply_error("Only its author or the video's owner can delete an annotation.")
        except Exception:
            log.exception("deleting an annotation failed (user %s)", self.user.id)
            return await self.reply_error("The annotation could not be deleted. Please try again.", "failed")
        await self.publish_change(view)
        metrics.CHANGES["delete"].inc()
        await self.send(fragments.no_error())

    async def react(self, frame: dict) -> None:
        """Add or take back the viewer's reaction on an annotation or reply, for every viewer."""
        if not await self.may_act("Sign in to react.", "You are reacting too fast; wait a moment and "
                                  "try again.", self.node.reaction_limiter):
            return
        try:
            if await self.signed_out_since_joining():
                return
            change = await multimedia.toggle_reaction(self.user, self._id(frame, "id"), frame.get("emoji"))
        except ValidationError as error:
            return await self.reply_error(" ".join(error.errors.values()))
        except NotFoundError:
            return await self.reply_error("That annotation is gone (perhaps it was just deleted).")
        except Exception:
            log.exception("storing a reaction failed (user %s)", self.user.id)
            return await self.reply_error("Your reaction could not be saved. Please try again.", "failed")
        if change is not None:
            await self.publish(change.video_id, Broadcast(REACTION, fragments.reactions(change),
                                                          change.seq - 1, change.seq))
            metrics.CHANGES["react"].inc()
        await self.send(fragments.no_error())
        if change is not None and change.added:
            await self.notify(change, frame["emoji"])  # one of EMOJI: toggle_reaction checked it

    async def resolve(self, frame: dict) -> None:
        """Mark an annotation resolved, or reopen it, as its author or the video's owner."""
        resolved = _flag(frame.get("resolved"))
        if not await self.may_act("Sign in to resolve annotations.",
                                  "You are going too fast; wait a second and try again."):
            return
        try:
            if resolved is None:
                raise ValidationError({"resolved": "Say whether to resolve or reopen it."})
            if await self.signed_out_since_joining():
                return
            view = await multimedia.resolve_annotation(self.user, self._id(frame, "id"), resolved)
        except ValidationError as error:
            return await self.reply_error(" ".join(error.errors.values()))
        except NotFoundError:
            return await self.reply_error("That annotation does not exist (perhaps it was just deleted).")
        except NotAllowedError:
            return await self.reply_error("Only its author or the video's owner can resolve an annotation.")
        except Exception:
            log.exception("resolving an annotation failed (user %s)", self.user.id)
            return await self.reply_error("That could not be saved. Please try again.", "failed")
        if view is not None:
            await self.publish_change(view)
            metrics.CHANGES["resolve"].inc()
        await self.send(fragments.no_error())

    @staticmethod
    def _id(frame: dict, name: str) -> int:
        """The id a frame names (0, which matches nothing, when it is not one)."""
        return multimedia.parse_id(str(frame.get(name))) or 0

    async def may_act(self, signed_out: str, too_fast: str, limiter: RateLimiter | None = None) -> bool:
        """True when the viewer is signed in and within their rate limit (posting's, unless
        `limiter` names another budget); otherwise tell them why not and return False."""
        if self.user is None:
            await self.reply_error(signed_out, "signed_out")
            return False
        if not await (limiter or self.node.rate_limiter).allow(self.user.id):
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
        await self.publish(view.video_id, Broadcast(CHANGE, fragments.change(view), view.seq - 1,
                                                    view.seq))

    async def publish(self, video_id: int, broadcast: Broadcast) -> None:
        """Publish a stored change's broadcast to the video's topic (see publish_change)."""
        try:
            await self.node.publish(video_topic(video_id), broadcast)
        except Exception:
            log.warning("broadcasting change %s of video %s failed; viewers will catch up",
                        broadcast.seq, video_id, exc_info=True)

    async def notify(self, view: multimedia.AnnotationView | multimedia.ReactionChange,
                     emoji: str | None = None) -> None:
        """Notify whoever a stored post or reply concerns (or, given the `emoji` just added, the
        reacted item's author), and update their badges on every node.

        Called after the author is answered, so notifying never delays them; a failure is
        logged, never shown to them: what they did is stored and everyone sees it.
        """
        try:
            if emoji is None:
                mentioned = multimedia.mentioned_user_ids(view)
                notified = await notifications.notify_change(self.user, view, mentioned)
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
