"""What a viewer sends over the socket: annotate, delete, and anything else (refused politely)."""

import json
import logging

from app import multimedia
from app.live import fragments
from app.live.channel import VideoChannel
from app.live.topics import Message, video_topic
from app.validation import NotAllowedError, NotFoundError, ValidationError

log = logging.getLogger("videologue.live")


async def handle_frame(channel: VideoChannel, raw: str) -> None:
    """Handle one frame from the viewer; anything wrong is explained to them alone."""
    if len(raw) > channel.live.settings.live_max_frame:
        return await channel.reply_error("That message is too large (16 KiB at most).")
    try:
        frame = json.loads(raw)
    except ValueError:
        return await channel.reply_error("That message could not be read.")
    event = frame.get("event") if isinstance(frame, dict) else None
    if event == "new_annotation":
        return await post_annotation(channel, frame)
    if event == "delete_annotation":
        return await delete_annotation(channel, frame)
    await channel.reply_error("Unknown event: nothing was done.")


async def post_annotation(channel: VideoChannel, frame: dict) -> None:
    """Store the viewer's annotation and broadcast it, rendered once, to every viewer."""
    user = channel.user
    if user is None:
        return await channel.reply_error("Sign in to post annotations.")
    if not await channel.live.rate_limiter.allow(user.id):
        return await channel.reply_error("You are posting too fast; wait a second and try again.")
    try:
        view = await multimedia.annotate_video(user, channel.video_id, frame.get("body"),
                                               frame.get("at"))
    except ValidationError as error:
        return await channel.reply_error(" ".join(error.errors.values()))
    except NotFoundError:
        return await channel.reply_error("This video has been deleted, so nothing can be added to it.")
    except Exception:
        log.exception("storing an annotation failed (video %s, user %s)", channel.video_id, user.id)
        return await channel.reply_error("Your annotation could not be saved. Please try again.")
    await channel.reply(fragments.posted())
    await channel.broadcast(channel.topic, Message("annotation", view.id,
                                                   fragments.annotations([view])))


async def delete_annotation(channel: VideoChannel, frame: dict) -> None:
    """Delete an annotation for its author or the video's owner, and remove it for every viewer."""
    user = channel.user
    if user is None:
        return await channel.reply_error("Sign in to delete annotations.")
    if not await channel.live.rate_limiter.allow(user.id):
        return await channel.reply_error("You are going too fast; wait a second and try again.")
    try:
        view = await multimedia.delete_annotation(user, multimedia.parse_id(str(frame.get("id"))) or 0)
    except NotFoundError:
        return await channel.reply_error("That annotation does not exist (perhaps it was just deleted).")
    except NotAllowedError:
        return await channel.reply_error("Only its author or the video's owner can delete an annotation.")
    except Exception:
        log.exception("deleting an annotation failed (user %s)", user.id)
        return await channel.reply_error("The annotation could not be deleted. Please try again.")
    await channel.reply(fragments.no_error())
    await channel.broadcast(video_topic(view.video_id),
                            Message("deleted", view.id, fragments.removals([view.id])))
