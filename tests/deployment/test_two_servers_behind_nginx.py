"""Two `cx-tracker serve` processes, each with its own `projections run` and data directory, on one
PostgreSQL database, behind Debian's nginx round-robin: one product, whichever server answers."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres import fresh_schema
from tests.http_client import Browser
from tests.waiting import wait_for

pytestmark = pytest.mark.slow

PASSWORD = "correct-horse"
LIMIT = 10  # login attempts per minute, for all servers together
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[dict[str, object]]:
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed (.ci/run installs nginx-light)", pytrace=False)
        pytest.skip("two-server test: nginx is not installed")
    processes: list[subprocess.Popen[bytes]] = []
    logs: list[object] = []
    with fresh_schema() as pg:
        env = {**os.environ, **pg, "CX_TRACKER_WEB_BEHIND_PROXY": "true",
               "CX_TRACKER_WEB_LOGIN_RATE_LIMIT": f"{LIMIT} per minute"}
        subprocess.run([BIN / "cx-tracker", "init", "--data", tmp_path / "first", "--plan", "Acme",
                        "--email", "cco@example.com", "--name", "Cara Cole", "--password", PASSWORD],
                       env=env, check=True, capture_output=True)
        ports = {name: free_port() for name in ("a", "b", "proxy")}
        servers: dict[str, subprocess.Popen[bytes]] = {}
        try:
            for name in ("a", "b"):
                data = tmp_path / name  # a new directory on the shared store: a further server
                log = open(tmp_path / f"{name}.log", "wb")
                logs.append(log)
                servers[name] = subprocess.Popen(
                    [BIN / "cx-tracker", "serve", "--data", data, "--port", str(ports[name])],
                    env=env, stdout=log, stderr=subprocess.STDOUT)
                processes.append(servers[name])
                wait_for(lambda d=data: (d / "views.sqlite3").exists())
                processes.append(subprocess.Popen(
                    [BIN / "cx-tracker", "projections", "run", "--data", data, "--poll", "0.05"],
                    env=env, stdout=log, stderr=subprocess.STDOUT))
            conf = tmp_path / "nginx.conf"
            conf.write_text(f"""
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    log_format upstream '$upstream_addr $status $request';
    access_log {tmp_path}/access.log upstream;
    client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;
    upstream cx {{ server 127.0.0.1:{ports['a']}; server 127.0.0.1:{ports['b']}; }}
    server {{
        listen 127.0.0.1:{ports['proxy']};
        location / {{
            proxy_pass http://cx;
            proxy_set_header Host $host:$server_port;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
""")
            processes.append(subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", conf,
                                               "-p", tmp_path], stderr=subprocess.DEVNULL))

            def up(port: int) -> bool:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
                        return bool(r.status == 200)
                except OSError:
                    return False

            wait_for(lambda: all(up(ports[n]) for n in ("a", "b", "proxy")), poll=0.1)
            yield {"base": f"http://127.0.0.1:{ports['proxy']}", "servers": servers, "ports": ports,
                   "access": tmp_path / "access.log", "pg": pg}
        finally:
            for p in processes:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in processes:
                try:
                    p.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            for log in logs:
                log.close()  # type: ignore[attr-defined]


def upstreams(access: Path, skip: int) -> list[str]:
    return [line.split()[0] for line in access.read_text().splitlines()[skip:]]


def test_two_servers_behind_nginx_are_one_product(cluster: dict[str, object]) -> None:
    base, access = str(cluster["base"]), Path(str(cluster["access"]))
    ports: dict[str, int] = cluster["ports"]  # type: ignore[assignment]
    servers: dict[str, subprocess.Popen[bytes]] = cluster["servers"]  # type: ignore[assignment]
    me = Browser(base)
    assert me.sign_in("cco@example.com", PASSWORD) == 302
    logins = 1

    # Signed in once, requests alternate between the servers and stay signed in.
    seen = len(access.read_text().splitlines())
    for _ in range(6):
        status, page, _ = me.request("/plan/")
        assert status == 200 and "Acme" in page
    assert set(upstreams(access, seen)) == {f"127.0.0.1:{ports['a']}", f"127.0.0.1:{ports['b']}"}

    # A write through one server is read through the other (its own follower catches up).
    status, _, _ = me.post("/plan/departments", {"slug": "ops", "name": "Operations"}, "/plan/")
    assert status in (200, 302)
    wait_for(lambda: all("Operations" in me.request("/plan/")[1] for _ in range(2)), poll=0.05)

    # Logout through one server ends the session on both.
    other = Browser(base)
    assert other.sign_in("cco@example.com", PASSWORD) == 302
    logins += 1
    assert other.post("/logout", {}, "/plan/")[0] == 302
    for _ in range(4):
        status, _, location = other.request("/plan/")
        assert status == 302 and "/login" in location

    # kill -9 of one server loses no acknowledged write.
    acknowledged = []
    for i in range(6):
        status, _, _ = me.post("/plan/departments", {"slug": f"d{i}", "name": f"Dept {i}"}, "/plan/")
        if status in (200, 302):
            acknowledged.append(f"Dept {i}")
        if i == 2:
            servers["a"].send_signal(signal.SIGKILL)
            servers["a"].wait()
    assert len(acknowledged) >= 3
    page = me.request("/plan/")[1]  # served by b now (nginx passes over the dead one)
    assert [name for name in acknowledged if name not in page] == []

    # The login rate limit holds across the servers (only b is left; its counters are shared,
    # so the attempts made through a count too).
    stranger = Browser(base)
    answered = [stranger.sign_in("cco@example.com", "wrong password") for _ in range(LIMIT + 2)]
    allowed = LIMIT - logins
    assert set(answered[:allowed]) <= {200, 401}  # refused for the password, not the limit
    assert answered[allowed:] == [429] * (LIMIT + 2 - allowed)
