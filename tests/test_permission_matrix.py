"""The permission matrix: each role on a private video (and a few on public and unlisted ones)
against each thing they might do there, over HTTP and over the socket of a real server, as
app/multimedia/access.py says.

Each role gets a video of its own (an upload, so its media file is guarded too), an owner, the
owner's annotations and, where the role can have one, an annotation of their own. One test per
role runs every action and reports every cell that differs from the table at once.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import unescape

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app import multimedia
from app.accounts import User
from app.live import refusals
from app.multimedia import AnnotationView, UploadPolicy, Video, start_upload
from app.multimedia.tables import ShareLink
from app.settings import Settings
from app.share_cookie import LINKS_COOKIE, held_links
from app.validation import MayNotComment
from app.web.media import PUBLIC_CACHE
from app.web.media_access import PRIVATE_CACHE
from tests.factories import PASSWORD, make_annotation, make_user
from tests.live.conftest import Viewer, token_for
from tests.multimedia.test_uploads import tiny_mp4
from tests.server import AppServer

# Who. A link's holder is an anonymous browser holding the link in its cookie; a guest is the
# one a comment link made of a browser that gave a name.
OWNER, VIEWER, COMMENTER, MODERATOR = "owner", "viewer", "commenter", "moderator"  # invited roles
GUEST = "guest"  # of a live comment link
VIEW_LINK = "view-link"  # anonymous holder of a live view link
EXPIRED = "expired-link"  # anonymous holder of a view link that has since expired
REVOKED = "revoked-link"  # guest of a comment link that has since been revoked
STRANGER, ANONYMOUS = "stranger", "anonymous"  # signed in with no role; no account, no link

# What. Over HTTP: the watch page, the exports, the media file (with Range), the search
# fragment, the mention suggestions, the home page listing and the owner's profile. Over the
# socket: joining (and still hearing others after any refusal), appearing in the viewers panel,
# and each change.
WATCH, VTT, JSON, MEDIA, SEARCH, PEOPLE = "watch", "vtt", "json", "media", "search", "people"
LISTING, PROFILE = "listing", "profile"
JOIN, PRESENCE, POST, REPLY, REACT = "join", "presence", "post", "reply", "react"
DELETE_OWN, DELETE_OTHERS = "delete-own", "delete-others"
ACTIONS = (WATCH, VTT, JSON, MEDIA, SEARCH, PEOPLE, LISTING, PROFILE, JOIN, PRESENCE, POST, REPLY,
           REACT, DELETE_OWN, DELETE_OTHERS)
FEWER = (WATCH, JSON, MEDIA, SEARCH, LISTING, PROFILE, JOIN, PRESENCE, POST)  # public, unlisted

WATCHING = {WATCH, VTT, JSON, MEDIA, SEARCH, PEOPLE, JOIN, PRESENCE}
SPEAKING = {POST, REPLY, REACT, DELETE_OWN}

# The spec: what each role may do; everything else they are refused. The home page lists public
# videos only, so nobody finds a private or unlisted one there, not even its owner.
ON_PRIVATE = {
    OWNER: WATCHING | SPEAKING | {DELETE_OTHERS, PROFILE},
    VIEWER: WATCHING | {DELETE_OWN},  # what they wrote while they were a commenter stays theirs
    COMMENTER: WATCHING | SPEAKING,
    MODERATOR: WATCHING | SPEAKING | {DELETE_OTHERS},
    GUEST: WATCHING | SPEAKING,
    VIEW_LINK: WATCHING,
    EXPIRED: set(),
    REVOKED: set(),
    STRANGER: set(),
    ANONYMOUS: set(),
}
ON_PUBLIC = {OWNER: set(FEWER), STRANGER: set(FEWER), ANONYMOUS: set(FEWER) - {POST}}
ON_PUBLIC_FOR_COLLABORATORS = {COMMENTER: set(FEWER), STRANGER: set(FEWER) - {POST},
                               ANONYMOUS: set(FEWER) - {POST}}
ON_UNLISTED = {OWNER: set(FEWER) - {LISTING}, STRANGER: set(FEWER) - {LISTING, PROFILE},
               ANONYMOUS: set(FEWER) - {POST, LISTING, PROFILE}}
MODERATORS = {OWNER, MODERATOR}  # whose watch page offers moderation (data-moderator)
NO_ACCOUNT = {VIEW_LINK, EXPIRED, ANONYMOUS}

# How a refusal looks. Someone who may not watch must not learn the video exists.
ALLOWED, ABSENT = "allowed", "absent"
HIDDEN = {**dict.fromkeys((WATCH, VTT, JSON, MEDIA, SEARCH, PEOPLE), "404"),
          **dict.fromkeys((LISTING, PROFILE, PRESENCE), ABSENT),
          **dict.fromkeys((JOIN, POST, REPLY, REACT, DELETE_OWN, DELETE_OTHERS), "closed 4404")}
# The channel's own words (app/live/refusals.py): "Sign in to post annotations.", "You can
# watch this video, but not comment on it.", "Only its author, … can delete an annotation."
SIGN_IN = {POST: refusals.POST.signed_out, REPLY: refusals.REPLY.signed_out,
           REACT: refusals.REACT.signed_out, DELETE_OWN: refusals.DELETE.signed_out,
           DELETE_OTHERS: refusals.DELETE.signed_out}
MAY_NOT_COMMENT = MayNotComment.public_message
NOT_YOURS = refusals.DELETE.not_allowed

MP4 = tiny_mp4()
EMOJI = "👍"
ANSWER = 'hx-target="#live-error"'  # each change's answer to its sender: emptied, or an error


def expected(table: dict[str, set[str]], role: str, action: str) -> str:
    """What the role should see when trying the action, by the table and the refusal rules."""
    allowed = table[role]
    if action in allowed:
        return ALLOWED
    if WATCH not in allowed or action not in SIGN_IN:  # not a change: refused as not there
        return HIDDEN[action]
    if role in NO_ACCOUNT:
        return SIGN_IN[action]
    return NOT_YOURS if action in (DELETE_OWN, DELETE_OTHERS) else MAY_NOT_COMMENT


@pytest.fixture(scope="module")
def server():
    """One app process for the whole matrix, sharing the test database and media folder."""
    app_server = AppServer({"ANNOTATION_BURST": "1000", "REACTION_BURST": "1000",
                            "GUEST_ADDRESS_BURST": "1000"}).start()
    yield app_server
    app_server.stop()


@dataclass(kw_only=True)
class Scene:
    """One person (`role`, in `browser`) on a video of their own, with what the checks need:
    the owner's annotation they reply to, react to and search for (`theirs`, with `word` in it),
    someone else's to delete (`doomed`), their own if they can have one (`mine`), their account
    or guest (`user`), a socket token they hold without the page (`token`), and what the table
    lets them do that their watch page and the file's caching show (`may_post`, `public`)."""

    role: str
    owner: User
    video: Video
    browser: httpx.AsyncClient
    theirs: AnnotationView
    doomed: AnnotationView
    word: str
    mine: AnnotationView | None = None
    user: User | None = None
    token: str = ""
    may_post: bool = False
    public: bool = False

    @property
    def page(self) -> str:
        """The watch page's address."""
        return f"/watch/{self.video.id}-{self.video.slug}"


