"""Configuration: defaults, the data directory, and the secret key kept beside the data."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from tracker import postgres
from tracker.config import resolve_data_dir

DEFAULTS: dict[str, Any] = {
    "DATA_DIR": None,  # None: $CX_TRACKER_DATA, else ./cx-tracker-data
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "cx_session",
    # Server-side sessions end after this long without a request, and this long after sign-in
    # whatever happens (seconds, or a timedelta); ended ones are pruned at each sign-in and out.
    "SESSION_IDLE_TIMEOUT": timedelta(hours=12),
    "SESSION_MAX_AGE": timedelta(days=7),
    # CSRF tokens are bound to the login session and live as long as it does: a CCO may leave
    # a page open all day.
    "WTF_CSRF_TIME_LIMIT": None,
    "WTF_CSRF_HEADERS": ["X-CSRFToken"],
    "LOGIN_RATE_LIMIT": "10 per minute",
    # None: the rate limits count where every server process on the data sees them: a file of
    # the data directory (`web.sqlite_limits`) on SQLite, the database on PostgreSQL. Any other
    # `limits` storage URI (e.g. memory://, per process) keeps them there instead.
    "RATELIMIT_STORAGE_URI": None,
    "RATELIMIT_HEADERS_ENABLED": True,
    "BEHIND_PROXY": False,  # trust X-Forwarded-Proto/For/Host from one reverse proxy
    # How much a page shows at once (`shown(name)`); tests set them small.
    "TIMELINE_PAGE_SIZE": 50,  # timeline and audit history rows per page
    "CELEBRATIONS_PAGE_SIZE": 30,
    "COMMITMENT_STORY_LIMIT": 500,  # events on a commitment's page (the timeline has the rest)
    "TIMELINE_CHART_LIMIT": 300,  # rows of the commitment timeline chart
    "BOARD_GROUP_SHOWN": 8,  # cards per health on a board before "Show all" (a health asked: all)
    "AT_RISK_SHOWN": 12,  # the dashboard's at-risk commitments (now and as of an instant)
    "ROADBLOCKS_SHOWN": 10,  # the dashboard's roadblocks open longest (now and then)
    "WINS_SHOWN": 6,  # the dashboard's latest wins
    "OWNERS_SHOWN": 100,  # accountability's per-owner rows before "Show all" (now and then)
    "RESOLVED_ROADBLOCKS_SHOWN": 20,  # resolved ones after the open ones where help was asked
    "REPORT_TOP_RISKS": 10,
    "REPORT_TOP_CROSS_ROADBLOCKS": 15,
    "REPORT_RECENT_WINS": 8,
    # Bounded input: a larger body is refused with 413 before it is parsed (`cx-tracker serve`
    # gives waitress the same limit, so it refuses it before reading it). Every form is small.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 256 * 1024,  # any one non-file form field
    "MAX_FORM_PARTS": 200,
    "API_RATE_LIMIT": "600 per minute",  # per token
}


def shown(name: str) -> int:
    """A page size or top-N limit of this app (see DEFAULTS)."""
    return int(current_app.config[name])


def configure(app: Flask, config: Mapping[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("CX_TRACKER_WEB")
    if config:
        app.config.update(config)
    for name in ("SESSION_IDLE_TIMEOUT", "SESSION_MAX_AGE"):
        if not isinstance(app.config[name], timedelta):
            app.config[name] = timedelta(seconds=float(app.config[name]))
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["SESSION_MAX_AGE"]  # the cookie's life
    # The cookie lives as long as the session may (SESSION_MAX_AGE from sign-in, enforced on the
    # server); re-signing and re-sending it on every request would only move its expiry past
    # that. It is written when it changes (sign-in, a new CSRF secret).
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    data = resolve_data_dir(app.config["DATA_DIR"])
    app.config["DATA_DIR"] = str(data.path)
    if postgres.uses_postgres():
        _share_through_postgres(app, config or {})
    elif app.config["RATELIMIT_STORAGE_URI"] is None:
        # Shared by every process serving this directory (`cx-tracker serve --workers N`).
        from web import sqlite_limits  # registers the cxsqlite:// storage

        app.config["RATELIMIT_STORAGE_URI"] = sqlite_limits.uri_for(data.path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("CX_TRACKER_SECRET_KEY") or _secret_key(data.path)


def _share_through_postgres(app: Flask, config: Mapping[str, Any]) -> None:
    """With the events in PostgreSQL, several servers share them: the login rate limit counts
    in that database and the secret key comes from it (unless configured otherwise)."""
    from web import postgres_limits  # registers the cxpostgres:// storage

    if app.config["RATELIMIT_STORAGE_URI"] is None:
        app.config["RATELIMIT_STORAGE_URI"] = postgres_limits.SCHEME
    if not app.config.get("SECRET_KEY") and not os.environ.get("CX_TRACKER_SECRET_KEY"):
        app.config["SECRET_KEY"] = postgres.shared_secret_key()


def _secret_key(data_dir: Path) -> str:
    """A random key created once per installation, readable only by its owner.

    Written to a private temporary file first and linked into place, so a server process
    starting at the same moment reads either no key file (and links its own, or loses the race
    and reads the winner's) or a complete one, never an empty one."""
    path = data_dir / "secret_key"
    if not path.exists():
        fd, scratch = tempfile.mkstemp(prefix=".secret_key.", dir=data_dir)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
            os.link(scratch, path)
        except FileExistsError:
            pass  # another server process created it just now
        finally:
            os.unlink(scratch)
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it (signing everyone out) or restore it")
    return key
