"""The web UI: a Flask app factory. Nothing is built at import time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from htmx_flask import Htmx

from tracker.application import CxTracker
from web import api, auth, dates, errors, security, wall
from web.services import Services
from web.settings import configure


def create_app(config: Mapping[str, Any] | None = None, *, tracker: CxTracker | None = None) -> Flask:
    """Build the web application. `config` may set DATA_DIR, SECRET_KEY, TESTING, ... (see
    `web.settings.DEFAULTS`). `tracker` is the application service to serve, on the event and
    accounts stores of DATA_DIR (default: opened here); tests pass one with their own settings."""
    app = Flask(__name__)
    configure(app, config)
    Htmx().init_app(app)
    Services.attach(app, tracker)
    security.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    dates.init_app(app)
    wall.init_app(app)
    _register_blueprints(app)
    api.init_app(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from web.blueprints import all_blueprints

    for blueprint in all_blueprints():
        app.register_blueprint(blueprint)
