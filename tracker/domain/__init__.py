"""Aggregates and their events. Importing this package registers every stored topic."""

from tracker.domain.base import DateAsISO, TrackerAggregate
from tracker.domain.commitment import Commitment, Roadblock
from tracker.domain.member import Member, member_id
from tracker.domain.notice import Notice, notice_id
from tracker.domain.plan import Kpi, Plan, plan_id

__all__ = [
    "Commitment", "DateAsISO", "Kpi", "Member", "Notice", "Plan", "Roadblock", "TrackerAggregate",
    "member_id", "notice_id", "plan_id",
]