async def uploaded_video(owner: User, title: str) -> Video:
    """A video of the owner's uploaded into the server's media folder, as the upload form does."""
    rules = UploadPolicy(Settings.from_env().media_dir, 1024 * 1024, 1024 * 1024, 0, lambda path: 2**40)
    async with await start_upload(owner, rules, None) as upload:
        await upload.write(MP4)
        return await multimedia.create_video(owner, {"title": title, "visibility": "private"}, upload)


async def set_scene(server: AppServer, role: str, visibility: str, comments: str,
                    may_post: bool) -> Scene:
    """A new owner's uploaded video with two annotations of theirs, and the role's person."""
    owner, word = await make_user(), f"quokka{secrets.token_hex(4)}"
    video = await uploaded_video(owner, f"Cut {word}")
    await multimedia.set_visibility(owner, video.id, visibility, comments)
    browser = httpx.AsyncClient(base_url=server.url, timeout=30)
    await browser.get("/sign-in")  # the CSRF cookie every form needs
    scene = Scene(role=role, owner=owner, video=video, browser=browser, word=word,
                  may_post=may_post, public=visibility == "public",
                  theirs=await make_annotation(owner, video, f"Look at the {word} here", at=1000),
                  doomed=await make_annotation(owner, video, "Cut this bit", at=2000))
    await CASTING[role](scene)
    return scene


