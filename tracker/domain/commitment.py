"""The Commitment aggregate: what a department will do, and by when, with its whole story."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from tracker.domain.base import TrackerAggregate, topic
from tracker.domain.plan import check_cadence
from tracker.errors import Invalid

OPEN, COMPLETED, WITHDRAWN = "open", "completed", "withdrawn"
CORRECTABLE = ("title", "description", "journey", "kpi")
MAX_MILESTONES = 20  # a short checklist, not a project plan
MAX_CONTRIBUTORS = 10


@dataclass
class Roadblock:
    id: str
    description: str
    raised_by: UUID
    help_requested_from: list[str] = field(default_factory=list)
    resolved: bool = False
    resolution: str = ""
    helped_by: str | None = None


@dataclass
class Milestone:
    """One step of a commitment's checklist. A removed one keeps its id (ids are never reused)."""

    id: str
    text: str
    ticked: bool = False
    removed: bool = False


def milestone_progress(ticked: int, total: int) -> int:
    """Progress that follows the milestones: the whole percent ticked, rounded down (the views
    compute the same in SQL, `100 * ticked / total` in integers)."""
    return 100 * ticked // total


class Commitment(TrackerAggregate):
    TOPIC = topic("commitment", "Commitment")
    check_in_days = None  # None: the plan's cadence
    # Named so that `Commitment(id=...)` may choose the id: a create form's idempotency key
    # decides it, so a double submit makes one commitment (see CommitmentCommands).
    id: UUID

    class Created(TrackerAggregate.Created):
        TOPIC = topic("commitment", "Created")

    @event("Made", topic=topic("commitment", "Made"))
    def __init__(
        self, plan_id: UUID, department: str, title: str, description: str, owner_id: UUID,
        due_date: date, journey: str | None, kpi: str | None, actor: UUID,
    ) -> None:
        self.plan_id = plan_id
        self.department = department
        self.title = title
        self.description = description
        self.owner_id = owner_id
        self.original_due_date = due_date
        self.due_date = due_date
        self.journey = journey
        self.kpi = kpi
        self.progress = 0
        self.status = OPEN
        self.completed_on: date | None = None
        self.roadblocks: dict[str, Roadblock] = {}
        self.contributors: list[str] = []  # departments contributing beside the owning one
        self.milestones: dict[str, Milestone] = {}

    @property
    def is_closed(self) -> bool:
        return self.status != OPEN

    def open_roadblocks(self) -> list[Roadblock]:
        return [r for r in self.roadblocks.values() if not r.resolved]

    def _require_open(self) -> None:
        if self.is_closed:
            raise Invalid.field(
                "commitment", f"is {self.status}: only a celebration or a note can be added"
            )

    def current_milestones(self) -> list[Milestone]:
        return [m for m in self.milestones.values() if not m.removed]

    @property
    def follows_milestones(self) -> bool:
        """With milestones, progress is the share ticked; a typed percentage is refused."""
        return bool(self.current_milestones())

    def report_progress(self, percent: int, note: str, actor: UUID) -> None:
        self._require_open()
        if self.follows_milestones:
            raise Invalid.field(
                "percent", "this commitment's progress follows its milestones: tick them instead"
            )
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise Invalid.field("percent", "must be a whole number from 0 to 100")
        self._progress_reported(percent=percent, note=note, actor=actor)

    @event("ProgressReported", topic=topic("commitment", "ProgressReported"))
    def _progress_reported(self, percent: int, note: str, actor: UUID) -> None:
        self.progress = percent

    def move_due_date(self, new_due_date: date, reason: str, actor: UUID) -> None:
        self._require_open()
        if not reason:
            raise Invalid.field("reason", "a reason is required to move a due date")
        if new_due_date == self.due_date:
            raise Invalid.field("due_date", "is already the due date")
        self._due_date_moved(
            from_date=self.due_date, to_date=new_due_date, reason=reason, actor=actor
        )

    @event("DueDateMoved", topic=topic("commitment", "DueDateMoved"))
    def _due_date_moved(self, from_date: date, to_date: date, reason: str, actor: UUID) -> None:
        self.due_date = to_date

    def hand_over(self, new_owner_id: UUID, reason: str, actor: UUID) -> None:
        self._require_open()
        if not reason:
            raise Invalid.field("reason", "a reason is required to hand ownership over")
        if new_owner_id == self.owner_id:
            raise Invalid.field("new_owner", "already owns this commitment")
        self._handed_over(
            from_owner=self.owner_id, to_owner=new_owner_id, reason=reason, actor=actor
        )

    @event("OwnershipHandedOver", topic=topic("commitment", "OwnershipHandedOver"))
    def _handed_over(self, from_owner: UUID, to_owner: UUID, reason: str, actor: UUID) -> None:
        self.owner_id = to_owner

    def raise_roadblock(self, description: str, actor: UUID) -> str:
        self._require_open()
        roadblock_id = f"R{len(self.roadblocks) + 1}"
        self._roadblock_raised(roadblock_id=roadblock_id, description=description, actor=actor)
        return roadblock_id

    @event("RoadblockRaised", topic=topic("commitment", "RoadblockRaised"))
    def _roadblock_raised(self, roadblock_id: str, description: str, actor: UUID) -> None:
        self.roadblocks[roadblock_id] = Roadblock(roadblock_id, description, raised_by=actor)

    def request_help(self, roadblock_id: str, department: str, actor: UUID) -> None:
        """Ask another department for help; the plan checks the department exists."""
        self._require_open()
        roadblock = self._open_roadblock(roadblock_id)
        if department == self.department:
            raise Invalid.field("department", "help must be asked of another department")
        if department in roadblock.help_requested_from:
            raise Invalid.field("department", "has already been asked for help")
        self._help_requested(roadblock_id=roadblock_id, department=department, actor=actor)

    @event("HelpRequested", topic=topic("commitment", "HelpRequested"))
    def _help_requested(self, roadblock_id: str, department: str, actor: UUID) -> None:
        self.roadblocks[roadblock_id].help_requested_from.append(department)

    def resolve_roadblock(
        self, roadblock_id: str, resolution: str, helped_by: str | None, actor: UUID
    ) -> None:
        """Resolving closes a roadblock; it is allowed after completion, to keep the record true."""
        roadblock = self._open_roadblock(roadblock_id)  # raises unless it is open
        if helped_by is not None and helped_by == self.department:
            raise Invalid.field("helped_by", "must be another department")
        if helped_by is not None and helped_by not in roadblock.help_requested_from:
            raise Invalid.field(
                "helped_by", "only a department asked for help on this roadblock can be credited"
            )
        self._roadblock_resolved(
            roadblock_id=roadblock_id, resolution=resolution, helped_by=helped_by, actor=actor
        )

    @event("RoadblockResolved", topic=topic("commitment", "RoadblockResolved"))
    def _roadblock_resolved(
        self, roadblock_id: str, resolution: str, helped_by: str | None, actor: UUID
    ) -> None:
        roadblock = self.roadblocks[roadblock_id]
        roadblock.resolved = True
        roadblock.resolution = resolution
        roadblock.helped_by = helped_by

    def _open_roadblock(self, roadblock_id: str) -> Roadblock:
        roadblock = self.roadblocks.get(roadblock_id)
        if roadblock is None:
            raise Invalid.field("roadblock", f"no roadblock {roadblock_id!r} on this commitment")
        if roadblock.resolved:
            raise Invalid.field("roadblock", "is already resolved")
        return roadblock

    def complete(self, completed_on: date, evidence: str, actor: UUID) -> None:
        self._require_open()
        if not evidence:
            raise Invalid.field("evidence", "evidence of completion is required")
        self._completed(completed_on=completed_on, evidence=evidence, actor=actor)

    @event("Completed", topic=topic("commitment", "Completed"))
    def _completed(self, completed_on: date, evidence: str, actor: UUID) -> None:
        self.status = COMPLETED
        self.completed_on = completed_on
        self.progress = 100

    def withdraw(self, reason: str, actor: UUID) -> None:
        self._require_open()
        if not reason:
            raise Invalid.field("reason", "a reason is required to withdraw a commitment")
        self._withdrawn(reason=reason, actor=actor)

    @event("Withdrawn", topic=topic("commitment", "Withdrawn"))
    def _withdrawn(self, reason: str, actor: UUID) -> None:
        self.status = WITHDRAWN

    def set_check_in_cadence(self, days: int | None, actor: UUID) -> None:
        """This commitment's own check-in cadence in days; None goes back to the plan's."""
        self._require_open()
        if days is not None:
            check_cadence(days)
        if days == self.check_in_days:
            raise Invalid.field("days", "is already this commitment's check-in cadence")
        self._check_in_cadence_set(days=days, actor=actor)

    @event("CheckInCadenceSet", topic=topic("commitment", "CheckInCadenceSet"))
    def _check_in_cadence_set(self, days: int | None, actor: UUID) -> None:
        self.check_in_days = days
    def correct_details(self, changes: dict[str, Any], reason: str, actor: UUID) -> None:
        """Correct the title, description, journey or KPI link; the original stays in the story."""
        unknown = set(changes) - set(CORRECTABLE)
        if unknown:
            raise Invalid.field(sorted(unknown)[0], "cannot be corrected")
        if not reason:
            raise Invalid.field("reason", "a reason is required to correct a commitment")
        diff = {f: [getattr(self, f), v] for f, v in changes.items() if getattr(self, f) != v}
        if not diff:
            raise Invalid.field("changes", "nothing to correct: every value is as it is")
        self._details_corrected(changes=diff, reason=reason, actor=actor)

    @event("DetailsCorrected", topic=topic("commitment", "DetailsCorrected"))
    def _details_corrected(self, changes: dict[str, list[Any]], reason: str, actor: UUID) -> None:
        for name, (_, after) in changes.items():
            setattr(self, name, after)

    def move_to_department(self, department: str, reason: str, actor: UUID) -> None:
        """Move an open commitment to another department (the plan checks the department)."""
        self._require_open()
        if not reason:
            raise Invalid.field("reason", "a reason is required to move a commitment")
        if department == self.department:
            raise Invalid.field("department", "already holds this commitment")
        self._moved_to_department(
            from_department=self.department, to_department=department, reason=reason, actor=actor
        )

    @event("MovedToDepartment", topic=topic("commitment", "MovedToDepartment"))
    def _moved_to_department(
        self, from_department: str, to_department: str, reason: str, actor: UUID
    ) -> None:
        self.department = to_department
        if to_department in self.contributors:  # the new owner no longer contributes beside itself
            self.contributors.remove(to_department)

    # Contributing departments (cross-functional commitments)

    def add_contributor(self, department: str, actor: UUID) -> None:
        """Name a department that contributes beside the owning one (the plan checks it exists
        and is not retired)."""
        self._require_open()
        if department == self.department:
            raise Invalid.field("department", "owns this commitment: name another department")
        if department in self.contributors:
            raise Invalid.field("department", "already contributes to this commitment")
        if len(self.contributors) >= MAX_CONTRIBUTORS:
            raise Invalid.field("department", f"at most {MAX_CONTRIBUTORS} departments contribute")
        self._contributor_added(department=department, actor=actor)

    @event("ContributorAdded", topic=topic("commitment", "ContributorAdded"))
    def _contributor_added(self, department: str, actor: UUID) -> None:
        self.contributors.append(department)

    def remove_contributor(self, department: str, actor: UUID) -> None:
        if department not in self.contributors:
            raise Invalid.field("department", "does not contribute to this commitment")
        self._contributor_removed(department=department, actor=actor)

    @event("ContributorRemoved", topic=topic("commitment", "ContributorRemoved"))
    def _contributor_removed(self, department: str, actor: UUID) -> None:
        self.contributors.remove(department)

    # Milestones: a short checklist; while it has any, progress is the share ticked

    def add_milestone(self, text: str, actor: UUID) -> str:
        self._require_open()
        if len(self.current_milestones()) >= MAX_MILESTONES:
            raise Invalid.field("text", f"a commitment has at most {MAX_MILESTONES} milestones")
        if any(m.text.casefold() == text.casefold() for m in self.current_milestones()):
            raise Invalid.field("text", "is already a milestone of this commitment")
        milestone_id = f"M{len(self.milestones) + 1}"
        self._milestone_added(milestone_id=milestone_id, text=text, actor=actor)
        return milestone_id

    @event("MilestoneAdded", topic=topic("commitment", "MilestoneAdded"))
    def _milestone_added(self, milestone_id: str, text: str, actor: UUID) -> None:
        self.milestones[milestone_id] = Milestone(milestone_id, text)
        self._follow_milestones()

    def tick_milestone(self, milestone_id: str, actor: UUID) -> None:
        self._require_open()
        if self._milestone(milestone_id).ticked:
            raise Invalid.field("milestone", "is already ticked")
        self._milestone_ticked(milestone_id=milestone_id, actor=actor)

    @event("MilestoneTicked", topic=topic("commitment", "MilestoneTicked"))
    def _milestone_ticked(self, milestone_id: str, actor: UUID) -> None:
        self.milestones[milestone_id].ticked = True
        self._follow_milestones()

    def untick_milestone(self, milestone_id: str, actor: UUID) -> None:
        self._require_open()
        if not self._milestone(milestone_id).ticked:
            raise Invalid.field("milestone", "is not ticked")
        self._milestone_unticked(milestone_id=milestone_id, actor=actor)

    @event("MilestoneUnticked", topic=topic("commitment", "MilestoneUnticked"))
    def _milestone_unticked(self, milestone_id: str, actor: UUID) -> None:
        self.milestones[milestone_id].ticked = False
        self._follow_milestones()

    def remove_milestone(self, milestone_id: str, actor: UUID) -> None:
        self._require_open()
        self._milestone(milestone_id)
        self._milestone_removed(milestone_id=milestone_id, actor=actor)

    @event("MilestoneRemoved", topic=topic("commitment", "MilestoneRemoved"))
    def _milestone_removed(self, milestone_id: str, actor: UUID) -> None:
        self.milestones[milestone_id].removed = True
        self._follow_milestones()

    def _milestone(self, milestone_id: str) -> Milestone:
        found = self.milestones.get(milestone_id)
        if found is None or found.removed:
            raise Invalid.field("milestone", f"no milestone {milestone_id!r} on this commitment")
        return found

    def _follow_milestones(self) -> None:
        """Progress is the share of milestones ticked; with none left it stays where it was."""
        current = self.current_milestones()
        if current:
            self.progress = milestone_progress(sum(m.ticked for m in current), len(current))

    # The CX pattern library: which published patterns this commitment applies. Commitments
    # made before patterns existed cite none (no attribute in their stored state).

    @property
    def cited_patterns(self) -> list[UUID]:
        return list(getattr(self, "patterns", []))

    def cite_pattern(self, pattern_id: UUID, actor: UUID) -> None:
        """The service checks the pattern exists and is not retired."""
        if pattern_id in self.cited_patterns:
            raise Invalid.field("pattern", "is already cited by this commitment")
        self._pattern_cited(pattern_id=pattern_id, actor=actor)

    @event("PatternCited", topic=topic("commitment", "PatternCited"))
    def _pattern_cited(self, pattern_id: UUID, actor: UUID) -> None:
        self.patterns = [*self.cited_patterns, pattern_id]

    def uncite_pattern(self, pattern_id: UUID, actor: UUID) -> None:
        if pattern_id not in self.cited_patterns:
            raise Invalid.field("pattern", "is not cited by this commitment")
        self._pattern_uncited(pattern_id=pattern_id, actor=actor)

    @event("PatternUncited", topic=topic("commitment", "PatternUncited"))
    def _pattern_uncited(self, pattern_id: UUID, actor: UUID) -> None:
        self.patterns = [p for p in self.cited_patterns if p != pattern_id]

    @event("Celebrated", topic=topic("commitment", "Celebrated"))
    def celebrate(self, message: str, actor: UUID) -> None:
        pass

    @event("NoteAdded", topic=topic("commitment", "NoteAdded"))
    def add_note(self, text: str, actor: UUID) -> None:
        pass


def _upcast_made_v1_v2(state: dict[str, Any]) -> None:
    """Version 1 could not link a commitment to a KPI."""
    state["kpi"] = None


Commitment.Made.class_version = 2  # type: ignore[attr-defined]
Commitment.Made.upcast_v1_v2 = staticmethod(_upcast_made_v1_v2)  # type: ignore[attr-defined]
