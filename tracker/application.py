"""The application service: one command method per user action, authorised, returning plain data."""

from __future__ import annotations

from tracker.importing import ImportCommands
from tracker.service.base import Receipt, RoadblockReceipt
from tracker.service.collaboration import CollaborationCommands
from tracker.service.commitments import CommitmentCommands
from tracker.service.members import MemberCommands
from tracker.service.nudges import NoticeSpec, NudgeCommands
from tracker.service.patterns import PatternCommands
from tracker.service.plan import PlanCommands
from tracker.service.reads import Reads
from tracker.service.reorganise import ReorganisationCommands
from tracker.service.scorecards import ScorecardCommands
from tracker.service.tokens import TokenCommands


class CxTracker(
    PlanCommands, ReorganisationCommands, CommitmentCommands, MemberCommands, NudgeCommands,
    TokenCommands, ImportCommands, PatternCommands, ScorecardCommands, CollaborationCommands,
    Reads,
):
    """Every write in the product goes through here: the web, the CLI, the demo and the tests."""


__all__ = ["CxTracker", "NoticeSpec", "Receipt", "RoadblockReceipt"]
