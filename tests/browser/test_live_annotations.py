"""Live annotations between real Chromium viewers (issue 3): timing, seeking, restarts, sign-out."""

import asyncio
import contextlib

import pytest
from playwright.async_api import Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import TIMEOUT_MS, artifact, seek, sign_in, wait_at, wait_live
from tests.factories import make_annotation, make_user, make_video
from tests.server import AppServer

# Records every text #live-status shows, so a short-lived "Reconnecting…" is not missed.
RECORD_STATUS = """() => {
  const status = document.getElementById('live-status');
  window.statusHistory = [status.textContent];
  new MutationObserver(() => window.statusHistory.push(status.textContent))
    .observe(status, {childList: true, characterData: true, subtree: true});
}"""
RECONNECTED = """() => {
  const seen = window.statusHistory;
  return seen.includes('Reconnecting…') && seen.at(-1) === 'Live';
}"""
ANNOTATION_IDS = "() => [...document.querySelectorAll('#annotations > li')].map(li => li.id)"
# A page timer set now that falls due after any retry hx-ws scheduled when the socket closed
# (its first comes 500 ms plus up to 30% jitter later): timers fire in the order they fall
# due, so once this one has, a retry would have begun. The page's own clock orders the two,
# however slow the machine is.
RETRY_WINDOW = """() => { window.retryWindowOver = false;
                         setTimeout(() => { window.retryWindowOver = true; }, 1000); }"""
# Notes when htmx has processed the page, which its start timer does.
NOTE_HTMX_START = """document.addEventListener('htmx:after:process', (event) => {
  if (event.target === document.body) window.htmxStarted = true; });"""


def watch_path(video) -> str:
    """The canonical watch URL of a video."""
    return f"/watch/{video.id}-{video.slug}"


async def post(page: Page, body: str) -> None:
    """Type an annotation and press Post, as a viewer does."""
    await page.fill("#annotation-body", body)
    await page.get_by_role("button", name="Post").click()


def annotation(page: Page, body: str):
    """The list item of the annotation with this body."""
    return page.locator("#annotations > li", has_text=body)


async def wait_reconnected(page: Page) -> None:
    """Wait until the page said it was reconnecting and then went live again."""
    try:
        await page.wait_for_function(RECONNECTED, timeout=2 * TIMEOUT_MS)
    except PlaywrightTimeout as error:
        seen = await page.evaluate("window.statusHistory")
        raise AssertionError(f"{page.url} showed {seen}") from error
    # A page that was live says it is reconnecting, even on a video nobody annotated yet.
    assert "Connecting…" not in await page.evaluate("window.statusHistory")


async def assert_no_duplicate_ids(page: Page) -> None:
    """Fail when any annotation is listed twice."""
    ids = await page.evaluate(ANNOTATION_IDS)
    assert len(ids) == len(set(ids)), ids


async def test_an_annotation_reaches_another_viewer_at_its_moment_and_survives_a_restart(
        new_page, clock_url):
    # A server of its own: the restart below must not cut other tests' sockets.
    own = await asyncio.to_thread(AppServer({"ANNOTATION_BURST": "1000"}).start)
    try:
        alice, bob = await make_user(), await make_user()
        video = await make_video(alice, title="Clock for two", url=clock_url)
        quiet = await make_video(alice, title="Clock nobody annotates", url=clock_url)
        page_a, page_b = await new_page(base_url=own.url), await new_page(base_url=own.url)
        page_guest = await new_page(base_url=own.url)
        await page_guest.goto(watch_path(quiet))
        await wait_live(page_guest)
        await sign_in(page_a, alice.username, next_path=watch_path(video))
        await sign_in(page_b, bob.username, next_path=watch_path(video))
        await wait_live(page_a)
        await wait_live(page_b)

        await seek(page_a, 20_000)
        await post(page_a, "The second hand passes twenty")
        in_b = annotation(page_b, "The second hand passes twenty")
        await expect(in_b).to_be_attached()
        await expect(in_b).to_be_hidden()
        await expect(page_b.locator("#ahead-notice")).to_have_text("New annotation ahead at 0:20.")
        assert await in_b.get_attribute("data-at") == "20000"
        await expect(page_a.locator("#annotation-body")).to_have_value("")
        await expect(annotation(page_a, "The second hand passes twenty")).to_be_visible()

        await seek(page_b, 25_000)
        await expect(in_b).to_be_visible()
        await expect(in_b.locator(".author")).to_have_text(alice.username)
        await expect(page_b.locator("#ahead-notice")).to_be_hidden()

        await in_b.get_by_role("button", name="Play from 0:20").click()
        await wait_at(page_b, 20)
        await page_b.screenshot(path=artifact("live-b-after-annotation-seek.png"))

        for page in (page_a, page_b, page_guest):
            await page.evaluate(RECORD_STATUS)
        await asyncio.to_thread(own.restart)
        for page in (page_a, page_b, page_guest):
            await wait_reconnected(page)

        await post(page_a, "Still here after the restart")
        for page in (page_a, page_b):
            await expect(annotation(page, "Still here after the restart")).to_have_count(1)
            await expect(page.locator("#annotations > li")).to_have_count(2)
            await assert_no_duplicate_ids(page)
        await page_a.screenshot(path=artifact("live-a-after-restart.png"))
    finally:
        await asyncio.to_thread(own.stop)


