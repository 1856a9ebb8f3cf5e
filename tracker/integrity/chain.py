"""The hash chain: link_0 = 32 zero bytes; link_n = SHA-256(link_{n-1} || SHA-256(canonical_n)).

Positions may have gaps; the chain runs over the events in position order, and each event's
canonical form includes its position.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_right
from collections.abc import Iterable

GENESIS = bytes(32)
LINK_SIZE = 32


def next_link(link: bytes, digest: bytes) -> bytes:
    return hashlib.sha256(link + digest).digest()


class Chain:
    """The links of a chain by position, so the chain can be read at any seal's position.

    Given `wanted` positions (the seals'), only the chain at those positions and its end are
    kept: `compact()` (after each batch) drops the rest, so memory stays flat with the log's
    length. Without, every link is kept and the chain can be read anywhere."""

    def __init__(self, wanted: Iterable[int] | None = None) -> None:
        self.positions = array("q")  # the links not compacted yet, by position
        self.links = bytearray()
        self._wanted = None if wanted is None else sorted(set(wanted), reverse=True)
        self._kept: dict[int, tuple[int, bytes]] = {}  # wanted position -> the chain there
        self._dropped = 0  # events compacted away (before self.positions[0])
        self._before = GENESIS  # the link after the last of them

    def append(self, position: int, link: bytes) -> None:
        self.positions.append(position)
        self.links += link

    def __len__(self) -> int:
        return self._dropped + len(self.positions)

    @property
    def head(self) -> int:
        """The last position (0 for an empty chain)."""
        return self.positions[-1] if self.positions else 0

    def at(self, position: int) -> tuple[int, bytes]:
        """(events at or before `position`, the link after the last of them)."""
        if position in self._kept:
            return self._kept[position]
        if self.positions and position < self.positions[0] and self._dropped:
            raise KeyError(f"position {position} was not kept: give it as wanted")
        count = bisect_right(self.positions, position)
        if count == 0:
            return self._dropped, self._before
        return self._dropped + count, bytes(self.links[(count - 1) * LINK_SIZE:count * LINK_SIZE])

    def last(self) -> bytes:
        return self.at(self.head)[1]

    def compact(self) -> None:
        """Keep the wanted positions now passed and the last link; drop the others."""
        wanted, positions = self._wanted, self.positions
        if wanted is None or len(positions) < 2:
            return
        while wanted and wanted[-1] < positions[-1]:  # every event at or before it is known
            where = wanted.pop()
            self._kept[where] = self.at(where)
        self._dropped += len(positions) - 1
        self._before = bytes(self.links[-LINK_SIZE:])
        last = positions[-1]
        del positions[:]
        positions.append(last)
        self.links = bytearray(self._before)
