"""A catch-up in a process of its own, for the concurrency and crash tests.

    python -m tests.projections_runner.worker EVENTS VIEWS [--batch N] [--views all|mechanics]
        [--runner MODULE:CLASS] [--until N] [--wait-go] [--pause SECONDS]

Prints `ready` once the stores are open (and, with --wait-go, waits for a line on stdin), then
catches up and prints `done POSITION BATCHES`: the batches this process applied itself. With
--pause it waits after each of its batches (outside the transaction), so that a concurrent worker
is sure to get the lock in between.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

from projections.database import open_views
from projections.runner import Runner
from projections.view import View
from projections.views import all_views
from projections.views.directory import Directory
from tests.projections_runner.helpers import ApplyLog, sqlite_app


def views_named(which: str) -> list[View]:
    """`all`: every product view plus the apply log; `mechanics`: the directory and the log."""
    return [*all_views(), ApplyLog()] if which == "all" else [Directory(), ApplyLog()]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("events", type=Path)
    parser.add_argument("views", type=Path)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--views", dest="which", choices=["all", "mechanics"], default="all")
    parser.add_argument("--runner", default="projections.runner:Runner")
    parser.add_argument("--until", type=int, default=None)
    parser.add_argument("--wait-go", action="store_true")
    parser.add_argument("--pause", type=float, default=0.0)
    args = parser.parse_args(argv)
    module, _, name = args.runner.partition(":")
    runner_class: type[Runner] = getattr(importlib.import_module(module), name)
    app = sqlite_app(args.events)
    runner = runner_class(app, open_views(args.views), views_named(args.which), batch_size=args.batch)
    print("ready", flush=True)
    if args.wait_go:
        sys.stdin.readline()
    batches = 0

    def count(_: int, __: int) -> None:
        nonlocal batches
        batches += 1
        time.sleep(args.pause)

    reached = runner.catch_up(args.until, progress=count)
    print("done", reached, batches, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
