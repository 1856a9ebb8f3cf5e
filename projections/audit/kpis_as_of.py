"""The KPIs as they stood at a log position: each one's definition with the revisions made by
then (name, unit, target, target date), whether it was retired, and its measurements with the
corrections and withdrawals made by then. Folded from the timeline's details of the KPI events
(few: a plan measures a handful of KPIs monthly), read through its (kind, position) index."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

KINDS = ("KpiDefined", "KpiRevised", "KpiRetired", "KpiMeasured", "MeasurementCorrected",
         "MeasurementWithdrawn")


def kpis_as_of(db: Database, p: int) -> list[dict[str, Any]]:
    """Every KPI defined by position `p`, in the plan's order, with `measurements` (day -> value,
    as corrected by then), `latest` (the latest day's, or None) and `retired`."""
    found: dict[str, dict[str, Any]] = {}
    marks = ", ".join("?" * len(KINDS))
    for kind, raw in db.execute(
        f"SELECT kind, details FROM timeline WHERE kind IN ({marks}) AND position <= ?"
        " ORDER BY position", [*KINDS, p]
    ).fetchall():
        d = json.loads(raw)
        if kind == "KpiDefined":
            found[d["key"]] = {f: d[f] for f in ("key", "name", "unit", "baseline", "target",
                                                 "target_date", "direction")}
            found[d["key"]].update(retired=False, measurements={})
            continue
        kpi = found[d["key"]]
        if kind == "KpiRevised":
            kpi.update({f: after for f, (_, after) in d["changes"].items()})
        elif kind == "KpiRetired":
            kpi["retired"] = True
        elif kind == "KpiMeasured":
            kpi["measurements"][d["measured_on"]] = d["value"]
        elif kind == "MeasurementCorrected":
            kpi["measurements"][d["measured_on"]] = d["to_value"]
        else:
            kpi["measurements"].pop(d["measured_on"], None)
    for kpi in found.values():
        days = sorted(kpi["measurements"])
        kpi["measurements"] = {day: kpi["measurements"][day] for day in days}
        kpi["latest"] = {"measured_on": days[-1], "value": kpi["measurements"][days[-1]]} if days else None
    return list(found.values())
