"""`cx-tracker serve --workers N`: N server processes behind one listening socket and one data directory.

The parent readies the read models once (with the progress in its log), listens on the port and
starts N children, fresh interpreters that each build their own application (their own
read-model connections and catch-up: the Runner's transactions keep them exactly-once across
processes) and serve with waitress. The parent accepts every connection and hands it (its
descriptor, over a Unix socket pair: `web.handed`) to the child holding the fewest open
connections, in turn on a tie; a child tells the parent of each connection it closes. Browsers
keep their connections open, so where each lands decides each process's share of the work:
with `SO_REUSEPORT` the kernel chose by a hash of the addresses (8 connections split [2, 6]),
and a socket shared by the children gives each connection to whichever wakes first. Everything
the children must agree on lives in the data directory: the events, accounts and sessions, the
secret key and the rate limits' counters.

The parent supervises: SIGINT (Ctrl-C) or SIGTERM stops every child and then the parent. A child
that stops on its own (a crash, the out-of-memory killer) stops them all, with a message naming
it and exit status 1: run the server under a supervisor that restarts it (systemd
`Restart=on-failure`) rather than carry on with fewer processes than asked. A child whose parent
disappears (killed with SIGKILL) stops too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from types import FrameType

from tracker.cli.output import echo
from web.handed import Dealer

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
GRACE_SECONDS = 10.0


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """The server's listening socket on host:port (OSError when taken), non-blocking."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress binds
        sock.bind(address)
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def supervise(data_dir: str, listener: socket.socket, workers: int, threads: int) -> int:
    """Run `workers` children, handing them the connections made to `listener`, until a stop
    signal (0) or one of them stops (1)."""
    stopping = threading.Event()

    def stop(signum: int, _: FrameType | None) -> None:
        stopping.set()

    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}
    dealer = Dealer(listener, workers)
    address = socket.getnameinfo(listener.getsockname()[:2],
                                 socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)
    children: list[subprocess.Popen[bytes]] = []
    try:
        for theirs in dealer.theirs:
            children.append(_start_child(data_dir, theirs, address, threads))
            theirs.close()  # the child holds it now
        while not stopping.is_set():
            ended = next((c for c in children if c.poll() is not None), None)
            if ended is not None:
                echo(f"Server process {ended.pid} stopped ({_how(ended.returncode)}): stopping "
                     "the others. Restart the server (see the log above for the cause).", err=True)
                return 1
            dealer.poll(0.5)
        return 0
    finally:
        _stop_all(children)
        dealer.close()
        for s, handler in previous.items():
            signal.signal(s, handler)


def _start_child(data_dir: str, channel: socket.socket, address: tuple[str, str],
                 threads: int) -> subprocess.Popen[bytes]:
    code = (f"from web.workers import serve_child; serve_child({channel.fileno()}, {address!r}, "
            f"{data_dir!r}, {threads}, {os.getpid()})")
    # A session of its own: Ctrl-C in a terminal reaches the parent only, which stops them all.
    return subprocess.Popen([sys.executable, "-c", code], pass_fds=[channel.fileno()],
                            start_new_session=True)


def _stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _how(code: int) -> str:
    if code < 0:
        return f"signal {signal.Signals(-code).name}"
    return f"exit status {code}"


def serve_child(fd: int, address: tuple[str, str], data_dir: str, threads: int, parent: int) -> None:
    """One worker: the web application on the connections handed over the socket `fd` (its end
    of the pair); `address` is the listening socket's (host, port)."""
    import logging

    from web import create_app
    from web.cli import settle_heap
    from web.handed import HandedServer

    def interrupt(signum: int, _: FrameType | None) -> None:
        raise KeyboardInterrupt  # waitress shuts its threads down and returns

    signal.signal(signal.SIGTERM, interrupt)
    _stop_when_orphaned(parent)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    channel = socket.socket(fileno=fd)
    app = create_app({"DATA_DIR": data_dir})  # the views are ready: only a short catch-up
    body_limit = int(app.config["MAX_CONTENT_LENGTH"]) + 1
    server = HandedServer(app, channel, address, threads=threads, ident="cx-tracker",
                          max_request_body_size=body_limit)
    settle_heap()
    try:
        server.run()  # returns on KeyboardInterrupt (from SIGTERM), its threads stopped
    finally:
        app.extensions["cx"].close()


def _stop_when_orphaned(parent: int) -> None:
    """Send this process SIGTERM once its parent is gone (it was killed without stopping us)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()
