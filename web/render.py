"""One helper decides whether a request gets the full page or just the partial."""

from __future__ import annotations

from typing import Any

from flask import render_template, request


def wants_fragment() -> bool:
    """An htmx request that is not a boosted navigation (nor a history restore, which swaps the
    whole body after Back on a pushed URL) wants the fragment alone."""
    headers = request.headers
    return bool(headers.get("HX-Request")) and not (
        headers.get("HX-Boosted") or headers.get("HX-History-Restore-Request")
    )


def page_or_fragment(page: str, fragment: str, **context: Any) -> str:
    return render_template(fragment if wants_fragment() else page, **context)
