"""Generic wording for the routine steps that the catalogue does not spell out one by one."""

from __future__ import annotations

# Progress notes for early reports (up to EARLY_PERCENT) that the catalogue does not spell out.
EARLY_PERCENT = 35
EARLY_NOTES: tuple[str, ...] = (
    "Kick-off held; scope and owners agreed.",
    "Baseline measured and shared with the team.",
    "Plan reviewed with the stakeholders; no open questions.",
    "Work started; first tasks in the team's sprint.",
    "Requirements signed off.",
    "",
    "",
)

# For later reports that the catalogue does not spell out; neutral, whatever the fate.
LATER_NOTES: tuple[str, ...] = (
    "Testing with real customer cases.",
    "Weekly check-in held with the team.",
    "Main work items done; details in the team's board.",
    "",
    "",
)

# For commitments that are stalling (at risk): the latest report explains why.
STALLED_NOTES: tuple[str, ...] = (
    "Little progress this fortnight: the team was pulled into the quarter-end release.",
    "Waiting for capacity; the start slipped by two weeks.",
    "Two people out sick; catching up next sprint.",
)

# When the CCO celebrates a win that a department helped with.
THANKS_TO_HELPERS = "Special thanks to {helper} for helping clear the roadblock."

KPI_NOTES_SUFFIX: dict[int, str] = {
    3: "Quarterly figure reviewed with the executive team.",
    6: "Half-year figure; shared in the CEO progress report.",
}