async def sign_in(scene: Scene, user: User) -> None:
    """Sign the scene's browser in as `user` through the real form."""
    response = await scene.browser.post("/sign-in", data={
        "username": user.username, "password": PASSWORD,
        "_csrf_token": scene.browser.cookies["csrftoken"]})
    assert response.status_code == 302, f"signing in {user.username}: {response.status_code}"
    scene.user = user


async def open_link(scene: Scene, link: multimedia.LinkView) -> None:
    """Open a view link in the scene's browser, which then holds it."""
    response = await scene.browser.get(f"/s/{link.token}")
    assert response.status_code == 303, f"opening a view link: {response.status_code}"
    assert link.id in held(scene)


async def become_guest(scene: Scene, link: multimedia.LinkView) -> None:
    """Give a name on a comment link's form; the guest it makes posts an annotation of its own."""
    assert (await scene.browser.get(f"/s/{link.token}")).status_code == 200
    name = f"Ada {secrets.token_hex(3)}"
    response = await scene.browser.post(f"/s/{link.token}", data={
        "name": name, "_csrf_token": scene.browser.cookies["csrftoken"]})
    assert response.status_code == 303, f"joining as a guest: {response.status_code}"
    scene.user = await multimedia.find_guest(link.id, held(scene)[link.id])
    assert scene.user is not None and scene.user.username == name
    scene.mine = await make_annotation(scene.user, scene.video, "My own note", at=500)


def held(scene: Scene) -> dict[int, int]:
    """The links (with guest ids) the scene's browser holds."""
    return held_links(Settings.from_env().secret_key, scene.browser.cookies.get(LINKS_COOKIE))


async def as_owner(scene: Scene) -> None:
    """The owner, signed in, with a note of their own and a commenter's to delete."""
    helper = await make_user()  # a commenter whose annotation the owner may delete
    await multimedia.invite_collaborator(scene.owner, scene.video.id, helper.username, "commenter")
    scene.doomed = await make_annotation(helper, scene.video, "Cut this bit", at=2000)
    scene.mine = await make_annotation(scene.owner, scene.video, "My own note", at=500)
    await sign_in(scene, scene.owner)


def as_collaborator(role: str):
    """An account the owner invited with `role`, signed in, with a note of their own."""

    async def cast(scene: Scene) -> None:
        user = await make_user()
        invite = "commenter" if role == VIEWER else role
        await multimedia.invite_collaborator(scene.owner, scene.video.id, user.username, invite)
        scene.mine = await make_annotation(user, scene.video, "My own note", at=500)
        if role == VIEWER:  # made a viewer after writing it
            await multimedia.invite_collaborator(scene.owner, scene.video.id, user.username, VIEWER)
        await sign_in(scene, user)
    return cast


async def as_guest(scene: Scene) -> None:
    """A guest of a live comment link, with a note of their own."""
    await become_guest(scene, await multimedia.create_share_link(
        scene.owner, scene.video.id, "Reviewers", "commenter"))


async def as_view_link_holder(scene: Scene) -> None:
    """An anonymous browser holding a live view link."""
    await open_link(scene, await multimedia.create_share_link(scene.owner, scene.video.id,
                                                              "Preview", "viewer"))


async def as_expired_link_holder(scene: Scene) -> None:
    """An anonymous browser holding a view link that expired after it was opened."""
    link = await multimedia.create_share_link(scene.owner, scene.video.id, "Preview", "viewer", "1h")
    await open_link(scene, link)
    await ShareLink.update({ShareLink.expires_at: datetime.now(UTC) - timedelta(minutes=1)}).where(
        ShareLink.id == link.id)


async def as_revoked_link_guest(scene: Scene) -> None:
    """A guest of a comment link, with a note and their page's socket token, whose link was then revoked."""
    link = await multimedia.create_share_link(scene.owner, scene.video.id, "Reviewers", "commenter")
    await become_guest(scene, link)
    page = await scene.browser.get(scene.page)  # the page they kept open, with its socket token
    assert page.status_code == 200
    scene.token = re.search(r"token=([^&]+)", socket_address(page.text)).group(1)
    await multimedia.revoke_share_link(scene.owner, scene.video.id, link.id)


async def as_stranger(scene: Scene) -> None:
    """A signed-in account the owner never let in."""
    user = await make_user()
    await sign_in(scene, user)
    scene.token = token_for(user)  # a valid token of theirs, from any other page


