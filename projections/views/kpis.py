"""KPI series: every measurement recorded, in log order. The KPI's definition (baseline, target,
direction) is read from the directory's `kpis` table at query time; this view keeps only the day
each KPI was defined, which is where the straight line to the target starts."""

from __future__ import annotations

from sqlite_utils import Database

from projections.facts import Fact
from projections.view import View


class Kpis(View):
    name = "kpis"
    version = 1
    tables = ("kpi_measurements", "kpi_starts")

    def create(self, db: Database) -> None:
        db.executescript(
            """
            CREATE TABLE kpi_starts (key TEXT PRIMARY KEY, defined_on TEXT NOT NULL);
            CREATE TABLE kpi_measurements (
                position INTEGER PRIMARY KEY, key TEXT NOT NULL, measured_on TEXT NOT NULL,
                value REAL NOT NULL, note TEXT NOT NULL DEFAULT '', recorded_at TEXT NOT NULL,
                recorded_by TEXT);
            CREATE INDEX kpi_measurements_by_key ON kpi_measurements (key, measured_on, position);
            """
        )

    def on_plan_KpiDefined(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO kpi_starts VALUES (?, ?)",
            [fact.data["key"], fact.timestamp.date().isoformat()],
        )

    def on_plan_KpiMeasured(self, db: Database, fact: Fact) -> None:
        d = fact.data
        db.execute(
            "INSERT INTO kpi_measurements VALUES (?, ?, ?, ?, ?, ?, ?)",
            [fact.position, d["key"], d["measured_on"].isoformat(), d["value"], d["note"] or "",
             fact.timestamp.isoformat(), fact.actor_text],
        )
