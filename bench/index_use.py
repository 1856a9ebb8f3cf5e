"""Which of the views' indexes the read side's statements use: evidence before adding or dropping one.

    python -m bench.index_use collect sql.jsonl -- python -m pytest tests/web -q
    python -m bench.index_use collect sql.jsonl -- python -m bench.run --sizes 1e5 --only reads
    python -m bench.index_use report sql.jsonl VIEWS_FILE [VIEWS_FILE ...] [--cost] [--plans]

`collect` runs the command with every views connection (`projections.database.ViewsConnection`,
what `open_views` makes) recording each distinct statement it prepares, as written (placeholders,
not values), with the function that ran it, appended to the JSON-lines file; child processes
record too (a `sitecustomize` on PYTHONPATH installs the recorder). A trace callback on the same
connections counts statements that reached SQLite without passing the recorder (e.g. through a
cursor made elsewhere): `report` lists them, normalised, so none goes unseen.

`report` asks SQLite for the plan (EXPLAIN QUERY PLAN) of every recorded statement in each views
file and lists, per explicit index: its table and definition, how many statements' plans use it,
which functions ran them, whether it is a view's `lookup_indexes` (the handlers look up through
it), where the source names it (INDEXED BY and the like), and whether its key columns are a left
prefix of another index on the same table with the same WHERE. `--cost` times each CREATE INDEX
on a copy of the first file's tables (what a rebuild's load pays for it); `--plans` prints every
statement with its plan. Without sqlite_stat1 (the views are never ANALYZEd) a plan depends only
on the schema and the statement's text, not on the data.
"""

from __future__ import annotations

import argparse
import collections
import inspect
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ENV = "CX_INDEX_USE_OUT"
CALLERS_SHOWN = 4  # per index in the report's table
ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("tracker", "projections", "web")  # where an index's name is looked for


def normalised(sql: str) -> str:
    """The statement with its literals, named placeholders and placeholder lists reduced and its
    whitespace collapsed: statements that differ only in their values group together (the trace
    callback sees the values)."""
    sql = re.sub(r"(?<!\w)[xX]?'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\bNULL\b", "?", sql, flags=re.I)
    sql = re.sub(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b", "?", sql)
    sql = re.sub(r"[:$@][A-Za-z_]\w*", "?", sql)
    sql = re.sub(r"\?(?:\s*,\s*\?)+", "?", sql)
    return re.sub(r"\s+", " ", sql).strip()


# Installed in each process of the command by `collect` (as sitecustomize, so it needs nothing
# but the product's packages): wraps ViewsConnection's execute, executemany and cursor.
RECORDER = "import re\n\n" + inspect.getsource(normalised) + r'''
import os

def _install(out):
    import json, sqlite3, sys
    try:
        from projections import database
    except ImportError:
        return
    seen = set()
    skip = (os.sep + "sqlite_utils" + os.sep, os.sep + "projections" + os.sep + "database.py",
            os.sep + "contextlib.py", "sitecustomize.py")

    def caller():  # the innermost three functions outside the database layers
        frame, names = sys._getframe(2), []
        while frame is not None and len(names) < 3:
            if not any(s in frame.f_code.co_filename for s in skip):
                names.append(f"{frame.f_globals.get('__name__', '?')}.{frame.f_code.co_name}")
            frame = frame.f_back
        return " < ".join(names) or "?"

    def write(entry):
        fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (json.dumps(entry) + "\n").encode())
        finally:
            os.close(fd)

    def record(sql, via):
        if isinstance(sql, str) and sql not in seen:
            seen.add(sql)
            write({"sql": sql, "via": via, "caller": caller()})

    traced = set()

    def trace(sql):  # the expanded text (values in place of placeholders)
        if sql.startswith("--"):  # a trigger's
            return
        sql = normalised(sql)
        if sql not in traced:
            traced.add(sql)
            write({"sql": sql, "via": "trace"})

    class Cursor(sqlite3.Cursor):
        def execute(self, sql, parameters=(), /):
            record(sql, "cursor.execute")
            return super().execute(sql, parameters)

        def executemany(self, sql, parameters, /):
            record(sql, "cursor.executemany")
            return super().executemany(sql, parameters)

    base = database.ViewsConnection

    def __init__(self, *args, **kwargs):
        sqlite3.Connection.__init__(self, *args, **kwargs)
        self.set_trace_callback(trace)

    def execute(self, sql, parameters=(), /):
        record(sql, "execute")
        return sqlite3.Connection.execute(self, sql, parameters)

    def executemany(self, sql, parameters, /):
        record(sql, "executemany")
        return sqlite3.Connection.executemany(self, sql, parameters)

    def cursor(self, factory=Cursor):
        return sqlite3.Connection.cursor(self, factory)

    base.__init__, base.execute, base.executemany, base.cursor = (
        __init__, execute, executemany, cursor)

if os.environ.get("CX_INDEX_USE_OUT"):
    _install(os.environ["CX_INDEX_USE_OUT"])
'''


def collect(out: Path, command: list[str]) -> int:
    """Run `command` recording the views' statements into `out` (appended); its exit status."""
    with tempfile.TemporaryDirectory() as hook:
        (Path(hook) / "sitecustomize.py").write_text(RECORDER)
        env = dict(os.environ, **{ENV: str(out.resolve())})
        env["PYTHONPATH"] = os.pathsep.join(p for p in (hook, env.get("PYTHONPATH")) if p)
        return subprocess.call(command, env=env)


# --- report -----------------------------------------------------------------------------------

NOT_PLANNED = re.compile(r"^(?:\s|--[^\n]*\n|/\*.*?\*/)*(EXPLAIN|CREATE|DROP|PRAGMA|BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|"
                         r"ATTACH|DETACH|ANALYZE|VACUUM|REINDEX|ALTER)\b", re.I | re.S)
USES = re.compile(r"\bUSING (?:COVERING )?INDEX (\S+)")
AUTOMATIC = re.compile(r"\bAUTOMATIC (?:PARTIAL )?(?:COVERING )?INDEX")


@dataclass
class Index:
    name: str
    table: str
    sql: str
    columns: tuple[str, ...]
    where: str | None
    unique: bool
    used_by: set[str] = field(default_factory=set)  # statements, in any file
    per_file: dict[Path, int] = field(default_factory=dict)  # how many, per file
    callers: set[str] = field(default_factory=set)


def explicit_indexes(conn: sqlite3.Connection) -> dict[str, Index]:
    found = {}
    for name, table, sql in conn.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'"
            " AND sql IS NOT NULL ORDER BY tbl_name, name"):
        columns = tuple(row[2] or f"<expr {row[1]}>" for row in conn.execute(
            "SELECT * FROM pragma_index_xinfo(?) WHERE key ORDER BY seqno", [name]))
        where = re.search(r"\bWHERE\b(.*)$", sql, re.S | re.I)
        found[name] = Index(name, table, " ".join(sql.split()), columns,
                            " ".join(where.group(1).split()) if where else None,
                            bool(re.match(r"\s*CREATE\s+UNIQUE", sql, re.I)))
    return found


