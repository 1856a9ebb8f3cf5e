"""CLI fixtures: cheap password hashing, a clean environment, and an installation to act on."""

from __future__ import annotations

from pathlib import Path

import pytest

import tracker.accounts
from tests.cli.support import PASSWORD, cx, open_data
from tests.conftest import FAST_HASHER
from tracker.domain import member_id

DEPARTMENTS = (("customer-service", "Customer Service"), ("it", "IT"))


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Accounts opened by the CLI hash at argon2's lowest cost: the hashes' strength is not under
    test here, and the demo registers about thirty members."""
    monkeypatch.setattr(tracker.accounts, "PasswordHasher", lambda: FAST_HASHER)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CX_TRACKER_DATA", "CX_TRACKER_AS", "CX_TRACKER_PASSWORD", "PERSISTENCE_MODULE",
                 "CXTRACKER_PERSISTENCE_MODULE", "SQLITE_DBNAME"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def installation(tmp_path: Path) -> Path:
    """A data dir made by `cx-tracker init`, with two departments and the CCO cco@example.com."""
    data = tmp_path / "data"
    result = cx("init", "--data", data, "--plan", "Acme CX plan", "--email", "cco@example.com",
                "--name", "Cara Cole", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    app = open_data(data)
    for slug, name in DEPARTMENTS:
        app.add_department(member_id("cco@example.com"), slug, name)
    app.close()
    return data
