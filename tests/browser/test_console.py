"""No page logs a console error, throws, or trips the Content-Security-Policy."""

from playwright.async_api import Page

from tests.browser.conftest import play, sign_in, wait_live
from tests.factories import make_user, make_video

# Chromium logs most CSP refusals to the console already; the event also catches the rest.
REPORT_CSP = """document.addEventListener('securitypolicyviolation', (e) =>
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`));"""


async def watched_page(new_page) -> tuple[Page, list[str]]:
    """A fresh user's page that collects every console error and uncaught exception."""
    page = await new_page()
    problems = []
    await page.context.add_init_script(REPORT_CSP)
    page.on("console", lambda message: problems.append(f"{page.url}: {message.text}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    return page, problems


async def test_public_and_signed_in_pages_log_no_errors(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clean clock", url=clock_url)
    page, problems = await watched_page(new_page)

    for path in ("/", "/sign-in", "/register", f"/watch/{video.id}-{video.slug}"):
        await page.goto(path)
        await page.wait_for_load_state("networkidle")
    await wait_live(page)

    await sign_in(page, owner.username, next_path=f"/watch/{video.id}-{video.slug}")
    await wait_live(page)
    await play(page)
    await page.goto("/manage/videos/new")
    await page.wait_for_load_state("networkidle")
    # The owner's own list, which holds this video whatever else the run has added.
    await page.goto("/manage/videos")
    await page.get_by_role("link", name="Clean clock", exact=True).click()  # a boosted (htmx) navigation
    await wait_live(page)
    await page.get_by_role("link", name="Browse").click()
    await page.wait_for_load_state("networkidle")

    assert problems == []
