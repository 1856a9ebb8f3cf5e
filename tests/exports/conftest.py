"""The web tests' fixtures: the app over the small organisation, signed-in clients, on each event
store (SQLite and PostgreSQL, the `web_store` parameter)."""

from __future__ import annotations

from tests.web import conftest as web

client_for, data_dir, flask_app, web_org = web.client_for, web.data_dir, web.flask_app, web.web_org
web_store = web.web_store
