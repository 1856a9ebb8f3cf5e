"""Safety for a company network: CSRF on every state-changing request, a strict
Content-Security-Policy that htmx works under, cookie flags, a rate-limited login."""

from __future__ import annotations

from typing import cast

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from flask.typing import RouteCallable
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

# No 'unsafe-inline', no 'unsafe-eval': htmx is loaded from our static files and configured
# (meta htmx-config) not to inject styles or evaluate code; charts are inline SVG using
# presentation attributes, not style attributes.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# Powerful browser features this site never uses are switched off for it and anything it embeds.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "usb",
))


class SecureWhenHttpsSessions(SecureCookieSessionInterface):
    """The session cookie is marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def init_app(app: Flask) -> None:
    if app.config.get("BEHIND_PROXY"):
        # The host too: over HTTPS the CSRF check compares the Referer with it, and a proxy
        # may rewrite Host to its upstream address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.session_interface = SecureWhenHttpsSessions()
    CSRFProtect(app)
    app.extensions["cx_limiter"] = Limiter(
        get_remote_address, app=app, default_limits=[],
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
    )
    app.after_request(_security_headers)


def rate_limited(app: Flask, endpoint: str, limit: str) -> None:
    """Apply a rate limit to an already registered view (POSTs only)."""
    limiter: Limiter = app.extensions["cx_limiter"]
    limited = limiter.limit(limit, methods=["POST"])(app.view_functions[endpoint])
    app.view_functions[endpoint] = cast(RouteCallable, limited)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if "text/html" in response.content_type:
        headers.setdefault("Cache-Control", "no-store")
    headers.add("Vary", "HX-Request")
    return response
