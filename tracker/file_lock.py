"""An exclusive lock that processes on one machine queue on: `flock` of a file beside the data.

SQLite makes a writer that finds the file locked sleep in its busy handler (1, 2, 5, 10 ... up
to 100 ms between attempts), so under concurrent writes from several processes a write often
sleeps well past the moment the one before it committed. Writers that first queue on one of
these locks wake as soon as the holder lets go. The lock only orders the writers that take it;
SQLite's own locking still decides correctness.

Not thread-safe on its own: the threads of one process share its descriptor (and `flock` lets
a second taker through on the same descriptor), so callers take a thread lock first.
"""

from __future__ import annotations

import os
import weakref

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]


class FileLock:
    """`flock(LOCK_EX)` of `path` for the duration of a `with` block. Opened on first use (a
    directory we may not write to, or a system without `flock`, gives a lock that does nothing);
    a process that dies releases it."""

    def __init__(self, path: str | None) -> None:
        self._path = path if path and fcntl is not None else None
        self._fd: int | None = None
        self._closer: weakref.finalize | None = None

    def __enter__(self) -> None:
        if self._fd is None and self._path is not None:
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:  # a directory we may not write to: SQLite's own lock only
                self._path = None
            else:  # closed by close(), or when the lock is dropped unclosed
                self._closer = weakref.finalize(self, os.close, self._fd)
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
        self._fd = self._closer = None
