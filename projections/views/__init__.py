"""Every read model, in the order a batch is applied (reference data first)."""

from __future__ import annotations

from projections.view import View
from projections.views.accountability import Accountability
from projections.views.board import Board
from projections.views.celebrations import Celebrations
from projections.views.directory import Directory
from projections.views.history import History
from projections.views.kpis import Kpis
from projections.views.nudges import Nudges
from projections.views.ownership import Ownership
from projections.views.patterns import Patterns
from projections.views.roadblocks import Roadblocks
from projections.views.scorecards import Scorecards
from projections.views.timeline import Timeline


def all_views() -> list[View]:
    return [
        Directory(), Nudges(), Patterns(), Scorecards(),
        Board(), History(), Timeline(),
        Roadblocks(), Accountability(), Ownership(), Kpis(), Celebrations(),
    ]
