"""Every error a user can meet becomes a friendly page (or, for htmx, a small notice)."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from markupsafe import escape
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tracker.errors import Conflict, Invalid, NotAllowed, NotFound
from tracker.integrity.timeline import ClockBehind

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your role does not allow this."),
    404: ("Not found", "There is nothing here. It may have been mistyped."),
    405: ("Not allowed", "This page cannot be used that way."),
    409: ("Changed meanwhile", "Someone else changed this first. Nothing of yours was recorded; "
          "here is the current state."),
    413: ("Too large", "What was sent is larger than this site accepts. Nothing was recorded."),
    429: ("Slow down", "Too many attempts. Wait a minute and try again."),
    503: ("Try again shortly", "This server cannot record anything just now. Nothing was recorded."),
    # A failure may come after a command was stored (while the views caught up): never claim
    # that nothing was recorded, or the user repeats it.
    500: ("Something went wrong", "The error has been logged. If you were saving something, "
          "reload the page to see whether it was recorded before you try again."),
}


def error_response(status: int, detail: str | None = None) -> tuple[str, int]:
    title, text = MESSAGES.get(status, MESSAGES[500])
    template = "errors/_notice.html" if request.headers.get("HX-Request") else "errors/error.html"
    try:
        return render_template(template, status=status, title=title, text=detail or text), status
    except Exception:  # the error page itself failed: still no stack trace for the user
        log.exception("the error page failed to render")
        return f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{escape(text)}</p>", status


def init_app(app: Flask) -> None:
    @app.errorhandler(NotAllowed)
    def not_allowed(e: NotAllowed) -> tuple[str, int]:
        message = str(e)
        return error_response(403, message[:1].upper() + message[1:] + ".")

    @app.errorhandler(NotFound)
    def not_found(e: NotFound) -> tuple[str, int]:
        named = f" {e.key}" if isinstance(e.key, str) else ""  # an e-mail address, not an id
        return error_response(404, f"No such {e.what}{named}.")

    @app.errorhandler(Conflict)
    def conflict(e: Conflict) -> tuple[str, int]:
        return error_response(409)

    @app.errorhandler(Invalid)
    def invalid(e: Invalid) -> tuple[str, int]:
        return error_response(400, "; ".join(f"{k}: {v}" for k, v in e.errors.items()))

    @app.errorhandler(ClockBehind)
    def clock_behind(e: ClockBehind) -> tuple[str, int]:
        log.error("write refused: %s", e)
        return error_response(503, "This server's clock is behind the history, so it cannot "
                                   "record anything until its clock is corrected. Nothing was "
                                   "recorded; tell the operator.")

    @app.errorhandler(CSRFError)
    def csrf_failed(e: CSRFError) -> tuple[str, int]:
        return error_response(400, "This form has expired or was not sent by this site. "
                                   "Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> tuple[str, int]:
        return error_response(e.code or 500)

    @app.errorhandler(Exception)
    def unexpected(e: Exception) -> tuple[str, int]:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)
