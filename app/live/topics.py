"""Topic names, built in one place, and the message that travels on them."""

from dataclasses import dataclass, field

from app.live.frames import text_frame


def video_topic(video_id: int) -> str:
    """The topic every viewer of a video joins."""
    return f"videos:{video_id}"


def user_topic(user_id: int) -> str:
    """The topic all of one user's sockets join, so they can be closed together."""
    return f"users:{user_id}"


@dataclass(frozen=True)
class Message:
    """One broadcast: its kind, the record it is about, and the HTML every viewer receives."""

    kind: str  # "annotation", "deleted", "presence" or "close" (ref: the close code, text: why)
    ref: int
    text: str = ""
    event: dict = field(init=False, repr=False, compare=False)
    frame: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The ASGI event and the WebSocket frame are made once and handed to every viewer as they are.
        object.__setattr__(self, "event", {"type": "websocket.send", "text": self.text})
        object.__setattr__(self, "frame", text_frame(self.text.encode()))

    def encode(self) -> bytes:
        """Serialise for a pub/sub backend."""
        return f"{self.kind} {self.ref}\n{self.text}".encode()

    @classmethod
    def decode(cls, data: bytes) -> "Message":
        """Parse what encode produced."""
        head, _, text = data.decode().partition("\n")
        kind, _, ref = head.partition(" ")
        return cls(kind, int(ref), text)
