"""Who writes in the write benchmarks: one department lead per client, on their own commitments.

Clients work on different departments' open commitments, so they never conflict with each other;
the raw baseline and the product write the same commitments in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from bench.generate import Store
from bench.generator import head_email
from tracker.domain import member_id


@dataclass(frozen=True)
class Writer:
    department: str
    email: str
    actor: UUID
    commitments: list[UUID]

    def commitment(self, i: int) -> UUID:
        return self.commitments[i % len(self.commitments)]


def percent(i: int) -> int:
    """A progress figure that changes every request."""
    return (i * 7) % 101


def writers(store: Store, clients: int, per_client: int) -> list[Writer]:
    """The `clients` departments with the most open commitments (ties by name)."""
    open_by_dept: dict[str, list[list[object]]] = store.meta["open_commitments"]
    ranked = sorted(open_by_dept, key=lambda d: (-len(open_by_dept[d]), d))[:clients]
    if len(ranked) < clients:
        raise RuntimeError(f"the store has open commitments in only {len(ranked)} departments")
    return [
        Writer(d, head_email(d), member_id(head_email(d)),
               [UUID(str(cid)) for cid, _ in open_by_dept[d][:per_client]])
        for d in ranked
    ]
