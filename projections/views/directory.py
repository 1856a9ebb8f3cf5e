"""Reference data every other view and query leans on: the plan, departments, journeys, KPIs
and members (with their roles)."""

from __future__ import annotations

import json

from sqlite_utils import Database

from projections.facts import Fact
from projections.view import View


class Directory(View):
    name = "directory"
    version = 5  # 5: the roles the overview pages are open to (`plan.overview_readers`, JSON;
    # NULL: all); 4: area KPIs (`kpis.department`) and their links to CX KPIs (`kpi_links`);
    # 2: renames (with `names`, every name each thing ever had), retirements,
    # revisions; 3: the plan's version now and after each plan event (`plan_versions`)
    tables = ("plan", "departments", "journeys", "kpis", "members", "endorsements", "names",
              "plan_versions", "kpi_links")

    def create(self, db: Database) -> None:
        db.executescript(
            """
            CREATE TABLE plan (id TEXT PRIMARY KEY, name TEXT, vision TEXT,
                vision_revision INTEGER, started_at TEXT, version INTEGER,
                overview_readers TEXT);
            CREATE TABLE departments (slug TEXT PRIMARY KEY, name TEXT NOT NULL,
                added_at TEXT, ordinal INTEGER, retired_at TEXT, merged_into TEXT);
            CREATE TABLE journeys (key TEXT PRIMARY KEY, name TEXT NOT NULL,
                lead_department TEXT NOT NULL, ordinal INTEGER, retired_at TEXT);
            CREATE TABLE kpis (key TEXT PRIMARY KEY, name TEXT, unit TEXT, baseline REAL,
                target REAL, target_date TEXT, direction TEXT, ordinal INTEGER, retired_at TEXT,
                department TEXT);
            -- Area KPI -> the CX KPI it moves, as declared (unlinking deletes the row).
            CREATE TABLE kpi_links (area_kpi TEXT NOT NULL, cx_kpi TEXT NOT NULL,
                reason TEXT NOT NULL, linked_at TEXT NOT NULL, PRIMARY KEY (area_kpi, cx_kpi));
            -- Every name a department, journey or KPI took, from the event that gave it.
            -- The plan's version after each plan event (what it was as of any position).
            CREATE TABLE plan_versions (position INTEGER PRIMARY KEY, version INTEGER NOT NULL);
            CREATE TABLE names (kind TEXT NOT NULL, key TEXT NOT NULL, position INTEGER NOT NULL,
                at TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (kind, key, position));
            CREATE TABLE members (id TEXT PRIMARY KEY, email TEXT UNIQUE, name TEXT,
                active INTEGER NOT NULL DEFAULT 1, roles TEXT NOT NULL DEFAULT '[]',
                registered_at TEXT);
            CREATE TABLE endorsements (department TEXT, revision INTEGER, endorsed_at TEXT,
                actor TEXT, PRIMARY KEY (department, revision));
            """
        )

    def apply(self, db: Database, fact: Fact) -> None:
        """Every plan event also stamps the plan's version (what the plan forms carry)."""
        super().apply(db, fact)
        if fact.aggregate == "plan":
            db.execute("UPDATE plan SET version = ? WHERE id = ?",
                       [fact.version, fact.aggregate_text])
            db.execute("INSERT INTO plan_versions VALUES (?, ?)", [fact.position, fact.version])

    def on_plan_Started(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO plan (id, name, vision, vision_revision, started_at)"
            " VALUES (?, ?, ?, 1, ?)",
            [fact.aggregate_text, fact.data["name"], fact.data["vision"], fact.timestamp.isoformat()],
        )

    def on_plan_VisionRevised(self, db: Database, fact: Fact) -> None:
        db.execute(
            "UPDATE plan SET vision = ?, vision_revision = vision_revision + 1 WHERE id = ?",
            [fact.data["vision"], fact.aggregate_text],
        )

    def on_plan_OverviewAccessChanged(self, db: Database, fact: Fact) -> None:
        db.execute("UPDATE plan SET overview_readers = ? WHERE id = ?",
                   [json.dumps(list(fact.data["readers"])), fact.aggregate_text])

    def on_plan_VisionEndorsed(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO endorsements VALUES (?, ?, ?, ?)",
            [fact.data["department"], fact.data["revision"], fact.timestamp.isoformat(), str(fact.actor)],
        )

    def on_plan_DepartmentAdded(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO departments (slug, name, added_at, ordinal)"
            " VALUES (?, ?, ?, (SELECT count(*) FROM departments))",
            [fact.data["slug"], fact.data["name"], fact.timestamp.isoformat()],
        )
        _named(db, fact, "department", fact.data["slug"], fact.data["name"])

    def on_plan_DepartmentRenamed(self, db: Database, fact: Fact) -> None:
        _set(db, "departments", "slug", fact.data["slug"], name=fact.data["to_name"])
        _named(db, fact, "department", fact.data["slug"], fact.data["to_name"])

    def on_plan_DepartmentRetired(self, db: Database, fact: Fact) -> None:
        _set(db, "departments", "slug", fact.data["slug"], retired_at=fact.timestamp.isoformat())

    def on_plan_DepartmentMerged(self, db: Database, fact: Fact) -> None:
        _set(db, "departments", "slug", fact.data["slug"], retired_at=fact.timestamp.isoformat(),
             merged_into=fact.data["into"])

    def on_plan_JourneyDefined(self, db: Database, fact: Fact) -> None:
        d = fact.data
        db.execute(
            "INSERT INTO journeys (key, name, lead_department, ordinal)"
            " VALUES (?, ?, ?, (SELECT count(*) FROM journeys))",
            [d["key"], d["name"], d["lead_department"]],
        )
        _named(db, fact, "journey", d["key"], d["name"])

    def on_plan_JourneyRenamed(self, db: Database, fact: Fact) -> None:
        _set(db, "journeys", "key", fact.data["key"], name=fact.data["to_name"])
        _named(db, fact, "journey", fact.data["key"], fact.data["to_name"])

    def on_plan_JourneyRetired(self, db: Database, fact: Fact) -> None:
        _set(db, "journeys", "key", fact.data["key"], retired_at=fact.timestamp.isoformat())

    def on_plan_KpiRevised(self, db: Database, fact: Fact) -> None:
        after = {f: v[1] for f, v in fact.data["changes"].items()}
        _set(db, "kpis", "key", fact.data["key"], **after)
        if "name" in after:
            _named(db, fact, "kpi", fact.data["key"], after["name"])

    def on_plan_KpiRetired(self, db: Database, fact: Fact) -> None:
        _set(db, "kpis", "key", fact.data["key"], retired_at=fact.timestamp.isoformat())

    def on_plan_JourneyLeadChanged(self, db: Database, fact: Fact) -> None:
        db.execute(
            "UPDATE journeys SET lead_department = ? WHERE key = ?",
            [fact.data["lead_department"], fact.data["key"]],
        )

    def on_plan_KpiDefined(self, db: Database, fact: Fact) -> None:
        d = fact.data
        db.execute(
            "INSERT INTO kpis (key, name, unit, baseline, target, target_date, direction, ordinal,"
            " department) VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT count(*) FROM kpis), ?)",
            [d["key"], d["name"], d["unit"], d["baseline"], d["target"],
             d["target_date"].isoformat(), d["direction"], d.get("department")],
        )
        _named(db, fact, "kpi", d["key"], d["name"])

    def on_plan_KpiLinked(self, db: Database, fact: Fact) -> None:
        d = fact.data
        db.execute("INSERT INTO kpi_links VALUES (?, ?, ?, ?)",
                   [d["area_kpi"], d["cx_kpi"], d["reason"], fact.timestamp.isoformat()])

    def on_plan_KpiUnlinked(self, db: Database, fact: Fact) -> None:
        d = fact.data
        db.execute("DELETE FROM kpi_links WHERE area_kpi = ? AND cx_kpi = ?",
                   [d["area_kpi"], d["cx_kpi"]])

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


REVISED_COLUMNS = ("name", "unit", "target", "target_date", "retired_at", "merged_into")


def _set(db: Database, table: str, key_column: str, key: str, **values: object) -> None:
    """Set code-named columns of one row; a fact that matches no row stops the runner."""
    assert set(values) <= set(REVISED_COLUMNS), values
    cursor = db.execute(
        f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in values)} WHERE {key_column} = ?",
        [*values.values(), key],
    )
    if cursor.rowcount != 1:
        raise LookupError(f"directory: no {table} row {key!r}")


def _named(db: Database, fact: Fact, kind: str, key: str, name: str) -> None:
    db.execute("INSERT INTO names VALUES (?, ?, ?, ?, ?)",
               [kind, key, fact.position, fact.timestamp.isoformat(), name])
