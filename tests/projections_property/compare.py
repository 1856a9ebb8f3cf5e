"""Whole read models and boards compared, with failure messages that show only what differs."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from projections.database import BOOKKEEPING

Tables = dict[str, list[tuple[Any, ...]]]


def dump(db: Database) -> Tables:
    """Every view table's rows, ordered by all their columns (bookkeeping left out)."""
    result = {}
    for table in sorted(db.table_names()):
        if table in BOOKKEEPING or table.startswith("sqlite_"):
            continue
        columns = len(db.execute(f"SELECT * FROM [{table}] LIMIT 0").description)
        order = ", ".join(str(i) for i in range(1, columns + 1))
        result[table] = db.execute(f"SELECT * FROM [{table}] ORDER BY {order}").fetchall()
    return result


def table_differences(incremental: Tables, rebuilt: Tables) -> str:
    """The rows found on one side only, table by table."""
    lines = []
    for table in sorted(set(incremental) | set(rebuilt)):
        mine, theirs = incremental.get(table, []), rebuilt.get(table, [])
        if mine != theirs:
            lines.append(f"table {table}:")
            lines += [f"  incremental only: {r}" for r in sorted(set(mine) - set(theirs), key=repr)]
            lines += [f"  rebuilt only:     {r}" for r in sorted(set(theirs) - set(mine), key=repr)]
    return "\n".join(lines)


def board_differences(actual: list[dict[str, Any]], expected: list[dict[str, Any]]) -> str:
    """The commitments and columns where the view's board and the replay's differ."""
    lines = []
    mine, theirs = {r["id"]: r for r in actual}, {r["id"]: r for r in expected}
    for cid in sorted(set(mine) | set(theirs)):
        if cid not in mine or cid not in theirs:
            lines.append(f"  {cid}: only in {'the view' if cid in mine else 'the replay'}")
            continue
        for key in sorted(set(mine[cid]) | set(theirs[cid])):
            if mine[cid].get(key, "<missing>") != theirs[cid].get(key, "<missing>"):
                lines.append(f"  {cid} {key}: view {mine[cid].get(key, '<missing>')!r},"
                             f" replay {theirs[cid].get(key, '<missing>')!r}")
    if not lines:
        lines.append(f"  same rows, different order: {[r['id'] for r in actual]}"
                     f" vs {[r['id'] for r in expected]}")
    return "\n".join(lines)
