"""Measurements that need a process of their own (for its peak memory). Prints one JSON line.

    python -m bench.child rebuild DATA_DIR [--batch-size N]   # the product's own CLI command
    python -m bench.child decode DATA_DIR [--batch-size N]    # the raw read-and-decode baseline
    python -m bench.child copy-views DATA_DIR                 # the cost of writing the built views
    python -m bench.child seal DATA_DIR                       # `cx-tracker seal` (writes the ledger)
    python -m bench.child verify DATA_DIR                     # `cx-tracker verify` (seals + ledger)

Peak memory is the process's high-water resident set (`VmHWM`, as `ru_maxrss`), which includes
the interpreter and every import: the figure an operator sees for the command.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import resource
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any


def peak_rss_kb() -> int:
    """The high-water RSS of this process in KiB (Linux reports ru_maxrss in KiB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def rebuild(data_dir: str, batch_size: int) -> dict[str, Any]:
    """`cx-tracker projections rebuild`, in this process, timed from the call to its return."""
    from tracker.cli.main import cli

    out = io.StringIO()
    started = time.perf_counter()
    with redirect_stdout(out):
        cli.main(["projections", "rebuild", "--data", data_dir, "--batch-size", str(batch_size)],
                 standalone_mode=False)
    seconds = time.perf_counter() - started
    last = out.getvalue().strip().splitlines()[-1]
    found = re.match(r"Rebuilt: ([\d,]+) events in ([\d.]+) s", last)
    if found is None:
        raise RuntimeError(f"unexpected output of the rebuild command: {last!r}")
    events = int(found.group(1).replace(",", ""))
    return {"events": events, "seconds": seconds, "rate_per_s": events / seconds,
            "build_seconds": float(found.group(2)), "output": last}


def integrity(command: str, data_dir: str) -> dict[str, Any]:
    """`cx-tracker seal` or `cx-tracker verify` in this process, timed from the call to its
    return; the events it went through are read from its closing line on stderr."""
    from tracker.cli.main import cli

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            cli.main([command, "--data", data_dir], standalone_mode=False)
        except SystemExit as e:  # verify exits 1 on a divergence
            if e.code:
                raise RuntimeError(f"cx-tracker {command} exited {e.code}: {out.getvalue()[-2000:]}") from None
    seconds = time.perf_counter() - started
    found = re.search(r"(?:Sealed|Checked) ([\d,]+) events in", err.getvalue())
    if found is None:
        raise RuntimeError(f"unexpected output of cx-tracker {command}: {err.getvalue()[-2000:]!r}")
    events = int(found.group(1).replace(",", ""))
    return {"events": events, "seconds": seconds, "rate_per_s": events / seconds,
            "output": out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else ""}


def decode(data_dir: str, batch_size: int) -> dict[str, Any]:
    from bench.baselines import open_raw, raw_decode
    from tracker.config import resolve_data_dir

    app = open_raw(resolve_data_dir(data_dir))
    try:
        return raw_decode(app, batch=batch_size).as_dict()
    finally:
        app.close()


def copy_views(data_dir: str, batch_size: int) -> dict[str, Any]:
    """Write the store's built views again, as cheaply as SQLite can: every table's rows copied
    into an empty file (`INSERT … SELECT *`, the record-for-record transfer), then every index
    created over them, with the rebuild's own settings for its new file. No rebuild can write
    the same tables and indexes for less, whatever it computes first."""
    import sqlite3
    import tempfile

    from projections.database import POSITIONS
    from projections.rebuild import SCRATCH_PRAGMAS
    from tracker.config import resolve_data_dir

    source = resolve_data_dir(data_dir).views
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        conn = sqlite3.connect(Path(tmp) / "copy.sqlite3", isolation_level=None)
        try:
            for pragma in SCRATCH_PRAGMAS:
                conn.execute(pragma)
            conn.execute("ATTACH ? AS built", [str(source)])
            events = conn.execute(f"SELECT min(position) FROM built.[{POSITIONS}]").fetchone()[0]
            tables = conn.execute(
                "SELECT name, sql FROM built.sqlite_master WHERE type = 'table'"
                " AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
            indexes = conn.execute(
                "SELECT sql FROM built.sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                " ORDER BY name").fetchall()
            started = time.perf_counter()
            conn.execute("BEGIN")
            for name, sql in tables:
                conn.execute(sql)
                conn.execute(f"INSERT INTO main.[{name}] SELECT * FROM built.[{name}]")
            conn.execute("COMMIT")
            rows_done = time.perf_counter()
            conn.execute("BEGIN")
            for (sql,) in indexes:
                conn.execute(sql)
            conn.execute("COMMIT")
            finished = time.perf_counter()
            size = (Path(tmp) / "copy.sqlite3").stat().st_size
        finally:
            conn.close()
    return {"events": events, "seconds": finished - started, "rows_seconds": rows_done - started,
            "index_seconds": finished - rows_done, "tables": len(tables), "indexes": len(indexes),
            "bytes": size}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("rebuild", "decode", "copy-views", "seal", "verify"))
    parser.add_argument("data_dir")
    parser.add_argument("--batch-size", type=int, default=2000)
    args = parser.parse_args(argv)
    if args.what in ("seal", "verify"):
        result = integrity(args.what, args.data_dir)
    else:
        run = {"rebuild": rebuild, "decode": decode, "copy-views": copy_views}[args.what]
        result = run(args.data_dir, args.batch_size)
    result["peak_rss_kb"] = peak_rss_kb()
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
