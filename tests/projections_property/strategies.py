"""What the state machine draws: who acts, on whom, and with which values.

Most strategies give a valid value most of the time and a refused one otherwise (`mostly`), so
that every command is both carried out and refused many times over a run. Who acts decides
the rest: "own-lead" (the lead of the department the command is about) and the CCO are allowed,
the others mostly are not.
"""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any
from uuid import UUID

from hypothesis import strategies as st


def mostly(valid: st.SearchStrategy[Any], *refused: Any, odds: int = 5) -> st.SearchStrategy[Any]:
    """A value from `valid` about `odds` times in `odds + 1`, else one of the `refused` values.

    (`one_of` would pick each branch equally often.) Both are drawn and one is kept, with `map`
    rather than `flatmap`, which shrinks poorly; shrinking goes towards the valid value.
    """
    return st.tuples(st.integers(0, odds), valid, st.sampled_from(refused)).map(
        lambda drawn: drawn[2] if drawn[0] == odds else drawn[1])


def weighted(*pairs: tuple[int, Any]) -> st.SearchStrategy[Any]:
    """One of the values, each as often as its weight says."""
    return st.sampled_from([value for weight, value in pairs for _ in range(weight)])


# Members. `build_org` registers the first six; the machine adds Pat and Sam; Kim and Lee are
# registered only by `register_member`; nobody@ never is.
CCO = "cco@example.com"
LEADS = tuple(f"lead.{d}@example.com" for d in ("customer-service", "it", "sales"))
EXECUTIVE, AUDITOR = "ceo@example.com", "auditor@example.com"
PAT = "pat@example.com"  # lead of customer-service and it
SAM = "sam@example.com"  # no role at first
NEWCOMERS = ("kim@example.com", "lee@example.com")
NOBODY = "nobody@example.com"
MEMBERS = (CCO, *LEADS, EXECUTIVE, AUDITOR, PAT, SAM, *NEWCOMERS, NOBODY)

# Who acts. "own-lead" stands for the lead of the department a command is about.
OWN_LEAD = "own-lead"
ACTORS = weighted((10, OWN_LEAD), (4, CCO), *((1, m) for m in MEMBERS if m != CCO))
ADMINS = weighted((20, CCO), *((1, m) for m in MEMBERS if m != CCO))  # for CCO-only commands
OWNERS = weighted((4, OWN_LEAD), *((1, m) for m in MEMBERS), (1, "not-an-email"))
# Whom the member commands are about: mostly the extra members, so that the leads the other
# commands rely on stay in place most of the time (Kim and Lee exist once registered).
SUBJECTS = weighted(
    (4, PAT), (4, SAM), *((1, m) for m in NEWCOMERS), (1, CCO), (1, LEADS[2]), (1, EXECUTIVE),
    (1, AUDITOR), (1, NOBODY), (1, "not-an-email"),
)
# For revoking roles: mostly members who hold some.
HOLDERS = weighted((4, PAT), (2, SAM), (2, EXECUTIVE), (2, AUDITOR), (1, LEADS[2]), (1, CCO),
                   (1, NEWCOMERS[0]), (1, NOBODY))
# New owners: mostly ones who can act for the department (the CCO; Pat for customer-service and
# IT), since the current owner is usually its own lead and another department's lead is refused.
NEW_OWNERS = mostly(weighted((3, CCO), (2, PAT), (1, OWN_LEAD), *((1, lead) for lead in LEADS),
                             (1, SAM)), NOBODY, "not-an-email")
NEW_EMAILS = mostly(st.sampled_from(NEWCOMERS), SAM, "not-an-email")

# Roles: a (role, department) grant; only a lead's names a department.
GRANTS = mostly(
    st.sampled_from([("lead", "customer-service"), ("lead", "it"), ("lead", "sales"),
                     ("executive", None), ("auditor", None), ("cco", None)]),
    ("boss", None), ("lead", None), ("executive", "it"), ("lead", "nowhere"), ("lead", "marketing"),
)
HELD = "held"  # stands for the role the member was granted last
REVOKED = mostly(st.just(HELD), ("auditor", None), ("lead", "sales"), ("boss", None), odds=3)

# Departments: "marketing" exists once `add_department` added it; "nowhere" never does.
DEPARTMENTS = ("customer-service", "it", "sales")
COMMITTING = mostly(st.sampled_from(DEPARTMENTS), "marketing", "nowhere")
ANY_DEPARTMENT = weighted((2, "customer-service"), (2, "it"), (2, "sales"), (1, "marketing"),
                          (1, "nowhere"))
