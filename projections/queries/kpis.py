"""KPI series and overview: measurements against baseline and target.

- progress = (value - baseline) / (target - baseline): 0 at the baseline, 1 at the target, negative
  when worse than the baseline, above 1 beyond the target (whatever the direction, since a "down"
  KPI has its target below its baseline).
- expected = how far along the straight line from the day the KPI was defined to its target date
  the measurement day lies (0 to 1; 1 on and after the target date).
- on_course: progress >= expected (so reaching the target is always on course). The overview judges
  the latest measurement (latest measured_on, then latest recorded); None without measurements.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlite_utils import Database

_KPI = """
SELECT k.key, k.name, k.unit, k.baseline, k.target, k.target_date, k.direction, s.defined_on,
    k.department, k.retired_at
FROM kpis k LEFT JOIN kpi_starts s ON s.key = k.key
"""


def kpi_series(db: Database, key: str) -> dict[str, Any] | None:
    """The KPI's definition and every measurement, oldest first (None for an unknown KPI)."""
    found = list(db.query(_KPI + " WHERE k.key = ?", [key]))
    if not found:
        return None
    kpi = found[0]
    cursor = db.execute(
        "SELECT measured_on, value, note, recorded_at, recorded_by FROM kpi_measurements"
        " WHERE key = ? ORDER BY measured_on, position",
        [key],
    )
    names = [d[0] for d in cursor.description]
    judge = _judge(kpi)
    kpi["points"] = [judge(dict(zip(names, row))) for row in cursor.fetchall()]
    kpi["latest"] = kpi["points"][-1] if kpi["points"] else None
    kpi["on_course"] = kpi["latest"]["on_course"] if kpi["latest"] else None
    return kpi


def kpi_values(db: Database, key: str) -> list[float]:
    """The KPI's measured values, oldest first (what a sparkline draws; empty when unknown)."""
    return [row[0] for row in db.execute(
        "SELECT value FROM kpi_measurements WHERE key = ? ORDER BY measured_on, position", [key]
    ).fetchall()]


def kpi_overview(db: Database) -> list[dict[str, Any]]:
    """Every KPI in the plan's order with its latest measurement, progress and whether on course."""
    overview = []
    for kpi in db.query(_KPI + " ORDER BY k.ordinal"):
        # The latest measurement and the count, each an index search on (key, measured_on, ...).
        found = list(db.query(
            "SELECT measured_on, value, note, recorded_at, recorded_by FROM kpi_measurements"
            " WHERE key = ? ORDER BY measured_on DESC, position DESC LIMIT 1", [kpi["key"]]))
        kpi["measurements"] = db.execute(
            "SELECT count(*) FROM kpi_measurements WHERE key = ?", [kpi["key"]]).fetchone()[0]
        kpi["latest"] = _judged(kpi, found[0]) if found else None
        kpi["on_course"] = kpi["latest"]["on_course"] if found else None
        overview.append(kpi)
    return overview


def progress(baseline: float, target: float, value: float) -> float | None:
    """Fraction of the way from baseline to target; None when they coincide or when it is not a
    finite number (values stored before the domain bounded them reach +-1.8e308: halved, their
    differences stay finite)."""
    if not all(map(math.isfinite, (baseline, target, value))) or target == baseline:
        return None
    span, gain = target - baseline, value - baseline
    if not (math.isfinite(span) and math.isfinite(gain)):
        span, gain = target / 2 - baseline / 2, value / 2 - baseline / 2
    found = gain / span
    return found if math.isfinite(found) else None


def expected(defined_on: date, target_date: date, on: date) -> float:
    """Fraction of the time from definition to target date elapsed on `on`, within 0..1."""
    span = (target_date - defined_on).days
    if span <= 0:
        return 1.0
    return min(1.0, max(0.0, (on - defined_on).days / span))


def _judge(kpi: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function adding progress, expected and on_course to a measurement of `kpi` (the KPI's
    dates parsed once, not once per point)."""
    baseline, target = kpi["baseline"], kpi["target"]
    defined_on, target_date = (date.fromisoformat(kpi["defined_on"]),
                               date.fromisoformat(kpi["target_date"]))

    def judged(point: dict[str, Any]) -> dict[str, Any]:
        point["progress"] = progress(baseline, target, point["value"])
        point["expected"] = expected(defined_on, target_date,
                                     date.fromisoformat(point["measured_on"]))
        point["on_course"] = (
            None if point["progress"] is None else point["progress"] >= point["expected"]
        )
        return point

    return judged


def _judged(kpi: dict[str, Any], point: dict[str, Any]) -> dict[str, Any]:
    return _judge(kpi)(point)


def department_kpis(db: Database, department: str) -> dict[str, list[dict[str, Any]]]:
    """A department's own (area) KPIs and the CX KPIs its commitments move or its area KPIs are
    linked to, each an overview row (latest measurement, progress, on course) with `moved_by`:
    why the CX KPI is shown (its commitments, its area KPIs' names)."""
    overview = {k["key"]: k for k in kpi_overview(db) if not k.get("retired_at")}
    area = [k for k in overview.values() if k.get("department") == department]
    reasons: dict[str, list[str]] = {}
    for (key,) in db.execute(
            "SELECT DISTINCT kpi FROM commitments WHERE department = ? AND kpi IS NOT NULL"
            " AND status = 'open'", [department]).fetchall():
        reasons.setdefault(key, []).append("its open commitments")
    for area_key, cx_key in db.execute(
            "SELECT l.area_kpi, l.cx_kpi FROM kpi_links l JOIN kpis k ON k.key = l.area_kpi"
            " WHERE k.department = ? ORDER BY l.area_kpi", [department]).fetchall():
        reasons.setdefault(cx_key, []).append(overview[area_key]["name"] if area_key in overview
                                              else area_key)
    cx = [dict(overview[k], moved_by=reasons[k]) for k in overview
          if k in reasons and overview[k].get("department") is None]
    return {"area": area, "cx": cx}


def kpi_links(db: Database) -> list[dict[str, Any]]:
    """Every declared link: area KPI (with its department) -> the CX KPI it moves, with why."""
    cursor = db.execute(
        "SELECT l.area_kpi, a.name AS area_name, a.department, d.name AS department_name,"
        " l.cx_kpi, c.name AS cx_name, l.reason, l.linked_at FROM kpi_links l"
        " JOIN kpis a ON a.key = l.area_kpi JOIN kpis c ON c.key = l.cx_kpi"
        " LEFT JOIN departments d ON d.slug = a.department ORDER BY c.ordinal, d.ordinal, a.ordinal")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
