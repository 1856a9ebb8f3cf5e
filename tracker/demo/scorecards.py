"""Area KPIs, their links to the CX KPIs, and the leaders' quarterly scorecards.

Each department with an area KPI measures it monthly beside the CX KPIs. The CCO proposes each
lead's scorecard about ten days before a quarter starts; the lead agrees (some ask for a change
first, and the CCO revises); the CEO approves. Quarters: every one whose end falls after the first
monthly measurement, up to the current one, all approved; next quarter's proposed and awaiting the
leads' agreement. A measurement of the last complete quarter is corrected after the quarter ended,
so its scorecard shows "corrected since".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random
from uuid import UUID

from tracker.demo import catalogue as cat
from tracker.demo.setup import MEASUREMENT_DAYS, _target_date
from tracker.demo.timeline import Action, Calendar, Timeline
from tracker.domain import Period, member_id, scorecard_id

CCO = cat.CCO_PERSON.email
CEO = "ceo@example.com"


@dataclass(frozen=True)
class AreaKpi:
    key: str
    name: str
    unit: str
    department: str
    baseline: float
    target: float  # in twelve months
    path: tuple[float, ...]  # share of the way to the target at each monthly measurement
    decimals: int
    moves: tuple[str, ...]  # the CX KPIs it moves
    why: str


AREA_KPIS: tuple[AreaKpi, ...] = (
    AreaKpi("fcr", "First-contact resolution", "%", "customer-service", 71, 85,
            (0.05, 0.14, 0.22, 0.33, 0.41, 0.5), 1, ("csat", "nps"),
            "Customers solved on the first contact rate us higher and recommend us"),
    AreaKpi("invoice-accuracy", "Invoices right first time", "%", "finance", 96, 99.5,
            (0.1, 0.18, 0.3, 0.42, 0.5, 0.61), 1, ("churn",),
            "Billing disputes are the second most cited reason for leaving"),
    AreaKpi("handover-completeness", "Complete sales-to-onboarding handovers", "%", "sales", 62, 90,
            (0.06, 0.16, 0.25, 0.31, 0.44, 0.52), 0, ("time-to-value",),
            "Onboarding restarts discovery when the handover is incomplete"),
    AreaKpi("onboarding-on-time", "Onboardings live on the agreed date", "%", "operations", 70, 90,
            (0.04, 0.11, 0.2, 0.28, 0.39, 0.47), 0, ("time-to-value", "churn"),
            "Late go-lives delay the first value and sour the first renewal"),
    AreaKpi("restore-time", "Major-incident restore time (median)", "hours", "it", 6, 2,
            (0.08, 0.15, 0.27, 0.35, 0.46, 0.55), 1, ("csat",),
            "Outages drive the worst-rated tickets"),
    AreaKpi("escaped-defects", "Customer-reported defects per release", "defects",
            "product-development", 14, 6, (0.05, 0.1, 0.21, 0.3, 0.36, 0.45), 0, ("nps",),
            "Detractors name bugs in releases more than anything else"),
    AreaKpi("cx-training", "Staff trained in CX basics", "%", "hr", 35, 90,
            (0.1, 0.22, 0.35, 0.46, 0.58, 0.69), 0, ("csat",),
            "Every customer-facing employee trained in the service standards"),
)

# The CX KPIs on each lead's scorecard with their weights; the area KPI takes the rest.
CX_SHARE: dict[str, tuple[tuple[str, int], ...]] = {
    "customer-service": (("csat", 30), ("first-response", 30)),
    "finance": (("churn", 40),),
    "sales": (("time-to-value", 25), ("nps", 25)),
    "operations": (("time-to-value", 40),),
    "it": (("csat", 30),),
    "product-development": (("nps", 40),),
    "hr": (("csat", 30),),
}
# (department, quarter index from the first: the comment asking for a change, the CCO's reason)
CHANGE_REQUESTS: dict[tuple[str, int], tuple[str, str]] = {
    ("finance", 0): ("A quarter is too short to reach the full invoice-accuracy step: half of it"
                     " this quarter, please.", "Invoice accuracy target halved for this quarter"),
    ("it", 1): ("Restore time depends on the new paging rota, live mid-quarter: ease the target"
                " or lower its weight.", "Restore-time weight lowered from 70 to 60 %, CSAT up"),
    ("sales", 1): ("NPS is not in Sales' hands alone: more weight on handovers, please.",
                   "Handover weight raised to 60 %, NPS to 15 %"),
}
AGREEMENT_COMMENTS = {
    ("customer-service", 1): "Agreed. FCR will need the knowledge-base refresh on time.",
    ("operations", 0): "Agreed; the go-live date is the customer's, so this is fair.",
}
CORRECTED = ("fcr", "Re-counted after removing duplicate tickets merged by the helpdesk")


def plan_area_kpis(timeline: Timeline) -> None:
    cal = timeline.calendar
    rng = Random(cal.rng.random())
    for i, k in enumerate(AREA_KPIS):
        timeline.add(cal.at(2, 11, 3 * i), _define(k, cal.today))
    n = 0
    for k in AREA_KPIS:
        for cx in k.moves:
            timeline.add(cal.at(3, 10, 2 * n), _link(k, cx))
            n += 1
    for month, offset in enumerate(MEASUREMENT_DAYS):
        for i, k in enumerate(AREA_KPIS):
            share = k.path[month] + rng.uniform(-0.03, 0.03)
            value = round(k.baseline + (k.target - k.baseline) * share, k.decimals)
            timeline.add(cal.at(offset, 16, 5 + 2 * i), _measure(k.key, value, cal.day(offset)))


def plan_scorecards(timeline: Timeline) -> None:
    cal = timeline.calendar
    rng = Random(cal.rng.random())
    first_measured = cal.date(MEASUREMENT_DAYS[0])
    current = Period.of_day(cal.today)
    quarters = [q for q in (Period.of_day(cal.today, n) for n in (-3, -2, -1, 0))
                if q.end >= first_measured] + [Period.of_day(cal.today, 1)]
    for index, quarter in enumerate(quarters):
        upcoming = quarter.start > current.end
        proposed = _offset(cal, quarter.start - timedelta(days=10))
        if upcoming:
            proposed = min(proposed, cal.span - 6)
        proposed = max(proposed, 4)
        for i, k in enumerate(AREA_KPIS):
            _plan_one(timeline, rng, k, quarter, index, proposed, i, upcoming)
    _plan_correction(timeline, quarters)


def _plan_one(timeline: Timeline, rng: Random, k: AreaKpi, quarter: Period, index: int,
              proposed: int, i: int, upcoming: bool) -> None:
    lead = cat.head_of(k.department)
    items = _items(k, index)
    label = quarter.label
    track = timeline.track()
    note = f"Your {label} scorecard: the CX KPIs your work moves, and {k.name.lower()}."
    track.add(proposed, _act(lambda c: c.app.propose_scorecard(
        c.member(CCO), lead=lead, department=k.department, period=label, items=items, note=note)))
    if upcoming:
        return
    day = proposed + rng.randint(1, 3)
    change = CHANGE_REQUESTS.get((k.department, index))
    if change is not None:
        comment, reason = change
        track.add(day, _act(lambda c: c.app.request_scorecard_change(
            c.member(lead), _card(c, lead, label), comment=comment)))
        revised = _revised(k, index)
        day += rng.randint(1, 2)
        track.add(day, _act(lambda c: c.app.revise_scorecard(
            c.member(CCO), _card(c, lead, label), items=revised, reason=reason)))
        day += rng.randint(1, 2)
    agreed = AGREEMENT_COMMENTS.get((k.department, index), "")
    track.add(day, _act(lambda c: c.app.agree_scorecard(
        c.member(lead), _card(c, lead, label), comment=agreed)))
    track.add(day + rng.randint(1, 4), _act(lambda c: c.app.approve_scorecard(
        c.member(CEO), _card(c, lead, label),
        comment="Approved." if i % 3 else "Approved: good balance of CX and area KPIs.")))


def _items(k: AreaKpi, index: int) -> list[dict[str, object]]:
    """The CX KPIs with their weights and a quarter's step toward each target, then the area KPI."""
    specs = {s.key: s for s in cat.KPIS}
    found: list[dict[str, object]] = []
    for key, weight in CX_SHARE[k.department]:
        s = specs[key]
        step = min(1.0, 0.3 * (index + 1))
        found.append({"kpi": key, "weight": weight,
                      "target": round(s.baseline + (s.target - s.baseline) * step, s.decimals)})
    rest = 100 - sum(w for _, w in CX_SHARE[k.department])
    share = min(1.0, 0.3 * (index + 1))
    found.append({"kpi": k.key, "weight": rest,
                  "target": round(k.baseline + (k.target - k.baseline) * share, k.decimals)})
    return found


