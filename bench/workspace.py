"""Where measurements run: the cached store's views, and scratch copies for writing benchmarks.

Benchmarks that write work on a copy of the cached store, so every run starts from the same log.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.generate import DATA_ROOT, Store, open_app
from projections.database import open_views
from projections.runner import Runner
from projections.views import all_views
from tracker.config import DataDir

SCRATCH_ROOT = DATA_ROOT / "scratch"
_SUFFIXES = ("", "-wal", "-shm")


def ensure_views(store: Store, *, batch_size: int = 2000) -> int:
    """Bring the store's own views file up to its head (a no-op when cached and current; the
    runner rebuilds it when the views' code changed). Returns the position reached."""
    app = open_app(store.data)
    runner = Runner(app, open_views(store.data.views), all_views(), batch_size=batch_size)
    try:
        return runner.catch_up()
    finally:
        runner.close()
        app.close()


def copy_sqlite(source: Path, target: Path) -> None:
    for suffix in _SUFFIXES:
        src = source.with_name(source.name + suffix)
        if src.exists():
            shutil.copyfile(src, target.with_name(target.name + suffix))


@contextmanager
def scratch_copy(store: Store, name: str, *, views: bool = True) -> Iterator[DataDir]:
    """A throw-away copy of the store's files (and its views, caught up) for one measurement."""
    if views:
        ensure_views(store)
    # One per process: two runs on the same cached store must not share (or delete) a copy.
    target = SCRATCH_ROOT / f"{store.data.path.name}-{name}-{os.getpid()}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    data = DataDir(target)
    copy_sqlite(store.data.events, data.events)
    copy_sqlite(store.data.accounts, data.accounts)
    if views:
        copy_sqlite(store.data.views, data.views)
    try:
        yield data
    finally:
        shutil.rmtree(target, ignore_errors=True)
