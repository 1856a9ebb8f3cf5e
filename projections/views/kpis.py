"""KPI series: every measurement recorded, in log order. The KPI's definition (baseline, target,
direction) is read from the directory's `kpis` table at query time; this view keeps only the day
each KPI was defined, which is where the straight line to the target starts."""

from __future__ import annotations

from sqlite3 import Cursor

from sqlite_utils import Database

from projections.facts import Fact
from projections.view import View


class Kpis(View):
    name = "kpis"
    version = 3  # 2: corrected and withdrawn measurements; 3: the index by key covers value
    tables = ("kpi_measurements", "kpi_starts")

    def create(self, db: Database) -> None:
        db.executescript(
            """
            CREATE TABLE kpi_starts (key TEXT PRIMARY KEY, defined_on TEXT NOT NULL);
            CREATE TABLE kpi_measurements (
                position INTEGER PRIMARY KEY, key TEXT NOT NULL, measured_on TEXT NOT NULL,
                value REAL NOT NULL, note TEXT NOT NULL DEFAULT '', recorded_at TEXT NOT NULL,
                recorded_by TEXT, original_value REAL, corrected_at TEXT);
            CREATE INDEX kpi_measurements_by_key ON kpi_measurements (key, measured_on, position, value);
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
            "INSERT INTO kpi_measurements (position, key, measured_on, value, note, recorded_at,"
            " recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [fact.position, d["key"], d["measured_on"].isoformat(), d["value"], d["note"] or "",
             fact.timestamp.isoformat(), fact.actor_text],
        )

    def on_plan_MeasurementCorrected(self, db: Database, fact: Fact) -> None:
        """Charts and reports use the corrected value; the first one stays in `original_value`
        (and every value in the log)."""
        d = fact.data
        _expect_one(db.execute(
            "UPDATE kpi_measurements SET value = ?, note = CASE WHEN ? = '' THEN note ELSE ? END,"
            " original_value = COALESCE(original_value, value), corrected_at = ?"
            f" WHERE position = ({_LATEST})",
            [d["to_value"], d["note"], d["note"], fact.timestamp.isoformat(), d["key"],
             d["measured_on"].isoformat()],
        ), fact)

    def on_plan_MeasurementWithdrawn(self, db: Database, fact: Fact) -> None:
        d = fact.data
        _expect_one(db.execute(
            f"DELETE FROM kpi_measurements WHERE position = ({_LATEST})",
            [d["key"], d["measured_on"].isoformat()],
        ), fact)


# The measurement a correction is about: the latest recorded for the KPI on that day.
_LATEST = ("SELECT max(position) FROM kpi_measurements WHERE key = ? AND measured_on = ?")


def _expect_one(cursor: Cursor, fact: Fact) -> None:
    if cursor.rowcount != 1:
        raise LookupError(f"kpis view: {fact.key} at position {fact.position} matched "
                          f"{cursor.rowcount} rows")