async def as_anonymous(scene: Scene) -> None:
    """A browser with no account and no link."""


CASTING = {OWNER: as_owner, VIEWER: as_collaborator(VIEWER), COMMENTER: as_collaborator(COMMENTER),
           MODERATOR: as_collaborator(MODERATOR), GUEST: as_guest, VIEW_LINK: as_view_link_holder,
           EXPIRED: as_expired_link_holder, REVOKED: as_revoked_link_guest, STRANGER: as_stranger,
           ANONYMOUS: as_anonymous}


def socket_address(html: str) -> str:
    """The socket address a watch page connects to (its path and query)."""
    return unescape(re.search(r'hx-ws:connect="([^"]+)"', html).group(1))


def status(response: httpx.Response) -> str:
    """A refusal's or a failure's status, as the matrix writes it."""
    return "404" if response.status_code == 404 else f"HTTP {response.status_code}"


async def check_watch(scene: Scene) -> tuple[str, str | None]:
    """The watch page (and the id-only link to it), with the socket address it gives, if any."""
    short = await scene.browser.get(f"/watch/{scene.video.id}")
    page = await scene.browser.get(scene.page)
    if (short.status_code, page.status_code) == (404, 404):
        return "404", None
    if (short.status_code, page.status_code) != (301, 200):
        return f"HTTP {page.status_code} (id-only link: {short.status_code})", None
    live = re.search(r"<aside[^>]*\bdata-live\b[^>]*>", page.text).group(0)
    flags = {flag for flag in ("data-may-comment", "data-moderator") if re.search(rf"\b{flag}\b", live)}
    wanted = {"data-may-comment"} if scene.may_post else set()
    wanted |= {"data-moderator"} if scene.role in MODERATORS else set()
    if scene.video.title not in page.text or flags != wanted:
        return f"200, but with {sorted(flags)} instead of {sorted(wanted)}", socket_address(page.text)
    return ALLOWED, socket_address(page.text)


async def check_vtt(scene: Scene) -> str:
    response = await scene.browser.get(f"/watch/{scene.video.id}/annotations.vtt")
    found = response.status_code == 200 and f"annotation-{scene.theirs.id}\n" in response.text
    return ALLOWED if found else status(response)


async def check_json(scene: Scene) -> str:
    response = await scene.browser.get(f"/watch/{scene.video.id}/annotations.json")
    found = response.status_code == 200 and scene.theirs.id in [item["id"] for item in response.json()]
    return ALLOWED if found else status(response)


async def check_media(scene: Scene) -> str:
    """The video's file, the first ten bytes of it, cached by shared caches only when public."""
    response = await scene.browser.get(scene.video.url, headers={"Range": "bytes=0-9"})
    if response.status_code != 206:
        return status(response)
    cache = PUBLIC_CACHE if scene.public else PRIVATE_CACHE
    if (response.content, response.headers.get("cache-control")) != (MP4[:10], cache):
        return f"206 with {response.content!r}, Cache-Control {response.headers.get('cache-control')}"
    return ALLOWED


async def check_search(scene: Scene) -> str:
    response = await scene.browser.get(f"/watch/{scene.video.id}/matches", params={"q": scene.word},
                                       headers={"HX-Request": "true"})
    found = response.status_code == 200 and f'data-ids=" {scene.theirs.id} "' in response.text
    return ALLOWED if found else status(response)


async def check_people(scene: Scene) -> str:
    response = await scene.browser.get(f"/watch/{scene.video.id}/people",
                                       params={"q": scene.owner.username})
    found = response.status_code == 200 and f'data-username="{scene.owner.username}"' in response.text
    return ALLOWED if found else status(response)


async def check_listing(scene: Scene) -> str:
    """Whether the home page lists the video, reading older pages until past its id."""
    for number in range(1, 200):
        response = await scene.browser.get("/", params={"page": number})
        if response.status_code != 200:
            return status(response)
        ids = [int(found) for found in re.findall(r'href="/watch/(\d+)-', response.text)]
        if scene.video.id in ids:
            return ALLOWED
        if not ids or min(ids) < scene.video.id or 'rel="next"' not in response.text:
            return ABSENT
    return "no end to the home page"


