"""Links to a moment in Chromium: ?t=…#annotation-… seeks and highlights; "Copy link" gives one."""

from playwright.async_api import expect

from tests.browser.conftest import wait_at, wait_live
from tests.browser.test_live_annotations import annotation, watch_path
from tests.factories import make_annotation, make_user, make_video


async def test_copy_link_gives_a_link_that_seeks_there_and_highlights_it(
        browser, server, new_page, clock_url):
    alice = await make_user()
    video = await make_video(alice, title="Linked moments", url=clock_url)
    await make_annotation(alice, video, body="Early on", at=5_000)
    later = await make_annotation(alice, video, body="The moment", at=42_250)
    context = await browser.new_context(base_url=server.url)
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    sharer = await new_page(context)
    await sharer.goto(watch_path(video))
    await wait_live(sharer)
    await sharer.evaluate("ms => window.videologuePlayer.seekTo(ms)", 45_000)
    item = annotation(sharer, "The moment")
    await item.get_by_role("link", name="Copy link to 0:42").click()
    await expect(item.get_by_role("link", name="Copy link to 0:42")).to_have_text("Link copied")
    link = await sharer.evaluate("navigator.clipboard.readText()")
    assert link == f"{server.url}{watch_path(video)}?t=42.25#annotation-{later.id}"
    assert sharer.url.endswith(watch_path(video))  # copying did not navigate

    # Someone else opens it, by the short id-only URL as well: the redirect keeps the moment.
    for opened in (link, link.replace(watch_path(video), f"/watch/{video.id}")):
        viewer = await new_page()
        await viewer.goto(opened)
        await wait_at(viewer, 42.25)
        assert viewer.url == link
        linked = annotation(viewer, "The moment")
        await expect(linked).to_be_visible()
        await expect(linked).to_have_attribute("data-highlighted", "")
        await expect(linked).to_be_in_viewport()
        assert await annotation(viewer, "Early on").get_attribute("data-highlighted") is None
