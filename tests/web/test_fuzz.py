"""Issue 10, item 11: a fuzz test over every route and parameter of the web app.

Hypothesis picks a visitor (every role, signed out and deactivated included), a route (every rule
of `app.url_map`, GET and POST), path arguments (real ones or junk), and query or form
parameters: every name the pages' forms use (scraped from the rendered pages, so a new field is
fuzzed without being listed here) and every name the blueprints read, with random, huge,
unicode, NUL and calendar-edge values. Posts carry the visitor's CSRF token (mostly) and
sometimes the htmx header. No answer may be a server error or show a traceback.

A fixed, derandomized budget keeps the default run fast (`FUZZ_EXAMPLES`); the `slow` test runs
a larger random one. Each test prints its figures (requests sent, 5xx answers) for the record:
`python -m pytest tests/web/test_fuzz.py -s -p no:cacheprovider` (add `-m slow` for the large one).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import NOW
from tests.web.authz_support import ROLES, World, build_world, close_world
from tests.web.pages import page_paths
from tracker import clock
from tracker.domain import member_id

CCO_EMAIL = "cco@example.com"

FUZZ_EXAMPLES = 200
SLOW_FUZZ_EXAMPLES = 3000
# Files are not code paths; signing out would leave the rest of the run signed out (its own
# tests cover it).
NOT_FUZZED = frozenset({"static", "auth.logout"})
TARGET_MEMBER = "fuzz.target@example.com"  # whom the member forms act on, not a visitor
# Every parameter name the blueprints read from a query string or a form (web/blueprints/,
# web/auth.py, web/forms.py); the names of the rendered forms are added at set-up.
KNOWN_NAMES = (
    "department", "journey", "commitment", "kind", "member", "since", "until", "before", "page",
    "health", "closed", "owners", "sort", "order", "view", "next", "day", "time", "fromday",
    "fromtime", "today", "totime", "section", "expected_version", "csrf_token", "email",
    "password", "role", "name",
)
# What each page reads from its query string (the forms below add what they post).
ROUTE_NAMES = {
    "timeline.index": ("department", "journey", "commitment", "kind", "member", "since", "until",
                       "before"),
    "timeline.chart": ("department",),
    "audit.history": ("department", "commitment", "member", "kind", "since", "until", "before"),
    "audit.as_of_dashboard": ("day", "time"),
    "audit.as_of_board": ("day", "time", "department", "health", "closed"),
    "audit.as_of_accountability": ("day", "time", "owners"),
    "audit.diff": ("fromday", "fromtime", "today", "totime"),
    "celebrations.index": ("department", "page"),
    "accountability.index": ("department", "sort", "order", "owners"),
    "board.index": ("department", "health", "journey", "closed"),
    "board.new_commitment": ("department",),
    "commitments.actions": ("view", "next", "members"),
    "commitments.act": ("next",),
    "auth.login": ("next", "email", "password"),
}
NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
FORM = re.compile(r'<form\b([^>]*)>(.*?)</form>', re.DOTALL)
ACTION = re.compile(r'\baction="([^"]*)"')

EDGE_VALUES = [
    "", " ", "0", "-1", "1", "9223372036854775807", "9223372036854775808", str(2**64),
    "-9223372036854775809", "1" * 400, "1e308", "-1e308", "1e309", "nan", "NaN", "inf", "-inf",
    "0001-01-01", "9999-12-31", "1900-01-01", "2199-12-31", "1899-12-31", "2200-01-01",
    "2026-02-30", "2026-13-01", "00:00", "23:59:59.999999", "24:00", "25:61", "T",
    "0001-01-01T00:00+01:00", "9999-12-31T23:59:59-01:00", "2026-03-02T09:00Z",
    "\x00", "a\x00b", "\x1b[2J", "\r\n", "💥" * 50, "Ω≈ç√∫", "\u202e", "\ufeff",
    "<script>alert(1)</script>", "' OR 1=1 --", "%00", "../../etc/passwd", "//evil.example/",
    "https://evil.example/", "javascript:alert(1)", "all", "asc", "desc", "name", "detail",
    "R1", "R9999999999999999999999", "cco", "lead", "executive", "auditor", "up", "down",
    "customer-service", "it", "sales", "support", "nps", "cco@example.com",
    "lead.customer-service@example.com", "ceo@example.com", "nobody@example.com", str(uuid4()),
    "on track", "at risk", "blocked", "overdue", "done", "done late", "withdrawn",
]
# The values most likely to break a parser: calendar edges, integers past SQLite's, non-numbers,
# NUL, control characters, a huge text. The sweep sends each to every parameter of every route.
SWEEP_VALUES = [
    "9999-12-31", "0001-01-01", "2199-12-31", "1900-01-01", "2026-02-30",
    "0001-01-01T00:00+01:00", "9223372036854775808", str(2**64), "-1", "0", "1e309", "nan",
    "a\x00b", "\x1b[2J", "💥" * 50, "x" * 70_000, "²", "9" * 5000,
]
VALUES = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "é", "💥", "\x00", "9"]),
              st.integers(1000, 70_000)),
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(str),
)


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A fresh organisation per test: the fuzzing changes it (members deactivated, roles
    revoked), and each test should start from the same place."""
    built = build_world(tmp_path_factory.mktemp("fuzz") / "data")
    yield built
    close_world(built)


