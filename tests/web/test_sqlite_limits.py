"""The rate limits' counters in the data directory: shared by processes, counted in fixed windows,
and the default on SQLite."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from flask import Flask
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from web.settings import configure
from web.sqlite_limits import SCHEME, SqliteLimitStorage, uri_for


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("web.sqlite_limits.time", clock)
    return clock


def test_counts_in_a_fixed_window_that_then_starts_again(tmp_path: Path, clock: Clock) -> None:
    storage = SqliteLimitStorage(uri_for(tmp_path))
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and storage.get_expiry("k") == clock.now + 60
    clock.now += 59.5
    assert storage.incr("k", 60) == 4  # the same window: its end does not move
    clock.now += 0.5
    assert storage.get("k") == 0  # ended
    assert storage.incr("k", 60) == 1 and storage.get_expiry("k") == clock.now + 60
    assert storage.incr("other", 60, amount=5) == 5
    storage.clear("k")
    assert storage.get("k") == 0 and storage.get("other") == 5
    assert storage.reset() == 1 and storage.check()


def test_a_limiter_on_it_refuses_past_the_limit_until_the_window_ends(tmp_path: Path, clock: Clock) -> None:
    limiter = FixedWindowRateLimiter(storage_from_string(SCHEME + str(tmp_path / "limits.sqlite3")))
    limit = parse("3 per minute")
    assert [limiter.hit(limit, "login", "10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(limit, "login", "10.0.0.2")  # another key counts apart
    clock.now += 61
    assert limiter.hit(limit, "login", "10.0.0.1")


def test_processes_and_threads_share_the_counters_without_losing_one(tmp_path: Path) -> None:
    uri = uri_for(tmp_path)
    code = ("import sys; from web.sqlite_limits import SqliteLimitStorage as S; s = S(sys.argv[1]);"
            " [s.incr('login', 60) for _ in range(50)]")
    others = [subprocess.Popen([sys.executable, "-c", code, uri]) for _ in range(2)]
    storage = SqliteLimitStorage(uri)
    threads = [threading.Thread(target=lambda: [storage.incr("login", 60) for _ in range(50)])
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [p.wait(timeout=120) for p in others] == [0, 0]
    assert storage.get("login") == 200


def test_an_uri_without_an_absolute_path_is_refused() -> None:
    with pytest.raises(ValueError, match="absolute file path"):
        SqliteLimitStorage(SCHEME + "relative.sqlite3")


def test_the_default_on_sqlite_is_a_file_of_the_data_directory(tmp_path: Path) -> None:
    app = Flask("x")
    configure(app, {"DATA_DIR": str(tmp_path)})
    assert app.config["RATELIMIT_STORAGE_URI"] == SCHEME + str(tmp_path.resolve() / "rate_limits.sqlite3")
    other = Flask("y")
    configure(other, {"DATA_DIR": str(tmp_path), "RATELIMIT_STORAGE_URI": "memory://"})
    assert other.config["RATELIMIT_STORAGE_URI"] == "memory://"  # configured elsewhere: kept
