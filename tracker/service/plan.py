"""Plan set-up commands: the vision, departments, journeys, KPIs and their measurements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from uuid import UUID

from tracker import clock
from tracker.accounts import check_password
from tracker.authorization import require_cco, require_department_writer
from tracker.domain import Kpi, Member, Plan
from tracker.domain import rules
from tracker.domain.member import CCO, member_id
from tracker.domain.plan import DIRECTIONS
from tracker.errors import Invalid
from tracker.service.base import Receipt, ServiceBase


class PlanCommands(ServiceBase):
    def initialise(self, *, plan_name: str, vision: str, email: str, name: str, password: str) -> Receipt:
        """A new installation: the plan and its first CCO, who acts for themselves."""
        values = rules.collect(
            plan_name=lambda: rules.text("plan_name", plan_name, maximum=200),
            vision=lambda: rules.optional_text("vision", vision, maximum=4000),
            email=lambda: rules.email("email", email),
            name=lambda: rules.text("name", name, maximum=200),
            password=lambda: check_password(password),
        )
        if self.has_plan():
            raise Invalid.field("plan_name", "this installation already has a plan")
        cco_id = member_id(values["email"])
        cco = Member(email=values["email"], name=values["name"], actor=cco_id)
        cco.grant(CCO, None, actor=cco_id)
        plan = Plan(name=values["plan_name"], vision=values["vision"], actor=cco_id)
        receipt = self._store(cco, plan)
        self.accounts.set_password(cco.id, cco.email, password)
        return receipt

    def revise_vision(
        self, actor: UUID, vision: str, *, reason: str = "", expected_version: int | None = None
    ) -> Receipt:
        """Revise the vision; the reason (why it changed) is recorded with it."""
        member = self._actor(actor)
        require_cco(member, "revise the vision")
        plan = self._plan()
        self._expect(plan, expected_version)
        values = rules.collect(
            vision=lambda: rules.text("vision", vision, maximum=4000),
            reason=lambda: rules.optional_text("reason", reason, maximum=1000),
        )
        plan.revise_vision(values["vision"], actor=actor, reason=values["reason"])
        return self._store(plan)

    def add_department(
        self, actor: UUID, slug: str, name: str, *, expected_version: int | None = None
    ) -> Receipt:
        member = self._actor(actor)
        require_cco(member, "add departments")
        plan = self._plan()
        self._expect(plan, expected_version)
        plan.add_department(rules.slug("slug", slug), rules.text("name", name, maximum=100), actor=actor)
        return self._store(plan)

    def endorse_vision(
        self, actor: UUID, department: str, *, expected_version: int | None = None
    ) -> Receipt:
        member = self._actor(actor)
        require_department_writer(member, department)
        plan = self._plan()
        self._expect(plan, expected_version)
        plan.endorse_vision(department, actor=actor)
        return self._store(plan)

    def define_journey(
        self, actor: UUID, key: str, name: str, lead_department: str, *,
        expected_version: int | None = None,
    ) -> Receipt:
        member = self._actor(actor)
        require_cco(member, "define journeys")
        plan = self._plan()
        self._expect(plan, expected_version)
        plan.define_journey(
            rules.slug("key", key), rules.text("name", name, maximum=100), lead_department, actor=actor
        )
        return self._store(plan)

    def change_journey_lead(
        self, actor: UUID, key: str, lead_department: str, *, expected_version: int | None = None
    ) -> Receipt:
        member = self._actor(actor)
        require_cco(member, "change a journey's lead department")
        plan = self._plan()
        self._expect(plan, expected_version)
        plan.change_journey_lead(key, lead_department, actor=actor)
        return self._store(plan)

    def define_kpi(
        self, actor: UUID, *, key: str, name: str, unit: str, baseline: float | str,
        target: float | str, target_date: date | str, direction: str | None = None,
        department: str | None = None, expected_version: int | None = None,
    ) -> Receipt:
        """Define a KPI: a CX KPI of the whole plan, or with `department` an area KPI."""
        member = self._actor(actor)
        require_cco(member, "define KPIs")
        plan = self._plan()
        self._expect(plan, expected_version)
        area = department or None

        def define(kpi: Kpi) -> None:
            plan.define_kpi(replace(kpi, department=area), actor=actor)

        self._define_kpi_on(
            define, key=key, name=name, unit=unit,
            baseline=baseline, target=target, target_date=target_date, direction=direction,
        )
        return self._store(plan)

    def link_kpi(
        self, actor: UUID, *, area_kpi: str, cx_kpi: str, reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        """Declare that a department's KPI moves a CX KPI (the CCO), with why."""
        member = self._actor(actor)
        require_cco(member, "link KPIs")
        plan = self._plan()
        self._expect(plan, expected_version)
        why = rules.text("reason", reason, maximum=1000)
        plan.link_kpi(area_kpi, cx_kpi, why, actor=actor)
        return self._store(plan)

    def unlink_kpi(
        self, actor: UUID, *, area_kpi: str, cx_kpi: str, reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        member = self._actor(actor)
        require_cco(member, "unlink KPIs")
        plan = self._plan()
        self._expect(plan, expected_version)
        why = rules.text("reason", reason, maximum=1000)
        plan.unlink_kpi(area_kpi, cx_kpi, why, actor=actor)
        return self._store(plan)

    @staticmethod
    def _define_kpi_on(
        define: Callable[[Kpi], None], *, key: str, name: str, unit: str, baseline: float | str,
        target: float | str, target_date: date | str, direction: str | None = None,
    ) -> None:
        """Check a KPI's definition and hand it to `define` (a plan's, or an import's)."""
        values = rules.collect(
            key=lambda: rules.slug("key", key),
            name=lambda: rules.text("name", name, maximum=100),
            unit=lambda: rules.optional_text("unit", unit, maximum=30),
            baseline=lambda: rules.number("baseline", baseline),
            target=lambda: rules.number("target", target),
            target_date=lambda: rules.iso_date("target_date", target_date),
        )
        if values["target"] == values["baseline"]:
            raise Invalid.field("target", "must differ from the baseline")
        implied = "up" if values["target"] > values["baseline"] else "down"
        if direction is None or direction == "":
            direction = implied
        if direction not in DIRECTIONS:
            raise Invalid.field("direction", "must be 'up' or 'down'")
        if direction != implied:
            raise Invalid.field(
                "direction", f"contradicts baseline and target (the target is {'higher' if implied == 'up' else 'lower'})"
            )
        define(Kpi(direction=direction, **values))

    def record_measurement(
        self, actor: UUID, *, key: str, value: float | str, measured_on: date | str | None = None,
        note: str = "", expected_version: int | None = None,
    ) -> Receipt:
        member = self._actor(actor)
        require_cco(member, "record KPI measurements")
        plan = self._plan()
        self._expect(plan, expected_version)
        values = rules.collect(
            value=lambda: rules.number("value", value),
            measured_on=lambda: rules.iso_date("measured_on", measured_on or clock.today()),
            note=lambda: rules.optional_text("note", note, maximum=500),
        )
        if values["measured_on"] > clock.today():
            raise Invalid.field("measured_on", "cannot be in the future")
        plan.record_measurement(key, actor=actor, **values)
        return self._store(plan)

