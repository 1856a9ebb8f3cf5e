"""Raw baselines: what the event library does on the same store without our layers.

- raw save: a plain `eventsourcing` `Application` (the product's transcodings and aggregate
  cache size, nothing else) loads a commitment, reports progress on it and saves it: no
  authorisation, no validation beyond the aggregate's, no projection, no HTTP.
- raw decode: read the notification log in batches and decode every event into a domain
  event object: the least any projection has to do.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder

from tracker.config import DataDir
from tracker.domain import Commitment, DateAsISO
from tracker.service.base import ServiceBase


class RawApp(Application[UUID]):
    """The library's `Application`, configured like the product's store and cache."""

    name = "RawBaseline"
    env: ClassVar[dict[str, str]] = dict(ServiceBase.env)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


def open_raw(data: DataDir) -> RawApp:
    return RawApp(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(data.events)})


def raw_progress(app: RawApp, commitment_id: UUID, percent: int, actor: UUID) -> int:
    """Load, change, save: the raw write. Returns the new event's position."""
    commitment: Commitment = app.repository.get(commitment_id)
    commitment.report_progress(percent, "benchmark", actor=actor)
    recordings = app.save(commitment)
    return recordings[-1].notification.id


@dataclass(frozen=True)
class DecodeResult:
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"events": self.events, "seconds": self.seconds, "rate_per_s": self.rate}


def raw_decode(app: Application[UUID], *, batch: int = 2000) -> DecodeResult:
    """Read and decode the whole log, `batch` notifications at a time."""
    started = time.perf_counter()
    after, count = 0, 0
    while True:
        found = app.recorder.select_notifications(start=after, limit=batch, inclusive_of_start=False)
        if not found:
            break
        for notification in found:
            app.mapper.to_domain_event(notification)
        count += len(found)
        after = found[-1].id
    return DecodeResult(count, time.perf_counter() - started)
