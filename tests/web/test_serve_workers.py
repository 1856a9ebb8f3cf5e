"""`cx-tracker serve --workers 2`: two processes on one port and one data directory are one
product (one session, one login limit, writes read back whichever answers), and stopping the
server stops them all."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.http_client import Browser
from tests.waiting import wait_for

pytestmark = pytest.mark.slow  # spawns servers

PASSWORD = "correct-horse"
LIMIT = 6  # login attempts per minute, for all the processes together
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def alive(pid: int) -> bool:
    """Running (not merely a zombie waiting for its parent)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def connections_of(pid: int) -> int:
    """The connections a worker holds open: its sockets less the one to its parent."""
    return sum(1 for fd in Path(f"/proc/{pid}/fd").iterdir() if _is_socket(fd)) - 1


def _is_socket(fd: Path) -> bool:
    try:
        return os.readlink(fd).startswith("socket:")
    except FileNotFoundError:  # closed between listing the directory and reading the link
        return False


def opened(port: int) -> http.client.HTTPConnection:
    """A keep-alive connection to the server, after one answered request."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/login")
    assert conn.getresponse().read()
    return conn


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    env = {**os.environ, "CX_TRACKER_WEB_LOGIN_RATE_LIMIT": f"{LIMIT} per minute"}
    env.pop("CX_TRACKER_WEB_RATELIMIT_STORAGE_URI", None)
    data = tmp_path / "data"
    subprocess.run([BIN / "cx-tracker", "init", "--data", data, "--plan", "Acme", "--email",
                    "cco@example.com", "--name", "Cara Cole", "--password", PASSWORD],
                   env=env, check=True, capture_output=True)
    for views in data.glob("views.sqlite3*"):
        views.unlink()  # built at start-up, by the parent alone
    port, log = free_port(), tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [BIN / "cx-tracker", "serve", "--data", data, "--port", str(port), "--workers", "2",
             "--threads", "2"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: len(children(process.pid)) == 2 and Browser(
            f"http://127.0.0.1:{port}").request("/login")[0] == 200, poll=0.1)
        yield Served(process, port, log)
    finally:
        kids = children(process.pid) if process.poll() is None else []
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for kid in kids:
            if alive(kid):
                os.kill(kid, signal.SIGKILL)


def test_two_workers_are_one_product(served: Served) -> None:
    workers = children(served.process.pid)
    assert len(workers) == 2
    assert served.log.read_text().count("Building the read models") == 1
    # The connections are shared out evenly: 16 kept open, each after one answered request.
    with ExitStack() as stack:
        for _ in range(16):
            stack.enter_context(closing(opened(served.port)))
        held = {pid: connections_of(pid) for pid in workers}
    assert sorted(held.values()) == [8, 8], held

    # Signed in once, stays signed in (each request on a new connection, to either worker).
    me = Browser(served.base)
    assert me.sign_in("cco@example.com", PASSWORD) == 302
    for _ in range(12):
        status, page, location = me.request("/plan/")
        assert (status, location) == (200, "") and "Acme" in page

    # A write through one worker is read back through both.
    status, _, _ = me.post("/plan/departments", {"slug": "ops", "name": "Operations"}, "/plan/")
    assert status in (200, 302)
    for _ in range(8):
        assert "Operations" in me.request("/plan/")[1]

    # The login limit counts the attempts made through both workers together.
    stranger = Browser(served.base)
    answered = [stranger.sign_in("cco@example.com", "wrong password") for _ in range(LIMIT + 2)]
    allowed = LIMIT - 1  # the sign-in above counted
    assert set(answered[:allowed]) <= {200, 401}  # refused for the password, not the limit
    assert answered[allowed:] == [429] * (LIMIT + 2 - allowed)


def test_a_new_connection_goes_to_the_worker_holding_the_fewest(served: Served) -> None:
    with closing(opened(served.port)) as first, closing(opened(served.port)):
        workers = children(served.process.pid)
        assert sorted(connections_of(pid) for pid in workers) == [1, 1]
        first.close()  # its worker tells the parent before it lets go of the socket
        wait_for(lambda: sum(connections_of(pid) for pid in workers) == 1, poll=0.05)
        emptied = next(pid for pid in workers if connections_of(pid) == 0)
        with closing(opened(served.port)):
            assert sorted(connections_of(pid) for pid in workers) == [1, 1]
            assert connections_of(emptied) == 1


def test_sigterm_stops_every_worker(served: Served) -> None:
    workers = children(served.process.pid)
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=60) == 0
    assert [pid for pid in workers if alive(pid)] == []
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", served.port), timeout=5).close()


def test_a_worker_that_dies_stops_the_server_with_a_message(served: Served) -> None:
    first, second = children(served.process.pid)
    os.kill(first, signal.SIGKILL)
    assert served.process.wait(timeout=60) == 1
    assert not alive(second)
    assert f"Server process {first} stopped (signal SIGKILL)" in served.log.read_text()


def test_a_worker_whose_parent_is_killed_stops(served: Served) -> None:
    workers = children(served.process.pid)
    served.process.kill()
    served.process.wait()
    wait_for(lambda: not any(alive(pid) for pid in workers), poll=0.2)