async def test_an_anonymous_viewer_is_live_but_invited_to_sign_in(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock for guests", url=clock_url)
    page = await new_page()
    await page.goto(watch_path(video))
    await wait_live(page)
    await expect(page.locator(".signed-out-note")).to_contain_text("Sign in to annotate")
    await expect(page.locator("#annotate-form")).to_have_count(0)


async def test_signing_out_in_one_tab_shows_signed_out_in_the_other(new_page, clock_url):
    alice = await make_user()
    video = await make_video(alice, title="Clock in two tabs", url=clock_url)
    first = await new_page()
    await sign_in(first, alice.username, next_path=watch_path(video))
    second = await new_page(first.context)
    sockets = []
    second.on("websocket", lambda socket: sockets.append(socket))
    await second.goto(watch_path(video))
    await wait_live(first)
    await wait_live(second)
    await second.evaluate(RECORD_STATUS)
    opened = len(sockets)

    await first.get_by_role("button", name="Sign out").click()
    await expect(first.get_by_text("You have signed out.")).to_be_visible()

    status = second.locator("#live-status")
    await expect(status).to_contain_text("signed out")
    await expect(status).to_have_attribute("data-state", "signed-out")
    await expect(second.locator("#annotate-form")).to_be_hidden()
    await expect(second.locator("[data-signed-out]")).to_be_visible()
    await second.evaluate(RETRY_WINDOW)
    await second.wait_for_function("() => window.retryWindowOver", timeout=TIMEOUT_MS)
    assert len(sockets) == opened
    assert "Reconnecting…" not in await second.evaluate("window.statusHistory")
    await expect(status).to_contain_text("signed out")


@pytest.mark.parametrize("late", [("hx-ws-4.0.1.js", "player.js"), ("player.js",)])
async def test_the_page_goes_live_even_when_scripts_arrive_late(new_page, clock_url, late):
    # htmx starts on a timer once its own file runs; a slow hx-ws.js or player.js used to leave
    # the page without a socket, or with one the player shim never saw, stuck on "Connecting…".
    owner = await make_user()
    video = await make_video(owner, title="Clock on a slow line", url=clock_url)
    await make_annotation(owner, video, "Already here", at=5000)
    page = await new_page()
    held_until_htmx_started = []

    async def after_htmx_starts(route):
        """Serve the script only once htmx has started without it, as on a slow line."""
        with contextlib.suppress(PlaywrightTimeout):  # then the assertion below says so
            await page.wait_for_function("() => window.htmxStarted", timeout=TIMEOUT_MS)
            held_until_htmx_started.append(route.request.url)
        await route.continue_()

    await page.add_init_script(NOTE_HTMX_START)
    for name in late:
        await page.route(f"**/{name}", after_htmx_starts)
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    await page.goto(watch_path(video))
    await wait_live(page)
    assert len(held_until_htmx_started) == len(late), held_until_htmx_started
    await expect(page.locator("#annotations > li")).to_have_count(1)
    assert len(sockets) == 1 and "cursor=" in sockets[0]
