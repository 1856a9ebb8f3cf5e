"""The demo organisation's static content: the plan, its departments, people, journeys and KPIs.

Nothing here depends on the date the demo is created; the story (`story.py`) places it in time.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.domain.member import AUDITOR, CCO, EXECUTIVE, LEAD

PLAN_NAME = "Northwind Cloud — customer-experience action plan"

VISION = (
    "Every customer gets a straight answer the first time, from anyone they talk to, and never "
    "has to chase us. We earn renewals by fixing the causes of contacts, not just the contacts."
)
REVISED_VISION = (
    "Every customer gets a straight answer the first time, from anyone they talk to, and never "
    "has to chase us. We fix the causes of contacts, not just the contacts; we tell customers "
    "about problems before they notice them; and every department can show, with numbers, how it "
    "made customers' lives easier this quarter."
)

# (slug, name), in the order the CCO set them up.
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("marketing", "Marketing"),
    ("sales", "Sales"),
    ("operations", "Operations"),
    ("customer-service", "Customer Service"),
    ("product-development", "Product Development"),
    ("it", "IT"),
    ("finance", "Finance"),
    ("hr", "HR"),
    ("business-development", "Business Development"),
    ("executive-leadership", "Executive Leadership"),
)


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    role: str
    department: str | None = None


def _person(name: str, department: str) -> Person:
    """A department member with write access to their department's commitments."""
    email = name.lower().replace(" ", ".") + "@example.com"
    return Person(email, name, LEAD, department)


CCO_PERSON = Person("cco@example.com", "Cara Whitfield", CCO)

HEADS: tuple[Person, ...] = (
    Person("ceo@example.com", "Margaret Osei", EXECUTIVE),
    Person("auditor@example.com", "Felix Braun", AUDITOR),
) + tuple(
    Person(f"lead.{slug}@example.com", name, LEAD, slug)
    for slug, name in (
        ("marketing", "Priya Raman"),
        ("sales", "Marcus Hill"),
        ("operations", "Grace Liu"),
        ("customer-service", "Jamal Reed"),
        ("product-development", "Elena Petrova"),
        ("it", "Victor Andersson"),
        ("finance", "Helen Brooks"),
        ("hr", "Naomi Clarke"),
        ("business-development", "Arjun Mehta"),
        ("executive-leadership", "Robert Hayes"),
    )
)

# Owners of commitments besides the department heads, registered on the second day.
STAFF: tuple[Person, ...] = tuple(
    _person(name, slug)
    for slug, name in (
        ("marketing", "Tom Becker"),
        ("marketing", "Lena Fischer"),
        ("sales", "Daniel Okafor"),
        ("sales", "Sofia Marquez"),
        ("operations", "Omar Haddad"),
        ("operations", "Ines Duarte"),
        ("customer-service", "Chloe Martin"),
        ("customer-service", "Ravi Patel"),
        ("customer-service", "Mia Novak"),
        ("product-development", "Kenji Watanabe"),
        ("product-development", "Aisha Bello"),
        ("it", "Nora Quinn"),
        ("it", "Samuel Adeyemi"),
        ("finance", "Pablo Ortega"),
        ("hr", "Lukas Weber"),
        ("business-development", "Zoe Laurent"),
        ("executive-leadership", "Isabel Moreno"),
    )
)

# Daniel leaves the company four months in; his commitments are handed over first, partly to
# Hannah, who joins two weeks before he leaves.
LEAVER = "daniel.okafor@example.com"
LEAVER_REASON = "Left Northwind; his commitments were handed over to the Sales team beforehand."
NEW_HIRE = _person("Hannah Lindqvist", "sales")

PEOPLE: tuple[Person, ...] = (CCO_PERSON, *HEADS, *STAFF, NEW_HIRE)


def head_of(department: str) -> str:
    return f"lead.{department}@example.com"


def email_of(owner: str, department: str) -> str:
    """A commitment's owner as written in the catalogue: "lead" or a first.last local part."""
    return head_of(department) if owner == "lead" else f"{owner}@example.com"


# (key, name, lead department); the renewal journey moves to Customer Service after a month.
JOURNEYS: tuple[tuple[str, str, str], ...] = (
    ("awareness", "Awareness", "marketing"),
    ("buying", "Buying", "sales"),
    ("onboarding", "Onboarding", "operations"),
    ("usage", "Usage", "product-development"),
    ("support", "Support", "customer-service"),
    ("renewal", "Renewal", "sales"),
)
JOURNEY_LEAD_CHANGE = ("renewal", "customer-service")


@dataclass(frozen=True)
class KpiSpec:
    key: str
    name: str
    unit: str
    baseline: float
    target: float
    direction: str
    months_to_target: int
    # Share of the way from baseline to target reached at each monthly measurement.
    path: tuple[float, ...]
    decimals: int
    note: str  # with {n}: the sample size of the month's measurement, drawn from `sample`
    sample: tuple[int, int]


KPIS: tuple[KpiSpec, ...] = (
    KpiSpec("nps", "Net Promoter Score", "points", 18, 35, "up", 6,
            (0.04, 0.12, 0.21, 0.3, 0.41, 0.52), 0, "Relationship survey, {n} responses", (310, 620)),
    KpiSpec("csat", "Customer satisfaction (CSAT)", "% satisfied", 78, 88, "up", 6,
            (0.08, 0.16, 0.28, 0.45, 0.51, 0.63), 1, "Post-ticket survey, {n} responses", (900, 1600)),
    KpiSpec("first-response", "First-response time (median)", "hours", 9.5, 2, "down", 4,
            (0.07, 0.2, 0.37, 0.55, 0.68, 0.79), 1, "Median over {n} tickets", (3800, 5200)),
    KpiSpec("churn", "Monthly logo churn", "%", 2.4, 1.5, "down", 9,
            (0.02, -0.06, 0.09, 0.18, 0.24, 0.33), 2, "{n} accounts up for renewal", (140, 210)),
    KpiSpec("time-to-value", "Time to first value", "days", 21, 10, "down", 6,
            (0.03, 0.12, 0.2, 0.34, 0.43, 0.5), 1, "Median of {n} new accounts", (45, 90)),
)
