"""The web tests' fixtures: the app over the small organisation, signed-in clients."""

from __future__ import annotations

import pytest

from tests.web import conftest as web

client_for, data_dir, flask_app, web_org = web.client_for, web.data_dir, web.flask_app, web.web_org


@pytest.fixture
def web_store() -> tuple[str, None]:
    """These tests run on the SQLite event store only (the web tests cover PostgreSQL)."""
    return "sqlite", None
