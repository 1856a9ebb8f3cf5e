"""The REST API under /api/v1/: JSON, bearer tokens only (no cookies, no CSRF), errors as
RFC 9457 problem details, rate-limited per token, described by an OpenAPI 3.1 document."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from tracker import __version__
from web.api import access, patterns, problems, scorecards
from web.api.routes import api, bp

_OPERATIONS = (patterns, scorecards)  # they declare their operations on `api` when imported

PUBLIC = {"api.openapi"}


def init_app(app: Flask) -> None:
    app.extensions["csrf"].exempt(bp)
    _problems_for_unrouted_api_paths(app)
    limiter = app.extensions["cx_limiter"]
    limiter.limit(app.config.get("API_RATE_LIMIT", "600 per minute"), key_func=access.rate_key)(bp)
    app.register_blueprint(bp)


def _problems_for_unrouted_api_paths(app: Flask) -> None:
    """A path under /api/ that matches no operation (404) or not with this method (405) has no
    blueprint to answer it: still a problem document, not the web's HTML page."""
    web_handler = app.error_handler_spec[None][None].get(HTTPException)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> Any:
        if request.path.startswith(bp.url_prefix or "/api/"):
            allowed = getattr(e, "valid_methods", None)
            headers = {"Allow": ", ".join(allowed)} if allowed else {}
            return problems.problem(e.code or 500, e.description or "", headers)
        return web_handler(e) if web_handler else e


@bp.before_request
def _authenticate() -> None:
    if request.endpoint not in PUBLIC:
        access.authenticate()


problems.register(bp)


@bp.route("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API (no token needed)."""
    document = api.document("/api/v1", title="cx-tracker API", version=__version__)
    document["paths"]["/api/v1/openapi.json"] = {"get": {
        "summary": "This document", "operationId": "openapi_get", "security": [], "tags": [],
        "responses": {"200": {"description": "OK", "content": {"application/json": {
            "schema": {"type": "object"}}}}}}}
    return jsonify(document)
