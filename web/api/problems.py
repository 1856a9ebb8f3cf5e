"""Errors as RFC 9457 problem details (`application/problem+json`), mapped in one place."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify
from werkzeug.exceptions import HTTPException

from tracker.errors import Conflict, Invalid, NotAllowed, NotFound
from tracker.integrity.timeline import ClockBehind

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"
TITLES = {
    400: "Bad request", 401: "Token required", 403: "Not allowed", 404: "Not found",
    405: "Method not allowed", 406: "Not acceptable", 409: "Changed meanwhile",
    412: "Precondition failed", 413: "Too large", 415: "Unsupported media type",
    422: "Invalid input", 429: "Too many requests", 500: "Something went wrong",
    503: "Try again later",
}


class ApiProblem(Exception):
    """Raised by the API's own checks (authentication, scope, preconditions)."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers, self.extra = status, detail, headers or {}, extra


def problem(status: int, detail: str, headers: dict[str, str] | None = None,
            **extra: Any) -> Response:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status,
            "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register(bp: Blueprint) -> None:
    """Every error raised under the blueprint becomes a problem document."""

    @bp.errorhandler(ApiProblem)
    def own(e: ApiProblem) -> Response:
        return problem(e.status, e.detail, e.headers, **e.extra)

    @bp.errorhandler(Invalid)
    def invalid(e: Invalid) -> Response:
        return problem(422, "Some fields are invalid; nothing was recorded.", errors=e.errors)

    @bp.errorhandler(NotAllowed)
    def not_allowed(e: NotAllowed) -> Response:
        return problem(403, str(e))

    @bp.errorhandler(NotFound)
    def not_found(e: NotFound) -> Response:
        return problem(404, f"No such {e.what}.")

    @bp.errorhandler(ClockBehind)
    def clock_behind(e: ClockBehind) -> Response:
        log.error("API write refused: %s", e)
        return problem(503, "This server's clock is behind the history, so it cannot record "
                            "anything until its clock is corrected. Nothing was recorded.",
                       {"Retry-After": "300"})

    @bp.errorhandler(Conflict)
    def conflict(e: Conflict) -> Response:
        return problem(409, str(e))

    @bp.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> Response:
        status = e.code or 500
        allowed = getattr(e, "valid_methods", None)
        headers = {"Allow": ", ".join(allowed)} if allowed else {}
        if status == 429:
            headers["Retry-After"] = "60"
        return problem(status, e.description or TITLES.get(status, "Error"), headers)

    @bp.errorhandler(Exception)
    def unexpected(e: Exception) -> Response:
        log.exception("unhandled API error")
        return problem(500, "The error has been logged. If this was a write, read before you "
                            "retry: it may have been recorded.")
