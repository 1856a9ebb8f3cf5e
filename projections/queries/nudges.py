"""Reads for nudges: check-ins due, what is due to be told at an instant, inboxes, the outbox,
preferences, and the reminders behind a commitment's or a department's record."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlite_utils import Database

from projections.instants import instant_text
from projections.queries.board import rows

INBOX_LIMIT = 200
CADENCE = ("COALESCE(n.check_in_days, (SELECT check_in_days FROM nudge_settings WHERE id = 1),"
           " 14)")
# The day a check-in falls due: the last check-in's day plus the cadence in force.
CHECK_IN_DUE_ON = (
    "date(substr(n.last_check_in_at, 1, 10), '+' || COALESCE(n.check_in_days,"
    " (SELECT check_in_days FROM nudge_settings WHERE id = 1), 14) || ' days')"
)


def plan_cadence(db: Database) -> int:
    found = db.execute("SELECT check_in_days FROM nudge_settings WHERE id = 1").fetchone()
    return int(found[0]) if found else 14


def cadence(db: Database, commitment_id: UUID | str) -> dict[str, Any]:
    """A commitment's own cadence (None: the plan's), the one in force, and its last check-in."""
    found = rows(db, f"SELECT check_in_days, last_check_in_at, {CHECK_IN_DUE_ON} AS due_on"
                     " FROM nudge_commitments n WHERE id = :id", {"id": str(commitment_id)})
    if not found:
        return {"own": None, "days": plan_cadence(db), "last_check_in_at": None, "due_on": None}
    row = found[0]
    return {"own": row["check_in_days"], "days": row["check_in_days"] or plan_cadence(db),
            "last_check_in_at": row["last_check_in_at"], "due_on": row["due_on"]}


def check_in_due_ids(db: Database, today: date, ids: list[str] | None = None) -> set[str]:
    """Open commitments (of `ids`, when given) whose check-in is due on `today`."""
    sql = (f"SELECT n.id FROM nudge_commitments n WHERE n.status = 'open'"
           f" AND {CHECK_IN_DUE_ON} <= :today")
    params: dict[str, Any] = {"today": today.isoformat()}
    if ids is not None:
        sql += " AND n.id IN (SELECT value FROM json_each(:ids))"
        params["ids"] = json.dumps([str(i) for i in ids])
    return {r[0] for r in db.execute(sql, params).fetchall()}


def check_in_due_counts(db: Database, today: date) -> dict[str, int]:
    """Per department: open commitments whose check-in is due."""
    return {
        r[0]: r[1] for r in db.execute(
            f"SELECT n.department, count(*) FROM nudge_commitments n WHERE n.status = 'open'"
            f" AND {CHECK_IN_DUE_ON} <= :today GROUP BY n.department",
            {"today": today.isoformat()},
        ).fetchall()
    }


def owner_reminders_due(db: Database, today: date, due_within_days: int) -> list[dict[str, Any]]:
    """Open commitments whose owner should hear of them today: `kind` is overdue, due_soon or
    check_in (one row per kind that applies), with the owner's e-mail and name and the cadence
    in force (`cadence_days`)."""
    soon = (today + timedelta(days=due_within_days)).isoformat()
    return rows(db, f"""
        SELECT 'overdue' AS kind, n.*, NULL AS check_in_due_on, m.email, m.name AS owner_name,
               {CADENCE} AS cadence_days
          FROM nudge_commitments n JOIN members m ON m.id = n.owner_id AND m.active = 1
         WHERE n.status = 'open' AND n.due_date < :today
        UNION ALL
        SELECT 'due_soon', n.*, NULL, m.email, m.name, {CADENCE}
          FROM nudge_commitments n JOIN members m ON m.id = n.owner_id AND m.active = 1
         WHERE n.status = 'open' AND n.due_date >= :today AND n.due_date <= :soon
        UNION ALL
        SELECT 'check_in', n.*, {CHECK_IN_DUE_ON}, m.email, m.name, {CADENCE}
          FROM nudge_commitments n JOIN members m ON m.id = n.owner_id AND m.active = 1
         WHERE n.status = 'open' AND {CHECK_IN_DUE_ON} <= :today AND n.due_date >= :today
         ORDER BY 1, due_date, id""", {"today": today.isoformat(), "soon": soon})


def triggers_since(db: Database, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Events in (since, until] that tell somebody something, with the commitment's title."""
    return rows(db, """
        SELECT t.*, n.title, n.department AS commitment_department, n.owner_id,
               a.name AS actor_name
          FROM nudge_triggers t JOIN nudge_commitments n ON n.id = t.commitment_id
          LEFT JOIN members a ON a.id = t.actor_id
         WHERE t.at > :since AND t.at <= :until ORDER BY t.position, t.kind""",
        {"since": instant_text(since), "until": instant_text(until)})


def department_leads(db: Database, department: str) -> list[dict[str, Any]]:
    return rows(db, """
        SELECT m.id, m.email, m.name FROM members m, json_each(m.roles) r
         WHERE m.active = 1 AND json_extract(r.value, '$[0]') = 'lead'
           AND json_extract(r.value, '$[1]') = :department ORDER BY m.email""",
        {"department": department})


def executives(db: Database) -> list[dict[str, Any]]:
    return rows(db, """
        SELECT DISTINCT m.id, m.email, m.name FROM members m, json_each(m.roles) r
         WHERE m.active = 1 AND json_extract(r.value, '$[0]') = 'executive' ORDER BY m.email""", {})


def member(db: Database, member_id: UUID | str) -> dict[str, Any] | None:
    found = rows(db, "SELECT id, email, name, active FROM members WHERE id = :id", {"id": str(member_id)})
    return found[0] if found else None


