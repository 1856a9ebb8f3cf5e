"""Group commit: saves made by several threads at once are written together, one of them writing.

A thread that saves while another thread of its process is writing queues its events and waits.
When the write under way ends, the first thread waiting leads the next write: it takes every save
queued by then and writes them together (`write` below: one transaction, one fsync), then wakes
their threads with each one's own outcome, and hands the lead to the first of those that queued
meanwhile. No thread returns before the write holding its events has ended; each thread leads at
most once per save, so none waits behind more than the write under way and its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(eq=False)
class Save(Generic[T]):
    """One thread's save: what it writes, and, once written, its outcome."""

    items: Sequence[T]
    ids: Sequence[int] | None = None
    error: BaseException | None = None
    _woken: threading.Event = field(default_factory=threading.Event)

    @property
    def ended(self) -> bool:
        return self.ids is not None or self.error is not None


# Writes a group of saves, setting each one's ids or error (a raised error ends them all).
Write = Callable[[list[Save[T]]], None]


class GroupCommit(Generic[T]):
    def __init__(self, write: Write[T]) -> None:
        self._write = write
        self._mutex = threading.Lock()
        self._queue: list[Save[T]] = []
        self._writing = False

    def save(self, items: Sequence[T]) -> Sequence[int]:
        """Write `items` (with whatever else is queued when its turn comes); their ids, once
        durable, or the error that refused them."""
        mine = Save(items)
        with self._mutex:
            self._queue.append(mine)
            lead = not self._writing
            self._writing = True
        if not lead:
            mine._woken.wait()  # ended, or handed the lead
        if not mine.ended:
            self._lead()
        if mine.error is not None:
            raise mine.error
        assert mine.ids is not None
        return mine.ids

    def _lead(self) -> None:
        with self._mutex:
            group, self._queue = self._queue, []
        try:
            self._write(group)
        except BaseException as e:  # noqa: BLE001 - each waiting thread raises it: none is known written
            for save in group:
                if not save.ended:
                    save.error = e
        finally:
            for save in group:
                if not save.ended:  # a write that forgot one: refuse it rather than hang
                    save.error = RuntimeError("the group commit left a save without an outcome")
            with self._mutex:
                if self._queue:
                    self._queue[0]._woken.set()  # it leads the next write
                else:
                    self._writing = False
            for save in group:
                save._woken.set()
