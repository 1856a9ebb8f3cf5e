"""Bounded input: a body larger than the site accepts is refused with 413 before it is parsed, by
the Flask app and, in `cx-tracker serve`, by waitress before it is even buffered."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import Org
from tests.web.conftest import csrf_token

MB = 1024 * 1024


def test_a_body_over_the_limit_is_refused_with_413_before_the_form_is_read(flask_app: Flask) -> None:
    client = flask_app.test_client()
    limit = flask_app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/login", data={"email": "x" * limit, "password": "p"})
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)


def test_one_multipart_field_over_the_form_memory_limit_is_refused_with_413(flask_app: Flask) -> None:
    client = flask_app.test_client()
    field = flask_app.config["MAX_FORM_MEMORY_SIZE"] + 1
    assert field < flask_app.config["MAX_CONTENT_LENGTH"]  # the per-field limit is what refuses it
    response = client.post("/login", data={"email": "x" * field, "password": "p",
                                           "csrf_token": csrf_token(client)},
                           content_type="multipart/form-data")
    assert response.status_code == 413


def test_too_many_form_parts_are_refused_with_413(flask_app: Flask) -> None:
    client = flask_app.test_client()
    parts = {f"f{i}": "1" for i in range(flask_app.config["MAX_FORM_PARTS"] + 1)}
    response = client.post("/login", data=parts, content_type="multipart/form-data")
    assert response.status_code == 413


def test_an_ordinary_sign_in_stays_well_within_the_limits(flask_app: Flask) -> None:
    client = flask_app.test_client()
    response = client.post("/login", data={"email": "cco@example.com", "password": "correct-horse",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302


# ---- a real `cx-tracker serve` process ---------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    assert match, status
    return int(match.group(1))


def _request(port: int, head: str, body_size: int = 0, timeout: float = 60) -> bytes:
    """Send `head` and then `body_size` bytes (as far as the server lets us); the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(head.encode())
        chunk, sent = b"x" * MB, 0
        try:
            while sent < body_size:
                s.sendall(chunk[: min(MB, body_size - sent)])
                sent += MB
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: the rest is not read
        answer = b""
        try:
            while data := s.recv(65536):
                answer += data
        except (ConnectionResetError, socket.timeout):
            pass
        return answer


@pytest.fixture
def served(web_org: Org, data_dir: Path) -> Iterator[tuple[int, int]]:
    """`cx-tracker serve` on a free port: (pid, port)."""
    command = shutil.which("cx-tracker", path=str(Path(sys.executable).parent)) or "cx-tracker"
    port = _free_port()
    env = dict(os.environ, CX_TRACKER_SECRET_KEY="test-secret")
    process = subprocess.Popen([command, "serve", "--data", str(data_dir), "--port", str(port),
                                "--threads", "2"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, "the server stopped"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        yield process.pid, port
    finally:
        process.terminate()
        process.wait(timeout=60)


@pytest.mark.slow  # spawns a server process
def test_serve_refuses_a_100_mb_anonymous_post_with_413_without_growing(served: tuple[int, int]) -> None:
    pid, port = served
    for _ in range(3):  # warm up: the login page rendered, the limiter and sessions in use
        page = _request(port, f"GET /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
        assert page.startswith(b"HTTP/1.1 200"), page[:200]
    before = _rss_kib(pid)
    size = 100 * MB
    answer = _request(port, (
        f"POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {size}\r\nConnection: close\r\n\r\n"
    ), body_size=size)
    after = _rss_kib(pid)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    growth = after - before
    print(f"serve RSS before {before} KiB, after {after} KiB, growth {growth} KiB")
    assert growth < 10 * 1024, f"the server grew by {growth} KiB"
    # ... and it still serves.
    page = _request(port, f"GET /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
    assert page.startswith(b"HTTP/1.1 200")
