"""Live layer: the video socket, its channel, fan-out between nodes, presence and rate limits."""

from litestar import Litestar

from app.live.service import LiveService
from app.live.socket import video_socket
from app.live.topics import Message, user_topic


async def disconnect_user(app: Litestar, user_id: int) -> None:
    """Close every open socket of the user, on every node."""
    await app.state.live.publish(user_topic(user_id), Message("disconnect", user_id))


__all__ = ["LiveService", "disconnect_user", "video_socket"]
