"""The CX pattern library as the web and the CLI read it (from the `patterns` view)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID

from sqlite_utils import Database

from projections.health import health_sql
from projections.queries.board import ORDER_BY, rows, with_health
from projections.views.patterns import search_text

SQLITE_MAX_INTEGER = 2**63 - 1
SEARCH_MAX = 200  # characters of a search that count (a longer one is cut)
_JSON = ("journeys", "departments", "links")


def _decoded(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in found:
        for column in _JSON:
            if column in row:
                row[column] = json.loads(row[column])
    return found


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def library(
    db: Database, *, q: str | None = None, journey: str | None = None,
    department: str | None = None, retired: bool = False,
) -> list[dict[str, Any]]:
    """Patterns by title, live ones only unless `retired`; `q` matches the title or text of the
    current version, case-insensitively (Unicode case folding); each with `citations` (how many
    commitments cite it now)."""
    where, params = ["1 = 1"], {}
    if not retired:
        where.append("p.status = 'live'")
    if q and q.strip():
        where.append("p.search LIKE :q ESCAPE '\\'")
        params["q"] = _like(search_text("", q.strip()[:SEARCH_MAX]).strip())
    if journey:
        where.append("p.id IN (SELECT pattern_id FROM pattern_journeys WHERE journey = :journey)")
        params["journey"] = journey
    if department:
        where.append("EXISTS (SELECT 1 FROM json_each(p.departments) WHERE value = :department)")
        params["department"] = department
    return _decoded(rows(db, (
        f"{_ENTRY} WHERE {' AND '.join(where)} ORDER BY p.title COLLATE NOCASE, p.id"), params))


_ENTRY = (
    "SELECT p.id, p.title, p.text, p.journeys, p.departments, p.links, p.revision,"
    " p.version, p.status, p.published_at, p.revised_at, p.retired_at,"
    " (SELECT count(*) FROM pattern_citations c WHERE c.pattern_id = p.id"
    "  AND c.uncited_at IS NULL) AS citations FROM patterns p")


def entry(db: Database, pattern_id: UUID | str) -> dict[str, Any] | None:
    """One pattern as `library` lists it (retired or not), or None."""
    found = _decoded(rows(db, f"{_ENTRY} WHERE p.id = :id", {"id": str(pattern_id)}))
    return found[0] if found else None


def pattern(db: Database, pattern_id: UUID | str) -> dict[str, Any] | None:
    found = _decoded(rows(db, "SELECT * FROM patterns WHERE id = :id", {"id": str(pattern_id)}))
    return found[0] if found else None


def versions(db: Database, pattern_id: UUID | str) -> list[dict[str, Any]]:
    """Every version, newest first, with who made it (name) and why."""
    return _decoded(rows(db, (
        "SELECT v.*, m.name AS actor_name FROM pattern_versions v"
        " LEFT JOIN members m ON m.id = v.actor_id"
        " WHERE v.pattern_id = :id ORDER BY v.revision DESC"), {"id": str(pattern_id)}))


def version(db: Database, pattern_id: UUID | str, revision: int) -> dict[str, Any] | None:
    if not 1 <= revision <= SQLITE_MAX_INTEGER:  # no such version (and none SQLite could bind)
        return None
    found = _decoded(rows(db, (
        "SELECT v.*, m.name AS actor_name FROM pattern_versions v"
        " LEFT JOIN members m ON m.id = v.actor_id"
        " WHERE v.pattern_id = :id AND v.revision = :n"), {"id": str(pattern_id), "n": revision}))
    return found[0] if found else None


def citing(db: Database, pattern_id: UUID | str, today: date) -> list[dict[str, Any]]:
    """The commitments citing the pattern now, with their health today (attention first)."""
    source = ("(SELECT * FROM commitments WHERE id IN (SELECT commitment_id FROM"
              " pattern_citations WHERE pattern_id = :id AND uncited_at IS NULL))")
    return rows(db, f"{with_health(source)} {ORDER_BY}",
                {"id": str(pattern_id), "today": today.isoformat()})


def cited_by(db: Database, commitment_id: UUID | str) -> list[dict[str, Any]]:
    """The patterns a commitment cites now (retired ones too, marked by `status`)."""
    return rows(db, (
        "SELECT p.id, p.title, p.status, p.revision FROM pattern_citations c"
        " JOIN patterns p ON p.id = c.pattern_id"
        " WHERE c.commitment_id = :id AND c.uncited_at IS NULL ORDER BY c.position"),
        {"id": str(commitment_id)})


def by_journey(db: Database) -> dict[str, list[dict[str, Any]]]:
    """journey key -> its live patterns (id, title), by title."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows(db, (
            "SELECT j.journey, p.id, p.title FROM pattern_journeys j"
            " JOIN patterns p ON p.id = j.pattern_id WHERE p.status = 'live'"
            " ORDER BY p.title COLLATE NOCASE"), {}):
        found.setdefault(row.pop("journey"), []).append(row)
    return found


