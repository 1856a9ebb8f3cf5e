"""What is due to be told at an instant, from the read models, as candidate notices.

Each candidate carries a deterministic dedup key, so however often (or wherever) the reminder
service runs, one notice per key is ever recorded:

- owners: `due_soon:<commitment>:<due date>:<owner>`; `overdue:<commitment>:<due date>:<owner>:<n>`
  where n counts the weeks overdue (so again each week while it stays overdue);
  `check_in:<commitment>:<day the check-in fell due>:<owner>:<n>` where n counts the cadences
  passed since (again each cadence while no progress is reported);
- events (help asked, handovers, resolutions, celebrations, @mentions) in the last
  `EVENT_WINDOW_DAYS`: `<kind>:<log position>:<recipient>`;
- executives: `executive_digest:<member>:<ISO week>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlite_utils import Database

from projections.queries import board as board_queries
from projections.queries import nudges as q
from tracker.domain.notice import KINDS

EVENT_WINDOW_DAYS = 7  # events older than this when the service first sees them tell nobody
DEFAULT_DUE_WITHIN_DAYS = 3
OVERDUE_EVERY_DAYS = 7


@dataclass(frozen=True)
class Candidate:
    key: str
    kind: str
    recipient_id: str
    email: str
    name: str
    subject: str
    text: str
    commitment_id: str | None = None


def candidates(
    db: Database, at: datetime, *, due_within_days: int = DEFAULT_DUE_WITHIN_DAYS
) -> list[Candidate]:
    """Everything due to be told at `at`, already-recorded keys included (the caller dedups)."""
    return [*_owner_reminders(db, at, due_within_days), *_event_notices(db, at),
            *_executive_digests(db, at)]


def _owner_reminders(db: Database, at: datetime, within: int) -> list[Candidate]:
    found = []
    for r in q.owner_reminders_due(db, at.date(), within):
        kind, due = r["kind"], r["due_date"]
        if kind == "overdue":
            days = (at.date() - datetime.fromisoformat(due).date()).days
            subject = f"Overdue: {r['title']}"
            text = (f"\"{r['title']}\" was due on {due} and is {days} day{'s' * (days != 1)} "
                    "overdue. Report progress, complete it with evidence, or move the due date "
                    "(with a reason).")
            # Again every OVERDUE_EVERY_DAYS days while it stays overdue.
            key = f"overdue:{r['id']}:{due}:{r['owner_id']}:{days // OVERDUE_EVERY_DAYS}"
        elif kind == "due_soon":
            subject = f"Due {due}: {r['title']}"
            text = f"\"{r['title']}\" is due on {due}. Progress so far is on the commitment's page."
            key = f"due_soon:{r['id']}:{due}:{r['owner_id']}"
        else:
            subject = f"Check-in due: {r['title']}"
            text = (f"\"{r['title']}\" has had no progress report since "
                    f"{r['last_check_in_at'][:10]}. A short progress report keeps the plan honest.")
            # Again every cadence while no progress is reported.
            late = (at.date() - date.fromisoformat(r["check_in_due_on"])).days
            key = (f"check_in:{r['id']}:{r['check_in_due_on']}:{r['owner_id']}"
                   f":{late // r['cadence_days']}")
        found.append(Candidate(key, kind, r["owner_id"], r["email"], r["owner_name"], subject,
                               text, r["id"]))
    return found


def _event_notices(db: Database, at: datetime) -> list[Candidate]:
    found = []
    names = {d["slug"]: d["name"] for d in board_queries.rows(db, "SELECT slug, name FROM departments", {})}
    for t in q.triggers_since(db, at - timedelta(days=EVENT_WINDOW_DAYS), at):
        subject, text = _describe(t, names)
        recipients: list[dict[str, Any] | None] = (
            [q.member(db, t["recipient_id"])] if t["recipient_id"] is not None
            else list(q.department_leads(db, t["department"])))
        for m in recipients:
            if m is None or m.get("active") == 0 or m["id"] == t["actor_id"]:
                continue
            if t["kind"] == "handed_to_department" and m["id"] == t["owner_id"]:
                continue  # the new owner hears "handed to you" instead
            found.append(Candidate(f"{t['kind']}:{t['position']}:{m['id']}", t["kind"], m["id"],
                                   m["email"], m["name"], subject, text, t["commitment_id"]))
    return found


def _describe(t: dict[str, Any], names: dict[str, str]) -> tuple[str, str]:
    who = t["actor_name"] or "Someone"
    title, dept = t["title"], names.get(t["commitment_department"], t["commitment_department"])
    kind = t["kind"]
    if kind == "help_requested":
        return (f"Help asked of {names.get(t['department'], t['department'])}: {title}",
                f"{who} ({dept}) asked your department for help with roadblock {t['detail']} "
                f"on \"{title}\".")
    if kind == "handed_to_you":
        return f"Handed to you: {title}", f"{who} handed \"{title}\" to you: {t['detail']}"
    if kind == "handed_to_department":
        return (f"Changed hands: {title}",
                f"{who} handed \"{title}\" ({dept}) to a new owner: {t['detail']}")
    if kind == "roadblock_resolved":
        return f"Roadblock resolved: {title}", f"{who} resolved a roadblock on \"{title}\": {t['detail']}"
    if kind == "celebrated":
        return f"Your work was celebrated: {title}", f"{who} celebrated \"{title}\": {t['detail']}"
    return f"{who} mentioned you: {title}", f"{who} mentioned you on \"{title}\": {t['detail']}"


def _executive_digests(db: Database, at: datetime) -> list[Candidate]:
    execs = q.executives(db)
    if not execs:
        return []
    year, week, _ = at.isocalendar()
    subject, text = executive_headline(db, at)
    return [Candidate(f"executive_digest:{m['id']}:{year}-W{week:02d}", "executive_digest",
                      m["id"], m["email"], m["name"], subject, text) for m in execs]


def executive_headline(db: Database, at: datetime) -> tuple[str, str]:
    """The report's headline: health of the open commitments, slips, roadblocks waiting, wins."""
    today = at.date()
    counts: dict[str, int] = {}
    for group in board_queries.health_counts(db, today):
        for health, n in group.counts.items():
            counts[health] = counts.get(health, 0) + n
    week_ago = (at - timedelta(days=7)).isoformat()
    slips = db.execute("SELECT count(*) FROM timeline WHERE kind = 'DueDateMoved' AND at > ?",
                       [week_ago]).fetchone()[0]
    waiting = db.execute("SELECT COALESCE(sum(open_help_requests), 0) FROM commitments"
                         " WHERE status = 'open'").fetchone()[0]
    wins = db.execute("SELECT count(*) FROM wins WHERE completed_at > ?", [week_ago]).fetchone()[0]
    open_healths = ("on track", "at risk", "blocked", "overdue")
    health_line = ", ".join(f"{counts.get(h, 0)} {h}" for h in open_healths)
    text = (f"Open commitments: {health_line}.\n"
            f"Due dates moved in the last 7 days: {slips}.\n"
            f"Roadblocks waiting on another department: {waiting}.\n"
            f"Commitments completed in the last 7 days: {wins}.")
    return f"CX plan this week: {counts.get('overdue', 0)} overdue, {wins} completed", text


def known_kind(kind: str) -> bool:
    return kind in KINDS


def as_uuid(value: str | None) -> UUID | None:
    return None if value is None else UUID(value)