class Target:
    """The world prepared for fuzzing: routes, parameter names, real path arguments, figures."""

    def __init__(self, world: World) -> None:
        self.world = world
        org = world.org
        with clock.frozen_at(NOW):
            # Owned by the CCO: an earlier sweep in the same world may have deactivated the lead.
            cid = org.commitment(title="A commitment to fuzz", actor=org.cco, owner=CCO_EMAIL)
            org.app.raise_roadblock(org.cco, cid, description="Blocked", help_from="it")
            if member_id(TARGET_MEMBER) not in org.app.repository:  # a second sweep reuses it
                org.app.register_member(org.cco, email=TARGET_MEMBER, name="Fuzz Target",
                                        password="long-password", role="lead", department="sales")
        self.commitments = [str(cid)]
        self.rules = [r for r in world.app.url_map.iter_rules() if r.endpoint not in NOT_FUZZED]
        names = set(KNOWN_NAMES)
        by_route: dict[str, set[str]] = {k: set(v) for k, v in ROUTE_NAMES.items()}
        adapter = world.app.url_map.bind("localhost")
        for role in ("cco", "lead"):
            for path in page_paths(world.app, [cid]):
                html = world.clients[role].get(path).get_data().decode("utf-8", "replace")
                names.update(NAME.findall(html))
                for attributes, inner in FORM.findall(html):
                    action = ACTION.search(attributes)
                    method = "POST" if 'method="post"' in attributes.lower() else "GET"
                    try:
                        endpoint, _ = adapter.match(
                            (action.group(1) if action else path).split("?")[0], method)
                    except Exception:  # a form to another site or a stale action: not ours
                        continue
                    by_route.setdefault(endpoint, set()).update(NAME.findall(inner))
        self.names = sorted(names)
        self.route_names = {k: sorted(v) for k, v in by_route.items()}
        self.figures: Counter[str] = Counter()

    def argument(self, name: str, draw: Any) -> str:
        real = {"commitment_id": self.commitments, "roadblock_id": ["R1", "R2"],
                "email": [TARGET_MEMBER],
                "key": ["nps", "support"]}.get(name, ["x"])
        junk = st.one_of(st.sampled_from(EDGE_VALUES), st.text(min_size=1, max_size=60))
        if name == "commitment_id":  # the URL converter takes only UUIDs: a random one
            junk = st.uuids().map(str)
        return draw(st.one_of(st.sampled_from(real), junk))


@st.composite
def requests(draw: Any, target: Target) -> dict[str, Any]:
    rule = draw(st.sampled_from(target.rules))
    method = draw(st.sampled_from(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})))
    path = rule.rule
    for name in rule.arguments:
        value = target.argument(name, draw)
        path = fill(path, name, value)
    own = target.route_names.get(rule.endpoint) or target.names
    names = draw(st.lists(st.one_of(st.sampled_from(own), st.sampled_from(own),
                                    st.sampled_from(target.names), st.text(max_size=12)),
                          max_size=8))
    params = {n: draw(VALUES) for n in names}
    role = draw(st.sampled_from(ROLES))
    return {"role": role, "method": method, "path": path, "params": params,
            "csrf": draw(st.booleans() | st.just(True)), "htmx": draw(st.booleans())}


def fill(rule: str, name: str, value: str) -> str:
    """The rule with its argument `name` replaced by `value`, URL-quoted."""
    quoted = quote(value)
    return re.sub(rf"<(?:[a-z]+:)?{name}>", lambda _match: quoted, rule)


def quote(value: str) -> str:
    from urllib.parse import quote as q

    return q(value, safe="")


def sweep(target: Target, values: list[str], roles: tuple[str, ...], *,
          one_at_a_time: bool = False) -> None:
    """Every route, every value: each request sets all of the route's own parameters (and its
    path arguments) to one value, as each of `roles`; `one_at_a_time` sends one request per
    parameter instead, so that no parameter's refusal hides another's."""
    for rule in target.rules:
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            names = [n for n in target.route_names.get(rule.endpoint, []) if n != "csrf_token"]
            for value in values:
                path = rule.rule
                for name in rule.arguments:
                    real = _real(target, name, value)
                    path = fill(path, name, real)
                sets = [{n: value} for n in names] if one_at_a_time else [
                    {n: value for n in names}]
                for params in sets:
                    for role in roles:
                        send(target, {"role": role, "method": method, "path": path,
                                      "params": params, "csrf": True, "htmx": False})


