"""Which pages a signed-in member may see. The rules are `tracker.authorization`'s (`Roles`);
these guards only ask them about the current member.

The plan-wide overview pages (dashboard, timeline, accountability, report) are shared
understanding: every member with a role reads them unless the CCO closed them to some roles
(`overview_readers`); the audit pages are for auditors and the CCO; every member with a role
reads the plan. Department leads land on their own department's board.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask_login import current_user, login_required

from projections.queries import directory
from tracker import authorization
from web.services import catch_up, views

P = ParamSpec("P")
R = TypeVar("R")


def is_overseer() -> bool:
    """The CCO, an executive viewer or an auditor."""
    return bool(current_user.is_authenticated and current_user.is_overseer)


def reads_overview() -> bool:
    """Whether the current member reads the overview pages (the nav asks this)."""
    return bool(current_user.is_authenticated
                and current_user.roles.reads_overview(directory.overview_readers(views())))


def overview_readers_only(view: Callable[P, R]) -> Callable[P, R]:
    """Sign-in required; the views are caught up, and the page is for the roles the plan opens
    the overview to (every role by default; the CCO always), else 403."""

    @wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        catch_up()
        authorization.require_overview_reader(current_user.roles, directory.overview_readers(views()))
        return view(*args, **kwargs)

    return login_required(guarded)


def require_reader() -> None:
    """Every member with a role reads the plan; a member without one reads nothing (403)."""
    authorization.require_reader(current_user.roles)


def auditors_only(view: Callable[P, R]) -> Callable[P, R]:
    """Sign-in required, auditors and the CCO only (else 403); the views are caught up first."""

    @wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        authorization.require_auditor(current_user.roles)
        catch_up()
        return view(*args, **kwargs)

    return login_required(guarded)
