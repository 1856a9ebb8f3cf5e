"""The state machine's rules for what department leads do day to day: one rule per commitment
command, each drawing a mostly valid input and an actor who is mostly allowed, plus a rule that
aims commands at roadblocks and commitments that do not exist."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from hypothesis import strategies as st
from hypothesis.stateful import consumes, initialize, multiple, rule

from tests.projections_property.harness import COMMITMENTS, ROADBLOCKS, CommandHarness
from tests.projections_property.strategies import (
    ACTORS, CCO, COMMITTING, COMPLETED_ON, DEPARTMENTS, DUE, HELPERS, JOURNEYS, KPIS, LONG_TEXTS,
    MAYBE_HELPERS, NEW_OWNERS, NOTES, OWN_LEAD, OWNERS, PERCENTS, REASONS, TITLES,
    UNKNOWN_COMMITMENT, VERSIONS, WAITS,
)
from tracker.domain import member_id

Roadblock = tuple[UUID, str]  # (commitment id, roadblock id)


class CommitmentRules(CommandHarness):
    @initialize(target=COMMITMENTS, made=st.lists(
        st.tuples(st.sampled_from(DEPARTMENTS), st.integers(0, 60)), min_size=2, max_size=4))
    def first_commitments(self, made: list[tuple[str, int]]) -> Any:
        """A few commitments to start from, so that commitment commands have targets at once.
        (Set-up commands are not tallied: they always succeed.)"""
        ids = []
        for department, days in made:
            receipt = self.app.make_commitment(
                member_id(CCO), department=department, title=f"First for {department}",
                owner=f"lead.{department}@example.com", due_date=self.today + timedelta(days=days),
            )
            self.department_of[receipt.id] = department
            ids.append(receipt.id)
        return multiple(*ids)

    @initialize(target=ROADBLOCKS)
    def first_roadblock(self) -> Roadblock:
        """A commitment of IT's with a roadblock, so that roadblock commands have a target at
        once."""
        receipt = self.app.make_commitment(
            member_id(CCO), department="it", title="Blocked at first",
            owner="lead.it@example.com", due_date=self.today + timedelta(days=30),
        )
        self.department_of[receipt.id] = "it"
        raised = self.app.raise_roadblock(member_id(CCO), receipt.id,
                                          description="Waiting on a vendor")
        return (receipt.id, raised.roadblock_id)

    @rule(wait=WAITS, target=COMMITMENTS, actor=ACTORS, department=COMMITTING, title=TITLES,
          description=NOTES, due=DUE, owner=OWNERS, journey=JOURNEYS, kpi=KPIS)
    def make_commitment(
        self, wait: timedelta, actor: str, department: str, title: str, description: str,
        due: int | str, owner: str, journey: str | None, kpi: str | None,
    ) -> Any:
        self.wait(wait)
        receipt = self.attempt(
            self.app.make_commitment, self.who(actor, department), department=department,
            title=title, description=description, owner=self.email(owner, department),
            due_date=self.day(due), journey=journey, kpi=kpi,
        )
        if receipt is None:
            return multiple()
        self.department_of[receipt.id] = department
        return receipt.id

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ACTORS, percent=PERCENTS, note=NOTES,
          version=VERSIONS)
    def report_progress(
        self, wait: timedelta, commitment: UUID, actor: str, percent: int | str, note: str,
        version: int | None,
    ) -> None:
        self.wait(wait)
        self.attempt(self.app.report_progress, self.by(actor, commitment), commitment,
                     percent=percent, note=note, expected_version=version)

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ACTORS, due=DUE, reason=REASONS,
          version=VERSIONS)
    def move_due_date(
        self, wait: timedelta, commitment: UUID, actor: str, due: int | str, reason: str,
        version: int | None,
    ) -> None:
        self.wait(wait)
        self.attempt(self.app.move_due_date, self.by(actor, commitment), commitment,
                     due_date=self.day(due), reason=reason, expected_version=version)

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ACTORS, new_owner=NEW_OWNERS,
          reason=REASONS)
    def hand_over(
        self, wait: timedelta, commitment: UUID, actor: str, new_owner: str, reason: str
    ) -> None:
        self.wait(wait)
        self.attempt(self.app.hand_over, self.by(actor, commitment), commitment,
                     new_owner=self.email(new_owner, self.department_of[commitment]),
                     reason=reason)

    @rule(wait=WAITS, target=ROADBLOCKS, commitment=COMMITMENTS, actor=ACTORS,
          description=LONG_TEXTS, help_from=MAYBE_HELPERS)
    def raise_roadblock(
        self, wait: timedelta, commitment: UUID, actor: str, description: str,
        help_from: str | None,
    ) -> Any:
        """Raise a roadblock, sometimes asking another department for help at once."""
        self.wait(wait)
        receipt = self.attempt(
            self.app.raise_roadblock, self.by(actor, commitment), commitment,
            description=description,
            help_from=help_from and self.department(help_from, commitment),
        )
        if receipt is None:
            return multiple()
        return (commitment, receipt.roadblock_id)  # type: ignore[attr-defined]

    @rule(wait=WAITS, roadblock=ROADBLOCKS, actor=ACTORS, department=HELPERS)
    def request_help(
        self, wait: timedelta, roadblock: Roadblock, actor: str, department: str
    ) -> None:
        self.wait(wait)
        commitment, roadblock_id = roadblock
        self.attempt(self.app.request_help, self.by(actor, commitment), commitment,
                     roadblock_id=roadblock_id, department=self.department(department, commitment))

    @rule(wait=WAITS, target=ROADBLOCKS, roadblock=consumes(ROADBLOCKS),
          actor=st.one_of(ACTORS, st.just("helper")), resolution=LONG_TEXTS,
          helped_by=MAYBE_HELPERS)
    def resolve_roadblock(
        self, wait: timedelta, roadblock: Roadblock, actor: str, resolution: str,
        helped_by: str | None,
    ) -> Any:
        """Actor "helper": the lead of the department named in `helped_by` (asked or not).

        A resolved roadblock leaves the bundle, a refused one goes back, so that the roadblock
        commands mostly find open ones (`act_on_something_unknown` tries resolved ones)."""
        self.wait(wait)
        commitment, roadblock_id = roadblock
        helped_by = helped_by and self.department(helped_by, commitment)
        who = (self.who(OWN_LEAD, helped_by or "sales") if actor == "helper"
               else self.by(actor, commitment))
        receipt = self.attempt(self.app.resolve_roadblock, who, commitment,
                               roadblock_id=roadblock_id, resolution=resolution,
                               helped_by=helped_by)
        return multiple() if receipt is not None else roadblock

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ACTORS, evidence=LONG_TEXTS,
          completed=COMPLETED_ON, version=VERSIONS)
    def complete(
        self, wait: timedelta, commitment: UUID, actor: str, evidence: str,
        completed: int | str | None, version: int | None,
    ) -> None:
        self.wait(wait)
        self.attempt(self.app.complete, self.by(actor, commitment), commitment,
                     evidence=evidence, completed_on=self.day(completed),
                     expected_version=version)

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ACTORS, reason=REASONS)
    def withdraw(self, wait: timedelta, commitment: UUID, actor: str, reason: str) -> None:
        self.wait(wait)
        self.attempt(self.app.withdraw, self.by(actor, commitment), commitment, reason=reason)

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ACTORS, message=LONG_TEXTS)
    def celebrate(self, wait: timedelta, commitment: UUID, actor: str, message: str) -> None:
        self.wait(wait)
        self.attempt(self.app.celebrate, self.by(actor, commitment), commitment, message=message)

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ACTORS, text=REASONS)
    def add_note(self, wait: timedelta, commitment: UUID, actor: str, text: str) -> None:
        self.wait(wait)
        self.attempt(self.app.add_note, self.by(actor, commitment), commitment, text=text)

    @rule(commitment=COMMITMENTS, actor=ACTORS, action=st.sampled_from([
        "request help on R1", "resolve R9", "report progress on another", "resolve R1",
        "request help on ''", "withdraw another", "celebrate another", "add a note to another",
        "raise a roadblock on another",
    ]))
    def act_on_something_unknown(self, commitment: UUID, actor: str, action: str) -> None:
        """Roadblocks that may not exist ("R1" may be raised already), commitments that do not."""
        who = self.by(actor, commitment)
        if action.startswith(("request help", "resolve")):
            roadblock_id = action.split()[-1].strip("'")
            if action.startswith("request help"):
                self.attempt(self.app.request_help, who, commitment, roadblock_id=roadblock_id,
                             department="sales")
            else:
                self.attempt(self.app.resolve_roadblock, who, commitment,
                             roadblock_id=roadblock_id, resolution="Sorted out")
            return
        command, args = {
            "report progress on another": ("report_progress", {"percent": 10}),
            "withdraw another": ("withdraw", {"reason": "gone"}),
            "celebrate another": ("celebrate", {"message": "Hooray"}),
            "add a note to another": ("add_note", {"text": "hello"}),
            "raise a roadblock on another": ("raise_roadblock", {"description": "Stuck"}),
        }[action]
        self.attempt(getattr(self.app, command), who, UNKNOWN_COMMITMENT, **args)
