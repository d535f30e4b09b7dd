"""Mentions in Chromium: @ suggests people, the keyboard completes one, and the posted mention is
a link, for another viewer too, to that person's profile."""

import secrets

from playwright.async_api import expect

from tests.browser.conftest import seek, sign_in, wait_live
from tests.browser.test_accessibility import assert_no_serious_violations
from tests.browser.test_live_annotations import annotation, watch_path
from tests.factories import make_annotation, make_user, make_video


async def test_typing_at_suggests_people_the_keyboard_completes_one_and_the_link_opens_their_profile(
        new_page, server, clock_url):
    mark = secrets.token_hex(3)
    poster = await make_user(f"poster_{mark}")
    ala, alb = await make_user(f"ala_{mark}"), await make_user(f"alb_{mark}")
    video = await make_video(poster, title="Clock with mentions", url=clock_url)
    # Both have commented here, so they come before every other "al…" in the database.
    await make_annotation(ala, video, "Early", at=0)
    await make_annotation(alb, video, "Earlier still", at=0)

    page = await new_page()
    await sign_in(page, poster.username, next_path=watch_path(video))
    await wait_live(page)
    box = page.locator("#annotation-body")
    await box.click()
    await page.keyboard.type("Thoughts, @al")
    people = page.get_by_role("listbox", name="People to mention")
    await expect(people).to_be_visible()
    options = people.get_by_role("option")
    await expect(options.nth(0)).to_have_text(f"@ala_{mark}")
    await expect(options.nth(1)).to_have_text(f"@alb_{mark}")
    await expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    await expect(box).to_have_attribute("aria-activedescendant", await options.nth(0).get_attribute("id"))
    await expect(page.get_by_role("status").filter(has_text="people to mention")).to_be_attached()
    await assert_no_serious_violations(page, "watch with people suggested")

    await page.keyboard.press("ArrowDown")
    await expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    await expect(box).to_have_attribute("aria-activedescendant", await options.nth(1).get_attribute("id"))
    await page.keyboard.press("Enter")
    await expect(people).to_be_hidden()
    await expect(box).to_have_value(f"Thoughts, @alb_{mark} ")
    await expect(box).to_be_focused()

    # Escape closes the suggestions and keeps what was typed; Tab completes like Enter.
    await page.keyboard.type("and @al")
    await expect(people).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(people).to_be_hidden()
    await expect(box).to_have_value(f"Thoughts, @alb_{mark} and @al")
    await page.keyboard.type("a")
    await expect(options.nth(0)).to_have_text(f"@ala_{mark}")
    await page.keyboard.press("Tab")
    await expect(box).to_have_value(f"Thoughts, @alb_{mark} and @ala_{mark} ")
    await expect(box).to_be_focused()
    await page.keyboard.type("@nobody_here?")
    await page.keyboard.press("Control+Enter")

    viewer = await new_page()
    await viewer.goto(watch_path(video))
    await wait_live(viewer)
    await seek(viewer, 2_000)
    posted = annotation(viewer, "Thoughts")
    await expect(posted).to_be_visible()
    await expect(posted).to_have_attribute("data-mentions", f" {alb.id} {ala.id} ")
    await expect(posted.locator(".body")).to_have_text(f"Thoughts, @alb_{mark} and @ala_{mark} @nobody_here?")
    await expect(posted.locator(".body a")).to_have_count(2)
    await posted.get_by_role("link", name=f"@alb_{mark}").click()
    await expect(viewer).to_have_url(f"{server.url}/users/alb_{mark}")
    await expect(viewer.get_by_role("heading", level=1)).to_have_text(f"alb_{mark}")
    await expect(viewer.locator(".recent-annotations")).to_contain_text("Earlier still")
