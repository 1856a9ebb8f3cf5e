"""Where the time goes, for the notes on missed targets: cProfile's top entries.

    python -m bench.profile rebuild --events 1e5 [--limit 20000]   # a catch-up from empty views
    python -m bench.profile web-write --events 1e5 [--limit 200]   # progress posts, in-process
    python -m bench.profile read "CCO dashboard" --events 1e6      # one read (+ query plans)

`web-write` drives the Flask app with its test client on a scratch copy (no server, no
sockets): session, CSRF, command, save, catch-up and render, as in the web benchmark.
"""

from __future__ import annotations

import argparse
import cProfile
import io
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


def profile_web_write(store: Store, limit: int) -> str:
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
        profile = cProfile.Profile()
        profile.enable()
        for i in range(limit):
            post(i)
        profile.disable()
        app.extensions["cx"].tracker.close()
    return top(profile)


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
    parser.add_argument("what", choices=("rebuild", "web-write", "read"))
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
    else:
        print(profile_read(store, args.name, args.limit or 5))


if __name__ == "__main__":
    main()