def publishers(db: Database) -> list[dict[str, Any]]:
    """The leads allowed to publish, with name and e-mail."""
    return rows(db, (
        "SELECT p.member_id, p.granted_at, m.name, m.email FROM pattern_publishers p"
        " LEFT JOIN members m ON m.id = p.member_id ORDER BY m.name"), {})


def publisher_ids(db: Database) -> set[str]:
    return {r[0] for r in db.execute("SELECT member_id FROM pattern_publishers").fetchall()}


# As of an instant (`t`: an instant as the views store it)


def library_as_of(db: Database, t: str) -> list[dict[str, Any]]:
    """Every pattern published by t, in the version current at t, with `retired` (whether it
    was retired by then) and `citing`: the commitments citing it at t (id, title, department
    as they were then, and health judged on t's UTC date)."""
    found = _decoded(rows(db, (
        "SELECT v.*, p.retired_at FROM pattern_versions v JOIN patterns p ON p.id = v.pattern_id"
        " WHERE v.revision = (SELECT max(w.revision) FROM pattern_versions w"
        "   WHERE w.pattern_id = v.pattern_id AND w.at <= :t)"
        " ORDER BY v.title COLLATE NOCASE, v.pattern_id"), {"t": t}))
    cites: dict[str, list[dict[str, Any]]] = {}
    for row in rows(db, (
            "SELECT c.pattern_id, h.commitment_id AS id, h.title, h.department,"
            f" {health_sql(':today', 'h.')} AS health"
            " FROM pattern_citations c JOIN commitment_history h ON h.commitment_id = c.commitment_id"
            " AND h.valid_from <= :t AND (h.valid_to IS NULL OR h.valid_to > :t)"
            " WHERE c.cited_at <= :t AND (c.uncited_at IS NULL OR c.uncited_at > :t)"
            " ORDER BY c.position"), {"t": t, "today": t[:10]}):
        cites.setdefault(row.pop("pattern_id"), []).append(row)
    for row in found:
        del row["retired_at"]
        row["citing"] = cites.get(row["pattern_id"], [])
    retired = {pid for (pid,) in db.execute(
        "SELECT id FROM patterns WHERE retired_at IS NOT NULL AND retired_at <= ?", [t]).fetchall()}
    for row in found:
        row["retired"] = row["pattern_id"] in retired
    return found


def changes_between(db: Database, a: str, b: str) -> list[dict[str, Any]]:
    """Pattern versions published or revised, and patterns retired, after a and by b, in log
    order: kind (published, revised, retired), pattern_id, title, revision, reason."""
    found = rows(db, (
        "SELECT CASE WHEN revision = 1 THEN 'published' ELSE 'revised' END AS kind, pattern_id,"
        " title, revision, reason, at FROM pattern_versions WHERE at > :a AND at <= :b"
        " UNION ALL SELECT 'retired', id, title, revision, retired_reason, retired_at"
        " FROM patterns WHERE retired_at > :a AND retired_at <= :b ORDER BY at"), {"a": a, "b": b})
    return found


def citations_between(db: Database, a: str, b: str) -> list[dict[str, Any]]:
    """Commitments that cited (or stopped citing) a pattern after a and by b, in time order."""
    return rows(db, (
        "SELECT * FROM (SELECT 'cited' AS kind, c.commitment_id, c.pattern_id, c.cited_at AS at,"
        "   c.position FROM pattern_citations c WHERE c.cited_at > :a AND c.cited_at <= :b"
        " UNION ALL SELECT 'uncited', c.commitment_id, c.pattern_id, c.uncited_at, c.position"
        "   FROM pattern_citations c WHERE c.uncited_at > :a AND c.uncited_at <= :b) x"
        " JOIN (SELECT id AS cid, title AS commitment_title, department FROM commitments) k"
        "   ON k.cid = x.commitment_id"
        " JOIN (SELECT id AS pid, title AS pattern_title FROM patterns) p ON p.pid = x.pattern_id"
        " ORDER BY x.at, x.position"), {"a": a, "b": b})
