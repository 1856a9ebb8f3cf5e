"""The web UI: a Flask app factory. Nothing is built at import time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from htmx_flask import Htmx

from web import auth, dates, errors, security, wall
from web.services import Services
from web.settings import configure


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web application. `config` may set DATA_DIR, SECRET_KEY, TESTING, ..."""
    app = Flask(__name__)
    configure(app, config)
    Htmx().init_app(app)
    Services.attach(app)
    security.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    dates.init_app(app)
    wall.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from web.blueprints import all_blueprints

    for blueprint in all_blueprints():
        app.register_blueprint(blueprint)
