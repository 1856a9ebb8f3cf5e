"""Seals: checkpoints of the chain, one JSON object per line, meant to be kept outside the system.

    {"position": N, "events": count, "chain": "<64 hex digits>", "sealed_at": "<ISO UTC>"}

A seals file may also hold a bundle's seal lines (`{"seal": {...}}`); blank lines are ignored.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

SEALS_FILE = "seals.jsonl"
KEYS = ("position", "events", "chain", "sealed_at")


class SealsError(ValueError):
    """A seal or seals file that cannot be read; the message says where and why."""


@dataclass(frozen=True)
class Seal:
    position: int
    events: int
    chain: str
    sealed_at: str

    def as_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in KEYS}

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), separators=(", ", ": "))

    @classmethod
    def from_dict(cls, value: Any, where: str) -> Seal:
        if isinstance(value, dict) and set(value) == {"seal"}:
            value = value["seal"]
        if not isinstance(value, dict) or set(value) != set(KEYS):
            raise SealsError(f"{where}: a seal is an object with exactly the keys {', '.join(KEYS)}")
        for key in ("position", "events"):
            if type(value[key]) is not int or value[key] < 0:
                raise SealsError(f"{where}: {key} must be a whole number, 0 or more")
        if value["events"] > value["position"]:
            raise SealsError(f"{where}: events cannot exceed position (positions start at 1)")
        chain = value["chain"]
        if not isinstance(chain, str) or len(chain) != 64 or not set(chain) <= set(string.hexdigits):
            raise SealsError(f"{where}: chain must be 64 hexadecimal digits")
        try:
            datetime.fromisoformat(value["sealed_at"])
        except (TypeError, ValueError):
            raise SealsError(f"{where}: sealed_at must be an ISO date-time") from None
        return cls(value["position"], value["events"], chain.lower(), value["sealed_at"])


def parse_seal_line(line: str, where: str) -> Seal:
    try:
        value = json.loads(line)
    except ValueError:
        raise SealsError(f"{where}: not a JSON object") from None
    return Seal.from_dict(value, where)


def read_seals(path: Path) -> list[Seal]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SealsError(f"cannot read the seals file {path}: {e}") from None
    return [
        parse_seal_line(line, f"{path}, line {number}")
        for number, line in enumerate(text.splitlines(), start=1) if line.strip()
    ]


def append_seal(path: Path, seal: Seal) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(seal.as_json() + "\n")


def append_new_seal(path: Path, seal: Seal) -> bool:
    """Append the seal unless the file's last seal already seals the same events (no duplicate);
    True when it was appended."""
    if path.exists():
        try:
            earlier = read_seals(path)
        except SealsError:
            earlier = []
        last = earlier[-1] if earlier else None
        if last is not None and (last.position, last.events, last.chain) == (
                seal.position, seal.events, seal.chain):
            return False
    append_seal(path, seal)
    return True