def _revised(k: AreaKpi, index: int) -> list[dict[str, object]]:
    """What the CCO changes after the lead asked (see CHANGE_REQUESTS)."""
    items = _items(k, index)
    area = items[-1]
    if k.department == "finance":
        area["target"] = round(k.baseline + (float(area["target"]) - k.baseline) / 2, k.decimals)  # type: ignore[arg-type]
    elif k.department == "it":
        items[0]["weight"], area["weight"] = 40, 60
    elif k.department == "sales":
        items[0]["weight"], items[1]["weight"], area["weight"] = 25, 15, 60
    return items


def _plan_correction(timeline: Timeline, quarters: list[Period]) -> None:
    """Correct the area KPI's last measurement of the last complete quarter, after it ended."""
    cal = timeline.calendar
    ended = [q for q in quarters if q.end < cal.last]
    if not ended:
        return
    quarter = ended[-1]
    inside = [o for o in MEASUREMENT_DAYS if quarter.start <= cal.date(o) <= quarter.end]
    after = _offset(cal, quarter.end) + 6
    if not inside or after >= cal.span - 1:
        return
    key, reason = CORRECTED
    k = next(a for a in AREA_KPIS if a.key == key)
    measured_on = cal.date(inside[-1])
    month = MEASUREMENT_DAYS.index(inside[-1])
    value = round(k.baseline + (k.target - k.baseline) * (k.path[month] + 0.06), k.decimals)
    timeline.add(cal.at(after, 9, 20), _act(lambda c: c.app.correct_measurement(
        c.member(CCO), key=key, measured_on=measured_on, value=value, reason=reason)))


def _card(c: object, lead: str, period: str) -> UUID:
    return scorecard_id(member_id(lead), period)


def _offset(cal: Calendar, day: date) -> int:
    return (day - cal.start).days


def _define(k: AreaKpi, today: date) -> Action:
    return lambda c: c.app.define_kpi(
        c.member(CCO), key=k.key, name=k.name, unit=k.unit, baseline=k.baseline, target=k.target,
        target_date=_target_date(today, 12), department=k.department)


def _link(k: AreaKpi, cx: str) -> Action:
    return lambda c: c.app.link_kpi(c.member(CCO), area_kpi=k.key, cx_kpi=cx, reason=k.why)


def _measure(key: str, value: float, on: date) -> Action:
    return lambda c: c.app.record_measurement(c.member(CCO), key=key, value=value, measured_on=on,
                                              note="Monthly figure from the department's report")


def _act(action: Action) -> Action:
    return action
