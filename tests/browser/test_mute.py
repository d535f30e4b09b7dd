"""Mute for myself in Chromium: a viewer hides one person's annotations from their own pages
only, live posts included, kept across a reload, and brings them back by unmuting."""

from playwright.async_api import Page, expect

from tests.browser.conftest import seek, sign_in, wait_live
from tests.browser.test_live_annotations import annotation, post, watch_path
from tests.factories import make_annotation, make_user, make_video


async def watching(new_page, user, video) -> Page:
    """A signed-in viewer's watch page, live, past the first second."""
    page = await new_page()
    await sign_in(page, user.username, next_path=watch_path(video))
    await wait_live(page)
    await seek(page, 2_000)
    return page


async def test_a_muted_persons_annotations_vanish_for_the_muter_alone_and_come_back(new_page, clock_url):
    alice, bob, carol = await make_user(), await make_user(), await make_user()
    video = await make_video(alice, title="Spoiler-free", url=clock_url)
    await make_annotation(carol, video, body="The butler did it", at=1_000)
    await make_annotation(bob, video, body="Lovely light", at=1_000)
    muter, other, troll = (await watching(new_page, alice, video), await watching(new_page, bob, video),
                           await watching(new_page, carol, video))
    await expect(annotation(troll, "The butler did it").get_by_role("button", name="Mute")).to_be_hidden()

    await annotation(muter, "The butler did it").get_by_role("button", name=f"Mute {carol.username}").click()

    await expect(annotation(muter, "The butler did it")).to_be_hidden()
    await expect(muter.get_by_role("button", name=f"Unmute {carol.username}")).to_be_focused()
    await expect(annotation(muter, "Lovely light")).to_be_visible()
    await expect(annotation(other, "The butler did it")).to_be_visible()  # the others' pages as before

    await seek(troll, 3_000)
    await post(troll, "And the gardener helped")
    await expect(annotation(other, "And the gardener helped")).to_be_attached()
    await expect(annotation(muter, "And the gardener helped")).to_have_attribute("data-muted", "")
    await seek(muter, 4_000)  # due now, and still hidden
    await expect(annotation(muter, "And the gardener helped")).to_be_hidden()

    await muter.reload()  # kept in this browser
    await wait_live(muter)
    await seek(muter, 4_000)
    await expect(annotation(muter, "Lovely light")).to_be_visible()
    await expect(annotation(muter, "The butler did it")).to_be_hidden()

    await muter.get_by_role("button", name=f"Unmute {carol.username}").click()
    for body in ("The butler did it", "And the gardener helped"):
        await expect(annotation(muter, body)).to_be_visible()
    await expect(muter.locator("#muted-people")).to_be_hidden()