async def check_profile(scene: Scene) -> str:
    """Whether the owner's profile shows the video and the owner's annotation on it."""
    response = await scene.browser.get(f"/users/{scene.owner.username}")
    if response.status_code != 200:
        return status(response)
    video = f'href="/watch/{scene.video.id}-' in response.text
    note = f'id="recent-{scene.theirs.id}"' in response.text
    if video == note:
        return ALLOWED if video else ABSENT
    return f"video {'shown' if video else 'absent'}, its annotation {'shown' if note else 'absent'}"


HTTP_CHECKS = {VTT: check_vtt, JSON: check_json, MEDIA: check_media, SEARCH: check_search,
               PEOPLE: check_people, LISTING: check_listing, PROFILE: check_profile}


async def open_socket(server: AppServer, address: str, browser: httpx.AsyncClient | None = None) -> Viewer:
    """A socket from one of the server's pages, sending the browser's cookies as a browser would."""
    headers = {"Origin": server.url}
    if browser is not None and browser.cookies.jar:
        headers["Cookie"] = "; ".join(f"{cookie.name}={cookie.value}" for cookie in browser.cookies.jar)
    return Viewer(await connect(server.ws_url + address, additional_headers=headers, compression=None))


async def join(viewer: Viewer) -> str:
    """Allowed once the viewer is joined; the close code when it is refused instead."""
    try:
        await viewer.joined()
    except ConnectionClosed as closed:
        return f"closed {closed.rcvd.code if closed.rcvd else 'without a code'}"
    return ALLOWED


async def change(viewer: Viewer, event: str, **values: str) -> str:
    """Send a change and return the error the sender is shown ("" when none)."""
    await viewer.send(event, **values)
    answer = (await viewer.frames_until(ANSWER))[-1]
    error = re.search(r'role="alert">(.*?)</p>', answer, re.S)
    return unescape(error.group(1)) if error else ""


async def items(video: Video) -> dict[int, AnnotationView]:
    """The video's live annotations and replies by id, as stored."""
    found = {}
    for thread in await multimedia.list_annotations(video.id):
        found |= {reply.id: reply for reply in thread.replies if not reply.deleted}
        if not thread.deleted:
            found[thread.id] = thread
    return found


async def made(scene: Scene, action: str, viewer: Viewer) -> str:
    """Try one change on the socket: the refusal shown, or allowed once it is stored."""
    note = f"{action} by {scene.role} {secrets.token_hex(3)}"
    own = scene.mine or scene.doomed  # without an account there is nothing of one's own
    target = {REPLY: scene.theirs, REACT: scene.theirs, DELETE_OWN: own, DELETE_OTHERS: scene.doomed}
    if action == POST:
        error = await change(viewer, "new_annotation", body=note, at="3000")
    elif action == REPLY:
        error = await change(viewer, "reply", parent_id=str(scene.theirs.id), body=note)
    elif action == REACT:
        error = await change(viewer, "react", id=str(scene.theirs.id), emoji=EMOJI)
    else:
        error = await change(viewer, "delete_annotation", id=str(target[action].id))
    if error:
        return error
    stored = await items(scene.video)
    done = {POST: lambda: any(item.body == note for item in stored.values()),
            REPLY: lambda: any(item.body == note and item.parent_id == scene.theirs.id
                               for item in stored.values()),
            REACT: lambda: f" {EMOJI} {scene.user.id} " in f"\n{stored[scene.theirs.id].reactions}",
            DELETE_OWN: lambda: own.id not in stored, DELETE_OTHERS: lambda: scene.doomed.id not in stored}
    return ALLOWED if done[action]() else "answered without an error, but nothing changed"


def panel_mark(scene: Scene) -> tuple[str, str]:
    """How the viewers panel shows the person once they joined, and any sign of them at all."""
    if scene.role == OWNER:  # the observer is the owner too: two tabs
        return f"<li>{scene.owner.username} (2)</li>", f"<li>{scene.owner.username} (2)</li>"
    if scene.user is None:
        return '<p class="guests">and 1 guest</p>', 'class="guests"'
    return f"<li>{scene.user.username} ", f"<li>{scene.user.username} "


def owner_socket(scene: Scene) -> str:
    """The owner's socket address on the scene's video, as their watch page gives it."""
    return f"/live/videos/{scene.video.id}?cursor=0&token={token_for(scene.owner)}"


