"""Which pages a signed-in member may see. The rules are `tracker.authorization`'s (`Roles`);
these guards only ask them about the current member.

The plan-wide overview pages (dashboard, timeline, accountability, report) are for the CCO,
executive viewers and auditors; the audit pages for auditors and the CCO; every member with a
role reads the plan. Department leads work from their own board.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask_login import current_user, login_required

from tracker import authorization
from web.services import catch_up

P = ParamSpec("P")
R = TypeVar("R")


def is_overseer() -> bool:
    """The CCO, an executive viewer or an auditor."""
    return bool(current_user.is_authenticated and current_user.is_overseer)


def require_reader() -> None:
    """Every member with a role reads the plan; a member without one reads nothing (403)."""
    authorization.require_reader(current_user.roles)


def overseers_only(view: Callable[P, R]) -> Callable[P, R]:
    """Sign-in required, and the page is for the CCO, executive viewers and auditors (else 403)."""

    @wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        authorization.require_overseer(current_user.roles)
        return view(*args, **kwargs)

    return login_required(guarded)


def auditors_only(view: Callable[P, R]) -> Callable[P, R]:
    """Sign-in required, auditors and the CCO only (else 403); the views are caught up first."""

    @wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        authorization.require_auditor(current_user.roles)
        catch_up()
        return view(*args, **kwargs)

    return login_required(guarded)
