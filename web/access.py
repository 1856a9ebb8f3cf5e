"""Who may read the plan-wide overview pages (dashboard, timeline, accountability, report).

Writes are authorised in `tracker`; these pages only read, so the web decides who sees them:
the CCO, executive viewers and auditors. Department leads work from their own board.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask_login import current_user, login_required

from tracker.errors import NotAllowed

P = ParamSpec("P")
R = TypeVar("R")


def is_overseer() -> bool:
    """The CCO, an executive viewer or an auditor."""
    user = current_user
    return bool(user.is_authenticated and (user.is_cco or user.has("executive") or user.has("auditor")))


def overseers_only(view: Callable[P, R]) -> Callable[P, R]:
    """Sign-in required, and the page is for the CCO, executive viewers and auditors (else 403)."""

    @wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        if not is_overseer():
            raise NotAllowed("only the chief customer officer, executive viewers and auditors see this overview")
        return view(*args, **kwargs)

    return login_required(guarded)
