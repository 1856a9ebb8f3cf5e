"""The lazy reference data of card pages: read once, and only when used."""

from __future__ import annotations

from functools import cache

from web.lazy import LazyMapping, LazySequence


def test_nothing_is_read_until_used_and_then_once() -> None:
    reads: list[str] = []

    def load() -> dict[str, str]:
        reads.append("names")
        return {"ops": "Operations", "it": "IT"}

    names = LazyMapping(load)
    assert reads == []
    assert names.get("ops") == "Operations"
    assert names.get("hr", "hr") == "hr"
    assert dict(names.items()) == {"ops": "Operations", "it": "IT"}
    assert "it" in names and len(names) == 2 and names
    assert reads == ["names"]


def test_a_sequence_and_a_shared_load() -> None:
    reads: list[int] = []

    def load() -> list[tuple[str, str]]:
        reads.append(1)
        return [("ops", "Operations"), ("it", "IT")]

    rows = cache(load)
    options = LazySequence(lambda: [r for r in rows() if r[0] != "it"])
    assert reads == []
    assert list(options) == [("ops", "Operations")]
    assert options[0] == ("ops", "Operations") and len(options) == 1
    assert not LazySequence(list)
    assert rows() == [("ops", "Operations"), ("it", "IT")] and reads == [1]
