"""Reference data a page may not need, read from the views only when a template first uses it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from typing import TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


class LazyMapping(Mapping[K, V]):
    def __init__(self, load: Callable[[], Mapping[K, V]]) -> None:
        self._data = cache(load)  # called on first use only

    def __getitem__(self, key: K) -> V:
        return self._data()[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())


class LazySequence(Sequence[T]):
    def __init__(self, load: Callable[[], Sequence[T]]) -> None:
        self._data = cache(load)  # called on first use only

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self._data()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())
