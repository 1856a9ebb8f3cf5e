"""Reference data every other view and query leans on: the plan, departments, journeys, KPIs
and members (with their roles)."""

from __future__ import annotations

import json

from sqlite_utils import Database

from projections.facts import Fact
from projections.view import View


class Directory(View):
    name = "directory"
    version = 1
    tables = ("plan", "departments", "journeys", "kpis", "members", "endorsements")

    def create(self, db: Database) -> None:
        db.executescript(
            """
            CREATE TABLE plan (id TEXT PRIMARY KEY, name TEXT, vision TEXT,
                vision_revision INTEGER, started_at TEXT);
            CREATE TABLE departments (slug TEXT PRIMARY KEY, name TEXT NOT NULL,
                added_at TEXT, ordinal INTEGER);
            CREATE TABLE journeys (key TEXT PRIMARY KEY, name TEXT NOT NULL,
                lead_department TEXT NOT NULL, ordinal INTEGER);
            CREATE TABLE kpis (key TEXT PRIMARY KEY, name TEXT, unit TEXT, baseline REAL,
                target REAL, target_date TEXT, direction TEXT, ordinal INTEGER);
            CREATE TABLE members (id TEXT PRIMARY KEY, email TEXT UNIQUE, name TEXT,
                active INTEGER NOT NULL DEFAULT 1, roles TEXT NOT NULL DEFAULT '[]',
                registered_at TEXT);
            CREATE TABLE endorsements (department TEXT, revision INTEGER, endorsed_at TEXT,
                actor TEXT, PRIMARY KEY (department, revision));
            """
        )

    def on_plan_Started(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO plan VALUES (?, ?, ?, 1, ?)",
            [fact.aggregate_text, fact.data["name"], fact.data["vision"], fact.timestamp.isoformat()],
        )

    def on_plan_VisionRevised(self, db: Database, fact: Fact) -> None:
        db.execute(
            "UPDATE plan SET vision = ?, vision_revision = vision_revision + 1 WHERE id = ?",
            [fact.data["vision"], fact.aggregate_text],
        )

    def on_plan_VisionEndorsed(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO endorsements VALUES (?, ?, ?, ?)",
            [fact.data["department"], fact.data["revision"], fact.timestamp.isoformat(), str(fact.actor)],
        )

    def on_plan_DepartmentAdded(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO departments VALUES (?, ?, ?, (SELECT count(*) FROM departments))",
            [fact.data["slug"], fact.data["name"], fact.timestamp.isoformat()],
        )

    def on_plan_JourneyDefined(self, db: Database, fact: Fact) -> None:
        d = fact.data
        db.execute(
            "INSERT INTO journeys VALUES (?, ?, ?, (SELECT count(*) FROM journeys))",
            [d["key"], d["name"], d["lead_department"]],
        )

    def on_plan_JourneyLeadChanged(self, db: Database, fact: Fact) -> None:
        db.execute(
            "UPDATE journeys SET lead_department = ? WHERE key = ?",
            [fact.data["lead_department"], fact.data["key"]],
        )

    def on_plan_KpiDefined(self, db: Database, fact: Fact) -> None:
        d = fact.data
        db.execute(
            "INSERT INTO kpis VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT count(*) FROM kpis))",
            [d["key"], d["name"], d["unit"], d["baseline"], d["target"],
             d["target_date"].isoformat(), d["direction"]],
        )

    def on_member_Registered(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO members (id, email, name, registered_at) VALUES (?, ?, ?, ?)",
            [fact.aggregate_text, fact.data["email"], fact.data["name"], fact.timestamp.isoformat()],
        )

    def on_member_RoleGranted(self, db: Database, fact: Fact) -> None:
        roles = self._roles(db, fact)
        roles.append([fact.data["role"], fact.data["department"]])
        self._set_roles(db, fact, roles)

    def on_member_RoleRevoked(self, db: Database, fact: Fact) -> None:
        grant = [fact.data["role"], fact.data["department"]]
        self._set_roles(db, fact, [r for r in self._roles(db, fact) if r != grant])

    def on_member_Deactivated(self, db: Database, fact: Fact) -> None:
        db.execute("UPDATE members SET active = 0 WHERE id = ?", [fact.aggregate_text])

    @staticmethod
    def _roles(db: Database, fact: Fact) -> list[list[str | None]]:
        row = db.execute("SELECT roles FROM members WHERE id = ?", [fact.aggregate_text]).fetchone()
        return json.loads(row[0])

    @staticmethod
    def _set_roles(db: Database, fact: Fact, roles: list[list[str | None]]) -> None:
        db.execute(
            "UPDATE members SET roles = ? WHERE id = ?", [json.dumps(roles), fact.aggregate_text]
        )
