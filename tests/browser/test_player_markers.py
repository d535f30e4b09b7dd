"""Timeline markers under the player (issue 6): placed by time, named, seek, follow the list live."""

from playwright.async_api import Page, expect

from tests.browser.conftest import seek, sign_in, wait_at, wait_live
from tests.factories import make_annotation, make_user, make_video

# Where each marker's centre sits along the strip, as a fraction of its width.
MARKER_POSITIONS = """() => {
  const track = document.querySelector('[data-markers]').getBoundingClientRect();
  return [...document.querySelectorAll('.marker')].map((m) => {
    const r = m.getBoundingClientRect();
    return (r.left + r.width / 2 - track.left) / track.width;
  });
}"""


def watch_path(video) -> str:
    """The canonical watch URL of a video."""
    return f"/watch/{video.id}-{video.slug}"


def markers(page: Page):
    """The timeline's marker buttons, in time order."""
    return page.get_by_role("toolbar", name="Annotations on the timeline").get_by_role("button")


async def test_each_annotation_has_a_marker_at_its_moment_that_names_it_and_seeks_there(
        new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock with markers", url=clock_url)
    await make_annotation(owner, video, "A quarter of the way", at=15_000)
    await make_annotation(owner, video, "Three quarters in", at=45_000)
    page = await new_page()
    await page.goto(watch_path(video))
    await wait_live(page)

    await expect(markers(page)).to_have_count(2)
    await expect(markers(page).nth(0)).to_have_accessible_name(f"0:15 {owner.username}: A quarter of the way")
    await expect(markers(page).nth(1)).to_have_accessible_name(f"0:45 {owner.username}: Three quarters in")
    # The one-minute clip: the markers sit a quarter and three quarters along the strip.
    first, second = await page.evaluate(MARKER_POSITIONS)
    assert abs(first - 0.25) < 0.02 and abs(second - 0.75) < 0.02, (first, second)

    await markers(page).nth(1).hover()
    tip = page.locator("[data-marker-tip]")
    await expect(tip).to_be_visible()
    await expect(tip).to_contain_text(f"{owner.username} · 0:45")
    await expect(tip).to_contain_text("Three quarters in")
    await expect(tip).not_to_contain_text("A quarter of the way")

    later = page.locator("#annotations > li", has_text="Three quarters in")
    await expect(later).to_be_hidden()
    await markers(page).nth(1).click()
    await wait_at(page, 45)
    await expect(later).to_be_visible()
    await expect(markers(page).nth(1)).to_have_class("marker passed")
    await expect(markers(page).nth(0)).to_have_class("marker passed")

    await page.mouse.move(0, 0)
    await expect(tip).to_be_hidden()


async def test_hovering_markers_that_overlap_lists_every_annotation_under_the_pointer(
        new_page, clock_url):
    owner, friend = await make_user(), await make_user()
    video = await make_video(owner, title="Clock with a busy moment", url=clock_url)
    await make_annotation(owner, video, "The hand lines up", at=30_000)
    await make_annotation(friend, video, "Yes, right there", at=30_200)
    await make_annotation(friend, video, "Much later", at=55_000)
    page = await new_page()
    await page.goto(watch_path(video))
    await wait_live(page)

    await markers(page).nth(1).hover()
    tip = page.locator("[data-marker-tip] p")
    await expect(tip).to_have_count(2)
    await expect(tip.nth(0)).to_have_text(f"{owner.username} · 0:30 The hand lines up")
    await expect(tip.nth(1)).to_have_text(f"{friend.username} · 0:30 Yes, right there")


async def test_markers_follow_the_list_as_annotations_arrive_and_leave(new_page, clock_url):
    alice = await make_user()
    video = await make_video(alice, title="Clock with live markers", url=clock_url)
    await make_annotation(alice, video, "Already here", at=10_000)
    page_a, page_b = await new_page(), await new_page()
    await sign_in(page_a, alice.username, next_path=watch_path(video))
    await page_b.goto(watch_path(video))
    await wait_live(page_a)
    await wait_live(page_b)
    await expect(markers(page_b)).to_have_count(1)

    await seek(page_a, 30_000)
    await page_a.fill("#annotation-body", "Posted while bob watches")
    await page_a.get_by_role("button", name="Post").click()
    await expect(markers(page_b)).to_have_count(2)
    await expect(markers(page_b).nth(1)).to_have_accessible_name(
        f"0:30 {alice.username}: Posted while bob watches")

    # Alice deletes it: it leaves bob's list live, its marker goes too, and bob's keyboard focus
    # on that marker moves to a neighbour instead of falling off the page.
    await markers(page_b).nth(1).focus()
    mine = page_a.locator("#annotations > li", has_text="Posted while bob watches")
    await mine.get_by_role("button", name="Delete").click()
    await expect(page_b.locator("#annotations > li", has_text="Posted while bob watches")).to_have_count(0)
    await expect(markers(page_b)).to_have_count(1)
    await expect(markers(page_b).nth(0)).to_have_accessible_name(f"0:10 {alice.username}: Already here")
    await expect(markers(page_b).nth(0)).to_be_focused()

    # Markers are derived from the list, so they follow whatever else changes it too.
    await page_b.evaluate("document.querySelector('#annotations > li').remove()")
    await expect(markers(page_b)).to_have_count(0)


async def test_the_strip_is_one_tab_stop_and_the_arrow_keys_move_between_markers(new_page, clock_url):
    owner = await make_user()
    video = await make_video(owner, title="Clock for the keyboard", url=clock_url)
    for at, body in ((12_000, "First"), (24_000, "Second"), (36_000, "Third")):
        await make_annotation(owner, video, body, at=at)
    page = await new_page()
    await page.goto(watch_path(video))
    await wait_live(page)
    await expect(markers(page)).to_have_count(3)

    # One Tab stop for the whole strip: the marker last used (the first, to begin with).
    await expect(page.locator(".marker[tabindex='0']")).to_have_count(1)
    await expect(markers(page).nth(0)).to_have_attribute("tabindex", "0")
    await markers(page).nth(0).focus()
    tip = page.locator("[data-marker-tip]")
    await expect(tip).to_contain_text("First")
    await page.keyboard.press("ArrowRight")
    await expect(markers(page).nth(1)).to_be_focused()
    await expect(tip).to_contain_text("Second")
    await page.keyboard.press("End")
    await expect(markers(page).nth(2)).to_be_focused()
    await page.keyboard.press("ArrowLeft")
    await expect(markers(page).nth(1)).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(tip).to_be_hidden()

    await page.keyboard.press("Enter")
    await wait_at(page, 24)
    await expect(page.locator("#annotations > li", has_text="Second")).to_be_visible()

    # Tab leaves the strip at once; coming back lands on the marker last used.
    await page.keyboard.press("Tab")
    assert not await page.evaluate("document.activeElement.matches('.marker')")
    await page.keyboard.press("Shift+Tab")
    await expect(markers(page).nth(1)).to_be_focused()
    await expect(page.locator(".marker[tabindex='0']")).to_have_count(1)
