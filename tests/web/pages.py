"""Every page of the web app, as paths to GET: found from `app.url_map`, so a new page is rendered
by the tests that use this module without being listed here. Used by the tests that render every
page for every role (tests/web/test_extreme_values.py) and by the fuzz test."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from flask import Flask

# Routes that are not pages: files, and sign-in / sign-out (their own tests cover them).
NOT_PAGES = frozenset({"static", "home.favicon", "auth.login", "auth.logout"})
# Query strings that show more of a page, or the page at another instant: each is rendered too.
VARIANTS: dict[str, tuple[str, ...]] = {
    "board.index": ("closed=all", "department=customer-service"),
    "accountability.index": ("owners=all", "sort=name&order=asc"),
    "audit.as_of_dashboard": ("day=1900-01-01", "day=2199-12-31", "day=2026-06-30&time=12:00"),
    "audit.as_of_board": ("day=2199-12-31&closed=all", "day=1900-01-01"),
    "audit.as_of_accountability": ("day=2199-12-31&owners=all",),
    "audit.diff": ("fromday=1900-01-01&today=2199-12-31", "fromday=2026-01-01"),
    "audit.history": ("since=1900-01-01&until=2199-12-31",),
    "timeline.index": ("since=1900-01-01&until=2199-12-31",),
    "timeline.chart": ("department=customer-service",),
    "celebrations.index": ("page=2",),
    "patterns.index": ("q=complaint&retired=1", "journey=support", "journey=no-such-journey"),
    "audit.as_of_patterns": ("day=1900-01-01", "day=2199-12-31"),
    "scorecards.index": ("period=2026-Q1", "period=1900-Q1", "period=2199"),
    "audit.as_of_scorecards": ("day=1900-01-01", "day=2199-12-31"),
}
# A pattern no organisation has (its pages answer 404); tests with patterns pass their own ids.
NO_SUCH_PATTERN = UUID("00000000-0000-4000-8000-000000000000")


def page_rules(app: Flask) -> list[Any]:
    """The GET routes that are pages."""
    return [r for r in app.url_map.iter_rules()
            if "GET" in (r.methods or ()) and r.endpoint not in NOT_PAGES]


def page_paths(app: Flask, commitments: Iterable[UUID], patterns: Iterable[UUID] = ()) -> list[str]:
    """Every page: each route without arguments once (and with its `VARIANTS`), each commitment
    route once per commitment given, each pattern route once per pattern given (and for one
    that does not exist)."""
    ids = list(commitments)
    pattern_ids = [*patterns, NO_SUCH_PATTERN]
    paths: list[str] = []
    for rule in page_rules(app):
        arguments = set(rule.arguments)
        if arguments - {"commitment_id", "token", "key", "pattern_id", "revision", "scorecard_id"}:
            raise AssertionError(f"tests/web/pages.py does not know how to fill {rule.rule}")
        if "pattern_id" in arguments:  # a pattern (and its first version)
            fills = [{"pattern_id": p, **({"revision": 1} if "revision" in arguments else {})}
                     for p in pattern_ids]
        elif arguments == {"token"}:  # a one-time link: an unknown token is its refusal page
            fills = [{"token": "not-a-token-anyone-was-given"}]
        elif arguments == {"scorecard_id"}:  # none known here: the nil id and no id at all
            fills = [{"scorecard_id": str(UUID(int=0))}, {"scorecard_id": "not-a-scorecard"}]
        elif arguments == {"key"}:  # a KPI: the organisation's own, and one it does not have
            fills = [{"key": "nps"}, {"key": "no-such-kpi"}]
        else:
            fills = [{"commitment_id": c} for c in ids] if arguments else [{}]
        for fill in fills:
            with app.test_request_context():
                base = app.url_for(rule.endpoint, **fill)
            paths.append(base)
            paths += [f"{base}?{query}" for query in VARIANTS.get(rule.endpoint, ())]
    return paths