# Whom help is asked of: named relative to the commitment's department (its "own", refused, or
# the first or second other in DEPARTMENTS order), or a department that may not exist.
RELATIVE = ("own", "first other", "second other")
HELPERS = mostly(st.sampled_from(RELATIVE[1:]), "own", "marketing", "nowhere", odds=3)
MAYBE_HELPERS = st.one_of(st.none(), HELPERS)
# Where a commitment moves: another of DEPARTMENTS (whose lead can go on acting), or refused.
MOVES = mostly(st.sampled_from(RELATIVE[1:]), "own", "nowhere", odds=3)
NEW_DEPARTMENTS = mostly(st.sampled_from(["marketing", "legal", "finance"]), "it", "Bad Slug")
JOURNEY_KEYS = mostly(st.sampled_from(["onboarding", "billing", "returns"]), "support", "Bad Key")
# Renames: mostly a new name, sometimes a clash (another department's) or nothing.
RENAMES = mostly(st.sampled_from(["Customer Care", "Technology", "Revenue", "Élan ✓"]), "Sales", "")
# What a merge or retirement retires: mostly a department added on the way, sometimes one with
# commitments (then they move or the retirement is refused), or one that does not exist.
RETIRING = weighted((4, "marketing"), (2, "legal"), (1, "finance"), (2, "sales"), (1, "nowhere"))
KNOWN_JOURNEYS = mostly(st.just("support"), "onboarding", "nowhere")  # onboarding: if defined
JOURNEY_LEADS = mostly(st.sampled_from(DEPARTMENTS), "marketing", "nowhere")

# Texts: "" and "  " are refused wherever a text is required, "ok" where 3 characters are.
VALID_TEXTS = st.sampled_from(["Vendor delay", "Budget found", "Élan — ünïcode ✓"])
REASONS = mostly(st.one_of(VALID_TEXTS, st.just("ok")), "", "  ")
LONG_TEXTS = mostly(VALID_TEXTS, "", "ok")
NOTES = st.sampled_from(["", "queues mapped"])
TITLES = mostly(
    st.sampled_from(["Answer within 4 hours", "Self-service portal", "Win-back calls", "Élan — ü"]),
    "ok", "",
)

# Numbers and dates (as days from today; a string is a bad date).
PERCENTS = mostly(st.one_of(st.integers(0, 100), st.just(" 50 ")), -5, 150, "x", "½")
VERSIONS = mostly(st.none(), 1, 3, 99, odds=3)  # a stale expected version is a Conflict
DUE = mostly(st.integers(0, 90), -3, -1, "2026-02-30")
COMPLETED_ON = mostly(st.sampled_from([None, None, None, 0, -1, -20]), 1, 3, "someday")
JOURNEYS = weighted((6, None), (1, "support"), (1, "onboarding"), (1, "nowhere"))
KPIS = weighted((6, None), (1, "nps"), (1, "csat"))
KPI_KEYS = mostly(st.sampled_from(["csat", "churn", "fcr"]), "nps", "Bad Key")
KPI_CHANGES = mostly(st.sampled_from([-3, -1, 2, 5]), 0)  # from the baseline to the target
KPI_DIRECTIONS = mostly(st.none(), "sideways", "up", "down")  # None: implied by the change
MEASURED_KPIS = mostly(st.just("nps"), "csat", "nowhere")  # csat: if defined
MEASUREMENTS = mostly(st.one_of(st.integers(-10, 100), st.just("12.5")), float("nan"), "abc")
UNKNOWN_COMMITMENT = UUID(int=404)

# Time: how long to wait before a command (often not at all: commands then share an instant)
# and how far the clock jumps in a `tick`.
WAITS = st.one_of(
    st.just(timedelta(0)),
    st.integers(1, 59).map(lambda n: timedelta(minutes=n)),
    st.just(timedelta(0)),
    st.integers(1, 3).map(lambda n: timedelta(microseconds=n)),
    st.integers(1, 23).map(lambda n: timedelta(hours=n)),
    st.integers(1, 5).map(lambda n: timedelta(days=n)),
)
TICKS = st.one_of(
    st.integers(1, 40).map(lambda n: timedelta(days=n)),
    st.integers(1, 3).map(lambda n: timedelta(microseconds=n)),
    st.integers(1, 23).map(lambda n: timedelta(hours=n)),
)
# The zones the earlier instants are given in (the board's health uses the UTC date).
ZONES = (timezone.utc, timezone(timedelta(hours=-8)), timezone(timedelta(hours=5, minutes=30)),
         timezone(timedelta(hours=14)))
