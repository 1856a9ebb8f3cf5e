"""One blueprint per area of the UI."""

from __future__ import annotations

from flask import Blueprint


def all_blueprints() -> list[Blueprint]:
    from web.blueprints import (
        accountability, audit, board, cadence, celebrations, commitments, crossfunctional, dashboard,
        exports, home, importing, inbox, kpis, members, patterns, plan, report, roadblocks,
        scorecards, timeline, tokens,
    )

    return [
        home.bp, board.bp, commitments.bp, roadblocks.bp, dashboard.bp, timeline.bp,
        accountability.bp, audit.bp, kpis.bp, celebrations.bp, report.bp, plan.bp, members.bp,
        tokens.bp, importing.bp, exports.bp, inbox.bp, cadence.bp, patterns.bp, scorecards.bp,
        crossfunctional.bp,
    ]
