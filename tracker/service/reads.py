"""Plain-data reads of single aggregates, for commands that need current state (CLI, forms).

Lists, boards and histories are read from the projections, not from here.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from tracker.domain import Commitment, Member
from tracker.service.base import ServiceBase


class Reads(ServiceBase):
    def member(self, member_ref: UUID | str) -> dict[str, Any]:
        """A member by id or e-mail: id, email, name, active, grants."""
        member = (
            self._member_by_email(member_ref) if isinstance(member_ref, str)
            else self._get(Member, member_ref, "member", copy=False)  # read, not changed
        )
        return {
            "id": member.id, "email": member.email, "name": member.name,
            "active": member.active,
            "grants": [{"role": r, "department": d} for r, d in member.grants],
            "version": member.version,
        }

    def plan(self) -> dict[str, Any]:
        plan = self._plan()
        return {
            "id": plan.id, "name": plan.name, "vision": plan.vision,
            "vision_revision": plan.vision_revision,
            "departments": dict(plan.departments),
            "journeys": {k: dict(v) for k, v in plan.journeys.items()},
            "kpis": {k: asdict(v) for k, v in plan.kpis.items()},
            "endorsements": dict(plan.endorsements),
            "kpi_links": sorted(plan.kpi_links),
            "retired": {kind: sorted(k for t, k in plan.retired if t == kind)
                        for kind in ("department", "journey", "kpi")},
            "measurements": {k: {d.isoformat(): v for d, v in sorted(m.items())}
                             for k, m in plan.measurements.items()},
            "overview_readers": list(plan.overview_readers),
            "version": plan.version,
        }

    def commitment(self, commitment_id: UUID) -> dict[str, Any]:
        c = self._get(Commitment, commitment_id, "commitment")
        return {
            "id": c.id, "department": c.department, "title": c.title,
            "description": c.description, "owner_id": c.owner_id, "due_date": c.due_date,
            "original_due_date": c.original_due_date, "journey": c.journey, "kpi": c.kpi,
            "progress": c.progress, "status": c.status, "completed_on": c.completed_on,
            "roadblocks": [asdict(r) for r in c.roadblocks.values()],
            "contributors": list(c.contributors),
            "milestones": [asdict(m) for m in c.current_milestones()],
            "version": c.version,
        }
