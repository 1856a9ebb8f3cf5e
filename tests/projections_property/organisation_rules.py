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
    MEASURED_KPIS, MEASUREMENTS, NEW_DEPARTMENTS, NEW_EMAILS, NOTES, REASONS, REVOKED, SUBJECTS,
)
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

