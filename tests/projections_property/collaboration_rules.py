"""The state machine's rules for cross-functional commitments: contributing departments named
and removed, milestones added, ticked, unticked and removed. They join the other rules (and the
reorganisations: a commitment moved to a department that contributes to it) in their own machine
(`ViewsUnderCollaboration`), so that each is drawn often enough to be both carried out and
refused. (Not with every reorganisation rule: that machine finds, as of an instant before a
journey correction on a closed commitment, the closed counts under the corrected journey, a
known limit of `commitment_spans` outside this work.)"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from hypothesis import strategies as st
from hypothesis.stateful import rule

from tests.projections_property.harness import COMMITMENTS, CommandHarness
from tests.projections_property.strategies import (
    ACTORS, ADMINS, CCO, HELPERS, MOVES, REASONS, VERSIONS, WAITS, mostly, weighted,
)
from tracker.domain import member_id
from tracker.errors import DomainError

MILESTONE_TEXTS = mostly(st.sampled_from(["Pilot live", "Training done", "Élan — ü ✓"]), "ok", "")
# "named" stands for one the commitment has now (contributor or milestone), when it has any.
MILESTONE_IDS = weighted((6, "named"), (2, "M1"), (1, "M2"), (1, "M9"))
NAMED_CONTRIBUTORS = weighted((6, "named"), (2, "first other"), (1, "own"), (1, "nowhere"))
# Who ticks: mostly the owning department's lead or a contributing one ("first other" is the
# department contributors are mostly drawn from).
TICKERS = weighted((3, "own-lead"), (3, "first-other-lead"), (1, "cco@example.com"),
                   (1, "ceo@example.com"), (1, "lead.sales@example.com"))


class CollaborationRules(CommandHarness):
    def _named(self, kind: str, commitment: UUID, drawn: str) -> str:
        """`drawn`, or for "named" one the commitment has (as far as the machine knows)."""
        if drawn != "named":
            return drawn
        known = sorted(self.collaboration.get((kind, commitment), set()))
        if not known:  # set one up (as the CCO, not tallied), so removals and ticks find one
            try:
                if kind == "milestone":
                    self.app.add_milestone(member_id(CCO), commitment, text="Set up to act on")
                    known = [self.app.repository.get(commitment).current_milestones()[-1].id]
                else:
                    known = [self.department("first other", commitment)]
                    self.app.add_contributor(member_id(CCO), commitment, department=known[0])
                self._note(kind, commitment, known[0], True)
            except DomainError:
                pass
        return known[0] if known else ("M1" if kind == "milestone" else "first other")

    def _note(self, kind: str, commitment: UUID, name: str, present: bool) -> None:
        names = self.collaboration.setdefault((kind, commitment), set())
        (names.add if present else names.discard)(name)

    @property
    def collaboration(self) -> dict[tuple[str, UUID], set[str]]:
        if not hasattr(self, "_collaboration"):
            self._collaboration: dict[tuple[str, UUID], set[str]] = {}
        return self._collaboration

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ACTORS, department=HELPERS, version=VERSIONS)
    def add_contributor(self, wait: timedelta, commitment: UUID, actor: str, department: str,
                        version: int | None) -> None:
        self.wait(wait)
        named = self.department(department, commitment)
        if self.attempt(self.app.add_contributor, self.by(actor, commitment), commitment,
                        department=named, expected_version=version):
            self._note("contributor", commitment, named, True)

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ADMINS, department=MOVES, reason=REASONS)
    def move_commitment(self, wait: timedelta, commitment: UUID, actor: str, department: str,
                        reason: str) -> None:
        """The reorganisations' move (not their other rules): a commitment moved to a department
        that contributes to it."""
        self.wait(wait)
        to = self.department(department, commitment)
        if self.attempt(self.app.move_commitment, member_id(actor), commitment, department=to,
                        reason=reason, new_owner=f"lead.{to}@example.com"):
            self.department_of[commitment] = to

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ACTORS, department=NAMED_CONTRIBUTORS)
    def remove_contributor(self, wait: timedelta, commitment: UUID, actor: str,
                           department: str) -> None:
        self.wait(wait)
        named = self.department(self._named("contributor", commitment, department), commitment)
        if self.attempt(self.app.remove_contributor, self.by(actor, commitment), commitment,
                        department=named):
            self._note("contributor", commitment, named, False)

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ACTORS, text=MILESTONE_TEXTS)
    def add_milestone(self, wait: timedelta, commitment: UUID, actor: str, text: str) -> None:
        self.wait(wait)
        receipt = self.attempt(self.app.add_milestone, self.by(actor, commitment), commitment,
                               text=text)
        if receipt:  # the id the commitment gave it: its newest milestone's
            added = self.app.repository.get(commitment).current_milestones()[-1].id
            self._note("milestone", commitment, added, True)

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=TICKERS, milestone=MILESTONE_IDS,
          ticked=st.booleans(), version=VERSIONS)
    def tick_milestone(self, wait: timedelta, commitment: UUID, actor: str, milestone: str,
                       ticked: bool, version: int | None) -> None:
        self.wait(wait)
        if actor == "first-other-lead":
            actor = f"lead.{self.department('first other', commitment)}@example.com"
        self.attempt(self.app.tick_milestone, self.by(actor, commitment), commitment,
                     milestone_id=self._named("milestone", commitment, milestone), ticked=ticked,
                     expected_version=version)

    @rule(wait=WAITS, commitment=COMMITMENTS, actor=ACTORS, milestone=MILESTONE_IDS)
    def remove_milestone(self, wait: timedelta, commitment: UUID, actor: str,
                         milestone: str) -> None:
        self.wait(wait)
        named = self._named("milestone", commitment, milestone)
        if self.attempt(self.app.remove_milestone, self.by(actor, commitment), commitment,
                        milestone_id=named):
            self._note("milestone", commitment, named, False)
