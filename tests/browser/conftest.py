"""Browser fixtures: a real server, Debian's Chromium through Playwright, and sign-in helpers."""

import os
import secrets
import shutil
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.factories import PASSWORD
from tests.server import AppServer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CLOCK = ROOT / "app" / "multimedia" / "demo" / "clock.webm"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run",
                 "--autoplay-policy=no-user-gesture-required", "--mute-audio"]
# Generous: a loaded CI box can be slow, and nothing here asserts how long things take.
TIMEOUT_MS = 15_000

expect.set_options(timeout=TIMEOUT_MS)


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
async def new_page(browser: Browser, server):
    """Open a page in a fresh context (a separate user's browser), or in a given context."""
    contexts = []

    async def open_page(context=None, base_url: str | None = None) -> Page:
        if context is None:
            context = await browser.new_context(base_url=base_url or server.url)
            context.set_default_timeout(TIMEOUT_MS)
            contexts.append(context)
        return await context.new_page()

    yield open_page
    for context in contexts:
        await context.close()


@pytest.fixture
def clock_url() -> str:
    """The bundled one-minute clock, copied into the server's media folder under a fresh name."""
    name = f"clock-{secrets.token_hex(4)}.webm"
    media_dir = Path(os.environ["MEDIA_DIR"])
    media_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CLOCK, media_dir / name)
    return f"/media/{name}"


def artifact(name: str) -> str:
    """Where to save a screenshot the run keeps."""
    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / name)


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


async def wait_at(page: Page, seconds: float) -> None:
    """Wait until the <video> sits near `seconds` with a frame to show (so Range worked)."""
    await page.wait_for_function(
        """s => { const v = document.querySelector('video');
                 return v && !v.seeking && v.readyState >= 2
                   && v.currentTime >= s - 0.5 && v.currentTime <= s + 1; }""",
        arg=seconds, timeout=TIMEOUT_MS)
