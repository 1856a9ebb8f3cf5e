"""A commitment's health, derived at read time (it depends on the day you look).

In order of precedence:
- withdrawn: withdrawn;
- done / done late: completed on or before / after the due date in force when it was completed;
- overdue: open, and the due date has passed;
- blocked: open, with an unresolved roadblock on which another department's help was asked;
- at risk: open, with an unresolved roadblock handled in-house, or due within `AT_RISK_DAYS`
  days with progress below `AT_RISK_PROGRESS` percent;
- on track: everything else.
"""

from __future__ import annotations

from datetime import date, timedelta

HEALTHS = ("on track", "at risk", "blocked", "overdue", "done", "done late", "withdrawn")
AT_RISK_DAYS = 14
AT_RISK_PROGRESS = 50


def health(
    *, status: str, due_date: date, completed_on: date | None, due_at_completion: date | None,
    progress: int, open_roadblocks: int, open_help_requests: int, today: date,
) -> str:
    if status == "withdrawn":
        return "withdrawn"
    if status == "completed":
        assert completed_on is not None
        return "done late" if completed_on > (due_at_completion or due_date) else "done"
    if due_date < today:
        return "overdue"
    if open_help_requests:
        return "blocked"
    if open_roadblocks or (
        due_date <= today + timedelta(days=AT_RISK_DAYS) and progress < AT_RISK_PROGRESS
    ):
        return "at risk"
    return "on track"


def health_sql(today_param: str = ":today", prefix: str = "") -> str:
    """The same rule as an SQL expression over a row with these columns: status, due_date,
    completed_on, due_at_completion, progress, open_roadblocks, open_help_requests (dates as ISO
    text). `today_param` names the bound parameter holding today's ISO date."""
    p = prefix
    return f"""CASE
        WHEN {p}status = 'withdrawn' THEN 'withdrawn'
        WHEN {p}status = 'completed' THEN
            CASE WHEN {p}completed_on > COALESCE({p}due_at_completion, {p}due_date)
                 THEN 'done late' ELSE 'done' END
        WHEN {p}due_date < {today_param} THEN 'overdue'
        WHEN {p}open_help_requests > 0 THEN 'blocked'
        WHEN {p}open_roadblocks > 0
             OR ({p}due_date <= date({today_param}, '+{AT_RISK_DAYS} days')
                 AND {p}progress < {AT_RISK_PROGRESS}) THEN 'at risk'
        ELSE 'on track' END"""
