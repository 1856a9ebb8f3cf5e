"""The shared stores' PostgreSQL connection survives a dropped connection (a server restart, a
terminated backend): the command after the drop works on a new connection."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from flask import Flask

from tests.conftest import FAST_HASHER, PASSWORD, build_org, make_app
from tests.postgres import dsn, fresh_schema
from tracker.domain import member_id
from tracker.postgres.accounts import PostgresAccounts, shared_accounts
from tracker.postgres.connection import Connection


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    with fresh_schema() as env:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield env


def backend_pid(conn: Connection) -> int:
    with conn as db:
        row = db.execute("SELECT pg_backend_pid()").fetchone()
    assert row is not None
    return int(row[0])


def terminate(pid: int) -> None:
    """What a server restart does to one connection (only this test's own backend is ended)."""
    with psycopg.connect(dsn(), autocommit=True) as admin:
        row = admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()
    assert row is not None and row[0] is True


def test_the_next_statement_after_a_terminated_backend_runs_on_a_new_connection(
        shared: dict[str, str]) -> None:
    conn = Connection(shared)
    try:
        with conn as db:
            db.executescript("CREATE TABLE t (n INTEGER)")
        before = backend_pid(conn)
        terminate(before)
        with conn as db:
            db.execute("INSERT INTO t VALUES (?)", (1,))  # search_path set again on the new one
        with conn as db:
            assert db.execute("SELECT count(*) FROM t").fetchone() == (1,)
        assert backend_pid(conn) != before
    finally:
        conn.close()


def test_accounts_sign_in_after_the_database_dropped_their_connection(
        shared: dict[str, str]) -> None:
    accounts = shared_accounts(shared, hasher=FAST_HASHER)
    try:
        accounts.set_password(member_id("cco@example.com"), "cco@example.com", PASSWORD)
        token = accounts.open_session(member_id("cco@example.com"))
        terminate(backend_pid(accounts._conn))  # type: ignore[arg-type]
        assert accounts.session_member(token) == member_id("cco@example.com")
        assert accounts.verify("cco@example.com", PASSWORD) == member_id("cco@example.com")
    finally:
        accounts.close()


def test_a_web_request_after_a_dropped_connection_is_answered(
        shared: dict[str, str], tmp_path: object) -> None:
    from pathlib import Path

    from tests.web.conftest import sign_in
    from web import create_app

    data = Path(str(tmp_path)) / "data"
    data.mkdir()
    writer = make_app("postgres", data, shared)
    build_org(writer)
    writer.close()
    app: Flask = create_app({"DATA_DIR": str(data), "TESTING": True, "SECRET_KEY": "test-secret",
                             "LOGIN_RATE_LIMIT": "1000 per minute"},
                            tracker=make_app("postgres", data, shared))
    try:
        client = app.test_client()
        sign_in(client, "cco@example.com")
        assert client.get("/plan/").status_code == 200
        accounts = app.extensions["cx"].tracker.accounts
        assert isinstance(accounts, PostgresAccounts)
        terminate(backend_pid(accounts._conn))  # type: ignore[arg-type]
        response = client.get("/plan/")  # the session is looked up on a new connection
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        assert "Acme CX plan" in response.get_data(as_text=True)
    finally:
        app.extensions["cx"].close()
