"""A bounded, seeded fuzz of the video socket on a real server: malformed, huge, nested, binary,
mistyped and mis-encoded frames and addresses. Each frame is refused to its sender alone with a
message docs/protocol.md lists (the socket stays open and the next real event is still handled)
or closes the socket with a code it documents; nothing is stored; the server logs no traceback."""

import asyncio
import json
import random
import re
from contextlib import asynccontextmanager
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app import multimedia
from app.log_quieting import INVALID_UTF8
from tests.factories import make_annotation, make_user, make_video
from tests.live.conftest import Viewer, token_for
from tests.server import AppServer

SEED = 13
COMBINATIONS, TRUNCATIONS = 40, 30  # random frames on top of the fixed cases: about 330 in all
PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
# What the sender may be told about a frame the server cannot use (docs/protocol.md).
REFUSALS = [re.escape(text) for text in (
    "That message could not be read.", "Unknown event: nothing was done.", "Send text frames only.",
    "That message is too large (16 KiB at most).", "Write something first.",
    "Remove the invisible or broken characters from this text.", "The time in the video is not valid.",
    "The end of the stretch must come after its start.",
    "The end of the stretch is not a valid time in the video.",
    "That annotation is gone (perhaps it was just deleted), so it cannot be answered.",
    "That annotation does not exist (perhaps it was just deleted).")]
REFUSALS.append(r"Keep it under 500 characters \(this one has \d+\)\.")
# One error fragment to the sender: one or more of those messages (a frame's field errors join).
REFUSAL = re.compile('<hx-partial hx-target="#live-error" hx-swap="innerHTML"><p class="form-error" '
                     rf'role="alert">(?:(?:{"|".join(REFUSALS)}) ?)+</p>\s*</hx-partial>')
# The barrier after each frame: a real event, refused for a reason no fuzzed frame can earn.
NOT_THE_AUTHOR = "Only its author can edit an annotation."
NOT_UTF8 = [b"\xed\xa0\x80", b"\xc0\xaf", b"\xff\xfe{}", b'{"event": "reply", "body": "\xe9"}']


def _wrong_bodies() -> list:
    return [None, 0, 1, True, [], {}, ["x"], {"text": "x"}, "", "   ", "\n\t", "x" * 501,
            "\ud800", "broken \udfff pair", "a\x00b", "\x00"]


def _wrong_moments() -> list:
    return [None, -1, 86_400_001, 1.5, 1000.0, True, False, [], [1000], {}, "", " ", "abc", "-5",
            "\u0663\u0660\u0660\u0660", "1_000", "1e3", "0x10", "9" * 5000, 10**4000, 2**63,
            float("nan"), float("inf"), float("-inf")]


def _wrong_ends() -> list:  # with at=1000; absent or "" would be a valid single moment
    return [-1, 0, 1000, 999, 86_400_001, 1.5, True, False, [], {}, "abc", "\u0663", "9" * 5000,
            float("nan"), float("inf")]


def _wrong_ids(real: list[int]) -> list:
    wrong = [None, 0, -1, True, False, 1.5, [], {}, "", "abc", "-1", "9" * 30, "9" * 5000,
             10**4000, 2**31, 2**63, "\u0663", "1e3"]
    for item in real:  # the ids of real annotations, in every form that is not an id
        wrong += [-item, float(item), [item], {"id": item}, f"{item}.0", f"0x{item:x}", f"+{item}",
                  f"{item}\x00", str(item) + "0" * 12]
    return wrong


def _valid(mine: int) -> dict[str, dict]:
    """Each event's fields, right: any one of them made wrong gets the frame refused."""
    return {"new_annotation": {"body": "fuzz", "at": "1000", "until": "2000"},
            "reply": {"parent_id": str(mine), "body": "fuzz"},
            "edit": {"id": str(mine), "body": "fuzz"}, "delete_annotation": {"id": str(mine)}}


def _wrong(mine: int, reply: int) -> dict[str, list]:
    ids = _wrong_ids([mine, reply])
    return {"body": _wrong_bodies(), "at": _wrong_moments(), "until": _wrong_ends(),
            "parent_id": ids, "id": ids}


