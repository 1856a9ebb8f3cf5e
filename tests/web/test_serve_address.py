"""`cx-tracker serve` on an IPv6 address: it answers there, with one process or several, and
prints an address a browser can open (the IPv6 literal in brackets)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.waiting import wait_for
from web.cli import base_url

BIN = Path(sys.executable).parent


def test_base_url_brackets_an_ipv6_address() -> None:
    assert base_url("127.0.0.1", 5000) == "http://127.0.0.1:5000/"
    assert base_url("localhost", 8080) == "http://localhost:8080/"
    assert base_url("::1", 5000) == "http://[::1]:5000/"
    assert base_url("::", 80) == "http://[::]:80/"


def _ipv6_loopback_port() -> int | None:
    if not socket.has_ipv6:
        return None
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
            return int(s.getsockname()[1])
    except OSError:
        return None


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_serves_on_the_ipv6_loopback(tmp_path: Path, workers: int) -> None:
    port = _ipv6_loopback_port()
    if port is None:
        pytest.skip("this machine has no IPv6 loopback to listen on")
    data = tmp_path / "data"
    subprocess.run([BIN / "cx-tracker", "init", "--data", data, "--plan", "Acme", "--email",
                    "cco@example.com", "--name", "Cara Cole", "--password", "correct-horse"],
                   check=True, capture_output=True)
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [BIN / "cx-tracker", "serve", "--data", data, "--host", "::1", "--port", str(port),
             "--workers", str(workers)], stdout=out, stderr=subprocess.STDOUT)
    try:
        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"http://[::1]:{port}/login", timeout=10) as page:
                    return page.status == 200 and b"password" in page.read().lower()
            except OSError:
                return False

        wait_for(answers, poll=0.2)
        assert f"on http://[::1]:{port}/" in log.read_text()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
