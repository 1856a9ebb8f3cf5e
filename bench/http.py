"""Loopback HTTP for the web benchmark: the product's server in a child process, and browsers.

The server is `web.cli.run_server` (waitress, the product's `cx-tracker serve`, with one or
several processes) on 127.0.0.1 and a free port. A `Browser` is one keep-alive `http.client` connection with its own cookie jar: it
signs in through the login form (CSRF token from the page) like a person does.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

HOST = "127.0.0.1"
_CSRF = (
    re.compile(r'name="csrf_token"[^>]*value="([^"]+)"'),
    re.compile(r'value="([^"]+)"[^>]*name="csrf_token"'),
    re.compile(r'<meta name="csrf-token" content="([^"]+)"'),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextmanager
def web_server(data_dir: str, *, threads: int = 8, workers: int = 1,
               timeout: float = 60.0) -> Iterator[int]:
    """Serve `data_dir` on a free loopback port until the block ends; yields the port.
    `workers`: server processes, as `cx-tracker serve --workers` (SIGTERM stops them all)."""
    with served(data_dir, threads=threads, workers=workers, timeout=timeout) as (port, _):
        yield port


def connections_per_worker(server: int) -> list[int]:
    """The connections each worker process of the server `server` holds (Linux /proc), or []."""
    try:
        workers = [int(p) for p in open(f"/proc/{server}/task/{server}/children").read().split()]
        return [sum(1 for fd in os.listdir(f"/proc/{w}/fd") if _is_socket(f"/proc/{w}/fd/{fd}"))
                - 1 for w in workers]  # less the socket to the parent
    except OSError:
        return []


def _is_socket(fd: str) -> bool:
    try:
        return os.readlink(fd).startswith("socket:")
    except FileNotFoundError:  # closed between listing the directory and reading the link
        return False


@contextmanager
def served(data_dir: str, *, threads: int = 8, workers: int = 1,
           timeout: float = 60.0) -> Iterator[tuple[int, int]]:
    """As `web_server`, yielding the port and the server's process id."""
    port = free_port()
    code = ("import sys; from web.cli import run_server; "
            f"sys.exit(run_server({data_dir!r}, {HOST!r}, {port}, threads={threads}, workers={workers}))")
    # The clients all sign in from 127.0.0.1, run after run on the same data (the counters are
    # in its directory): the login limit is not what is measured.
    env = {**os.environ, "CX_TRACKER_WEB_LOGIN_RATE_LIMIT": "10000 per minute"}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the web server exited: {proc.stderr.read()[-3000:] if proc.stderr else ''}")
            try:
                with socket.create_connection((HOST, port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the web server did not start in time") from None
                time.sleep(0.1)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Browser:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> Response:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=sent)
        raw = self.conn.getresponse()
        text = raw.read().decode("utf-8", "replace")
        for value in raw.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return Response(raw.status, {k.lower(): v for k, v in raw.headers.items()}, text)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict[str, str], headers: dict[str, str] | None = None) -> Response:
        return self.request("POST", path, form, headers)

    def login(self, email: str, password: str) -> None:
        page = self.get("/login")
        form = {"email": email, "password": password, "csrf_token": csrf_token(page.body)}
        done = self.post("/login", form)
        if done.status not in (302, 303):
            raise RuntimeError(f"sign-in as {email} failed: HTTP {done.status}")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def csrf_token(html: str) -> str:
    for pattern in _CSRF:
        found = pattern.search(html)
        if found:
            return found.group(1)
    raise RuntimeError("no CSRF token on the page")
