"""`cx-tracker serve --workers N`: N server processes on one listening socket and one data directory.

The parent readies the read models once (with the progress in its log), binds N sockets to the
port (SO_REUSEPORT), and starts N children, fresh interpreters that each inherit one socket: each
builds its own application (its own read-model connections and catch-up: the Runner's
transactions keep them exactly-once across processes) and serves with waitress on its socket;
the kernel gives each new connection to one of them. Everything they must agree on lives in the data directory: the
events, accounts and sessions, the secret key and the rate limits' counters.

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

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
GRACE_SECONDS = 10.0


def listening_sockets(host: str, port: int, count: int, backlog: int = 1024) -> list[socket.socket]:
    """One listening socket per worker on host:port (OSError when taken), inheritable.

    Bound with SO_REUSEPORT: the kernel spreads new connections over them evenly (by a hash of
    each connection's addresses). One socket shared by all workers would not: the worker that
    accepted last is woken first, so an idle server gives every connection to one process."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress binds
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind(address)
            sock.listen(backlog)
            sock.set_inheritable(True)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def supervise(data_dir: str, sockets: list[socket.socket], threads: int) -> int:
    """Run one child per socket until a stop signal (0) or one of them stops (1)."""
    stopping = threading.Event()

    def stop(signum: int, _: FrameType | None) -> None:
        stopping.set()

    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}
    children: list[subprocess.Popen[bytes]] = []
    try:
        for sock in sockets:
            children.append(_start_child(data_dir, sock, threads))
            sock.close()  # the child holds it now
        while not stopping.is_set():
            ended = next((c for c in children if c.poll() is not None), None)
            if ended is not None:
                echo(f"Server process {ended.pid} stopped ({_how(ended.returncode)}): stopping "
                     "the others. Restart the server (see the log above for the cause).", err=True)
                return 1
            stopping.wait(0.5)
        return 0
    finally:
        _stop_all(children)
        for s, handler in previous.items():
            signal.signal(s, handler)


def _start_child(data_dir: str, sock: socket.socket, threads: int) -> subprocess.Popen[bytes]:
    code = (f"from web.workers import serve_child; serve_child({sock.fileno()}, {data_dir!r}, "
            f"{threads}, {os.getpid()})")
    # A session of its own: Ctrl-C in a terminal reaches the parent only, which stops them all.
    return subprocess.Popen([sys.executable, "-c", code], pass_fds=[sock.fileno()],
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


def serve_child(fd: int, data_dir: str, threads: int, parent: int) -> None:
    """One worker: the web application on the inherited listening socket `fd`."""
    import logging

    import waitress

    from web import create_app
    from web.cli import settle_heap

    def interrupt(signum: int, _: FrameType | None) -> None:
        raise KeyboardInterrupt  # waitress shuts its threads down and returns

    signal.signal(signal.SIGTERM, interrupt)
    _stop_when_orphaned(parent)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    sock = socket.socket(fileno=fd)
    app = create_app({"DATA_DIR": data_dir})  # the views are ready: only a short catch-up
    body_limit = int(app.config["MAX_CONTENT_LENGTH"]) + 1
    server = waitress.create_server(app, sockets=[sock], threads=threads, ident="cx-tracker",
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
