"""Connections handed from the parent of `serve --workers N` to its children (see `web.workers`).

Each child is joined to the parent by a Unix socket pair (`SOCK_SEQPACKET`: one message each). The
parent (`Dealer`) accepts on the listening socket and sends each connection's descriptor to the
child holding the fewest open connections, in turn on a tie; the child (`HandedServer`, waitress
fed from its end of the pair instead of from `accept`) sends back one byte for each connection it
closes.
"""

from __future__ import annotations

import selectors
import socket
import time
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer

HANDED = b"c"  # a message carrying one connection's descriptor, parent to child
CLOSED = b"x"  # a connection closed, child to parent


class Dealer:
    """The parent's side: accepts on `listener` and hands each connection to a child."""

    def __init__(self, listener: socket.socket, children: int) -> None:
        self.listener = listener
        self.open = [0] * children  # handed and not yet reported closed, per child
        self._next = 0  # who gets the next connection among equals
        self._ours: list[socket.socket | None] = []
        self.theirs: list[socket.socket] = []  # each child's end, passed to it at its start
        self._selector = selectors.DefaultSelector()
        self._selector.register(listener, selectors.EVENT_READ, None)
        for i in range(children):
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            ours.setblocking(False)
            theirs.set_inheritable(True)
            self._ours.append(ours)
            self.theirs.append(theirs)
            self._selector.register(ours, selectors.EVENT_READ, i)

    def poll(self, timeout: float) -> None:
        """Handle what becomes ready within `timeout` seconds: the closes first (so that a
        connection that arrives after a close counts it), then new connections."""
        ready = self._selector.select(timeout)
        for key, _ in sorted(ready, key=lambda event: event[0].data is None):
            if key.data is None:
                self._accept()
            else:
                self._closed(key.data)

    def hand(self, conn: socket.socket) -> int | None:
        """Send `conn` to the child with the fewest open connections (None: no child took it)."""
        n = len(self.open)
        for i in sorted(range(n), key=lambda i: (self.open[i], (i - self._next) % n)):
            channel = self._ours[i]
            if channel is None:
                continue
            try:
                socket.send_fds(channel, [HANDED], [conn.fileno()])
            except OSError:  # its queue is full (it stopped reading), or it is gone: the next
                continue
            self.open[i] += 1
            self._next = (i + 1) % n
            return i
        return None

    def close(self) -> None:
        self._selector.close()
        for sock in [*self._ours, *self.theirs, self.listener]:
            if sock is not None:
                sock.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:  # the client gave up before we took it
                continue
            except OSError:  # e.g. out of descriptors: let the moment pass, keep the queue
                time.sleep(0.1)
                return
            with conn:  # the child holds its own copy once sent
                self.hand(conn)

    def _closed(self, i: int) -> None:
        channel = self._ours[i]
        assert channel is not None
        while True:
            try:
                message = channel.recv(16)
            except BlockingIOError:
                return
            if not message:  # the child is gone (the supervisor sees it stop)
                self._selector.unregister(channel)
                channel.close()
                self._ours[i] = None
                return
            self.open[i] = max(self.open[i] - 1, 0)


class _Channel(HTTPChannel):
    def del_channel(self, map: Any = None) -> None:
        counted = self._fileno in self.server.active_channels
        super().del_channel(map)
        if counted:  # once per connection, whichever path closed it
            self.server.report_closed()


class HandedServer(TcpWSGIServer):
    """waitress's TCP server, fed the connections the parent sends over `channel` (its end of
    the pair) instead of accepting them itself. `address` is the listening socket's (host, port),
    as waitress reports it to the application."""

    channel_class = _Channel

    def __init__(self, application: Any, channel: socket.socket, address: tuple[str, str],
                 **adjustments: Any) -> None:
        self._address = address
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET  # the listener's
        super().__init__(application, map={}, _sock=channel, adj=Adjustments(**adjustments),
                         bind_socket=False, sockinfo=(family, socket.SOCK_STREAM, None, None))

    def set_reuse_addr(self) -> None:
        pass  # nothing is bound here

    def accept_connections(self) -> None:
        self.accepting = True  # readable: the parent listens, not this socket

    def getsockname(self) -> tuple[str, str]:
        return self._address

    def handle_accept(self) -> None:
        try:
            message, fds, _, _ = socket.recv_fds(self.socket, 16, 16)
        except (BlockingIOError, InterruptedError):
            return
        if not message and not fds:  # the parent is gone: stop reading (the orphan watch stops us)
            self.accepting = False
            return
        for fd in fds:
            conn = socket.socket(fileno=fd)
            try:
                self.set_socket_options(conn)
                addr = conn.getpeername()
            except OSError:  # the client has already gone
                conn.close()
                self.report_closed()
                continue
            self.channel_class(self, conn, self.fix_addr(addr), self.adj, map=self._map)

    def report_closed(self) -> None:
        sock = self.socket
        if sock is not None:
            try:
                sock.send(CLOSED)
            except OSError:  # the parent is gone, or not reading: only the balance suffers
                pass
