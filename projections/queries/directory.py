"""Reference data: the plan, departments, journeys, KPIs and members."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from tracker.domain.plan import OVERVIEW_ROLES


def _rows(db: Database, sql: str, params: list[Any] | dict[str, Any] | None = None) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def plan(db: Database) -> dict[str, Any] | None:
    found = _rows(db, "SELECT * FROM plan LIMIT 1")
    if not found:
        return None
    result = found[0]
    result["endorsements"] = _rows(
        db, "SELECT e.department, d.name, e.endorsed_at FROM endorsements e"
        " JOIN departments d ON d.slug = e.department WHERE e.revision = ? ORDER BY d.ordinal",
        [result["vision_revision"]],
    )
    return result


def overview_readers(db: Database) -> tuple[str, ...]:
    """The roles besides the CCO that read the overview pages (every role until the CCO decides
    otherwise: `Plan.OverviewAccessChanged`)."""
    found = db.execute("SELECT overview_readers FROM plan LIMIT 1").fetchone()
    if found is None or found[0] is None:
        return OVERVIEW_ROLES
    return tuple(json.loads(found[0]))


def departments(db: Database) -> list[dict[str, Any]]:
    """Every department, retired ones too (`retired_at`, `merged_into`), by name."""
    return _rows(db, "SELECT slug, name, retired_at, merged_into FROM departments ORDER BY name")


def in_use(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The departments, journeys or KPIs of `found` not retired: what a new thing may name."""
    return [row for row in found if not row.get("retired_at")]


def department_names(db: Database) -> dict[str, str]:
    return {d["slug"]: d["name"] for d in departments(db)}


def journeys(db: Database) -> list[dict[str, Any]]:
    return _rows(
        db, "SELECT j.key, j.name, j.lead_department, d.name AS lead_department_name,"
        " j.retired_at"
        " FROM journeys j LEFT JOIN departments d ON d.slug = j.lead_department ORDER BY j.ordinal",
    )


def kpis(db: Database) -> list[dict[str, Any]]:
    return _rows(db, "SELECT * FROM kpis ORDER BY ordinal")


def members(db: Database, *, active_only: bool = False) -> list[dict[str, Any]]:
    sql = "SELECT id, email, name, active, roles FROM members"
    if active_only:
        sql += " WHERE active = 1"
    result = _rows(db, sql + " ORDER BY name COLLATE NOCASE")
    for member in result:
        member["roles"] = [{"role": r, "department": d} for r, d in json.loads(member["roles"])]
    return result


def member_names(db: Database) -> dict[str, str]:
    return {m["id"]: m["name"] for m in _rows(db, "SELECT id, name FROM members")}
