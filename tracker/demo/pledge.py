"""How the catalogue describes a commitment and what becomes of it (its fate) in the story."""

from __future__ import annotations

from dataclasses import dataclass

# Fates: how each commitment's story ends (or stands today).
KEPT = "kept"            # completed on or before its original due date
LATE = "late"            # completed after its original due date (often after moving it)
WITHDRAWN = "withdrawn"
ON_TRACK = "on-track"    # open, due well ahead
OVERDUE = "overdue"      # open, due date passed
AT_RISK = "at-risk"      # open, due soon with little progress, or stuck on an in-house roadblock
BLOCKED = "blocked"      # open, waiting for another department's help
FATES = (KEPT, LATE, WITHDRAWN, ON_TRACK, OVERDUE, AT_RISK, BLOCKED)
OPEN_FATES = (ON_TRACK, OVERDUE, AT_RISK, BLOCKED)


@dataclass(frozen=True)
class Block:
    """A roadblock; without a resolution it is still open today."""

    description: str
    help_from: str | None = None
    resolution: str = ""
    helped: bool = True          # resolved with help from `help_from` (recorded as helped_by)
    also_ask: str | None = None  # a second department asked for help a few days later


@dataclass(frozen=True)
class Pledge:
    key: str
    department: str
    fate: str
    title: str
    description: str
    owner: str = "lead"          # "lead" (the department head) or a first.last e-mail local part
    journey: str | None = None
    kpi: str | None = None
    notes: tuple[str, ...] = ()  # progress notes, in order
    slips: tuple[str, ...] = ()  # one reason per due-date move
    handover: tuple[str, str] | None = None  # (new owner, reason)
    block: Block | None = None
    evidence: str = ""           # kept or late
    reason: str = ""             # withdrawn
    celebration: str = ""
    review_note: str = ""        # the CCO's note after a monthly review
    contributors: tuple[str, ...] = ()  # departments contributing beside the owning one
    milestones: tuple[str, ...] = ()    # a checklist: its ticks stand in for progress reports

    def __post_init__(self) -> None:
        if self.fate not in FATES:
            raise ValueError(f"{self.key}: unknown fate {self.fate!r}")
        if self.fate in (KEPT, LATE) and not self.evidence:
            raise ValueError(f"{self.key}: a completed commitment needs evidence")
        if self.fate == WITHDRAWN and not self.reason:
            raise ValueError(f"{self.key}: a withdrawn commitment needs a reason")
        if self.slips and self.fate not in (LATE, ON_TRACK, OVERDUE):
            raise ValueError(f"{self.key}: only late, on-track or overdue commitments slip")
        if self.block and self.fate in (BLOCKED, AT_RISK) and self.block.resolution:
            raise ValueError(f"{self.key}: a {self.fate} commitment's roadblock is still open")
        if self.block and self.fate not in (BLOCKED, AT_RISK) and not self.block.resolution:
            raise ValueError(f"{self.key}: only blocked or at-risk commitments keep a roadblock open")
        if self.fate == BLOCKED and not (self.block and self.block.help_from):
            raise ValueError(f"{self.key}: a blocked commitment waits for another department")
