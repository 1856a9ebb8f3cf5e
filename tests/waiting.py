"""Waiting on other processes and threads without depending on the machine's speed.

A test waits for progress, never for a duration: it fails only when nothing has moved for
`HANG` seconds, a bound that only a hung process reaches (at least 10x the slowest run seen
on a loaded 2-core machine)."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable

HANG = 600.0  # seconds without progress: a hang, not a slow machine
BROWSER_HANG_MS = 120_000  # Playwright's wait for one page, locator or assertion


def wait_for(done: Callable[[], bool], progress: Callable[[], object] | None = None,
             *, poll: float = 0.01) -> None:
    """Wait until `done()`; fail when `progress()` (when given; else the wait as a whole) has
    not changed for `HANG` seconds."""
    seen: object = None
    since = time.monotonic()
    while not done():
        now = time.monotonic()
        if progress is not None and (current := progress()) != seen:
            seen, since = current, now
        assert now - since < HANG, f"no progress for {HANG:.0f} s (last seen: {seen!r})"
        time.sleep(poll)


def start_together(processes: list[subprocess.Popen[str]], *, after: float = 0.05) -> None:
    """Once every process has printed "ready" (its imports done), send them all one start
    time, `after` seconds from now, which each waits for: they then act at the same moment
    however long their start-up took."""
    for p in processes:
        assert p.stdout is not None
        line = p.stdout.readline()
        assert line == "ready\n", (line, p.communicate())
    start = f"{time.time() + after}\n"
    for p in processes:
        assert p.stdin is not None
        p.stdin.write(start)
        p.stdin.flush()


def run_in_threads(*targets: Callable[[], object]) -> None:
    """Run each target in a thread of its own, all started together (a barrier); fail with the
    first error any of them raised."""
    start, errors = threading.Barrier(len(targets)), []

    def run(target: Callable[[], object]) -> None:
        start.wait()
        try:
            target()
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(HANG)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]
