"""Filling a video's page with viewers and posters, the way browsers open the watch page."""

import asyncio
from dataclasses import dataclass

from bench.clients import Poster, Viewer
from bench.connect import browser_headers, close_all, open_all
from bench.receipts import Receipts
from bench.seed import Seed
from bench.servers import Server

SETTLE = 1.0  # seconds for the joins' own work to finish before anything is measured


def socket_url(server: Server, video: int) -> str:
    """The watch page's socket URL for a video."""
    return f"ws://127.0.0.1:{server.port}/live/videos/{video}"


@dataclass
class Audience:
    """Viewers recording marked posts, and signed-in posters, all on one video."""

    receipts: Receipts
    viewers: list[Viewer]
    posters: list[Poster]

    def leave(self) -> None:
        """Close every socket."""
        close_all([*self.viewers, *self.posters])


async def gather_audience(server: Server, seed: Seed, viewers: int, posters: int = 1) -> Audience:
    """Open the viewers (anonymous) and the posters (each a separate signed-in user) on the live video."""
    url, headers = socket_url(server, seed.video), browser_headers(server.port)
    receipts = Receipts(viewers)
    audience = Audience(receipts, [Viewer(receipts) for _ in range(viewers)],
                        [Poster(f"http://127.0.0.1:{server.port}/watch/{seed.video}-live")
                         for _ in range(posters)])
    failed = await open_all(url, audience.viewers, headers)
    for poster, token in zip(audience.posters, seed.tokens[:posters], strict=True):
        failed += await open_all(f"{url}?token={token}", [poster], headers)
    if failed:
        audience.leave()
        raise RuntimeError(f"{failed} of {viewers + posters} sockets failed to open")
    await asyncio.sleep(SETTLE)
    return audience