def _real(target: Target, name: str, value: str) -> str:
    """A path argument for the sweep: the real commitment (the converter takes only UUIDs), the
    swept value for the others."""
    return target.commitments[0] if name == "commitment_id" else value


def send(target: Target, request: dict[str, Any]) -> None:
    """One request; any server error (or traceback shown) fails the test."""
    world = target.world
    client = world.clients[request["role"]]
    headers = {"HX-Request": "true"} if request["htmx"] else {}
    params = dict(request["params"])
    target.figures["requests"] += 1
    try:
        if request["method"] == "GET":
            response = client.get(request["path"], query_string=params, headers=headers)
        else:
            if request["csrf"]:
                params["csrf_token"] = world.tokens[request["role"]]
            response = client.open(request["path"], method=request["method"], data=params,
                                   headers=headers)
    except Exception as e:  # the test app lets an unhandled error through: a 5xx in production
        target.figures["5xx"] += 1
        raise AssertionError(f"{request['method']} {request['path']} {params!r}: {e!r}") from e
    body = response.get_data().decode("utf-8", "replace")  # some answers are files
    if response.status_code >= 500:
        target.figures["5xx"] += 1
    assert response.status_code < 500 and "Traceback" not in body, (
        f"{request['method']} {request['path']} as {request['role']} {params!r}: "
        f"{response.status_code}")


def run_fuzz(world: World, examples: int, derandomize: bool) -> Counter[str]:
    target = Target(world)

    @settings(max_examples=examples, deadline=None, derandomize=derandomize, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def fuzz(data: st.DataObject) -> None:
        with clock.frozen_at(NOW):
            send(target, data.draw(requests(target)))

    try:
        fuzz()
    finally:
        print(f"\nfuzz: {target.figures['requests']} requests over {len(target.rules)} routes and"
              f" {len(target.names)} parameter names ({len(target.route_names)} routes with their"
              f" own), {target.figures['5xx']} answers 5xx")
    return target.figures


def run_sweep(world: World, values: list[str], roles: tuple[str, ...], *,
              one_at_a_time: bool = False) -> Counter[str]:
    target = Target(world)
    try:
        with clock.frozen_at(NOW):
            sweep(target, values, roles, one_at_a_time=one_at_a_time)
    finally:
        print(f"\nsweep: {target.figures['requests']} requests ({len(values)} values to every"
              f" parameter of {len(target.rules)} routes), {target.figures['5xx']} answers 5xx")
    return target.figures


def test_every_edge_value_in_every_parameter_of_every_route_gives_no_server_error(
    world: World,
) -> None:
    figures = run_sweep(world, SWEEP_VALUES, ("cco",))
    assert figures["requests"] >= len(SWEEP_VALUES) * 40 and figures["5xx"] == 0


def test_fuzzing_every_route_and_parameter_gives_no_server_error(world: World) -> None:
    figures = run_fuzz(world, FUZZ_EXAMPLES, derandomize=True)
    assert figures["requests"] >= FUZZ_EXAMPLES and figures["5xx"] == 0


@pytest.mark.slow
def test_every_edge_value_in_each_parameter_alone_gives_no_server_error(world: World) -> None:
    figures = run_sweep(world, SWEEP_VALUES, ("cco",), one_at_a_time=True)
    assert figures["5xx"] == 0


@pytest.mark.slow
def test_every_value_of_the_lists_for_every_role_gives_no_server_error(
    world: World, tmp_path_factory: pytest.TempPathFactory
) -> None:
    figures = run_sweep(world, EDGE_VALUES + SWEEP_VALUES, ("cco",))
    # The CCO's sweep reorganised the plan (departments retired, members deactivated): every
    # role starts again from a fresh organisation.
    again = build_world(tmp_path_factory.mktemp("fuzz-roles") / "data")
    try:
        figures += run_sweep(again, SWEEP_VALUES, ROLES)
    finally:
        close_world(again)
    assert figures["5xx"] == 0


@pytest.mark.slow
def test_fuzzing_with_a_larger_random_budget_gives_no_server_error(world: World) -> None:
    figures = run_fuzz(world, SLOW_FUZZ_EXAMPLES, derandomize=False)
    assert figures["requests"] >= SLOW_FUZZ_EXAMPLES and figures["5xx"] == 0
