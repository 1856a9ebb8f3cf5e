"""Reads: the pages' queries against the store's caught-up views, p50 and p99 server time.

Each read cycles through its parameters (departments, members, instants), so no single cached
plan or page flatters it. Reads are the query functions the web pages call (`projections.queries`),
timed directly: database time plus building the rows, without template rendering.
The "CCO dashboard" is every query the dashboard page runs (web/blueprints/dashboard.py) except
the SVG sparklines; "accountability" is both of the accountability page's tables as it reads them by
default (every department; the first 100 owners by name, and how many there are); "board: one
department" is the board page's commitments (open, closed in the last 90 days) and closed counts;
"board as of an instant" likewise what the as-of board page reads (web/blueprints/audit.py: open
then, closed in the 90 days before, the closed ones counted), and "every commitment made" the whole
board then that the `as-of` command prints and the diff compares (no target: an export);
"dashboard as of an instant" is the as-of dashboard page's whole work (`plan_as_of`, its parts,
the 10 roadblocks open longest as the page lists them); "accountability as of an instant" the
as-of accountability page's (`plan_as_of` with its ACCOUNTABILITY part).
Baseline: the raw floor of any page, the newest 50 timeline rows fetched by primary key through
plain `sqlite3`, in the same run; the ratio is how many such raw page reads each read costs.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from bench import org
from bench.generate import Store
from bench.generator import head_email
from bench.report import Figure, ratio
from bench.settings import AS_OF_P99_TARGET, READ_P99_TARGET, Settings
from bench.stats import Latency, sample
from bench.workspace import ensure_views
from projections.audit.as_of import ACCOUNTABILITY, DASHBOARD, plan_as_of
from projections.database import open_views
from projections.queries import accountability, board, celebrations, directory, history, kpis
from projections.queries import roadblocks, timeline
from tracker.domain import member_id

Read = Callable[[], object]
ROADBLOCKS_SHOWN = 10  # as web/blueprints/dashboard.py (bench reads the projections, not the web)
OWNERS_SHOWN = 100  # the accountability page's owners by name before "Show all" (web/settings.py)
# Each read's mean CPU time (this process's, warm-up calls included) is shown beside its p50: on a
# shared machine the wall-clock p99 waits for the CPU, the CPU time does not.
WARMUP = 2


def cycling(values: list[Any], call: Callable[[Any], object]) -> Read:
    it = itertools.cycle(values)
    return lambda: call(next(it))


def dashboard(db: Database, today: date) -> dict[str, Any]:
    """What the CCO dashboard page reads (without drawing its sparklines)."""
    blocked, _ = roadblocks.oldest_open(db, today, 10)
    overview = kpis.kpi_overview(db)
    by_department, by_journey = board.health_overview(db, today)
    return {
        "plan": directory.plan(db),
        "by_department": by_department,
        "by_journey": by_journey,
        "at_risk": board.at_risk(db, today, limit=12),
        "at_risk_total": board.count_at_risk(db, today),
        "roadblocks": blocked,
        "department_names": directory.department_names(db),
        "wins": celebrations.wall(db, include_wins=True, limit=6),
        "kpis": [kpis.kpi_values(db, k["key"]) for k in overview],
    }


def board_page(db: Database, today: date, department: str) -> tuple[object, object]:
    """What one department's board page reads: open commitments, those closed recently, and
    every closed one counted (web/blueprints/board.py, without its roadblock and names lists)."""
    since = today - timedelta(days=board.RECENTLY_CLOSED_DAYS)
    return (board.board(db, today=today, department=department, closed_since=since),
            board.closed_counts(db, department=department))


def board_as_of_page(db: Database, instant: datetime, department: str | None = None
                     ) -> tuple[object, object]:
    """What the as-of board page reads: the commitments open then or closed in the 90 days
    before, and the closed ones then counted (web/blueprints/audit.py `_board_then`)."""
    since = instant.date() - timedelta(days=board.RECENTLY_CLOSED_DAYS)
    return (history.board_as_of(db, instant, department=department, closed_since=since),
            history.closed_counts_as_of(db, instant, department=department))


def read_cases(db: Database, store: Store, head: int) -> dict[str, tuple[Read, float | None]]:
    """name -> (read, p99 target in seconds, or None: no target)."""
    today = store.today.date()
    first = datetime.fromisoformat(store.meta["first_instant"])
    span = store.today - first
    depts = [slug for slug, _ in org.DEPARTMENTS]
    heads = [str(member_id(head_email(d))) for d in depts]
    months = [(first + span * f).date().replace(day=1) for f in (0.2, 0.4, 0.6, 0.8, 0.95)]
    instants = [first + span * f for f in (0.1, 0.3, 0.5, 0.7, 0.9, 1.0)]
    pairs = list(itertools.product(depts[:10], months))
    t = READ_P99_TARGET
    return {
        "timeline: newest page": (lambda: timeline.timeline_page(db), t),
        "timeline: by department": (cycling(depts, lambda d: timeline.timeline_page(db, department=d)), t),
        "timeline: by actor": (cycling(heads, lambda a: timeline.timeline_page(db, actor=a)), t),
        "timeline: rare kind": (cycling(["Withdrawn", "JourneyLeadChanged", "Deactivated"],
                                        lambda k: timeline.timeline_page(db, kind=k)), t),
        "timeline: department + kind + month": (cycling(pairs, lambda p: timeline.timeline_page(
            db, department=p[0], kind="ProgressReported", since=p[1],
            until=p[1] + timedelta(days=30))), t),
        "timeline: one week": (cycling(months, lambda m: timeline.timeline_page(
            db, since=m, until=m + timedelta(days=6))), t),
        "timeline: page deep in history": (cycling(
            [head // 2, head // 4, head // 10],
            lambda b: timeline.timeline_page(db, department="customer-service", before=b)), t),
        "CCO dashboard": (lambda: dashboard(db, today), t),
        "accountability page": (lambda: (accountability.by_department(db, today),
                                         accountability.by_owner(db, today, limit=OWNERS_SHOWN),
                                         accountability.count_owners(db)), t),
        "accountability: one department's owners": (cycling(
            depts, lambda d: accountability.by_owner(db, today, department=d)), t),
        "board: one department": (cycling(depts, lambda d: board_page(db, today, d)), t),
        "board as of an instant: one department": (cycling(
            list(itertools.product(depts[:10], instants)),
            lambda p: board_as_of_page(db, p[1], p[0])), AS_OF_P99_TARGET),
        "board as of an instant: whole plan": (cycling(
            instants, lambda i: board_as_of_page(db, i)), AS_OF_P99_TARGET),
        "board as of an instant: every commitment made (as-of export)": (cycling(
            instants, lambda i: history.board_as_of(db, i)), None),
        "dashboard as of an instant": (cycling(
            instants, lambda i: plan_as_of(db, i, (DASHBOARD,), roadblocks_shown=ROADBLOCKS_SHOWN)),
            AS_OF_P99_TARGET),
        "accountability as of an instant": (cycling(
            instants, lambda i: plan_as_of(db, i, (ACCOUNTABILITY,))), AS_OF_P99_TARGET),
    }


def raw_page(path: str) -> tuple[Read, Callable[[], None]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def read() -> object:
        return conn.execute("SELECT * FROM timeline ORDER BY position DESC LIMIT 50").fetchall()

    return read, conn.close


def measure_reads(store: Store, s: Settings) -> list[Figure]:
    head = ensure_views(store)
    db = open_views(store.data.views)
    raw, close_raw = raw_page(str(store.data.views))
    figures: list[Figure] = []
    try:
        base = sample(raw, repeat=max(s.read_repeat, 50), min_seconds=s.read_min_seconds)
        for name, (read, target) in read_cases(db, store, head).items():
            cpu = time.process_time()
            found = sample(read, repeat=s.read_repeat, min_seconds=s.read_min_seconds, warmup=WARMUP)
            cpu_ms = (time.process_time() - cpu) / (found.n + WARMUP) * 1e3
            figures.append(_figure(store.events, name, found, base, target, cpu_ms))
    finally:
        close_raw()
        db.close()
    return figures


def _figure(size: int, name: str, found: Latency, base: Latency, target: float | None,
            cpu_ms: float) -> Figure:
    return Figure(
        size, f"read: {name} (p99)", found.p99 * 1e3, "ms", base.p50 * 1e3, "raw 50-row page p50",
        ratio(found.p99, base.p50), "" if target is None else f"p99 ≤ {target * 1e3:.0f} ms",
        None if target is None else found.p99 <= target,
        {"read": found.as_ms(), "raw_page": base.as_ms(), "cpu_ms_mean": cpu_ms},
        f"p50 {found.p50 * 1e3:.2f} ms, CPU {cpu_ms:.2f} ms",
    )
