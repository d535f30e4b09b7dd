"""Browser fixtures: a real server, Debian's Chromium through Playwright, and sign-in helpers.

Every context records a Playwright trace. When a test fails, its folder under test-artifacts/
gets each context's trace (open it with `playwright show-trace`), each open page's screenshot,
and pages.txt: every page's URL with its console messages, errors and failed requests.
"""

import os
import secrets
import shutil
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout

from tests import diagnostics
from tests.factories import PASSWORD
from tests.server import AppServer

ROOT = Path(__file__).resolve().parents[2]
CLOCK = ROOT / "app" / "multimedia" / "demo" / "clock.webm"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run",
                 "--autoplay-policy=no-user-gesture-required", "--mute-audio"]
# Generous: a loaded CI box can be slow, and nothing here asserts how long things take.
TIMEOUT_MS = 15_000

expect.set_options(timeout=TIMEOUT_MS)

# Starts playback without returning play()'s promise, which never settles if playback never
# starts (page.evaluate would wait for ever); a refusal lands in the console, so in pages.txt.
PLAY = """() => { document.querySelector('video').play()
                    .catch((error) => console.error(`play() refused: ${error}`)); }"""
PLAYING_PAST = """s => { const v = document.querySelector('video');
                         return !v.paused && v.currentTime > s; }"""
AT = """s => { const v = document.querySelector('video');
               return v && !v.seeking && v.readyState >= 2
                 && v.currentTime >= s - 0.5 && v.currentTime <= s + 1; }"""
VIDEO_STATE = """() => { const v = document.querySelector('video');
  return v && {currentTime: v.currentTime, paused: v.paused, seeking: v.seeking,
               readyState: v.readyState, error: v.error && v.error.message}; }"""


@pytest.fixture(scope="package")
def server():
    """One app process for the browser tests, sharing the test database."""
    app_server = AppServer({"ANNOTATION_BURST": "1000"}).start()
    yield app_server
    app_server.stop()


@pytest.fixture(scope="package")
async def browser():
    """Headless Debian Chromium, shared by the package; each user gets their own context."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def new_page(browser: Browser, server, request):
    """Open a page in a fresh context (a separate user's browser), or in a given context."""
    contexts: list[BrowserContext] = []
    pages: list[tuple[Page, list[str]]] = []

    async def open_page(context=None, base_url: str | None = None) -> Page:
        if context is None:
            context = await browser.new_context(base_url=base_url or server.url)
            context.set_default_timeout(TIMEOUT_MS)
            await context.tracing.start(screenshots=True, snapshots=True)
            contexts.append(context)
        page = await context.new_page()
        pages.append((page, record_events(page)))
        return page

    yield open_page
    folder = diagnostics.artifact_dir(request.node) if diagnostics.failed(request.node) else None
    try:
        if folder:
            await save_pages(pages, folder)
    finally:
        for number, context in enumerate(contexts, 1):
            try:
                await context.tracing.stop(path=folder / f"trace-{number}.zip" if folder else None)
            finally:
                await context.close()


def record_events(page: Page) -> list[str]:
    """A list that collects the page's console messages, uncaught errors and failed requests."""
    events: list[str] = []
    page.on("console", lambda message: events.append(
        f"console.{message.type}: {message.text} ({message.location.get('url')}"
        f":{message.location.get('lineNumber')})"))
    page.on("pageerror", lambda error: events.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda req: events.append(f"failed: {req.method} {req.url} {req.failure}"))
    page.on("response", lambda response: events.append(f"HTTP {response.status}: {response.url}")
            if response.status >= 400 else None)
    page.on("crash", lambda _: events.append("the page crashed"))
    return events


async def save_pages(pages: list[tuple[Page, list[str]]], folder: Path) -> None:
    """Write each page's URL and events to pages.txt and screenshot each page still open."""
    lines = []
    for number, (page, events) in enumerate(pages, 1):
        lines.append(f"page {number}: {page.url}{' (closed)' if page.is_closed() else ''}")
        lines.extend(f"  {event}" for event in events)
        if not page.is_closed():
            try:
                await page.screenshot(path=folder / f"page-{number}.png", timeout=5_000)
            except Exception as error:  # a crashed or wedged page: the rest still gets saved
                lines.append(f"  no screenshot: {error}")
    (folder / "pages.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture
def clock_url() -> str:
    """The bundled one-minute clock, copied into the server's media folder under a fresh name."""
    name = f"clock-{secrets.token_hex(4)}.webm"
    media_dir = Path(os.environ["MEDIA_DIR"])
    media_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CLOCK, media_dir / name)
    return f"/media/{name}"


def artifact(name: str) -> str:
    """Where to save a screenshot the run keeps, pass or fail."""
    diagnostics.ARTIFACTS.mkdir(exist_ok=True)
    return str(diagnostics.ARTIFACTS / name)


async def sign_in(page: Page, username: str, password: str = PASSWORD, next_path: str = "/"):
    """Sign in through the real form and wait until the header says so."""
    await page.goto(f"/sign-in?next={next_path}")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.locator(".whoami")).to_contain_text(username)


async def wait_live(page: Page) -> None:
    """Wait until the page's socket is open."""
    await expect(page.locator("#live-status")).to_have_text("Live")


async def seek(page: Page, ms: int) -> None:
    """Seek through the player shim and wait until the frame there is ready."""
    await page.evaluate("ms => window.videologuePlayer.seekTo(ms)", ms)
    await wait_at(page, ms / 1000)


async def play(page: Page, past_seconds: float = 0) -> None:
    """Start the video and wait until it plays beyond a moment."""
    await page.evaluate(PLAY)
    await wait_for_video(page, PLAYING_PAST, past_seconds)


async def wait_at(page: Page, seconds: float) -> None:
    """Wait until the paused <video> sits near `seconds` with a frame to show (so Range worked)."""
    await wait_for_video(page, AT, seconds)


async def wait_for_video(page: Page, condition: str, arg=None):
    """Wait until `condition` holds in the page; if it never does, fail saying where the video is."""
    try:
        return await page.wait_for_function(condition, arg=arg, timeout=TIMEOUT_MS)
    except PlaywrightTimeout as error:
        state = await page.evaluate(VIDEO_STATE)
        raise AssertionError(f"{page.url}: waited for {condition} ({arg}), the video is {state}") from error
