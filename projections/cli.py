"""`cx-tracker projections status|rebuild|run`: the read models' positions, rebuild and follower.

They join the `cx-tracker` group through the `cx_tracker.commands` entry point, so imports run
one way (projections -> tracker).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

import click

from tracker.cli.common import EXIT_REFUSED, data_option, fail, open_existing, reports_errors
from tracker.cli.output import echo

BATCH_MAX = 1_000_000  # events per transaction; more is no faster and SQLite's LIMIT is 64-bit
batch_size_option = click.option(
    "--batch-size", default=1000, show_default=True, type=click.IntRange(1, BATCH_MAX),
    help="Events applied per transaction.",
)


@click.group("projections")
def projections_group() -> None:
    """Read models: positions and lag, rebuild from the log, follow the log."""


@projections_group.command("status")
@data_option
@reports_errors
def status(data_dir: str | None) -> None:
    """Each view's version and position, the store's head, and the lag."""
    from projections.setup import open_runner

    with open_existing(data_dir) as (data, app):
        runner = open_runner(data, app)
        try:
            rows, stale = runner.status(), runner.stale()
        finally:
            runner.close()
    width = max([len("view"), *(len(r.name) for r in rows)])
    echo(f"{'view':<{width}}  {'version':>7}  {'position':>10}  {'head':>10}  {'lag':>10}")
    for r in rows:
        echo(f"{r.name:<{width}}  {r.version:>7}  {r.position:>10,}  {r.head:>10,}  {r.lag:>10,}")
    if stale:
        echo(f"Rebuild pending ({stale}): the next catch-up rebuilds the views in place, "
                   "or run 'cx-tracker projections rebuild'.")


@projections_group.command("rebuild")
@data_option
@click.option("--batch-size", default=2000, show_default=True, type=click.IntRange(1, BATCH_MAX),
              help="Events applied per transaction.")
@reports_errors
def rebuild(data_dir: str | None, batch_size: int) -> None:
    """Rebuild every view from the log in a new file, then swap it in atomically.

    The live views keep serving meanwhile; readers see the old views or the new ones, never a mix.
    """
    from projections.rebuild import RebuildReport
    from projections.runner import ProjectionError
    from projections.setup import rebuild_views

    with open_existing(data_dir) as (data, app):
        def progress(r: RebuildReport) -> None:
            share = f" ({r.events * 100 // r.target}%)" if r.target else ""
            echo(f"  {r.events:,} / {r.target:,} events{share}, {r.rate:,.0f} events/s")

        echo(f"Rebuilding {data.views} from {app.head():,} events ...")
        try:
            report = rebuild_views(data, app, batch_size=batch_size, progress=progress)
        except ProjectionError as e:
            fail(str(e), EXIT_REFUSED)
        echo(f"Rebuilt: {report.events:,} events in {report.seconds:.1f} s "
                   f"({report.rate:,.0f} events/s), swapped in.")


def _a_number(value: float) -> float:
    """FloatRange lets "nan" through (no comparison with NaN is false... nor true)."""
    if value != value:
        raise click.BadParameter("must be a number of seconds from 0.01 to 3600")
    return value


@projections_group.command("run")
@data_option
@click.option("--poll", default=1.0, show_default=True, metavar="SECONDS",
              type=click.FloatRange(0.01, 3600), callback=lambda _c, _p, v: _a_number(v),
              help="How long to wait when the log has nothing new.")
@click.option("--once", is_flag=True, help="Catch up to the head, then exit.")
@batch_size_option
@reports_errors
def run(data_dir: str | None, poll: float, once: bool, batch_size: int) -> None:
    """Follow the event log and keep the views up to date.

    For several servers sharing one event store, each with its own views. Ctrl-C or SIGTERM
    stops after the current batch.
    """
    from projections.runner import ProjectionError
    from projections.setup import open_runner

    with open_existing(data_dir) as (data, app):
        runner = open_runner(data, app, batch_size=batch_size)
        try:
            stale = runner.stale()
            runner.prepare()
            if stale:
                echo(f"Rebuilding the views in place: {stale}.")
            start = runner.position()
            if once:
                reached = runner.catch_up()
                echo(f"Caught up: position {reached:,} ({reached - start:,} events applied).")
                return
            with _stop_requested() as stop:
                echo(f"Following the event log from position {start:,} "
                           f"(polling every {poll:g} s; Ctrl-C or SIGTERM stops).")
                reached = runner.follow(poll, stop, progress=_every_second(
                    lambda p, head: echo(f"  position {p:,}, lag {max(head - p, 0):,}")
                ))
            echo(f"Stopped at position {reached:,} ({reached - start:,} events applied).")
        except ProjectionError as e:
            fail(str(e), EXIT_REFUSED)
        finally:
            runner.close()


@contextmanager
def _stop_requested() -> Iterator[Callable[[], bool]]:
    """SIGINT/SIGTERM ask the follower to stop after its batch; a second Ctrl-C interrupts."""
    requested = False

    def handle(signum: int, _: FrameType | None) -> None:
        nonlocal requested
        if requested and signum == signal.SIGINT:
            raise KeyboardInterrupt
        requested = True

    previous = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, handle)
    except ValueError:  # not the main thread (embedded use): signals stay as they were
        pass
    try:
        yield lambda: requested
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _every_second(report: Callable[[int, int], None]) -> Callable[[int, int], None]:
    last = 0.0

    def throttled(position: int, head: int) -> None:
        nonlocal last
        if (now := time.monotonic()) - last >= 1.0 or position >= head:
            last = now
            report(position, head)

    return throttled
