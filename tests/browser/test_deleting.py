"""Deleting annotations in Chromium (issue 6): who sees the button, and it vanishes for every viewer."""

import asyncio

from playwright.async_api import Page, expect

from app import multimedia
from tests.browser.conftest import sign_in, wait_live
from tests.browser.test_live_annotations import (
    RECORD_STATUS,
    annotation,
    post,
    wait_reconnected,
    watch_path,
)
from tests.factories import make_annotation, make_user, make_video
from tests.server import AppServer


def delete_button(page: Page, body: str):
    """The Delete button of the annotation with this body."""
    return annotation(page, body).get_by_role("button", name="Delete")


async def test_an_author_sees_delete_on_their_own_annotations_and_it_vanishes_for_everyone(
        new_page, clock_url):
    owner, alice, bob = await make_user(), await make_user(), await make_user()
    video = await make_video(owner, title="Clock with regrets", url=clock_url)
    await make_annotation(alice, video, "Alice's slip", at=0)
    await make_annotation(bob, video, "Bob's remark", at=0)
    page_a, page_b, page_owner, page_guest = [await new_page() for _ in range(4)]
    for page, user in ((page_a, alice), (page_b, bob), (page_owner, owner)):
        await sign_in(page, user.username, next_path=watch_path(video))
    await page_guest.goto(watch_path(video))
    for page in (page_a, page_b, page_owner, page_guest):
        await wait_live(page)

    await expect(delete_button(page_a, "Alice's slip")).to_be_visible()
    await expect(delete_button(page_a, "Bob's remark")).to_be_hidden()
    await expect(delete_button(page_b, "Bob's remark")).to_be_visible()
    await expect(delete_button(page_b, "Alice's slip")).to_be_hidden()
    for body in ("Alice's slip", "Bob's remark"):  # the owner may delete anything on their video
        await expect(delete_button(page_owner, body)).to_be_visible()
        await expect(delete_button(page_guest, body)).to_be_hidden()

    await delete_button(page_a, "Alice's slip").click()
    for page in (page_a, page_b, page_owner, page_guest):
        await expect(annotation(page, "Alice's slip")).to_have_count(0)
        await expect(annotation(page, "Bob's remark")).to_have_count(1)
    await page_b.reload()
    await wait_live(page_b)
    await expect(annotation(page_b, "Bob's remark")).to_have_count(1)
    await expect(annotation(page_b, "Alice's slip")).to_have_count(0)


async def test_a_live_post_gets_its_delete_button_and_the_owner_removes_it(new_page, clock_url):
    owner, bob = await make_user(), await make_user()
    video = await make_video(owner, title="Clock under moderation", url=clock_url)
    page_b, page_owner = await new_page(), await new_page()
    await sign_in(page_b, bob.username, next_path=watch_path(video))
    await sign_in(page_owner, owner.username, next_path=watch_path(video))
    for page in (page_b, page_owner):
        await wait_live(page)
    await post(page_b, "Buy cheap watches")
    for page in (page_b, page_owner):
        await expect(delete_button(page, "Buy cheap watches")).to_be_visible()
    await delete_button(page_owner, "Buy cheap watches").click()
    for page in (page_b, page_owner):
        await expect(annotation(page, "Buy cheap watches")).to_have_count(0)


async def test_a_forced_delete_button_is_refused_and_explained_to_that_viewer_only(new_page, clock_url):
    owner, alice, mallory = await make_user(), await make_user(), await make_user()
    video = await make_video(owner, title="Clock with a meddler", url=clock_url)
    await make_annotation(alice, video, "Leave mine alone", at=0)
    page_a, page_m = await new_page(), await new_page()
    await sign_in(page_a, alice.username, next_path=watch_path(video))
    await sign_in(page_m, mallory.username, next_path=watch_path(video))
    for page in (page_a, page_m):
        await wait_live(page)
    form = annotation(page_m, "Leave mine alone").locator("[data-delete]")
    await form.evaluate("form => { form.hidden = false; }")  # what a meddler can do in dev tools
    await delete_button(page_m, "Leave mine alone").click()
    await expect(page_m.locator("#live-error")).to_have_text(
        "Only its author, the video's owner or a moderator can delete an annotation.")
    # A barrier: mallory posts next, and each page receives what the video's viewers are sent in
    # order, so once her post shows on both, a wrongly shared error or deletion would have too.
    await post(page_m, "Fine, I will just comment")
    for page in (page_a, page_m):
        await expect(annotation(page, "Fine, I will just comment")).to_have_count(1)
        await expect(annotation(page, "Leave mine alone")).to_have_count(1)
    await expect(page_a.locator("#live-error")).to_be_empty()


async def test_a_deletion_made_while_a_viewer_was_cut_off_is_applied_when_it_reconnects(
        new_page, clock_url):
    # A server of its own: stopping it must not cut other tests' sockets.
    own = await asyncio.to_thread(AppServer({"ANNOTATION_BURST": "1000"}).start)
    try:
        alice = await make_user()
        video = await make_video(alice, title="Clock through an outage", url=clock_url)
        await make_annotation(alice, video, "Stays", at=0)
        gone = await make_annotation(alice, video, "Goes while you are away", at=0)
        page = await new_page(base_url=own.url)
        await page.goto(watch_path(video))
        await wait_live(page)
        await expect(annotation(page, "Goes while you are away")).to_have_count(1)
        await page.evaluate(RECORD_STATUS)
        await asyncio.to_thread(own.stop)
        await multimedia.delete_annotation(alice, gone.id)  # no socket is open to hear of it
        await asyncio.to_thread(own.start)
        await wait_reconnected(page)
        await expect(annotation(page, "Goes while you are away")).to_have_count(0)
        await expect(annotation(page, "Stays")).to_have_count(1)
    finally:
        await asyncio.to_thread(own.stop)


async def test_deleting_a_video_tells_its_open_watch_pages_and_hides_their_form(new_page, clock_url):
    owner, viewer = await make_user(), await make_user()
    video = await make_video(owner, title="Clock about to go", url=clock_url)
    page_owner, page_viewer = await new_page(), await new_page()
    await sign_in(page_viewer, viewer.username, next_path=watch_path(video))
    await wait_live(page_viewer)
    await expect(page_viewer.locator("#annotate-form")).to_be_visible()

    await sign_in(page_owner, owner.username, next_path="/manage/videos")
    await page_owner.get_by_role("button", name="Delete Clock about to go").click()
    await expect(page_owner.get_by_text("“Clock about to go” was deleted.")).to_be_visible()

    await expect(page_viewer.locator("#live-status")).to_have_text("This video has been deleted.")
    await expect(page_viewer.locator("#annotate-form")).to_be_hidden()