def _cases(mine: int, reply: int) -> list[tuple[str, object]]:
    """Every frame to try, as (kind, payload): "text", "binary", "fragments" or "not utf-8"."""
    valid, wrong = _valid(mine), _wrong(mine, reply)
    objects: list[dict] = []
    for event, fields in valid.items():  # each field wrong in turn, the others right
        for name in fields:
            objects += [{"event": event, **fields, name: value} for value in wrong[name]]
    objects += [{"event": event, "body": "fuzz", "at": "1000", "id": str(mine)} for event in
                (None, 1, [], {}, "", "NEW_ANNOTATION", "new_annotation\x00", " reply", "__init__",
                 "handle_in", "reply_error", "may_act", "EVENTS", "publish_change")]
    # Headers and extra fields are ignored, never used: with a wrong field they change nothing.
    objects += [{"event": "edit", "id": str(mine), "body": "", "headers": value, "user_id": 1,
                 "video_id": 2} for value in ("x", [], None, {"HX-Request": ["deep"]})]
    cases: list[tuple[str, object]] = [("text", json.dumps(frame)) for frame in objects]
    deep = [("[" * depth + "]" * depth) for depth in (10, 100, 900, 990, 5000, 8000)]
    deep += ['{"a":' * depth + "1" + "}" * depth for depth in (100, 900, 3000)]
    cases += [("text", text) for text in deep]
    edit = f'{{"event": "edit", "id": "{mine}", "body": '
    cases += [("text", f'{{"event": "reply", "parent_id": {text}, "body": "fuzz"}}') for text in deep[:4]]
    cases += [("text", f"{edit}{text}}}") for text in deep[:4]]
    cases += [("text", text) for text in (
        "", " ", "{", "}", "[", "null", "true", "1", '"new_annotation"', "[1, 2]", "{'event': 'edit'}",
        f'{edit}"x"}} trailing', "\ufeff{}", "NaN", "-Infinity",
        '{"event": "new_annotation", "body": "x", "at": NaN}', '{"event": "new_annotation", "at": 1e400}',
        '{"event": "new_annotation", "body": "x", "at": ' + "9" * 5000 + "}",
        '{"event": "delete_annotation", "id": ' + "9" * 4000 + "}",
        edit + '"\\ud800"}', edit + '"\\udc00\\ud800"}', edit + '"' + "x" * 20_000 + '"}',
        "x" * 60_000, json.dumps({"event": "new_annotation", "body": "fuzz", "at": "1000",
                                  "pad": "p" * 40_000}))]
    cases += [("binary", data) for data in (
        b"", b"\x00\xff", json.dumps(valid["edit"] | {"event": "edit"}).encode(),
        json.dumps({"event": "edit", "id": str(mine), "body": "x"}).encode("utf-16"), bytes(range(256)))]
    cases += [("fragments", ['{"event": "edit", ', f'"id": "{mine}", "body": ', '""}']),
              ("fragments", ['{"event": ', '"new_annotation", "body": "fuzz", "at": "1000"'])]
    return cases


def _combinations(rng: random.Random, mine: int, reply: int, count: int) -> list[tuple[str, str]]:
    """Random events with one or more of their fields wrong at once."""
    valid, wrong = _valid(mine), _wrong(mine, reply)
    frames = []
    for _ in range(count):
        event = rng.choice(sorted(valid))
        fields = dict(valid[event])
        for name in rng.sample(sorted(fields), rng.randint(1, len(fields))):
            fields[name] = rng.choice(wrong[name])
        frames.append(("text", json.dumps({"event": event, **fields})))
    return frames


def _truncations(rng: random.Random, mine: int, count: int) -> list[tuple[str, str]]:
    """Valid frames cut short at random: a proper prefix of a JSON object is never JSON."""
    frames = [json.dumps({"event": "edit", "id": str(mine), "body": "fuzz"}),
              json.dumps({"event": "new_annotation", "body": "fuzz", "at": "1000", "until": "2000"})]
    return [("text", (text := rng.choice(frames))[:rng.randrange(len(text))]) for _ in range(count)]


