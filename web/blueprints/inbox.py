"""Each member's inbox (notices, mark read), their notice preferences, the one-click unsubscribe
link from e-mails, and the outbox the CCO reads when no SMTP server is configured."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from projections.queries import nudges
from tracker import clock
from tracker.domain.notice import KINDS, MODES
from tracker.errors import Invalid, NotAllowed
from tracker.secret import installation_key
from web.forms import form_value, run_form
from web.services import catch_up, services, tracker, views

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
MODE_LABELS = {"immediately": "Immediately", "daily": "Daily digest", "weekly": "Weekly digest",
               "off": "Off"}


@bp.app_context_processor
def unread_notices() -> dict[str, Any]:
    """For every template, computed only when a page asks: `inbox_unread()` for the navigation,
    `check_in_due(id)` for a card's "check-in due" flag (`check_in_due_ids()`: all of them),
    `check_ins_due_by_department()` for the dashboard and the report."""

    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        return nudges.unread_count(views(), current_user.id)

    def due_ids() -> set[str]:
        """Open commitments whose check-in is due today (once per request)."""
        if "check_in_due_ids" not in g:
            g.check_in_due_ids = nudges.check_in_due_ids(views(), clock.today())
        found: set[str] = g.check_in_due_ids
        return found

    def due(commitment_id: str) -> bool:
        """Whether this open commitment's check-in is due today: the first card of a request
        asks for itself alone (an action's answer shows one card); from the second on, every
        due id is read once (a board shows many)."""
        if "check_in_due_ids" in g:
            return commitment_id in g.check_in_due_ids
        if not g.get("check_in_due_asked"):
            g.check_in_due_asked = True
            return bool(nudges.check_in_due_ids(views(), clock.today(), [commitment_id]))
        return commitment_id in due_ids()

    def due_counts() -> dict[str, int]:
        return nudges.check_in_due_counts(views(), clock.today())

    return {"inbox_unread": count, "check_in_due_ids": due_ids, "check_in_due": due,
            "check_ins_due_by_department": due_counts,
            "commitment_reminders": lambda cid: nudges.commitment_reminders(views(), cid),
            "commitment_cadence": lambda cid: nudges.cadence(views(), cid),
            "plan_check_in_days": lambda: nudges.plan_cadence(views()),
            "reminder_figures": lambda by: nudges.reminder_figures(views(), by)}


def _context() -> dict[str, Any]:
    db = views()
    notices = nudges.inbox(db, current_user.id)
    return {"notices": notices, "unread": sum(1 for n in notices if n["read_at"] is None)}


@bp.route("/")
@login_required
def index() -> str:
    catch_up()
    return render_template("inbox/index.html", **_context())


@bp.route("/<uuid:notice_id>/read", methods=["POST"])
@login_required
def mark_read(notice_id: UUID) -> str | Response | tuple[str, int]:
    return run_form(lambda: tracker().mark_notice_read(current_user.id, notice_id),
                    page="inbox/index.html", fragment="inbox/_notices.html", context=_context,
                    done="Marked read.", redirect_to=url_for("inbox.index"))


@bp.route("/read", methods=["POST"])
@login_required
def mark_all_read() -> Response:
    for n in nudges.inbox(views(), current_user.id):
        if n["read_at"] is None:
            tracker().mark_notice_read(current_user.id, UUID(n["id"]))
    catch_up()
    flash("All notices marked read.", "success")
    return redirect(url_for("inbox.index"))


def _preferences_context() -> dict[str, Any]:
    return {"kinds": KINDS, "modes": [(m, MODE_LABELS[m]) for m in MODES],
            "chosen": tracker().notice_preferences(current_user.id)}


@bp.route("/preferences")
@login_required
def preferences() -> str:
    return render_template("inbox/preferences.html", **_preferences_context())


@bp.route("/preferences", methods=["POST"])
@login_required
def save_preferences() -> str | Response | tuple[str, int]:
    def save() -> Any:
        receipt = None
        for kind in KINDS:
            mode = form_value(kind)
            if mode:
                receipt = tracker().set_notice_preference(current_user.id, kind, mode)
        return receipt

    return run_form(save, page="inbox/preferences.html", fragment="inbox/preferences.html",
                    context=_preferences_context, done="Preferences saved.",
                    redirect_to=url_for("inbox.preferences"))


@bp.route("/unsubscribe/<token>")
def unsubscribe_page(token: str) -> str:
    """The link in an e-mail: a page with one button (a GET must change nothing: mail
    scanners follow links)."""
    return render_template("inbox/unsubscribe.html", token=token, done=False)


@bp.route("/unsubscribe/<token>", methods=["POST"])
def unsubscribe(token: str) -> str | tuple[str, int]:
    """One click (the button, or a mail client's RFC 8058 List-Unsubscribe-Post): no sign-in,
    no CSRF token; the signed link is the authority."""
    key = installation_key(services().data.path)
    try:
        receipt = tracker().unsubscribe_by_link(key, token)
    except Invalid:
        return render_template("inbox/unsubscribe.html", token=token, done=False, invalid=True), 400
    catch_up(receipt.position if receipt else None)
    return render_template("inbox/unsubscribe.html", token=token, done=True)


@bp.route("/outbox")
@login_required
def outbox() -> str:
    if not current_user.is_cco:
        raise NotAllowed("only the chief customer officer reads the outbox")
    catch_up()
    return render_template("inbox/outbox.html", messages=nudges.outbox(views()))


@bp.record_once
def _exempt_unsubscribe_from_csrf(state: Any) -> None:
    state.app.extensions["csrf"].exempt(unsubscribe)
