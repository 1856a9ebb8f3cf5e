"""`cx-tracker backup` on PostgreSQL: pg_dump of the shared schema beside the local files, and a
restore with pg_restore after which verify passes against the restored seals."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import psycopg
import pytest

from tests.cli.support import cx
from tests.integrity.support import Store
from tests.postgres import dsn

postgres_only = pytest.mark.parametrize("store", ["postgres"], indirect=True)


@postgres_only
def test_backup_dumps_the_shared_schema_and_a_restore_verifies(store: Store, tmp_path: Path) -> None:
    seal = json.loads(cx("seal", "--data", store.data).stdout)
    dest = tmp_path / "backup"
    result = cx("backup", dest, "--data", store.data)
    assert result.exit_code == 0, result.output
    assert (dest / "postgres.dump").stat().st_size > 0
    assert "dumping contents of table" in result.stderr and "cxtracker_events" in result.stderr
    assert "readable by pg_restore" in result.stderr
    assert result.stdout.strip().splitlines()[-2].startswith("OK: backup in")
    # Disaster: the schema is lost. Restore it from the dump, as docs/deployment.md says.
    schema = store.env["POSTGRES_SCHEMA"]  # type: ignore[index]
    with psycopg.connect(dsn(), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    restored = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={dsn()}",
                               str(dest / "postgres.dump")], capture_output=True, text=True, check=False)
    assert restored.returncode == 0, restored.stderr
    verified = cx("verify", "--data", dest)  # the copied data directory, on the restored schema
    assert verified.exit_code == 0, verified.output
    assert f"position {seal['position']}" in verified.stdout
    assert store.query("SELECT count(*) FROM accounts")[0][0] > 0  # members came back too
    # The restored ledger still refuses to be rewritten.
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        store.query("DELETE FROM sealed_events")


@postgres_only
def test_a_failing_pg_dump_fails_the_backup_with_its_message(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "pg_dump"  # as an older pg_dump than the server answers
    fake.write_text("#!/bin/sh\necho 'pg_dump: error: aborting because of server version mismatch' >&2\n"
                    "exit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
    result = cx("backup", tmp_path / "backup", "--data", store.data)
    assert result.exit_code == 1, result.output
    assert "PROBLEM: pg_dump failed: pg_dump: error: aborting because of server version mismatch" \
        in result.stdout
    assert "FAILED: the backup" in result.stdout and "OK" not in result.stdout
