"""Leader scorecards: the CCO proposes and revises, the lead agrees or asks for a change, an
executive approves. Every step is an event of the `Scorecard` aggregate with its actor."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from tracker import clock
from tracker.authorization import require_cco, require_executive
from tracker.domain import Member, Period, Plan, Scorecard, scorecard_id
from tracker.domain import rules
from tracker.domain.member import LEAD
from tracker.domain.plan import check_value
from tracker.errors import Invalid, NotAllowed, NotFound
from tracker.service.base import Receipt, ServiceBase

MAX_KPIS = 12  # a scorecard people can read on one printed page


def check_items(plan: Plan, department: str, items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each item a KPI (a CX KPI or an area KPI of `department`, neither retired), a whole-number
    weight from 1 to 100 and a target; the weights sum to exactly 100. Every bad field is named
    (`kpi_1`, `weight_1`, `target_1`, ... counting from 1, and `weights` for the sum)."""
    found: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    seen: set[str] = set()
    given = list(items)
    if not given:
        raise Invalid.field("items", "a scorecard needs at least one KPI")
    if len(given) > MAX_KPIS:
        raise Invalid.field("items", f"a scorecard holds at most {MAX_KPIS} KPIs")
    for n, item in enumerate(given, start=1):
        key = str(item.get("kpi") or "").strip()
        try:
            plan.require_kpi(f"kpi_{n}", key)
            area = plan.kpis[key].department
            if area is not None and area != department:
                raise Invalid.field(f"kpi_{n}", f"KPI {key!r} is another department's ({area})")
            if key in seen:
                raise Invalid.field(f"kpi_{n}", f"KPI {key!r} is on the scorecard twice")
            seen.add(key)
        except Invalid as e:
            errors.update(e.errors)
        try:
            checked = rules.collect(
                weight=lambda: rules.whole_number(
                    f"weight_{n}", item.get("weight"), minimum=1, maximum=100),  # noqa: B023
                target=lambda: rules.number(f"target_{n}", item.get("target")),  # noqa: B023
            )
        except Invalid as e:
            errors.update(e.errors)
            continue
        if key in plan.kpis:
            try:
                check_value(plan.kpis[key].unit, f"target_{n}", checked["target"])
            except Invalid as e:
                errors.update(e.errors)
        found.append({"kpi": key, "weight": checked["weight"], "target": checked["target"]})
    if not errors and sum(i["weight"] for i in found) != 100:
        errors["weights"] = (f"must add up to exactly 100 % (they add up to "
                             f"{sum(i['weight'] for i in found)} %)")
    if errors:
        raise Invalid(errors)
    return found


class ScorecardCommands(ServiceBase):
    def propose_scorecard(
        self, actor: UUID, *, lead: str, period: str, items: Iterable[Mapping[str, Any]],
        department: str | None = None, note: str = "",
    ) -> Receipt:
        """The CCO proposes a lead's scorecard for a period (one per lead and period)."""
        member = self._actor(actor)
        require_cco(member, "propose scorecards")
        plan = self._plan()
        values = rules.collect(
            lead=lambda: rules.email("lead", lead),
            period=lambda: Period.parse(period),
            note=lambda: rules.optional_text("note", note, maximum=2000),
        )
        leader = self._lead(values["lead"], department, plan)
        the_department = department or sorted(leader.lead_departments())[0]
        checked = check_items(plan, the_department, items)
        label = values["period"].label
        if scorecard_id(leader.id, label) in self.repository:
            raise Invalid.field("period", f"{leader.email} already has a scorecard for {label}: revise it")
        card = Scorecard(lead_id=leader.id, department=the_department, period=label,
                         items=checked, note=values["note"], actor=actor)
        return self._store(card)

    def revise_scorecard(
        self, actor: UUID, scorecard: UUID, *, items: Iterable[Mapping[str, Any]], reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        """The CCO changes KPIs, weights or targets; the lead must agree again."""
        member = self._actor(actor)
        require_cco(member, "revise scorecards")
        card = self._scorecard(scorecard)
        self._expect(card, expected_version)
        why = rules.text("reason", reason, maximum=1000)
        card.revise(check_items(self._plan(), card.department, items), why, actor=actor,
                    today=clock.today())
        return self._store(card)

    def request_scorecard_change(
        self, actor: UUID, scorecard: UUID, *, comment: str, expected_version: int | None = None,
    ) -> Receipt:
        """The scorecard's lead asks for a change, saying what and why."""
        card = self._for_its_lead(actor, scorecard, "ask for a change to")
        self._expect(card, expected_version)
        card.request_change(rules.text("comment", comment, maximum=2000), actor=actor)
        return self._store(card)

    def agree_scorecard(
        self, actor: UUID, scorecard: UUID, *, comment: str = "", expected_version: int | None = None,
    ) -> Receipt:
        """The scorecard's lead agrees to it as it stands (optionally with a comment)."""
        card = self._for_its_lead(actor, scorecard, "agree to")
        self._expect(card, expected_version)
        card.agree(rules.optional_text("comment", comment, maximum=2000), actor=actor)
        return self._store(card)

    def approve_scorecard(
        self, actor: UUID, scorecard: UUID, *, comment: str = "", expected_version: int | None = None,
    ) -> Receipt:
        """An executive (the CEO) approves a scorecard its lead has agreed to."""
        member = self._actor(actor)
        require_executive(member, "approve scorecards")
        card = self._scorecard(scorecard)
        self._expect(card, expected_version)
        card.approve(rules.optional_text("comment", comment, maximum=2000), actor=actor)
        return self._store(card)

    # Helpers

    def _scorecard(self, scorecard: UUID) -> Scorecard:
        return self._get(Scorecard, scorecard, "scorecard")

    def _for_its_lead(self, actor: UUID, scorecard: UUID, action: str) -> Scorecard:
        self._actor(actor)
        card = self._scorecard(scorecard)
        if card.lead_id != actor:
            raise NotAllowed(f"only the scorecard's lead may {action} it")
        return card

    def _lead(self, email: str, department: str | None, plan: Plan) -> Member:
        try:
            leader = self._member_by_email(email)
        except NotFound:
            raise Invalid.field("lead", f"no member {email}") from None
        if not leader.active:
            raise Invalid.field("lead", f"{email} is deactivated")
        leads = leader.lead_departments()
        if not leads:
            raise Invalid.field("lead", f"{email} leads no department")
        if department is not None and department != "":
            plan.require_department("department", department)
            if not leader.has(LEAD, department):
                raise Invalid.field("department", f"{email} does not lead {department!r}")
        elif len(leads) > 1:
            raise Invalid.field("department", f"{email} leads several departments: name one")
        return leader
