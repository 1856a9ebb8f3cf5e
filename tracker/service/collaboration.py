"""Shared understanding and cross-functional work: who reads the overview pages (the CCO decides),
the departments contributing to a commitment beside the owning one, and its milestones.

Who may do what (decided in `tracker.authorization`):
- the overview's readers: the CCO;
- contributors and the milestone checklist (add, remove): the CCO or a lead of the owning
  department;
- ticking and unticking a milestone: those, and a lead of a contributing department (who may
  also add notes, but not report progress, move the due date, hand over, raise roadblocks,
  complete or withdraw: the commitment stays its owning department's).
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from tracker.authorization import require_cco, require_department_writer, require_milestone_ticker
from tracker.domain import Commitment, rules
from tracker.service.base import Receipt, ServiceBase


class CollaborationCommands(ServiceBase):
    def change_overview_access(
        self, actor: UUID, *, readers: Iterable[str], reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        """The roles besides the CCO that read the dashboard, timeline, accountability and report
        (lead, executive, auditor); an empty list keeps them to the CCO."""
        require_cco(self._actor(actor), "decide who reads the overview pages")
        plan = self._plan()
        self._expect(plan, expected_version)
        plan.change_overview_access(
            sorted({str(r) for r in readers}), rules.text("reason", reason, maximum=1000),
            actor=actor,
        )
        return self._store(plan)

    def add_contributor(
        self, actor: UUID, commitment_id: UUID, *, department: str,
        expected_version: int | None = None,
    ) -> Receipt:
        commitment = self._owned(actor, commitment_id, expected_version)
        self._plan().require_department("department", department)
        commitment.add_contributor(department, actor=actor)
        return self._store(commitment)

    def remove_contributor(
        self, actor: UUID, commitment_id: UUID, *, department: str,
        expected_version: int | None = None,
    ) -> Receipt:
        commitment = self._owned(actor, commitment_id, expected_version)
        commitment.remove_contributor(department, actor=actor)
        return self._store(commitment)

    def add_milestone(
        self, actor: UUID, commitment_id: UUID, *, text: str, expected_version: int | None = None,
    ) -> Receipt:
        commitment = self._owned(actor, commitment_id, expected_version)
        commitment.add_milestone(rules.text("text", text, minimum=3, maximum=200), actor=actor)
        return self._store(commitment)

    def remove_milestone(
        self, actor: UUID, commitment_id: UUID, *, milestone_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        commitment = self._owned(actor, commitment_id, expected_version)
        commitment.remove_milestone(milestone_id, actor=actor)
        return self._store(commitment)

    def tick_milestone(
        self, actor: UUID, commitment_id: UUID, *, milestone_id: str, ticked: bool = True,
        expected_version: int | None = None,
    ) -> Receipt:
        """Tick (or, with `ticked=False`, untick) a milestone."""
        member = self._actor(actor)
        commitment = self._get(Commitment, commitment_id, "commitment")
        require_milestone_ticker(member, commitment)
        self._expect(commitment, expected_version)
        if ticked:
            commitment.tick_milestone(milestone_id, actor=actor)
        else:
            commitment.untick_milestone(milestone_id, actor=actor)
        return self._store(commitment)

    def _owned(self, actor: UUID, commitment_id: UUID, expected_version: int | None) -> Commitment:
        """The commitment, for the CCO or a lead of its (owning) department."""
        member = self._actor(actor)
        commitment = self._get(Commitment, commitment_id, "commitment")
        require_department_writer(member, commitment.department)
        self._expect(commitment, expected_version)
        return commitment
