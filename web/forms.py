"""Form handling shared by every blueprint: run a command, then answer the way the request
wants — the changed fragment for htmx, a redirect (post-redirect-get) for a plain form post,
and the form again with a message at each field when the input is invalid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request
from werkzeug.wrappers import Response

from tracker.errors import Conflict, Invalid
from tracker.service.base import Receipt
from web.render import wants_fragment
from web.services import catch_up


def form_value(name: str) -> str:
    return request.form.get(name, "").strip()


def optional(name: str) -> str | None:
    return form_value(name) or None


def expected_version() -> int | None:
    """The aggregate version the user saw when the form was rendered (for optimistic concurrency)."""
    raw = form_value("expected_version")
    if not (raw.isascii() and raw.isdecimal()):  # not "²", which isdigit
        return None
    if len(raw) > 19:  # no aggregate reaches 10^19 versions (and int() refuses 4301 digits)
        raise Invalid.field("expected_version", "is not a version this page could have shown")
    return int(raw)


def run_form(
    command: Callable[[], Receipt | None],
    *,
    page: str,
    fragment: str,
    context: Callable[[], dict[str, Any]],
    done: str,
    redirect_to: str | Callable[[Receipt | None], str],
    form_key: str = "",
) -> str | Response | tuple[str, int]:
    """Run `command`; on success catch the views up (read-your-writes) and answer.

    `context()` is evaluated after the command, so it shows the new state. `form_key` names the
    form on the page, so its errors and values appear at the right place. `redirect_to` may be a
    function of the command's receipt (to point at what it made).
    """
    errors: dict[str, str] = {}
    conflict = False
    try:
        receipt = command()
        catch_up(receipt.position if receipt else None)
    except Invalid as e:
        errors = e.errors
    except Conflict:
        conflict = True
        catch_up()
    if not errors and not conflict:
        if wants_fragment():
            return render_template(fragment, **context(), done=done)
        flash(done, "success")
        return redirect(redirect_to(receipt) if callable(redirect_to) else redirect_to)
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    state = dict(context(), errors=errors, values=values, failed_form=form_key, conflict=conflict)
    return render_template(fragment if wants_fragment() else page, **state), refusal_status(conflict)


def refusal_status(conflict: bool = False) -> int:
    """A refused form is answered 400 (409 for a conflict) when a plain browser posted it; htmx
    (a fragment, or a boosted page) gets 200, since it swaps only a 2xx answer into its target."""
    if request.headers.get("HX-Request"):
        return 200
    return 409 if conflict else 400
