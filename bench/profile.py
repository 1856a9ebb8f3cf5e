"""Where the time goes, for the notes on missed targets: cProfile's top entries.

    python -m bench.profile rebuild --events 1e5 [--limit 20000]   # a catch-up from empty views
    python -m bench.profile web-write --events 1e5 [--limit 200]   # progress posts, in-process
    python -m bench.profile web-write-cpu --events 1e6 [--limit 1000]  # their CPU and SQL, unprofiled
    python -m bench.profile read "CCO dashboard" --events 1e6      # one read (+ query plans)

`web-write` drives the Flask app with its test client on a scratch copy (no server, no
sockets): session, CSRF, command, save, catch-up and render, as in the web benchmark.
cProfile's own cost per call inflates Python-heavy code (templates, deep copies, proxies) several
times over, so `web-write-cpu` measures the same posts without it: CPU per post
(`time.process_time`) and the SQL statements each post runs, per database file. To tell what a
change saves, compare it with and without in one process: the machine's load moves CPU times
by ±15 % between runs.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import gc
import io
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
import pstats
import tempfile
from pathlib import Path

from bench.generate import PASSWORD, Store, ensure_store, open_app
from bench.measure.clients import percent, writers
from bench.measure.reads import read_cases
from bench.workspace import ensure_views, scratch_copy
from projections.database import open_views
from projections.runner import Runner
from projections.views import all_views


def top(profile: cProfile.Profile, entries: int = 25) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(entries)
    stats.sort_stats("tottime").print_stats(entries)
    return out.getvalue()


def profile_rebuild(store: Store, limit: int) -> str:
    app = open_app(store.data)
    with tempfile.TemporaryDirectory() as tmp:
        runner = Runner(app, open_views(Path(tmp) / "views.sqlite3"), all_views(), batch_size=2000)
        runner.prepare()
        profile = cProfile.Profile()
        profile.enable()
        runner.catch_up(limit)
        profile.disable()
        runner.close()
    app.close()
    return top(profile)


@contextmanager
def _signed_in_poster(store: Store) -> Iterator[Callable[[int], None]]:
    """`post(i)`: the web benchmark's i-th progress post of its first writer, through the Flask
    test client on a scratch copy, signed in; ten posts already made (warm caches)."""
    from web import create_app

    from bench.http import csrf_token

    writer = writers(store, 1, 20)[0]
    with scratch_copy(store, "profile") as data:
        app = create_app({"DATA_DIR": str(data.path)})
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        client.post("/login", data={"email": writer.email, "password": PASSWORD,
                                    "csrf_token": csrf_token(page)})
        token = csrf_token(client.get(f"/commitments/{writer.commitments[0]}").get_data(as_text=True))

        def post(i: int) -> None:
            done = client.post(f"/commitments/{writer.commitment(i)}/progress",
                               data={"csrf_token": token, "percent": str(percent(i)), "note": "p"},
                               headers={"HX-Request": "true", "X-CSRFToken": token})
            assert done.status_code == 200, done.status_code

        for i in range(10):
            post(-i - 1)
        try:
            yield post
        finally:
            app.extensions["cx"].tracker.close()


def profile_web_write(store: Store, limit: int) -> str:
    with _signed_in_poster(store) as post:
        profile = cProfile.Profile()
        profile.enable()
        for i in range(limit):
            post(i)
        profile.disable()
    return top(profile)


_LITERALS = re.compile(r"x?'[^']*'|\b\d+(\.\d+)?\b")


def web_write_cpu(store: Store, limit: int) -> str:
    """CPU per web progress post, then the SQL statements per post by database file."""
    connect = sqlite3.connect
    statements: collections.Counter[tuple[str, str]] = collections.Counter()
    tracing = [False]

    def traced(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)  # type: ignore[call-overload]
        name = Path(str(args[0] if args else kwargs.get("database"))).name

        def trace(sql: str) -> None:
            if tracing[0]:
                statements[(name, _LITERALS.sub("?", " ".join(sql.split()))[:110])] += 1
        conn.set_trace_callback(trace)
        return conn

    sqlite3.connect = traced  # type: ignore[assignment]  # every connection the app opens
    try:
        with _signed_in_poster(store) as post:
            gc.collect()
            started = time.process_time()
            for i in range(limit):
                post(i)
            cpu = time.process_time() - started
            tracing[0] = True
            for i in range(limit, limit + 100):
                post(i)
            tracing[0] = False
    finally:
        sqlite3.connect = connect
    by_file: collections.Counter[str] = collections.Counter()
    for (name, _), n in statements.items():
        by_file[name] += n
    out = [f"CPU per post: {cpu / limit * 1000:.2f} ms ({limit} posts, {store.events:,} events)",
           f"SQL statements per post: {sum(by_file.values()) / 100:.2f} "
           f"({', '.join(f'{k} {v / 100:.2f}' for k, v in sorted(by_file.items()))})"]
    out += [f"  {n / 100:5.2f}  {name:17} {sql}" for (name, sql), n in statements.most_common()]
    return "\n".join(out)


def profile_read(store: Store, name: str, limit: int) -> str:
    head = ensure_views(store)
    db = open_views(store.data.views)
    cases = read_cases(db, store, head)
    if name not in cases:
        raise SystemExit(f"no read {name!r}; one of: {', '.join(cases)}")
    read, _ = cases[name]
    plans: dict[str, list[str]] = {}

    def trace(statement: str) -> None:
        text = " ".join(statement.split())
        if text.upper().startswith(("SELECT", "WITH")) and text not in plans:
            plans[text] = []

    db.conn.set_trace_callback(trace)
    read()
    db.conn.set_trace_callback(None)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(limit):
        read()
    profile.disable()
    out = [top(profile, 15), "Statements and their query plans:"]
    for text in plans:
        out.append("\n" + text[:600])
        try:
            for row in db.execute("EXPLAIN QUERY PLAN " + text).fetchall():
                out.append(f"    {row[-1]}")
        except Exception as e:  # literal values were bound as parameters
            out.append(f"    (plan not shown: {e})")
    db.close()
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("rebuild", "web-write", "web-write-cpu", "read"))
    parser.add_argument("name", nargs="?", default="", help="the read's name (for 'read')")
    parser.add_argument("--events", type=lambda s: int(float(s)), default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0, help="events / requests / calls")
    args = parser.parse_args(argv)
    store = ensure_store(args.events, args.seed)
    if args.what == "rebuild":
        print(profile_rebuild(store, args.limit or 20_000))
    elif args.what == "web-write":
        print(profile_web_write(store, args.limit or 200))
    elif args.what == "web-write-cpu":
        print(web_write_cpu(store, args.limit or 1000))
    else:
        print(profile_read(store, args.name, args.limit or 5))


if __name__ == "__main__":
    main()
