"""Blocking in Chromium: a moderator blocks a troll from the watch page, whose open page turns
read-only live while a bystander's stays as it was; the owner unblocks them from the
blocked-people page, the troll's open page is told to reload, and they comment again."""

from playwright.async_api import Page, expect

from app import multimedia
from tests.browser.conftest import seek, sign_in, wait_live
from tests.browser.test_live_annotations import annotation, post, watch_path
from tests.factories import make_annotation, make_user, make_video, unique_username

BLOCKED = "The owner of this video has blocked you from commenting on their videos."


async def watching(new_page, user, video, at_ms: int = 4_000) -> Page:
    """A signed-in viewer's watch page in a browser of their own, live, at `at_ms`."""
    page = await new_page()
    await sign_in(page, user.username, next_path=watch_path(video))
    await wait_live(page)
    await seek(page, at_ms)
    return page


def control(item, name: str):
    """One of an annotation's own controls (`data-<name>`); the tests' annotations have no replies."""
    return item.locator(f"[data-{name}]")


async def test_a_moderator_blocks_someone_whose_open_page_turns_read_only_live(new_page, clock_url):
    owner, moderator = await make_user(unique_username("owner")), await make_user(unique_username("mod"))
    troll, bystander = await make_user(unique_username("troll")), await make_user(unique_username("by"))
    video = await make_video(owner, title="Director's cut", url=clock_url)
    other_moderator = await make_user(unique_username("mod"))
    for person in (moderator, other_moderator):
        await multimedia.invite_collaborator(owner, video.id, person.username, "moderator")
    await make_annotation(owner, video, body="Colour grade is final", at=1_000)
    await make_annotation(moderator, video, body="Keep it civil please", at=1_500)
    await make_annotation(other_moderator, video, body="Agreed, be kind", at=1_700)

    trolling = await watching(new_page, troll, video, at_ms=2_000)
    moderating = await watching(new_page, moderator, video)
    looking_on = await watching(new_page, bystander, video)
    await post(trolling, "This is the worst film ever made")

    trolled = annotation(moderating, "This is the worst film ever made")
    await expect(trolled).to_be_visible()
    await expect(control(trolled, "block")).to_be_visible()
    await expect(control(trolled, "block")).to_have_text("Block")
    # The page decided for each item (Delete for a moderator, Mute for someone else's) and
    # showed Block on neither the moderator's own annotation, nor the owner's, nor another
    # moderator's.
    own = annotation(moderating, "Keep it civil please")
    owners = annotation(moderating, "Colour grade is final")
    await expect(control(own, "delete")).to_be_visible()
    await expect(control(own, "block")).to_have_count(1)
    await expect(control(own, "block")).to_be_hidden()
    await expect(control(owners, "mute")).to_be_visible()
    await expect(control(owners, "block")).to_have_count(1)
    await expect(control(owners, "block")).to_be_hidden()
    fellow = annotation(moderating, "Agreed, be kind")
    await expect(control(fellow, "mute")).to_be_visible()
    await expect(control(fellow, "block")).to_be_hidden()
    # A bystander, who does not moderate, gets no Block anywhere.
    seen = annotation(looking_on, "This is the worst film ever made")
    await expect(control(seen, "mute")).to_be_visible()
    await expect(control(seen, "block")).to_be_hidden()

    # Before the block, the troll may reply and react.
    troll_sees = annotation(trolling, "Colour grade is final")
    await expect(control(troll_sees, "reply")).to_be_visible()
    await expect(control(troll_sees, "react")).to_be_visible()
    troll_own = annotation(trolling, "This is the worst film ever made")
    await expect(control(troll_own, "edit")).to_be_visible()

    await control(trolled, "block").click()
    await expect(moderating.locator("#live-error")).to_contain_text(
        f"{troll.username} can no longer post, reply or react")
    await expect(moderating.locator("#annotate-form")).to_be_visible()

    # The troll's open page, without a reload: the form gave way to the note, and nothing speaks.
    await expect(trolling.locator("#blocked-note")).to_contain_text(BLOCKED)
    await expect(trolling.locator("#annotate-form")).to_have_count(0)
    for item in (troll_sees, troll_own):
        await expect(item).to_be_visible()
        await expect(control(item, "reply")).to_be_hidden()
        await expect(control(item, "react")).to_be_hidden()
    await expect(control(troll_own, "edit")).to_be_hidden()
    await expect(trolling.locator("#live-status")).to_have_text("Live")  # they still watch

    # After the block, the moderator posts: the bystander gets it on a page that is as it was.
    await seek(moderating, 3_000)
    await post(moderating, "Blocked for abuse, carry on")
    await expect(annotation(looking_on, "Blocked for abuse, carry on")).to_be_visible()
    await expect(annotation(moderating, "Blocked for abuse, carry on")).to_be_visible()
    await expect(looking_on.locator("#annotate-form")).to_be_visible()
    await expect(looking_on.locator("#blocked-note")).to_have_count(0)
    await expect(looking_on.locator("#live-error")).to_be_empty()
    await expect(looking_on.get_by_text("blocked you")).to_have_count(0)
    await expect(control(annotation(looking_on, "Colour grade is final"), "reply")).to_be_visible()
    await expect(looking_on.locator("#live-status")).to_have_text("Live")
    # The troll's page still follows the video, read-only.
    await seek(trolling, 4_000)
    await expect(annotation(trolling, "Blocked for abuse, carry on")).to_be_visible()
    await expect(control(annotation(trolling, "Blocked for abuse, carry on"), "reply")).to_be_hidden()


async def test_an_unblocked_person_is_told_to_reload_and_can_comment_again(new_page, clock_url):
    owner, troll = await make_user(unique_username("owner")), await make_user(unique_username("troll"))
    video = await make_video(owner, title="Second chances", url=clock_url)
    await multimedia.block_person(owner, video.id, troll.id)

    trolling = await watching(new_page, troll, video, at_ms=2_000)
    await expect(trolling.locator("#blocked-note")).to_contain_text(BLOCKED)
    await expect(trolling.locator("#annotate-form")).to_have_count(0)

    managing = await new_page()
    await sign_in(managing, owner.username, next_path="/manage/blocked")
    await expect(managing.get_by_role("heading", name="Blocked people")).to_be_visible()
    await managing.get_by_role("button", name=f"Unblock {troll.username}").click()
    await expect(managing.locator(".flash")).to_have_text(
        f"{troll.username} may comment on your videos again.")
    await expect(managing.get_by_text("You have not blocked anyone.")).to_be_visible()

    note = trolling.locator("#blocked-note")
    await expect(note).to_contain_text("The owner of this video unblocked you.")
    await expect(note.get_by_role("link", name="Reload the page")).to_be_visible()
    await expect(trolling.locator("#annotate-form")).to_have_count(0)  # until they reload

    await trolling.reload()
    await wait_live(trolling)
    await expect(trolling.locator("#annotate-form")).to_be_visible()
    await expect(trolling.locator("#blocked-note")).to_have_count(0)
    await seek(trolling, 2_000)
    await post(trolling, "Sorry about earlier")
    await expect(annotation(trolling, "Sorry about earlier")).to_be_visible()
    await expect(trolling.locator("#live-error")).to_be_empty()

    watching_owner = await new_page(managing.context)
    await watching_owner.goto(watch_path(video))
    await wait_live(watching_owner)
    await seek(watching_owner, 3_000)
    await expect(annotation(watching_owner, "Sorry about earlier")).to_be_visible()
