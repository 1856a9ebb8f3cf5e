"""The stored events as the chain sees them: read from the recorder, never through event classes.

The canonical serialization of an event is the UTF-8 of

    json.dumps({"position": n, "originator_id": str, "originator_version": int, "topic": str,
                "state": <the stored state, parsed>},
               sort_keys=True, separators=(",", ":"), ensure_ascii=False)

so upcasters and code changes never break the chain. The state holds the timestamp and actor.
"""

from __future__ import annotations

import json
import json.scanner
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from eventsourcing.application import Application
from eventsourcing.sqlite import SQLiteApplicationRecorder

from tracker.config import ConfigError

BATCH = 5000
MEMBER_REGISTERED = "cx-tracker/member/Registered"


class Unreadable(NamedTuple):
    """A stored event that cannot be read as the application stores it (a state that is not JSON,
    a column in another SQLite storage class): the chain cannot cover it, verify reports it."""

    raw: bytes
    reason: str  # the whole problem, as verify reports it


class Record(NamedTuple):
    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: Any  # the parsed stored state, or Unreadable
    link: str | None = None  # hex; only a bundle states each record's link


_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
_decode = json.JSONDecoder().decode
# typeshed types make_scanner's context as the scanner itself; at run time it is the decoder.
_scan_once = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


def parse_state(text: str) -> Any:
    """json.loads(text), minus its per-call overhead when the text is one bare JSON value (as the
    library stores states); anything else takes the full decoder, errors included."""
    try:
        value, end = _scan_once(text, 0)
    except StopIteration:
        return _decode(text)
    return value if end == len(text) else _decode(text)


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
    """The log in position order, `batch` records at a time, up to position `stop` if given.

    Every row the application's repository can load is read, from the lowest position the store
    holds: rows at position 0 or below (which the store never writes, but an aggregate still
    loads) come first, so verify can flag them."""
    require_plain_json(app)
    select = _sqlite_rows(app.recorder) or _notification_rows(app.recorder)
    after: int | None = None
    new, parse = tuple.__new__, parse_state
    while True:
        rows = select(after, stop, batch)
        if not rows:
            return
        records = []
        for row in rows:
            position, originator_id, version, topic, stored = row
            if type(stored) is not bytes or type(topic) is not str or type(version) is not int \
                    or type(originator_id) is not str:
                records.append(odd_record(row))
                continue
            try:
                state = parse(stored.decode("utf-8"))
            except ValueError as e:  # not JSON, or not UTF-8
                state = Unreadable(stored, f"the stored state is not JSON ({e})")
            records.append(new(Record, (position, originator_id, version, topic, state, None)))
        yield records
        after = rows[-1][0]


STORAGE_CLASSES = {int: "INTEGER", float: "REAL", str: "TEXT", bytes: "BLOB", type(None): "NULL"}
_EXPECTED = (("originator_id", str), ("originator_version", int), ("topic", str), ("state", bytes))


def odd_record(row: Sequence[Any]) -> Record:
    """A row with a column in another SQLite storage class than the recorder writes: reported,
    never decoded (the application could not load it as it was sealed)."""
    position, originator_id, version, topic, state = row
    odd = [f"{name} is stored as SQLite {STORAGE_CLASSES.get(type(value), type(value).__name__)}"
           f" (the store writes {STORAGE_CLASSES[kind]})"
           for (name, kind), value in zip(_EXPECTED, row[1:]) if type(value) is not kind]
    raw = repr(tuple(row[1:])).encode("utf-8", "backslashreplace")
    return Record(position, _printable(originator_id), version if type(version) is int else 0,
                  _printable(topic), Unreadable(raw, "; ".join(odd)), None)


def _printable(value: Any) -> str:
    if isinstance(value, bytes):
        return f"x'{value.hex()}'"
    return value if isinstance(value, str) else repr(value)


Rows = Callable[["int | None", "int | None", int], Sequence[Sequence[Any]]]  # (after, stop, limit)


def _notification_rows(recorder: Any) -> Rows:
    def rows(after: int | None, stop: int | None, limit: int) -> list[tuple[Any, ...]]:
        found = recorder.select_notifications(start=after, limit=limit, stop=stop,
                                              inclusive_of_start=after is None)
        return [(n.id, str(n.originator_id), n.originator_version, n.topic, n.state) for n in found]

    return rows


def _sqlite_rows(recorder: Any) -> Rows | None:
    """The SQLite recorder's rows read directly: the same rows as `select_notifications`, without
    building a Notification and a UUID for each (a third of the time of reading them)."""
    if not isinstance(recorder, SQLiteApplicationRecorder):
        return None
    as_uuid = recorder.datastore.originator_id_type == "uuid"
    select = (f"SELECT rowid, originator_id, originator_version, topic, state FROM "
              f"{recorder.events_table_name} WHERE rowid ")
    first = select + ">= ? AND rowid <= ? ORDER BY rowid LIMIT ?"  # from the lowest rowid
    more = select + "> ? AND rowid <= ? ORDER BY rowid LIMIT ?"

    def rows(after: int | None, stop: int | None, limit: int) -> list[tuple[Any, ...]]:
        with recorder.datastore.transaction(commit=False) as c:
            c.execute(first if after is None else more,
                      (_MIN_ROWID if after is None else after,
                       _MAX_ROWID if stop is None else stop, limit))
            found = c.fetchall()
        if not as_uuid:
            return [tuple(row) for row in found]
        return [(r[0], _uuid_text(r[1]) if type(r[1]) is str else r[1], r[2], r[3], r[4])
                for r in found]

    return rows


_MIN_ROWID, _MAX_ROWID = -(2**63), 2**63 - 1
_LOWER_HEX_32 = re.compile("[0-9a-f]{32}")


def _uuid_text(stored: str) -> str:
    """str(UUID(...)) of an id stored as the recorder stores it (32 lowercase hex digits). Any
    other spelling is marked: the application would no longer find the event under its
    aggregate, so the id must not pass for the original."""
    if _LOWER_HEX_32.fullmatch(stored):
        return f"{stored[:8]}-{stored[8:12]}-{stored[12:16]}-{stored[16:20]}-{stored[20:]}"
    return f"{stored} (not spelled as the recorder stores ids)"


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
