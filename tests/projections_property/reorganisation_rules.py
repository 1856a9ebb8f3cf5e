"""The state machine's rules for corrections and reorganisations: a commitment's details
corrected or moved; departments renamed, merged and retired; journeys renamed and retired; KPIs
revised and retired; measurements corrected and withdrawn. They join the other rules in their own
machine (`ViewsUnderReorganisation`), so that every command of both machines is drawn often
enough to be both carried out and refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from hypothesis import strategies as st
from hypothesis.stateful import initialize, rule

from tests.projections_property.harness import COMMITMENTS, CommandHarness
from tests.projections_property.strategies import (
    ACTORS, ADMINS, ANY_DEPARTMENT, CCO, JOURNEY_LEADS, JOURNEYS, KNOWN_JOURNEYS,
    KPI_CHANGES, KPIS, MEASURED_KPIS, MEASUREMENTS, MOVES, NOTES, REASONS, RENAMES, RETIRING,
    TITLES, WAITS, mostly, weighted,
)
from tracker.domain import member_id


class ReorganisationRules(CommandHarness):
    @initialize()
    def first_measurement(self) -> None:
        """A measurement to correct and a department to merge or retire from the start (not
        tallied: they always succeed)."""
        self.app.record_measurement(member_id(CCO), key="nps", value=14,
                                    measured_on=self.today - timedelta(days=1))
        self.app.add_department(member_id(CCO), "legal", "Legal")

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ACTORS, title=TITLES,
          description=st.one_of(st.none(), NOTES), journey=JOURNEYS, kpi=KPIS, reason=REASONS,
          version=mostly(st.none(), 99))
    def correct_commitment(
        self, wait: timedelta, commitment: UUID, actor: str, title: str | None,
        description: str | None, journey: str | None, kpi: str | None, reason: str,
        version: int | None,
    ) -> None:
        """Correct some details ('' unlinks the journey or KPI; None leaves a field alone)."""
        self.wait(wait)
        self.attempt(self.app.correct_commitment, self.by(actor, commitment), commitment,
                     title=title, description=description, journey=journey or "",
                     kpi=kpi, reason=reason, expected_version=version)

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ADMINS, department=MOVES, reason=REASONS,
          new_owner=mostly(st.sampled_from(["lead of the new department", CCO]), None))
    def move_commitment(self, wait: timedelta, commitment: UUID, actor: str, department: str,
                        reason: str, new_owner: str | None) -> None:
        """Move, naming a new owner most times (the owner must be able to act for the new
        department; without one named, the move is refused unless the owner already can)."""
        self.wait(wait)
        to = self.department(department, commitment)
        if new_owner and new_owner != CCO:
            new_owner = f"lead.{to}@example.com"
        if self.attempt(self.app.move_commitment, member_id(actor), commitment, department=to,
                        reason=reason, new_owner=new_owner):
            self.department_of[commitment] = to


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

    @rule(actor=ADMINS, key=MEASURED_KPIS, value=MEASUREMENTS,
          measured=weighted((4, None), (1, 0), (1, "someday")), reason=REASONS,
          withdraw=st.booleans())
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
