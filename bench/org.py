"""The benchmark organisation's fixed content: 50 departments, journeys, KPIs and phrases.

Everything random about the organisation (people, commitments, their stories) comes from the
generator's seeded `Random`; this module only holds the vocabulary it draws from.
"""

from __future__ import annotations

from dataclasses import dataclass

PLAN_NAME = "Benchmark Corp — customer-experience action plan"
VISION = "Customers get a straight answer the first time and never have to chase us."
REVISED_VISIONS = (
    "Customers get a straight answer the first time; we fix causes, not just contacts.",
    "Every department can show, with numbers, how it made customers' lives easier this quarter.",
    "We tell customers about problems before they notice them, and we keep our word on dates.",
)

_DEPARTMENT_NAMES = (
    "Marketing", "Sales", "Operations", "Customer Service", "Product Development", "IT",
    "Finance", "HR", "Business Development", "Executive Leadership", "Legal", "Procurement",
    "Logistics", "Warehousing", "Field Service", "Installation", "Billing", "Collections",
    "Credit Control", "Pricing", "Partnerships", "Channel Sales", "Inside Sales", "Key Accounts",
    "Public Sector Sales", "Onboarding", "Training", "Documentation", "Community", "Social Media",
    "Brand", "Events", "Research", "User Experience", "Design", "Quality Assurance",
    "Site Reliability", "Security", "Data Platform", "Analytics", "Compliance", "Risk",
    "Facilities", "Internal Communications", "Renewals", "Customer Success",
    "Technical Support", "Returns", "Retail Stores", "Contact Centre",
)
assert len(_DEPARTMENT_NAMES) == 50


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


DEPARTMENTS: tuple[tuple[str, str], ...] = tuple((_slug(n), n) for n in _DEPARTMENT_NAMES)

# (key, name, lead department)
JOURNEYS: tuple[tuple[str, str, str], ...] = (
    ("awareness", "Awareness", "marketing"),
    ("buying", "Buying", "sales"),
    ("onboarding", "Onboarding", "onboarding"),
    ("usage", "Usage", "product-development"),
    ("support", "Support", "customer-service"),
    ("renewal", "Renewal", "renewals"),
)


@dataclass(frozen=True)
class KpiSpec:
    key: str
    name: str
    unit: str
    baseline: float
    target: float
    direction: str


KPIS: tuple[KpiSpec, ...] = (
    KpiSpec("nps", "Net Promoter Score", "points", 12, 35, "up"),
    KpiSpec("csat", "Customer satisfaction", "%", 78, 90, "up"),
    KpiSpec("first-response", "First-response time", "hours", 9.5, 2, "down"),
    KpiSpec("churn", "Monthly churn", "%", 2.4, 1.2, "down"),
    KpiSpec("ces", "Customer effort score", "points", 4.1, 5.5, "up"),
    KpiSpec("fcr", "First-contact resolution", "%", 61, 80, "up"),
    KpiSpec("onboarding-days", "Days to first value", "days", 21, 7, "down"),
    KpiSpec("renewal-rate", "Renewal rate", "%", 84, 93, "up"),
)

FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Femi", "Grace", "Hugo", "Iris", "Jamal", "Kai", "Lena",
    "Marcus", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor", "Wen",
    "Xavier", "Yara", "Zoe",
)
LAST_NAMES = (
    "Adams", "Becker", "Chen", "Diallo", "Evans", "Fischer", "Garcia", "Hughes", "Ivanova",
    "Jones", "Kowalski", "Larsen", "Mehta", "Novak", "Osei", "Petrova", "Quist", "Reed", "Silva",
    "Tanaka", "Ueda", "Varga", "Walsh", "Xu", "Young", "Zimmer",
)

ACTIONS = (
    "Cut", "Halve", "Publish", "Automate", "Simplify", "Replace", "Measure", "Fix", "Redesign",
    "Introduce", "Retire", "Consolidate",
)
OBJECTS = (
    "the hand-off between sales and onboarding", "repeat contacts about invoices",
    "the returns form", "the renewal reminder sequence", "first-response times on chat",
    "the self-service knowledge base", "escalations to second-line support",
    "delivery-date promises", "the onboarding checklist", "password-reset contacts",
    "the complaints process", "the status page", "the pricing page", "field-visit rescheduling",
    "the account-closure journey", "duplicate customer records",
)
PROGRESS_NOTES = (
    "Kick-off done, owners agreed.", "First draft reviewed with the team.",
    "Pilot running with a small group of customers.", "Pilot results look good.",
    "Rolled out to half of the customers.", "Waiting on a supplier, still on plan.",
    "Training material ready.", "Measured the effect: contacts down.",
    "Fine-tuning after feedback.", "Nearly there: last items being closed.",
)
MOVE_REASONS = (
    "Supplier delivery slipped.", "Scope grew after the pilot.", "Team was pulled into an incident.",
    "Waiting for the new contract to be signed.", "Peak season: change freeze.",
    "Dependency on IT release moved.",
)
HANDOVER_REASONS = (
    "Owner moved to another project.", "Rebalancing the team's workload.",
    "Parental leave.", "Better placed with the specialist team.",
)
ROADBLOCKS = (
    "Cannot get the data export we need.", "Blocked by missing access rights.",
    "Vendor contract not yet signed.", "Needs a change in the billing system.",
    "Legal review is pending.", "No budget approved for the tool.",
)
RESOLUTIONS = (
    "Export delivered.", "Access granted.", "Contract signed.", "Change released.",
    "Review done, go ahead.", "Budget approved.",
)
EVIDENCE = (
    "Dashboard shows the target reached for four weeks.", "Release notes and customer survey.",
    "Process document published and signed off.", "Before/after figures attached.",
)
WITHDRAW_REASONS = (
    "Superseded by a company-wide programme.", "No longer relevant after the re-organisation.",
    "Customer research showed it would not help.",
)
CELEBRATIONS = (
    "Great work, customers noticed!", "Thanks to everyone who helped.",
    "A real win for the renewal journey.", "Done ahead of time — well done.",
)
CCO_NOTES = (
    "Please link this to the KPI review next month.", "Raised at the CEO review: keep going.",
    "Check with the neighbouring departments before the roll-out.",
)