def preferences(db: Database, member_id: UUID | str) -> dict[str, str]:
    return {r[0]: r[1] for r in db.execute(
        "SELECT kind, mode FROM notice_preferences WHERE member_id = ?", [str(member_id)]).fetchall()}


def notice_exists(db: Database, key: str) -> bool:
    return db.execute("SELECT 1 FROM notices WHERE key = ?", [key]).fetchone() is not None


def awaiting_digest(db: Database, delivery: str) -> dict[str, list[dict[str, Any]]]:
    """Per recipient: notices bundled into their next `delivery` (daily or weekly) digest."""
    # Through the partial index of the notices awaiting a digest: its WHERE spelled out (a bound
    # `delivery` alone does not let SQLite use it), and named, or the inbox's index wins for its
    # order and every notice ever issued is read.
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows(db, "SELECT * FROM notices INDEXED BY notices_awaiting_digest"
                        " WHERE delivery IN ('daily', 'weekly') AND delivery = :d"
                        " AND digest_id IS NULL ORDER BY recipient_id, position", {"d": delivery}):
        grouped.setdefault(row["recipient_id"], []).append(row)
    return grouped


def unsent(db: Database, ids: list[str]) -> list[dict[str, Any]]:
    """These notices (immediate ones and digests) not yet sent, with their recipient."""
    return rows(db, """
        SELECT n.*, m.email, m.name AS recipient_name FROM notices n
          JOIN members m ON m.id = n.recipient_id
         WHERE n.id IN (SELECT value FROM json_each(:ids)) AND n.sent_at IS NULL
         ORDER BY n.position""", {"ids": json.dumps(ids)})


def failed_unsent(db: Database) -> list[str]:
    """Notices whose last sending failed and that were never sent: the ones a run may try again
    (the Notice itself decides whether the failure was temporary and not given up)."""
    return [str(r[0]) for r in db.execute(
        "SELECT id FROM notices WHERE sent_at IS NULL AND failed_reason IS NOT NULL"
        " ORDER BY position")]


# The inbox and the outbox

def inbox(db: Database, member_id: UUID | str, limit: int = INBOX_LIMIT) -> list[dict[str, Any]]:
    """A member's notices, newest first (digests are bundles of these, not shown again)."""
    return rows(db, """
        SELECT n.*, c.title, c.department FROM notices n
          LEFT JOIN nudge_commitments c ON c.id = n.commitment_id
         WHERE n.recipient_id = :m AND n.delivery <> 'digest'
         ORDER BY n.position DESC LIMIT :limit""", {"m": str(member_id), "limit": limit})


def unread_count(db: Database, member_id: UUID | str) -> int:
    return int(db.execute(
        "SELECT count(*) FROM notices WHERE recipient_id = ? AND read_at IS NULL"
        " AND delivery <> 'digest'", [str(member_id)]).fetchone()[0])


def outbox(db: Database, limit: int = INBOX_LIMIT) -> list[dict[str, Any]]:
    """Messages that went to the outbox (no SMTP configured), failed, or were recorded by a run
    that stopped before sending them (never sent again), newest first."""
    return rows(db, """
        SELECT n.*, m.email, m.name AS recipient_name FROM notices n
          JOIN members m ON m.id = n.recipient_id
         WHERE n.channel = 'outbox'
            OR (n.sent_at IS NULL AND n.delivery IN ('immediately', 'digest'))
         ORDER BY n.position DESC LIMIT :limit""", {"limit": limit})


def notice(db: Database, notice_id: UUID | str) -> dict[str, Any] | None:
    found = rows(db, "SELECT * FROM notices WHERE id = :id", {"id": str(notice_id)})
    if found:
        found[0]["includes"] = json.loads(found[0]["includes"])
    return found[0] if found else None


# Reminders as history

def commitment_reminders(db: Database, commitment_id: UUID | str) -> dict[str, Any]:
    """Every notice about this commitment (oldest first), and the owner reminders before the
    due date last slipped."""
    notices = rows(db, """
        SELECT n.*, m.name AS recipient_name FROM notices n
          LEFT JOIN members m ON m.id = n.recipient_id
         WHERE n.commitment_id = :c ORDER BY n.position""", {"c": str(commitment_id)})
    figures = db.execute(
        "SELECT reminders, reminders_before_slip, slips_after_reminder FROM nudge_commitments"
        " WHERE id = ?", [str(commitment_id)]).fetchone()
    reminders, before_slip, slips = figures if figures else (0, 0, 0)
    return {"notices": notices, "owner_reminders": reminders,
            "reminders_before_slip": before_slip, "slips_after_reminder": slips}


def reminder_figures(db: Database, by: str = "department") -> list[dict[str, Any]]:
    """Per department (or owner): owner reminders issued, due-date moves after a reminder, and
    how many reminders came before those moves."""
    column = {"department": "n.department", "owner": "n.owner_id"}[by]
    return rows(db, f"""
        SELECT {column} AS key, COALESCE(m.name, {column}) AS name,
               sum(n.reminders) AS reminders, sum(n.slips_after_reminder) AS slips_after_reminder,
               sum(n.reminders_before_slip) AS reminders_before_slip,
               count(*) FILTER (WHERE n.reminders > 0) AS commitments_reminded
          FROM nudge_commitments n
          LEFT JOIN {"departments m ON m.slug" if by == "department" else "members m ON m.id"} = {column}
         GROUP BY {column} HAVING sum(n.reminders) > 0 ORDER BY name""", {})
