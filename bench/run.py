"""`make bench`: run the scenarios against the baseline and the app, then report figures and targets."""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import uvloop

from bench import broadcast, capacity, reactions
from bench.profile import summarize
from bench.report import code_digest, machine, markdown, write_json
from bench.seed import seed_database
from bench.servers import CLIENT_CORE, Server, prepare_process, production_env
from bench.targets import check

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Sizes:
    """How big each scenario is; the defaults are the issue's."""

    viewers: int = 1000
    posts: int = 200
    rate: float = 20
    seconds: float = 20
    idle_viewers: int = 20_000
    hold: float = 60
    idle_posts: int = 5
    history: int = 10_000
    joins: int = 5
    writers: int = 10
    writer_posts: int = 200
    write_viewers: int = 100
    sign_ins_per_second: float = 5
    reactors: int = 20
    reaction_viewers: int = 1000
    reaction_rate: float = 100
    reaction_seconds: float = 10


QUICK = Sizes(viewers=100, posts=20, seconds=3, idle_viewers=1000, hold=5, history=1000, joins=3,
              writers=3, writer_posts=20, write_viewers=20, reactors=5, reaction_viewers=100,
              reaction_rate=50, reaction_seconds=3)

# name -> (deflate variants to run, the load for one server)
SCENARIOS = {
    "fanout": ((False,), lambda s, seed, z: broadcast.fanout(s, seed, z.viewers, z.posts)),
    "steady": ((False,), lambda s, seed, z: broadcast.steady(s, seed, z.viewers, z.rate, z.seconds)),
    "connections": ((False, True), lambda s, seed, z: capacity.connections(
        s, seed, z.idle_viewers, z.hold, z.idle_posts)),
    "join": ((False,), lambda s, seed, z: capacity.join(s, seed, z.joins)),
    "write": ((False,), lambda s, seed, z: broadcast.write_path(
        s, seed, z.write_viewers, z.writers, z.writer_posts)),
    # The baseline has no HTTP side: in scenario 6 it carries the posting load alone.
    "signin": ((False,), lambda s, seed, z: broadcast.steady(
        s, seed, z.viewers, z.rate, z.seconds, z.sign_ins_per_second if s.kind == "app" else 0)),
    "reactions": ((False,), lambda s, seed, z: reactions.reaction_storm(
        s, seed, z.reaction_viewers, z.reaction_rate, z.reaction_seconds)),
}
# The baseline has no reactions: scenario 7 runs against the app alone.
APP_ONLY = {"reactions"}


async def run_scenario(name: str, sizes: Sizes, seed, secret: str, workdir: Path, stamp: str,
                       deflate_variants: bool = True) -> dict:
    """Run one scenario against the baseline, then the app, each on a fresh server and database."""
    variants, load = SCENARIOS[name]
    runs = {}
    for deflate in variants if deflate_variants else (False,):
        for kind in ("app",) if name in APP_ONLY else ("baseline", "app"):
            label = kind + (" (deflate)" if deflate else "")
            server = Server(kind, seed.path, workdir / f"{name}-{label}", secret, deflate).start()
            print(f"{name}: {label} on port {server.port}…", file=sys.stderr, flush=True)
            try:
                runs[label] = await load(server, seed, sizes)
            except Exception as error:
                traceback.print_exc()
                runs[label] = {"error": repr(error)}
            finally:
                server.stop()
                keep_log(server, f"{stamp}-{name}-{label}")
    return runs


def keep_log(server: Server, name: str) -> None:
    """Keep what a server printed (warnings and tracebacks) next to the raw results."""
    if server.log_path.exists() and server.log_path.stat().st_size:
        (RESULTS / "logs").mkdir(parents=True, exist_ok=True)
        shutil.copy(server.log_path, RESULTS / "logs" / f"{name.replace(' ', '')}.log")


async def profile_fanout(sizes: Sizes, seed, secret: str, workdir: Path) -> dict:
    """Scenario 1 once more against the app with py-spy attached (not part of the figures)."""
    server = Server("app", seed.path, workdir / "profile", secret).start()
    try:
        await broadcast.fanout(server, seed, sizes.viewers, sizes.posts, profile=RESULTS)
    finally:
        server.stop()
    return summarize(RESULTS / "profile.txt")


async def main(names: list[str], sizes: Sizes, out: Path | None, deflate_variants: bool = True,
               figures: bool = True) -> int:
    """Seed once, run the scenarios, and write the record; exit status 1 if any judged target
    failed (with `figures` False, as --quick asks, only completeness is judged)."""
    workdir = Path(tempfile.mkdtemp(prefix="videologue-bench-"))
    secret = secrets.token_hex(32)
    seed_dir = workdir / "seed"
    seed = seed_database(seed_dir, production_env(seed_dir, secret),
                         max(sizes.writers, sizes.reactors, 1), sizes.history)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    record = {"machine": machine(), "code": code_digest(), "sizes": asdict(sizes), "results": {},
              "checks": {}, "profile": None}
    for name in names:
        record["results"][name] = await run_scenario(name, sizes, seed, secret, workdir, stamp,
                                                     deflate_variants)
        record["checks"] = check(record["results"], figures)
        write_json(record, RESULTS, stamp)  # after every scenario: a long run can be read as it goes
    if "fanout" in names:
        record["profile"] = await profile_fanout(sizes, seed, secret, workdir)
    print(f"raw results: {write_json(record, RESULTS, stamp)}", file=sys.stderr)
    text = markdown(record)
    print(text)
    if out:
        out.write_text(text)
    shutil.rmtree(workdir, ignore_errors=True)
    return int(any(rule["passed"] is False for rules in record["checks"].values() for rule in rules))


def cli() -> None:
    """Parse the options, pin this process (the load generator) to its core, and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], action="append",
                        help="run only this scenario (repeatable); all of them by default")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, for a first look: judges completeness only and "
                             "reports the figures and ratios")
    parser.add_argument("--set", action="append", default=[], metavar="SIZE=VALUE",
                        help="override one size, e.g. --set idle_viewers=10000 (repeatable)")
    parser.add_argument("--without-deflate", action="store_true",
                        help="skip the per-message-deflate variants of the connections scenario")
    parser.add_argument("--out", type=Path, help="also write the Markdown results to this file")
    args = parser.parse_args()
    os.sched_setaffinity(0, {CLIENT_CORE})
    prepare_process()
    names = list(SCENARIOS) if not args.scenario or "all" in args.scenario else args.scenario
    sizes = QUICK if args.quick else Sizes()
    overrides = dict(item.split("=", 1) for item in args.set)
    sizes = replace(sizes, **{name: type(getattr(sizes, name))(float(value))
                              for name, value in overrides.items()})
    sys.exit(uvloop.run(main(names, sizes, args.out, not args.without_deflate,
                                  figures=not args.quick)))


if __name__ == "__main__":
    cli()
