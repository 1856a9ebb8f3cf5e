"""The stored events as the chain sees them: read from the recorder, never through event classes.

The canonical serialization of an event is the UTF-8 of

    json.dumps({"position": n, "originator_id": str, "originator_version": int, "topic": str,
                "state": <the stored state, parsed>},
               sort_keys=True, separators=(",", ":"), ensure_ascii=False)

so upcasters and code changes never break the chain. The state holds the timestamp and actor.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, NamedTuple

from eventsourcing.application import Application

from tracker.config import ConfigError

BATCH = 5000
MEMBER_REGISTERED = "cx-tracker/member/Registered"


class Unreadable(NamedTuple):
    """A stored state that is not JSON: the chain cannot cover it, verify reports it."""

    raw: bytes
    reason: str


class Record(NamedTuple):
    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: Any  # the parsed stored state, or Unreadable
    link: str | None = None  # hex; only a bundle states each record's link


_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
_decode = json.JSONDecoder().decode


def canonical(record: Record) -> bytes:
    """The bytes whose SHA-256 the chain links (see the module docstring)."""
    return _encode(
        {"position": record.position, "originator_id": record.originator_id,
         "originator_version": record.originator_version, "topic": record.topic,
         "state": record.state},
    ).encode("utf-8", "surrogatepass")


def require_plain_json(app: Application[Any]) -> None:
    """Refuse a store whose states are compressed or encrypted: the chain covers plain JSON."""
    if app.mapper.compressor is not None or app.mapper.cipher is not None:
        raise ConfigError(
            "the event store is compressed or encrypted (COMPRESSOR_TOPIC / CIPHER_TOPIC / "
            "CIPHER_KEY are set): the hash chain covers plain JSON states only"
        )


def stored_records(app: Application[Any], *, stop: int | None = None,
                   batch: int = BATCH) -> Iterator[list[Record]]:
    """The log in position order, `batch` records at a time, up to position `stop` if given."""
    require_plain_json(app)
    select = app.recorder.select_notifications
    after = 0
    while True:
        found = select(start=after, limit=batch, stop=stop, inclusive_of_start=False)
        if not found:
            return
        records = []
        for n in found:
            try:
                state = _decode(n.state.decode("utf-8"))
            except ValueError as e:  # not JSON, or not UTF-8
                state = Unreadable(n.state, str(e))
            records.append(Record(n.id, str(n.originator_id), n.originator_version, n.topic, state))
        yield records
        after = found[-1].id


def read_timestamp(state: Any) -> str | None:
    """The event's timestamp as stored (ISO text), if the state has one."""
    return _transcoded(state, "timestamp")


def read_actor(state: Any) -> str | None:
    """The acting member's id (hex) as stored, if the state has one."""
    return _transcoded(state, "actor")


def _transcoded(state: Any, key: str) -> str | None:
    value = state.get(key) if isinstance(state, dict) else None
    if isinstance(value, dict):
        value = value.get("_data_")
    return value if isinstance(value, str) else None
