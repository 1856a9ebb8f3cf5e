"""The crash test: catch-ups killed with SIGKILL at random moments resume without loss or
duplicates, and end with views identical to a clean build.

A store of 20,000 events is made once per session through the real service. A worker process
(`tests.projections_runner.worker`) catches the views up in small batches of a seeded random
size; the test kills it (`kill -9`) at seeded random moments spread over the whole log — after
it passes a random position, plus a random delay of a few milliseconds, so kills land anywhere
inside and between batches — and restarts it, until a last run completes. The views (every view
of `all_views()` plus an apply log that records each fact applied, unkeyed, so a duplicate shows)
must then equal a clean build, table by table, and every position must be the head.

The last test shows the crash test can fail: the same scenario against a deliberately broken
runner, defined here only, which commits a batch's view changes and its positions in two
transactions, ends with views that differ from a clean build.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from projections.database import LastApplied, set_last_applied, set_position, write_transaction
from projections.database import open_views
from projections.facts import read_facts
from projections.runner import Runner
from tests.projections_runner.conftest import python, reap
from tests.projections_runner.helpers import (
    Dump, applied_positions, build_store, differences, dump, product_views, sqlite_app,
)
from tests.waiting import HANG, wait_for

pytestmark = pytest.mark.slow

EVENTS, KILLS, SEED = 20_000, 12, 20261123
BATCH_SIZES = (1, 2, 5, 20)  # each run picks one: small batches, many boundaries
LAST_BATCH_SIZE = 50


@dataclass
class Store:
    events: Path
    head: int
    clean: dict[int, Dump] = field(default_factory=dict)  # until -> a clean build's dump

    def clean_dump(self, tmp: Path, until: int) -> Dump:
        """The views of one uninterrupted in-process catch-up up to `until` (cached)."""
        if until not in self.clean:
            app = sqlite_app(self.events)
            db = open_views(tmp / f"clean-{until}.sqlite3")
            try:
                Runner(app, db, product_views(), batch_size=1000).catch_up(until)
                self.clean[until] = dump(db)
            finally:
                db.close()
                app.close()
        return self.clean[until]


@pytest.fixture(scope="session")
def crash_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("crash-store") / "events.sqlite3"
    return Store(path, build_store(path, commitments=300, until=EVENTS))


@dataclass
class Outcome:
    kills: list[int]  # the views' position just after each kill
    seconds: float
    returncode: int
    output: str
    errors: str


def crash_until_done(
    store: Store, views: Path, *, seed: int, kills: int, until: int,
    runner: str = "projections.runner:Runner", batch_sizes: tuple[int, ...] = BATCH_SIZES,
) -> Outcome:
    """Start, kill -9 and restart a catch-up `kills` times, then let a last run finish; a run
    that ends by itself before its kill is the last."""
    rnd = random.Random(seed)
    targets = sorted(rnd.randrange(1, int(until * 0.95)) for _ in range(kills))
    started, positions = time.monotonic(), []
    for target in targets:
        worker = start_worker(store, views, runner, rnd.choice(batch_sizes), until)
        try:
            wait_to_pass(target, worker, views)
        except BaseException:
            reap([worker])
            raise
        time.sleep(rnd.uniform(0, 0.02))
        if worker.poll() is not None:  # it ended before its kill: it failed (or finished early)
            output, errors = worker.communicate()
            return Outcome(positions, time.monotonic() - started, worker.returncode, output, errors)
        os.kill(worker.pid, signal.SIGKILL)
        worker.communicate()
        positions.append(position_of(views))
    last = start_worker(store, views, runner, LAST_BATCH_SIZE, until)
    try:
        wait_to_pass(until + 1, last, views)  # only its end
    except BaseException:
        reap([last])
        raise
    output, errors = last.communicate()
    return Outcome(positions, time.monotonic() - started, last.returncode, output, errors)


def start_worker(store: Store, views: Path, runner: str, batch: int, until: int) -> subprocess.Popen[str]:
    worker = python("-m", "tests.projections_runner.worker", str(store.events), str(views),
                    "--batch", str(batch), "--until", str(until), "--runner", runner)
    assert worker.stdout is not None and worker.stdout.readline() == "ready\n", worker.communicate()
    return worker


def position_of(views: Path) -> int:
    conn = sqlite3.connect(views, timeout=HANG)
    try:
        row = conn.execute("SELECT min(position) FROM _positions").fetchone()
        return row[0] or 0
    except sqlite3.OperationalError:  # not created yet
        return 0
    finally:
        conn.close()


def wait_to_pass(target: int, worker: subprocess.Popen[str], views: Path) -> None:
    """Until the views pass `target` or the worker ends; however slowly, as long as it moves."""
    wait_for(lambda: worker.poll() is not None or position_of(views) >= target,
             progress=lambda: position_of(views), poll=0.002)


def test_catch_ups_killed_at_random_moments_end_with_views_equal_to_a_clean_build(
    crash_store: Store, tmp_path: Path
) -> None:
    views = tmp_path / "views.sqlite3"

    outcome = crash_until_done(crash_store, views, seed=SEED, kills=KILLS, until=crash_store.head)

    print(f"\ncrash test: {crash_store.head:,} events, {len(outcome.kills)} kills at positions "
          f"{outcome.kills}, {outcome.seconds:.1f} s of catching up and killing")
    assert outcome.returncode == 0, outcome.errors
    assert outcome.output.split()[:2] == ["done", str(crash_store.head)]
    assert crash_store.head >= EVENTS
    assert len(outcome.kills) == KILLS
    db = open_views(views)
    result, clean = dump(db), crash_store.clean_dump(tmp_path, crash_store.head)
    assert applied_positions(db) == list(range(1, crash_store.head + 1))
    assert {position for _, _, position in db.execute("SELECT * FROM _positions")} == {
        crash_store.head}
    assert result == clean, differences(result, clean)


class SplitCommitRunner(Runner):
    """DELIBERATELY BROKEN, for the test below only: commits each batch's view changes, then
    writes the positions in a second transaction. A crash between the two re-applies the batch."""

    def _apply_batch(self, target: int) -> tuple[int, int]:
        with self._lock:
            with write_transaction(self.db):
                start = self._common_position()
                facts = read_facts(self.app, start, limit=self.batch_size, stop=target)
                for fact in facts:
                    self._apply(fact)
            if not facts:
                return start, start
            last = facts[-1]
            with write_transaction(self.db):
                for view in self.views:
                    set_position(self.db, view.name, view.version, last.position)
                set_last_applied(self.db, LastApplied(last.position, last.aggregate_id, last.version))
            return start, last.position


def test_the_crash_test_catches_a_runner_that_writes_positions_outside_the_batch_transaction(
    crash_store: Store, tmp_path: Path
) -> None:
    until = 3000
    detected = []
    for seed in range(3):
        views = tmp_path / f"broken-{seed}.sqlite3"
        outcome = crash_until_done(
            crash_store, views, seed=seed, kills=KILLS, until=until, batch_sizes=(1,),
            runner=f"{__name__}:SplitCommitRunner",
        )
        if outcome.returncode != 0:
            detected.append(f"seed {seed}: the last run failed: {outcome.errors.splitlines()[-2:]}")
        else:
            found = differences(dump(open_views(views)), crash_store.clean_dump(tmp_path, until))
            if found:
                detected.append(f"seed {seed}: the views differ: {found}")
        if detected:
            break
    print("\n" + "\n".join(detected))
    assert detected, "the crash test did not notice positions written outside the batch"
