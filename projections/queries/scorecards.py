"""Leader scorecards and their attainment.

Attainment of one KPI on a scorecard, for a period that has ended:

- `start`: the KPI's latest measurement dated before the period's first day, else its baseline;
- `end`: its latest measurement dated within the period (none: "not measured", attainment 0);
- both as the measurements were recorded at the period's end instant (the end of its last day,
  UTC) — the as-of machinery of `projections/audit/kpis_as_of.py`, so a correction or a
  withdrawal recorded later does not silently change the figure: it is shown beside it
  ("corrected since");
- attainment = (end - start) / (target - start), clipped to 0..100 %, in the KPI's direction
  ("down": lower is better, the same formula holds since target < start). When the start already
  meets the target, attainment is 100 % if the end still meets it, else 0 %.
- weighted total = sum of weight x attainment / 100 (weights are whole percentages summing to 100).

Worked example (docs/scorecards.md): first-contact resolution, start 71 %, target 80 %, end
77.5 % -> (77.5 - 71) / (80 - 71) = 72.2 %; at weight 40 that adds 28.9 points.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

from sqlite_utils import Database

from projections.audit.instants import END_OF_DAY, log_position
from projections.audit.kpis_as_of import kpis_as_of
from projections.queries.board import rows
from tracker.domain.scorecard import STATUS_TITLES, Period

_CARD = """SELECT s.*, m.name AS lead_name, m.email AS lead_email, d.name AS department_name
FROM scorecards s LEFT JOIN members m ON m.id = s.lead_id
LEFT JOIN departments d ON d.slug = s.department"""


def periods(db: Database) -> list[str]:
    """Every period with a scorecard, latest first (quarters before their year)."""
    found = [r[0] for r in db.execute("SELECT DISTINCT period FROM scorecards").fetchall()]
    return sorted(found, key=lambda p: (Period.parse(p).end, -len(p)), reverse=True)


def default_period(db: Database, today: date) -> str | None:
    """The last period that has ended by `today` (what an executive wants to read), else the
    latest one."""
    found = periods(db)
    ended = [p for p in found if Period.parse(p).end < today]
    return ended[0] if ended else (found[0] if found else None)


def scorecards(db: Database, *, period: str | None = None, lead_id: str | None = None
               ) -> list[dict[str, Any]]:
    """Scorecards (of a period, of a lead), by department, then period."""
    where, params = [], {}
    if period is not None:
        where.append("s.period = :period")
        params["period"] = period
    if lead_id is not None:
        where.append("s.lead_id = :lead")
        params["lead"] = lead_id
    sql = _CARD + (" WHERE " + " AND ".join(where) if where else "") + \
        " ORDER BY s.period_start DESC, length(s.period) DESC, d.ordinal, m.name"
    return [_decoded(r) for r in rows(db, sql, params)]


def scorecard(db: Database, scorecard_id: str) -> dict[str, Any] | None:
    found = rows(db, _CARD + " WHERE s.id = :id", {"id": scorecard_id})
    if not found:
        return None
    card = _decoded(found[0])
    card["events"] = [
        dict(e, items=json.loads(e["items"])) for e in rows(
            db, "SELECT e.*, m.name AS actor_name, m.email AS actor_email FROM scorecard_events e"
            " LEFT JOIN members m ON m.id = e.actor_id WHERE e.scorecard_id = :id"
            " ORDER BY e.position", {"id": scorecard_id})
    ]
    return card


def scorecards_as_of(db: Database, p: int) -> list[dict[str, Any]]:
    """Every scorecard proposed by log position `p` as it stood then: status, revision, items."""
    found = rows(db, _CARD.replace("s.*", "s.id, s.lead_id, s.department, s.period, s.period_start,"
                                   " s.period_end") + " WHERE EXISTS (SELECT 1 FROM scorecard_events e"
                 " WHERE e.scorecard_id = s.id AND e.position <= :p)"
                 " ORDER BY s.period_start, length(s.period), d.ordinal", {"p": p})
    for card in found:
        last = db.execute(
            "SELECT status, revision, items, at FROM scorecard_events WHERE scorecard_id = ?"
            " AND position <= ? ORDER BY position DESC LIMIT 1", [card["id"], p]).fetchone()
        card.update(status=last[0], revision=last[1], items=json.loads(last[2]), updated_at=last[3],
                    status_title=STATUS_TITLES[last[0]])
    return found


def _decoded(card: dict[str, Any]) -> dict[str, Any]:
    card["items"] = json.loads(card["items"])
    card["status_title"] = STATUS_TITLES[card["status"]]
    return card


# Attainment


def attainment(direction: str, start: float, target: float, end: float | None) -> float | None:
    """Per cent of the way from `start` to `target` that `end` went, clipped to 0..100 (None: not
    measured). See the module docstring."""
    if end is None:
        return None
    sign = 1.0 if direction == "up" else -1.0
    s, t, e = sign * start, sign * target, sign * end
    if e >= t:
        return 100.0
    if t <= s:
        return 0.0
    return max(0.0, min(100.0, (e - s) / (t - s) * 100.0))


def period_end_instant(period: Period) -> datetime:
    return datetime.combine(period.end, END_OF_DAY, timezone.utc)


class Attainments:
    """Attainment of scorecards, with the KPI measurements read once per period end (as
    recorded then) and once as they stand now."""

    def __init__(self, db: Database, today: date, position: int | None = None) -> None:
        """`position`: the log position that counts as now (the head by default; an as-of page
        passes its own, so "corrected since" means corrected by then)."""
        self.db = db
        self.today = today
        self._then: dict[int, dict[str, dict[str, Any]]] = {}
        if position is None:
            position = db.execute("SELECT max(position) FROM timeline").fetchone()[0] or 0
        self._now = {k["key"]: k for k in kpis_as_of(db, position)}

    def _kpis_at(self, p: int) -> dict[str, dict[str, Any]]:
        if p not in self._then:
            self._then[p] = {k["key"]: k for k in kpis_as_of(self.db, p)}
        return self._then[p]

    def of(self, card: dict[str, Any]) -> dict[str, Any] | None:
        """Attainment per item and the weighted total; None while the period has not ended."""
        period = Period.parse(card["period"])
        if period.end >= self.today:
            return None
        moment = period_end_instant(period)
        p = log_position(self.db, moment)
        then = self._kpis_at(p)
        items, total, corrected = [], 0.0, False
        for item in card["items"]:
            kpi = then.get(item["kpi"]) or self._now.get(item["kpi"])
            figure = _figure(kpi, period, item["target"]) if kpi else _figure(None, period, item["target"])
            now = self._now.get(item["kpi"])
            later = _figure(now, period, item["target"]) if now else None
            if later is not None and (later["start"], later["end"]) != (figure["start"], figure["end"]):
                figure["corrected"] = later
                corrected = True
            points = (figure["attainment"] or 0.0) * item["weight"] / 100.0
            figure.update(kpi=item["kpi"], weight=item["weight"], target=item["target"],
                          name=kpi["name"] if kpi else item["kpi"], unit=kpi["unit"] if kpi else "",
                          points=points)
            total += points
            items.append(figure)
        return {"period": period.label, "as_of": moment, "position": p, "items": items,
                "total": total, "corrected": corrected}


def _figure(kpi: dict[str, Any] | None, period: Period, target: float) -> dict[str, Any]:
    if kpi is None:
        return {"start": None, "end": None, "end_on": None, "attainment": None, "direction": "up"}
    measured = kpi["measurements"]  # day (ISO) -> value, oldest first
    first, last = period.start.isoformat(), period.end.isoformat()
    before = [v for d, v in measured.items() if d < first]
    within = [(d, v) for d, v in measured.items() if first <= d <= last]
    start = before[-1] if before else kpi["baseline"]
    end_on, end = within[-1] if within else (None, None)
    return {"start": start, "end": end, "end_on": end_on, "direction": kpi["direction"],
            "attainment": attainment(kpi["direction"], start, target, end)}


__all__ = ["Attainments", "attainment", "default_period", "periods", "scorecard", "scorecards",
           "scorecards_as_of"]