@asynccontextmanager
async def own_server():
    """A server for one test, stopped at its end: the app's log records are written by a
    thread, and only a stopped server's log is known to hold all of them."""
    server = await asyncio.to_thread(AppServer({"ANNOTATION_BURST": "2000"}).start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


def assert_no_traceback(server: AppServer) -> None:
    """The whole log of a stopped server holds no traceback."""
    log = server.log()
    assert "Traceback" not in log, log[log.index("Traceback") - 2000:][:6000]


async def joined_viewer(server: AppServer, video, user) -> Viewer:
    """A socket on the video as the watch page opens it, past its join replay."""
    url = f"{server.ws_url}/live/videos/{video.id}?token={token_for(user)}&cursor=0"
    viewer = Viewer(await connect(url, additional_headers={"Origin": server.url}, compression=None,
                                  max_size=None))
    await viewer.replay()
    return viewer


async def state_of(video) -> tuple:
    """All that is stored about the video's annotations: change number, count, every item."""
    threads = await multimedia.list_annotations(video.id)
    items = [(t.id, t.body, t.at, t.until, t.deleted, [(r.id, r.body) for r in t.replies]) for t in threads]
    return (await multimedia.current_change_seq(video.id),
            (await multimedia.count_annotations([video.id])).get(video.id), items)


async def send(viewer: Viewer, kind: str, payload) -> None:
    """Send one fuzzed frame of its kind."""
    if kind == "text":
        await viewer.socket.send(payload)
    elif kind == "binary":
        await viewer.socket.send(payload, text=False)
    elif kind == "fragments":
        await viewer.socket.send(payload)  # an iterable: one message in several frames
    else:
        await viewer.socket.send(payload, text=True)  # bytes as a text frame, unchecked


async def test_a_few_hundred_malformed_frames_are_refused_alone_store_nothing_and_log_no_traceback():
    async with own_server() as server:
        alice, bob = await make_user(), await make_user()
        video = await make_video(alice)
        mine = await make_annotation(alice, video, "mine")
        reply = await multimedia.reply_to_annotation(alice, mine.id, "my reply")
        theirs = await make_annotation(bob, video, "theirs")
        barrier = json.dumps({"event": "edit", "id": str(theirs.id), "body": "not mine"})
        before = await state_of(video)
        rng = random.Random(SEED)
        frames = (_cases(mine.id, reply.id) + _combinations(rng, mine.id, reply.id, COMBINATIONS)
                  + _truncations(rng, mine.id, TRUNCATIONS))
        rng.shuffle(frames)
        frames += [("not utf-8", data) for data in NOT_UTF8]  # each closes its socket: last
        viewer = await joined_viewer(server, video, alice)
        for kind, payload in frames:
            if kind == "not utf-8":
                await send(viewer, kind, payload)
                await asyncio.wait_for(viewer.socket.wait_closed(), 10)
                assert viewer.socket.close_code == 1007, repr(payload)
                viewer = await joined_viewer(server, video, alice)
                continue
            # One at a time: each frame is answered before the barrier is sent. (A test server
            # serves a socket it was handed by --fd without TCP_NODELAY, so a second frame in
            # flight would wait ~40 ms for a delayed ACK.)
            try:
                await send(viewer, kind, payload)
                answer = await viewer.frame()
                await viewer.socket.send(barrier)
                *extra, last = await viewer.frames_until(NOT_THE_AUTHOR)
            except ConnectionClosed as closed:
                raise AssertionError(f"{kind} {str(payload)[:300]!r} closed the socket: {closed}") from None
            assert REFUSAL.fullmatch(answer), (kind, str(payload)[:300], answer)
            assert extra == [] and NOT_THE_AUTHOR in last, (kind, str(payload)[:300], extra)
        await viewer.close()
        assert await state_of(video) == before
    assert_no_traceback(server)
    assert INVALID_UTF8 in server.log()  # one line each, no stack


def test_every_close_code_the_fuzz_may_meet_is_documented():
    table = PROTOCOL.read_text().split("## Close codes", 1)[1]
    for code in (1007, 4401, 4404, 4409):
        assert f"| {code} |" in table


async def _outcome(server: AppServer, path: str) -> str:
    """How the server answers a socket at `path`: "joined" or the close code."""
    url = server.ws_url + path
    try:
        async with connect(url, additional_headers={"Origin": server.url}, compression=None) as socket:
            viewer = Viewer(socket)
            await viewer.joined()
            return "joined"
    except ConnectionClosed as closed:
        return str(closed.rcvd.code)


async def test_absurd_socket_addresses_are_refused_with_documented_codes_or_ignored():
    async with own_server() as server:
        alice = await make_user()
        video = await make_video(alice)
        await make_annotation(alice, video)
        before = await state_of(video)
        token = token_for(alice)
        base = f"/live/videos/{video.id}?token={token}"
        cases = {
            **{f"/live/videos/{ref}": "4404" for ref in
               ("9" * 30, "9" * 5000, "-1", "0", str(2**31), "%D9%A3", "abc", "1e3", "%00")},
            **{f"{base}&cursor={cursor}": "joined" for cursor in
               ("9" * 5000, "-1", "%00", "%FF", "1e3", "%D9%A3", "9" * 19, "1&cursor=2")},
            f"{base}&since={'9' * 5000}&cursor=0": "joined",
            f"{base}&{'&' * 5000}cursor=0": "joined",
            f"{base}&last_seen_id={'9' * 5000}": "4409",  # a page from before change numbers
            f"/live/videos/{video.id}?token={'a' * 5000}": "4401",
            f"/live/videos/{video.id}?token=%FF%FE%00": "4401",
            f"/live/videos/{video.id}?token={token[:-1]}&cursor=0": "4401",
        }
        outcomes = {path[:80]: await _outcome(server, path) for path in cases}
        assert outcomes == {path[:80]: outcome for path, outcome in cases.items()}
        assert await state_of(video) == before
    assert_no_traceback(server)
