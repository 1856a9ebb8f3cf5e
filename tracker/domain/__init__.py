"""Aggregates and their events. Importing this package registers every stored topic."""

from tracker.domain.base import DateAsISO, TrackerAggregate
from tracker.domain.commitment import Commitment, Roadblock
from tracker.domain.member import Member, member_id
from tracker.domain.notice import Notice, notice_id
from tracker.domain.pattern import Pattern, PatternLibrary, pattern_library_id
from tracker.domain.plan import Kpi, Plan, plan_id
from tracker.domain.scorecard import Period, Scorecard, scorecard_id

__all__ = [
    "Commitment", "DateAsISO", "Kpi", "Member", "Notice", "Pattern", "PatternLibrary", "Period",
    "Plan", "Roadblock", "Scorecard", "TrackerAggregate", "pattern_library_id",
    "event_keys", "member_id", "notice_id", "plan_id", "scorecard_id",
]


def event_keys() -> frozenset[str]:
    """Every stored event of every aggregate (subclasses of TrackerAggregate) as
    `aggregate.Event` (the middle and last parts of its topic), e.g. "commitment.ProgressReported":
    the names the read side knows events by."""
    return frozenset(
        cls.TOPIC.split("/", 1)[1].replace("/", ".")
        for aggregate in TrackerAggregate.__subclasses__()
        for cls in vars(aggregate).values()
        if isinstance(cls, type) and issubclass(cls, aggregate.Event) and hasattr(cls, "TOPIC")
    )
