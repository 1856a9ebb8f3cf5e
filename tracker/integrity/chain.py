"""The hash chain: link_0 = 32 zero bytes; link_n = SHA-256(link_{n-1} || SHA-256(canonical_n)).

Positions may have gaps; the chain runs over the events in position order, and each event's
canonical form includes its position.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_right

GENESIS = bytes(32)
LINK_SIZE = 32


def next_link(link: bytes, digest: bytes) -> bytes:
    return hashlib.sha256(link + digest).digest()


class Chain:
    """Every link of a chain by position, so the chain can be read at any seal's position."""

    def __init__(self) -> None:
        self.positions = array("q")
        self.links = bytearray()

    def append(self, position: int, link: bytes) -> None:
        self.positions.append(position)
        self.links += link

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def head(self) -> int:
        """The last position (0 for an empty chain)."""
        return self.positions[-1] if self.positions else 0

    def at(self, position: int) -> tuple[int, bytes]:
        """(events at or before `position`, the link after the last of them)."""
        count = bisect_right(self.positions, position)
        if count == 0:
            return 0, GENESIS
        return count, bytes(self.links[(count - 1) * LINK_SIZE:count * LINK_SIZE])

    def last(self) -> bytes:
        return self.at(self.head)[1]
