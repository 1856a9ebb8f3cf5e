"""Concurrent clients: each runs its own operation a fixed number of times, in its own thread.

Throughput is every timed operation over the wall time from the moment all clients start
(after their warm-up) to the moment the last one finishes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.stats import Latency

# A client: called with the iteration number (warm-up iterations are negative).
Client = Callable[[int], None]


@dataclass(frozen=True)
class LoadResult:
    clients: int
    requests: int
    seconds: float
    latency: Latency
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"clients": self.clients, "requests": self.requests, "seconds": self.seconds,
                "rate_per_s": self.rate, "errors": self.errors, **self.latency.as_ms()}


def run_clients(clients: list[Client], *, requests: int, warmup: int = 0) -> LoadResult:
    """Run every client `warmup` times untimed, then `requests` times timed, all together."""
    barrier = threading.Barrier(len(clients) + 1)
    samples: list[list[float]] = [[] for _ in clients]
    failures: list[BaseException] = []
    lock = threading.Lock()

    def work(k: int) -> None:
        try:
            for i in range(-warmup, 0):
                clients[k](i)
        except BaseException as e:  # reported after the run
            with lock:
                failures.append(e)
        barrier.wait()
        for i in range(requests):
            t0 = time.perf_counter()
            try:
                clients[k](i)
            except Exception as e:
                with lock:
                    failures.append(e)
                continue
            samples[k].append(time.perf_counter() - t0)

    threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(len(clients))]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    flat = [s for per in samples for s in per]
    if failures and not flat:
        raise failures[0]
    return LoadResult(len(clients), len(flat), seconds, Latency.of(flat), len(failures))