async def check_socket(server: AppServer, scene: Scene, address: str | None,
                       actions: tuple[str, ...]) -> dict[str, str]:
    """Join as the person while the owner watches: see the panel, try each change, and check
    the socket still hears the owner's next post; or, refused, that no panel ever showed them."""
    if address is None:  # no page: what they could still try, with what their browser holds
        address = f"/live/videos/{scene.video.id}?cursor=0" + (f"&token={scene.token}" if scene.token else "")
    opened = [await open_socket(server, owner_socket(scene))]
    observer = opened[0]
    try:
        await observer.joined()
        opened.append(person := await open_socket(server, address, scene.browser))
        joined = await join(person)
        seen = dict.fromkeys((JOIN, POST, REPLY, REACT, DELETE_OWN, DELETE_OTHERS), joined)
        if joined != ALLOWED:
            opened.append(marker := await open_socket(server, owner_socket(scene)))
            seen[PRESENCE] = await never_shown(scene, observer, marker)
            return seen
        seen[PRESENCE] = await guarded(observer.panel_showing(panel_mark(scene)[0]), lambda _: ALLOWED)
        for action in (POST, REPLY, REACT, DELETE_OWN, DELETE_OTHERS):
            if action in actions:
                seen[action] = await guarded(made(scene, action, person))
        later = f"Still there? {secrets.token_hex(3)}"
        await observer.post(body=later, at=4000)
        seen[JOIN] = await guarded(person.frames_until(later), lambda _: ALLOWED)
        return seen
    finally:
        for viewer in opened:
            await viewer.close()


async def never_shown(scene: Scene, observer: Viewer, marker: Viewer) -> str:
    """Absent when the panel that shows the owner's second tab, joined after the refused
    socket closed, has no sign of the refused person."""
    await marker.joined()
    panel = await observer.panel_showing(f"<li>{scene.owner.username} (2)</li>")
    return f"shown: {panel}" if panel_mark(scene)[1] in panel else ABSENT


async def guarded(awaitable, outcome=lambda result: result) -> str:
    """What a check found, or how it failed (a timeout, a closed socket) as the cell's value."""
    try:
        return outcome(await awaitable)
    except ConnectionClosed as closed:
        return f"closed {closed.rcvd.code if closed.rcvd else 'without a code'}"
    except Exception as error:  # any failure is that cell's finding, reported with the others
        return f"failed: {error!r}"


async def check_role(server: AppServer, name: str, setting: tuple[str, str],
                     table: dict[str, set[str]], actions: tuple[str, ...], role: str) -> None:
    """Set the role's scene on a video of this visibility and comment rule, try every action,
    and fail naming every cell that differs from the table."""
    scene = await set_scene(server, role, *setting, may_post=POST in table[role])
    try:
        seen = {}
        seen[WATCH], address = await check_watch(scene)
        for action, check in HTTP_CHECKS.items():
            if action in actions:
                seen[action] = await guarded(check(scene))
        seen |= await check_socket(server, scene, address, actions)
    finally:
        await scene.browser.aclose()
    wrong = [f"{name} video, {role} × {action}: expected {want!r}, saw {seen[action]!r}"
             for action in actions if (want := expected(table, role, action)) != seen[action]]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ON_PRIVATE)
async def test_on_a_private_video_each_role_may_do_what_the_table_says(server, role):
    await check_role(server, "private", ("private", "everyone"), ON_PRIVATE, ACTIONS, role)


@pytest.mark.parametrize("role", ON_PUBLIC)
async def test_on_a_public_video_anyone_watches_and_every_account_comments(server, role):
    await check_role(server, "public", ("public", "everyone"), ON_PUBLIC, FEWER, role)


@pytest.mark.parametrize("role", ON_PUBLIC_FOR_COLLABORATORS)
async def test_on_a_public_video_kept_to_collaborators_a_stranger_watches_but_may_not_post(server, role):
    await check_role(server, "public (comments: collaborators)", ("public", "collaborators"),
                     ON_PUBLIC_FOR_COLLABORATORS, FEWER, role)


@pytest.mark.parametrize("role", ON_UNLISTED)
async def test_an_unlisted_video_is_watched_by_its_address_and_listed_only_for_its_owner(server, role):
    await check_role(server, "unlisted", ("unlisted", "everyone"), ON_UNLISTED, FEWER, role)
