"""Filter and find in Chromium: a search and Mine narrow the list, live changes join or leave it,
and playback timing still decides when a matching thread shows."""

import re

from playwright.async_api import Page, expect

from tests.browser.conftest import seek, sign_in, wait_live
from tests.browser.test_live_annotations import annotation, assert_no_duplicate_ids, post, watch_path
from tests.browser.test_threads import edit
from tests.factories import make_annotation, make_user, make_video

UNMATCHED = "[data-unmatched]"


async def search(page: Page, words: str) -> None:
    """Type words in the list's search box and press Enter."""
    box = page.get_by_role("searchbox", name="Search annotations by text or author")
    await box.fill(words)
    await box.press("Enter")


async def send(page: Page, body: str) -> None:
    """Post an annotation and wait until the server stored it (it empties the box), so the next
    post's text cannot be typed into the box that answer replaces."""
    await post(page, body)
    await expect(page.locator("#annotation-body")).to_have_value("")


async def wait_matching(page: Page, body: str) -> None:
    """Wait until the server's latest answer counts this annotation among the matches."""
    await expect(annotation(page, body)).not_to_have_attribute("data-unmatched", re.compile(".*"))


async def test_a_search_and_mine_follow_live_posts_and_edits_and_keep_playback_timing(new_page, clock_url):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice, title="Bridges", url=clock_url)
    await make_annotation(alice, video, "Bridge at dawn", 1000)
    await make_annotation(bob, video, "Bridge at noon", 2000)
    await make_annotation(bob, video, "The river", 3000)
    page_a, page_b = await new_page(), await new_page()
    await sign_in(page_a, alice.username, next_path=watch_path(video))
    await sign_in(page_b, bob.username, next_path=watch_path(video))
    await wait_live(page_a)
    await wait_live(page_b)
    await seek(page_a, 10_000)  # everything so far is due for Alice

    await search(page_a, "bridge")
    await expect(annotation(page_a, "The river")).to_be_hidden()
    await expect(annotation(page_a, "Bridge at dawn")).to_be_visible()
    await expect(annotation(page_a, "Bridge at noon")).to_be_visible()
    await expect(page_a.locator(".filter-summary")).to_have_text("2 threads match “bridge”.")
    assert page_a.url.endswith(f"{watch_path(video)}?q=bridge")

    # Bob posts live: what does not match stays out, what matches joins.
    await send(page_b, "Nothing to see")
    await send(page_b, "Another bridge")
    await expect(annotation(page_a, "Another bridge")).to_be_visible()
    await expect(annotation(page_a, "Nothing to see")).to_be_attached()
    await expect(annotation(page_a, "Nothing to see")).to_be_hidden()

    # A match ahead of Alice's playhead waits for its moment.
    await seek(page_b, 30_000)
    await send(page_b, "A bridge later on")
    await wait_matching(page_a, "A bridge later on")
    await expect(annotation(page_a, "A bridge later on")).to_be_hidden()
    await seek(page_a, 31_000)
    await expect(annotation(page_a, "A bridge later on")).to_be_visible()

    # An edit that stops matching makes it leave.
    await edit(page_b, annotation(page_b, "Another bridge"), "Another tunnel")
    await expect(annotation(page_a, "Another tunnel")).to_be_attached()
    await expect(annotation(page_a, "Another tunnel")).to_be_hidden()

    # Mine keeps the search: only Alice's bridge, and her own new one joins; Bob's does not.
    await page_a.get_by_role("link", name="Mine").click()
    await expect(annotation(page_a, "Bridge at noon")).to_be_hidden()
    await expect(annotation(page_a, "Bridge at dawn")).to_be_visible()
    assert page_a.url.endswith(f"{watch_path(video)}?filter=mine&q=bridge")
    await send(page_b, "Bob's bridge again")
    await send(page_a, "My second bridge")
    await expect(annotation(page_a, "My second bridge")).to_be_visible()
    await expect(annotation(page_a, "Bob's bridge again")).to_be_attached()
    await expect(annotation(page_a, "Bob's bridge again")).to_be_hidden()
    await assert_no_duplicate_ids(page_a)

    # All keeps the search; an empty search then shows every thread that playback has reached.
    await page_a.get_by_role("link", name="All").click()
    await expect(annotation(page_a, "Bridge at noon")).to_be_visible()
    await expect(annotation(page_a, "The river")).to_be_hidden()
    await search(page_a, "")
    await expect(annotation(page_a, "The river")).to_be_visible()
    await expect(annotation(page_a, "Another tunnel")).to_be_visible()
    await expect(page_a.locator(f"#annotations > li{UNMATCHED}")).to_have_count(0)


async def test_a_filtered_address_opens_filtered_and_still_holds_every_thread(new_page, clock_url):
    alice = await make_user()
    video = await make_video(alice, title="Opened filtered", url=clock_url)
    await make_annotation(alice, video, "A lighthouse", 1000)
    await make_annotation(alice, video, "A harbour", 2000)
    page = await new_page()
    await page.goto(f"{watch_path(video)}?q=lighthouse")
    await wait_live(page)
    await seek(page, 5_000)
    await expect(annotation(page, "A lighthouse")).to_be_visible()
    await expect(annotation(page, "A harbour")).to_be_attached()
    await expect(annotation(page, "A harbour")).to_be_hidden()
    await expect(page.get_by_role("searchbox")).to_have_value("lighthouse")


async def test_open_lets_a_thread_resolved_live_go_and_takes_it_back_when_reopened(new_page, clock_url):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice, title="Review", url=clock_url)
    await make_annotation(bob, video, "Fix the sound", 1000)
    await make_annotation(bob, video, "Fix the colour", 2000)
    owner, reviewer = await new_page(), await new_page()
    await sign_in(owner, alice.username, next_path=watch_path(video))
    await sign_in(reviewer, bob.username, next_path=watch_path(video))
    await wait_live(owner)
    await wait_live(reviewer)
    await seek(owner, 5_000)
    await seek(reviewer, 5_000)

    await reviewer.get_by_role("link", name="Open").click()
    await expect(reviewer.locator(".filter-summary")).to_have_text("2 threads match.")
    await annotation(owner, "Fix the sound").get_by_role("button", name="Resolve").click()
    await expect(annotation(reviewer, "Fix the sound")).to_be_attached()
    await expect(annotation(reviewer, "Fix the sound")).to_be_hidden()
    await expect(annotation(reviewer, "Fix the colour")).to_be_visible()

    await annotation(owner, "Fix the sound").get_by_role("button", name="Reopen").click()
    await expect(annotation(reviewer, "Fix the sound")).to_be_visible()
    await reviewer.get_by_role("link", name="Resolved").click()
    await expect(annotation(reviewer, "Fix the sound")).to_be_hidden()
    await expect(reviewer.locator(".filter-summary")).to_have_text("No annotations match.")