class Unbound(dict[str, None]):
    def __missing__(self, key: str) -> None:
        return None


def plan(conn: sqlite3.Connection, sql: str) -> list[str]:
    """EXPLAIN QUERY PLAN's detail lines (placeholders bound to NULL: the plan is made before)."""
    query = "EXPLAIN QUERY PLAN " + sql
    try:
        return [row[3] for row in conn.execute(query)]
    except sqlite3.ProgrammingError as error:
        wanted = re.search(r"uses (\d+)", str(error))
        if wanted:
            return [row[3] for row in conn.execute(query, [None] * int(wanted.group(1)))]
        return [row[3] for row in conn.execute(query, Unbound())]


def named_in_sources(names: Iterable[str]) -> dict[str, list[str]]:
    """Index name -> "file:line" where the product's code names it outside its CREATE INDEX."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    places: dict[str, list[str]] = collections.defaultdict(list)
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if "CREATE" in line and "INDEX" in line:
                    continue
                for match in pattern.finditer(line):
                    places[match.group(1)].append(f"{path.relative_to(ROOT)}:{number}")
    return places


def lookup_indexes() -> dict[str, str]:
    from projections.views import all_views

    return {index: view.name for view in all_views() for index in view.lookup_indexes}


def build_costs(views_file: Path) -> dict[str, float]:
    """Seconds each CREATE INDEX takes over a copy of the file's tables (the rebuild's pragmas)."""
    from projections.rebuild import SCRATCH_PRAGMAS

    with tempfile.TemporaryDirectory(dir=views_file.parent) as tmp:
        conn = sqlite3.connect(Path(tmp) / "copy.sqlite3", isolation_level=None)
        try:
            for pragma in SCRATCH_PRAGMAS:
                conn.execute(pragma)
            conn.execute("ATTACH ? AS built", [str(views_file)])
            conn.execute("BEGIN")
            for name, sql in conn.execute(
                    "SELECT name, sql FROM built.sqlite_master WHERE type = 'table'"
                    " AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%'").fetchall():
                conn.execute(sql)
                conn.execute(f"INSERT INTO main.[{name}] SELECT * FROM built.[{name}]")
            conn.execute("COMMIT")
            costs = {}
            for name, sql in conn.execute(
                    "SELECT name, sql FROM built.sqlite_master WHERE type = 'index'"
                    " AND sql IS NOT NULL ORDER BY name").fetchall():
                started = time.perf_counter()
                conn.execute(sql)
                costs[name] = time.perf_counter() - started
            return costs
        finally:
            conn.close()


def report(records: Path, files: list[Path], *, cost: bool, plans: bool) -> str:
    statements: dict[str, set[str]] = collections.defaultdict(set)  # sql -> callers
    traced = set()
    for line in records.read_text().splitlines():
        entry = json.loads(line)
        if entry["via"] == "trace":
            traced.add(normalised(entry["sql"]))
        else:
            statements[entry["sql"]].add(entry["caller"])
    recorded = {normalised(sql) for sql in statements}
    planned = {sql: callers for sql, callers in statements.items() if not NOT_PLANNED.match(sql)}
    out = [f"{len(statements)} distinct statements recorded ({len(recorded)} normalised),"
           f" {len(planned)} planned"]
    unseen = sorted(s for s in traced - recorded if not NOT_PLANNED.match(s))
    out += [f"traced but not recorded: {len(unseen)}"] + [f"  {s[:200]}" for s in unseen]

    lookups = lookup_indexes()
    indexes: dict[str, Index] = {}
    for views_file in files:
        conn = sqlite3.connect(f"file:{views_file}?mode=ro", uri=True)
        try:
            found = explicit_indexes(conn)
            for name, index in found.items():
                indexes.setdefault(name, index)
            failed, automatic = [], []
            used: dict[str, set[str]] = collections.defaultdict(set)  # index -> statements
            for sql, callers in sorted(planned.items()):
                try:
                    details = plan(conn, sql)
                except sqlite3.Error as error:
                    failed.append(f"  {error}: {' '.join(sql.split())[:160]}")
                    continue
                for detail in details:
                    for name in USES.findall(detail):
                        if name in indexes:
                            used[name].add(sql)
                            indexes[name].used_by.add(sql)
                            indexes[name].callers.update(callers)
                    if AUTOMATIC.search(detail):
                        automatic.append(f"  {detail} <- {sorted(callers)[0]}")
                if plans:
                    out.append(f"\n{' '.join(sql.split())}\n  by {', '.join(sorted(callers))}")
                    out += [f"  | {detail}" for detail in details]
            for name in found:
                indexes[name].per_file[views_file] = len(used[name])
            out.append(f"\n{views_file}: {len(found)} explicit indexes; {len(failed)} statements"
                       " not planned here (tables it lacks, temporary tables)")
            out += failed
            out += [f"automatic indexes ({len(automatic)}):"] + sorted(set(automatic))
        finally:
            conn.close()

    costs = build_costs(files[0]) if cost else {}
    named = named_in_sources(indexes)
    prefix_of: dict[str, list[str]] = collections.defaultdict(list)
    for a in indexes.values():
        for b in indexes.values():
            if (a is not b and a.table == b.table and a.where == b.where and not a.unique
                    and b.columns[:len(a.columns)] == a.columns):
                prefix_of[a.name].append(b.name)
    out.append("\nindex | table | statements (per file when they differ) | cost s | notes | columns (WHERE) | used by")
    for index in sorted(indexes.values(), key=lambda i: (len(i.used_by) > 0, i.table, i.name)):
        notes = []
        if index.name in lookups:
            notes.append(f"lookup index of {lookups[index.name]}")
        if index.unique:
            notes.append("UNIQUE")
        if prefix_of[index.name]:
            notes.append("left prefix of " + ", ".join(prefix_of[index.name]))
        if named[index.name]:
            notes.append("named at " + ", ".join(named[index.name]))
        where = f" WHERE {index.where}" if index.where else ""
        cost_text = f"{costs[index.name]:.3f}" if index.name in costs else "-"
        counts = set(index.per_file.values())  # differs when the files' schemas differ
        used = "/".join(str(index.per_file.get(f, "-")) for f in files) if len(
            counts) > 1 or len(index.per_file) < len(files) else str(len(index.used_by))
        callers = sorted(index.callers)
        shown = ", ".join(callers[:CALLERS_SHOWN]) + (
            f" (+{len(callers) - CALLERS_SHOWN} more)" if len(callers) > CALLERS_SHOWN else "")
        out.append(f"{index.name} | {index.table} | {used} | {cost_text} |"
                   f" {'; '.join(notes)} | ({', '.join(index.columns)}){where} |"
                   f" {shown}")
    if costs:
        out.append(f"\nall indexes: {sum(costs.values()):.3f} s; unused:"
                   f" {sum(c for n, c in costs.items() if not indexes[n].used_by):.3f} s")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.index_use", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    run = sub.add_parser("collect", help="run a command, recording the views' statements")
    run.add_argument("out", type=Path)
    run.add_argument("command", nargs=argparse.REMAINDER)
    show = sub.add_parser("report", help="which indexes the recorded statements' plans use")
    show.add_argument("records", type=Path)
    show.add_argument("views", type=Path, nargs="+")
    show.add_argument("--cost", action="store_true", help="time each CREATE INDEX (first file)")
    show.add_argument("--plans", action="store_true", help="print every statement's plan")
    args = parser.parse_args(argv)
    if args.what == "collect":
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        if not command:
            parser.error("collect: no command given")
        return collect(args.out, command)
    sys.stdout.write(report(args.records, args.views, cost=args.cost, plans=args.plans) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
