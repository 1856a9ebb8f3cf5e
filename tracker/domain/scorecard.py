"""The Scorecard aggregate: one department lead's KPIs, weights and targets for one period.

The CCO proposes it (and revises it), the lead agrees or asks for a change with a comment, an
executive (the CEO) approves it once the lead has agreed. A revision after agreement or approval
takes the scorecard back to "proposed": the lead must agree to what is now on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from tracker.domain.base import ID_NAMESPACE, TrackerAggregate, topic
from tracker.errors import Invalid

PROPOSED, CHANGE_REQUESTED, AGREED, APPROVED = "proposed", "change_requested", "agreed", "approved"
STATUS_TITLES = {
    PROPOSED: "Proposed, awaiting the lead's agreement",
    CHANGE_REQUESTED: "Change requested by the lead",
    AGREED: "Agreed, awaiting approval",
    APPROVED: "Approved",
}
_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")


@dataclass(frozen=True)
class Period:
    """A quarter ("2026-Q1") or a year ("2026"): its first and last day."""

    label: str
    start: date
    end: date

    @classmethod
    def parse(cls, text: object, field: str = "period") -> Period:
        found = _PERIOD.match(str(text).strip()) if isinstance(text, str) else None
        if found is None:
            raise Invalid.field(field, "must be a quarter such as 2026-Q1 or a year such as 2026")
        year = int(found.group(1))
        if not 1900 <= year <= 2199:
            raise Invalid.field(field, "must lie within the years 1900 to 2199")
        if found.group(2) is None:
            return cls(str(year), date(year, 1, 1), date(year, 12, 31))
        quarter = int(found.group(2))
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return cls(f"{year}-Q{quarter}", start, date.fromordinal(end.toordinal() - 1))

    @classmethod
    def of_day(cls, day: date, offset: int = 0) -> Period:
        """The quarter holding `day`, moved by `offset` quarters."""
        index = day.year * 4 + (day.month - 1) // 3 + offset
        return cls.parse(f"{index // 4}-Q{index % 4 + 1}")


def is_settled(status: str, period: str, today: date) -> bool:
    """Approved and its period over: a scorecard that stands as approved (no more revisions)."""
    return status == APPROVED and Period.parse(period).end < today


def scorecard_id(lead_id: UUID, period: str) -> UUID:
    """One scorecard per lead and period: its id is known from both."""
    return uuid5(ID_NAMESPACE, f"scorecard/{lead_id}/{period}")


class Scorecard(TrackerAggregate):
    """A lead's KPIs with weights (whole percentages summing to 100) and targets for a period."""

    TOPIC = topic("scorecard", "Scorecard")

    class Created(TrackerAggregate.Created):
        TOPIC = topic("scorecard", "Created")

    @staticmethod
    def create_id(lead_id: UUID, department: str, period: str, items: list[dict[str, Any]],
                  note: str, actor: UUID) -> UUID:
        return scorecard_id(lead_id, period)

    @event("ScorecardProposed", topic=topic("scorecard", "ScorecardProposed"))
    def __init__(self, lead_id: UUID, department: str, period: str,
                 items: list[dict[str, Any]], note: str, actor: UUID) -> None:
        self.lead_id = lead_id
        self.department = department
        self.period = period
        self.items = items
        self.status = PROPOSED
        self.revision = 1

    def revise(self, items: list[dict[str, Any]], reason: str, actor: UUID, today: date) -> None:
        if is_settled(self.status, self.period, today):
            raise Invalid.field("status", f"the scorecard for {self.period} is approved and its period"
                                " has ended: it stands as approved (propose the next period's instead)")
        if items == self.items:
            raise Invalid.field("items", "nothing to revise: every KPI, weight and target is as it is")
        self._revised(items=items, reason=reason, actor=actor)

    @event("ScorecardRevised", topic=topic("scorecard", "ScorecardRevised"))
    def _revised(self, items: list[dict[str, Any]], reason: str, actor: UUID) -> None:
        self.items = items
        self.status = PROPOSED
        self.revision += 1

    def request_change(self, comment: str, actor: UUID) -> None:
        if self.status not in (PROPOSED,):
            raise Invalid.field("status", f"cannot ask for a change: the scorecard is {self.status.replace('_', ' ')}")
        self._change_requested(comment=comment, revision=self.revision, actor=actor)

    @event("ScorecardChangeRequested", topic=topic("scorecard", "ScorecardChangeRequested"))
    def _change_requested(self, comment: str, revision: int, actor: UUID) -> None:
        self.status = CHANGE_REQUESTED

    def agree(self, comment: str, actor: UUID) -> None:
        if self.status not in (PROPOSED, CHANGE_REQUESTED):
            raise Invalid.field("status", f"cannot agree: the scorecard is already {self.status}")
        self._agreed(comment=comment, revision=self.revision, actor=actor)

    @event("ScorecardAgreed", topic=topic("scorecard", "ScorecardAgreed"))
    def _agreed(self, comment: str, revision: int, actor: UUID) -> None:
        self.status = AGREED

    def approve(self, comment: str, actor: UUID) -> None:
        if self.status == APPROVED:
            raise Invalid.field("status", "the scorecard is already approved")
        if self.status != AGREED:
            raise Invalid.field("status", "the lead has not agreed to this scorecard yet")
        self._approved(comment=comment, revision=self.revision, actor=actor)

    @event("ScorecardApproved", topic=topic("scorecard", "ScorecardApproved"))
    def _approved(self, comment: str, revision: int, actor: UUID) -> None:
        self.status = APPROVED
