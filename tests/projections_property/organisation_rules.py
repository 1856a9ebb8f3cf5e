"""The state machine's rules for the organisation around the commitments: members and their
roles, and the plan (vision, departments, journeys, KPIs). One rule per command; the CCO acts
most of the time, and the members acted upon are mostly the extra ones (Pat, Sam, Kim, Lee),
so that the department leads the commitment rules rely on usually stay in place."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import rule

from tests.conftest import PASSWORD
from tests.projections_property.harness import CommandHarness
from tests.projections_property.strategies import (
    ACTORS, ADMINS, ANY_DEPARTMENT, COMPLETED_ON, DUE, GRANTS, HELD, HOLDERS, JOURNEY_KEYS,
    JOURNEY_LEADS, KNOWN_JOURNEYS, KPI_CHANGES, KPI_DIRECTIONS, KPI_KEYS, LONG_TEXTS,
    MEASURED_KPIS, MEASUREMENTS, NEW_DEPARTMENTS, NEW_EMAILS, NOTES, REASONS, RENAMES, RETIRING,
    REVOKED, SUBJECTS,
)
from tests.projections_property.strategies import weighted
from tracker.domain import Member, member_id

Grant = tuple[str, str | None]  # (role, department)


class OrganisationRules(CommandHarness):
    # Members

    @rule(actor=ADMINS, email=NEW_EMAILS, grant=st.one_of(st.none(), GRANTS))
    def register_member(self, actor: str, email: str, grant: Grant | None) -> None:
        """Register a member, with a first role or none."""
        role, department = grant or (None, None)
        self.attempt(self.app.register_member, member_id(actor), email=email,
                     name=email.split("@")[0].title(), password=PASSWORD, role=role,
                     department=department)

    @rule(actor=ADMINS, email=SUBJECTS, grant=GRANTS)
    def grant_role(self, actor: str, email: str, grant: Grant) -> None:
        role, department = grant
        self.attempt(self.app.grant_role, member_id(actor), email=email, role=role,
                     department=department)

    @rule(actor=ADMINS, email=HOLDERS, grant=REVOKED)
    def revoke_role(self, actor: str, email: str, grant: Grant | str) -> None:
        """Revoke the role granted last (`HELD`), or a role the member may not hold."""
        role, department = self._last_grant(email) if grant == HELD else grant
        self.attempt(self.app.revoke_role, member_id(actor), email=email, role=role,
                     department=department)

    @rule(actor=ADMINS, email=SUBJECTS, reason=REASONS)
    def deactivate_member(self, actor: str, email: str, reason: str) -> None:
        self.attempt(self.app.deactivate_member, member_id(actor), email=email, reason=reason)

    def _last_grant(self, email: str) -> Grant:
        """The member's latest role (from the write model), or one nobody is granted here."""
        if member_id(email) in self.app.repository:
            member = self.app.repository.get(member_id(email))
            if isinstance(member, Member) and member.grants:
                return member.grants[-1]
        return ("executive", "it")

    # The plan

    @rule(actor=ADMINS, vision=LONG_TEXTS)
    def revise_vision(self, actor: str, vision: str) -> None:
        self.attempt(self.app.revise_vision, member_id(actor), vision)

    @rule(actor=ACTORS, department=ANY_DEPARTMENT)
    def endorse_vision(self, actor: str, department: str) -> None:
        self.attempt(self.app.endorse_vision, self.who(actor, department), department)

    @rule(actor=ADMINS, slug=NEW_DEPARTMENTS)
    def add_department(self, actor: str, slug: str) -> None:
        self.attempt(self.app.add_department, member_id(actor), slug, slug.title())

    @rule(actor=ADMINS, key=JOURNEY_KEYS, lead=ANY_DEPARTMENT)
    def define_journey(self, actor: str, key: str, lead: str) -> None:
        self.attempt(self.app.define_journey, member_id(actor), key, key.title(), lead)

    @rule(actor=ADMINS, key=KNOWN_JOURNEYS, lead=JOURNEY_LEADS)
    def change_journey_lead(self, actor: str, key: str, lead: str) -> None:
        self.attempt(self.app.change_journey_lead, member_id(actor), key, lead)

    @rule(actor=ADMINS, key=KPI_KEYS, baseline=st.integers(0, 5), change=KPI_CHANGES,
          direction=KPI_DIRECTIONS, days=DUE)
    def define_kpi(
        self, actor: str, key: str, baseline: int, change: int, direction: str | None,
        days: int | str,
    ) -> None:
        """A KPI; "up" or "down" contradicts the change half the time."""
        self.attempt(self.app.define_kpi, member_id(actor), key=key, name=key.upper(),
                     unit="points", baseline=baseline, target=baseline + change,
                     direction=direction, target_date=self.day(days))

    @rule(actor=ADMINS, key=MEASURED_KPIS, value=MEASUREMENTS, measured=COMPLETED_ON, note=NOTES)
    def record_measurement(
        self, actor: str, key: str, value: Any, measured: int | str | None, note: str
    ) -> None:
        self.attempt(self.app.record_measurement, member_id(actor), key=key, value=value,
                     measured_on=self.day(measured), note=note)

    # Corrections and reorganisations

    @rule(actor=ADMINS, slug=ANY_DEPARTMENT, name=RENAMES, reason=REASONS)
    def rename_department(self, actor: str, slug: str, name: str, reason: str) -> None:
        self.attempt(self.app.rename_department, member_id(actor), slug=slug, name=name,
                     reason=reason)

    @rule(actor=ADMINS, slug=RETIRING, into=JOURNEY_LEADS, reason=REASONS)
    def merge_departments(self, actor: str, slug: str, into: str, reason: str) -> None:
        if self.attempt(self.app.merge_departments, member_id(actor), slug=slug, into=into,
                        reason=reason):
            self.follow_moves()

    @rule(actor=ADMINS, slug=RETIRING, reason=REASONS,
          open_work=st.sampled_from(["refuse", "move", "withdraw"]), to=JOURNEY_LEADS)
    def retire_department(self, actor: str, slug: str, reason: str, open_work: str,
                          to: str) -> None:
        if self.attempt(self.app.retire_department, member_id(actor), slug=slug, reason=reason,
                        move_to=to if open_work == "move" else None,
                        withdraw_open=open_work == "withdraw"):
            self.follow_moves()

    @rule(actor=ADMINS, key=KNOWN_JOURNEYS, name=RENAMES, reason=REASONS)
    def rename_journey(self, actor: str, key: str, name: str, reason: str) -> None:
        self.attempt(self.app.rename_journey, member_id(actor), key=key, name=name, reason=reason)

    @rule(actor=ADMINS, key=KNOWN_JOURNEYS, reason=REASONS)
    def retire_journey(self, actor: str, key: str, reason: str) -> None:
        self.attempt(self.app.retire_journey, member_id(actor), key=key, reason=reason)

    @rule(actor=ADMINS, key=MEASURED_KPIS, change=KPI_CHANGES, name=RENAMES, reason=REASONS)
    def revise_kpi(self, actor: str, key: str, change: int, name: str, reason: str) -> None:
        self.attempt(self.app.revise_kpi, member_id(actor), key=key, name=name,
                     target=12 + 18 + change, reason=reason)

    @rule(actor=ADMINS, key=weighted((1, "nps"), (4, "csat"), (1, "nowhere")), reason=REASONS)
    def retire_kpi(self, actor: str, key: str, reason: str) -> None:
        self.attempt(self.app.retire_kpi, member_id(actor), key=key, reason=reason)

    @rule(actor=ADMINS, key=MEASURED_KPIS, value=MEASUREMENTS, measured=COMPLETED_ON,
          reason=REASONS, withdraw=st.booleans())
    def correct_measurement(self, actor: str, key: str, value: Any, measured: int | str | None,
                            reason: str, withdraw: bool) -> None:
        """Correct or withdraw the measurement of a day (often one that has none: refused)."""
        measured_days = self.app.plan()["measurements"].get(key) if key != "nowhere" else None
        day = self.day(measured) or (max(measured_days) if measured_days else self.today)
        if withdraw:
            self.attempt(self.app.withdraw_measurement, member_id(actor), key=key,
                         measured_on=day, reason=reason)
        else:
            self.attempt(self.app.correct_measurement, member_id(actor), key=key,
                         measured_on=day, value=value, reason=reason)

    def follow_moves(self) -> None:
        """After a merge or retirement, each commitment's department as the write model has it."""
        for cid in self.department_of:
            self.department_of[cid] = self.app.commitment(cid)["department"]
