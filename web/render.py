"""One helper decides whether a request gets the full page or just the partial."""

from __future__ import annotations

from typing import Any

from flask import render_template, request


def wants_fragment() -> bool:
    """An htmx request that is not a boosted navigation wants the fragment alone."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def page_or_fragment(page: str, fragment: str, **context: Any) -> str:
    return render_template(fragment if wants_fragment() else page, **context)
