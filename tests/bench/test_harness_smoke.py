"""A tiny run of the load harness against the baseline and the app: completeness only, no timing."""

import asyncio
import re
import secrets
import time

import pytest

from bench.audience import socket_url
from bench.broadcast import fanout
from bench.clients import Joiner
from bench.connect import close_all, open_all
from bench.reactions import reaction_storm
from bench.seed import seed_database
from bench.servers import Server, production_env

VIEWERS, POSTS = 20, 20
SECRET = secrets.token_hex(32)
SEND_TIME = re.compile(rb"(m\d+)t\d+")


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """One seeded database, copied afresh for each server."""
    directory = tmp_path_factory.mktemp("bench-seed")
    return seed_database(directory, production_env(directory, SECRET), posters=1, history=0)


@pytest.fixture(scope="module")
async def runs(seed, tmp_path_factory):
    """The fan-out smoke against each server, then the replay a newcomer gets of its posts."""
    results = {}
    for kind in ("baseline", "app"):
        server = Server(kind, seed.path, tmp_path_factory.mktemp(kind), SECRET).start()
        try:
            figures = await fanout(server, seed, VIEWERS, POSTS)
            newcomer = Joiner(POSTS)
            await open_all(socket_url(server, seed.video), [newcomer], {})
            await asyncio.wait_for(newcomer.done, 30)
            close_all([newcomer])
            figures["full_collections"] = server.full_collections(0, time.monotonic_ns())
        finally:
            server.stop()
        # Each marker carries its send time; everything else must be the same bytes.
        results[kind] = figures, SEND_TIME.sub(rb"\1", b"".join(newcomer.frames))
    return results


@pytest.mark.parametrize("kind", ["baseline", "app"])
async def test_every_post_reaches_every_viewer_exactly_once(kind, runs):
    figures, _ = runs[kind]
    assert figures["posts"] == POSTS
    assert figures["poster_errors"] == 0
    assert figures["deliveries"] == VIEWERS * POSTS
    assert figures["lost"] == 0
    assert figures["duplicated"] == 0


async def test_the_baseline_sends_the_same_fragment_as_the_app(runs):
    # If this fails, the app's annotation partial changed: make bench/baseline.py match it,
    # or the comparison is no longer like for like.
    assert runs["baseline"][1] == runs["app"][1]


def test_the_servers_full_garbage_collections_are_counted(runs):
    # The app's production startup runs one before it freezes what it loaded.
    assert runs["app"][0]["full_collections"]["count"] >= 1


async def test_a_small_reaction_storm_ends_exact_on_every_viewer(seed, tmp_path_factory):
    server = Server("app", seed.path, tmp_path_factory.mktemp("reactions"), SECRET).start()
    try:
        figures = await reaction_storm(server, seed, viewers=VIEWERS, rate=50, seconds=0.6)
    finally:
        server.stop()
    assert (figures["reactions"], figures["annotations"]) == (30, 10)
    assert figures["viewers_exact"] == VIEWERS
    assert figures["not_shown"] == 0
    assert figures["update_frames"] >= VIEWERS  # every viewer got at least one update
