"""A message over the transport's limit closes the page's socket with 1009, and the page says so."""

from playwright.async_api import expect

from tests.browser.conftest import TIMEOUT_MS, wait_live
from tests.browser.test_live_annotations import RETRY_WINDOW, watch_path
from tests.factories import make_user, make_video

# What a tampered page or a runaway script could push through the page's own socket.
SEND_100_KIB = """() => document.querySelector('[data-live]')._htmx.ws.connection.socket
  .send('x'.repeat(100 * 1024))"""


async def test_a_message_over_64_kib_closes_the_socket_and_the_page_explains_it(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock for a big message", url=clock_url)
    page = await new_page()
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    await page.goto(watch_path(video))
    await wait_live(page)
    opened = len(sockets)

    await page.evaluate(SEND_100_KIB)
    status = page.locator("#live-status")
    await expect(status).to_have_text("A message was too large to send; reload the page to go live again.")
    await expect(status).to_have_attribute("data-state", "closed")
    # hx-ws does not retry 1009: once its first retry would have begun, no socket was opened.
    await page.evaluate(RETRY_WINDOW)
    await page.wait_for_function("() => window.retryWindowOver", timeout=TIMEOUT_MS)
    assert len(sockets) == opened
