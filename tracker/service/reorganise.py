"""Corrections and reorganisations of the plan: each one an event with its actor and reason.

Retiring or merging a department acts on several aggregates in one atomic write: the plan, the
commitments moved (one `MovedToDepartment` each) or withdrawn, and the members whose lead role
for that department ends (`RoleRevoked`). Nothing is recorded when any part is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

from tracker.authorization import can_act_for, require_cco
from tracker.domain import Commitment, Member, Plan, rules
from tracker.domain.base import topic
from tracker.domain.member import LEAD
from tracker.errors import Invalid
from tracker.service.base import Receipt, ServiceBase

SCAN_BATCH = 2000


class ReorganisationCommands(ServiceBase):
    def rename_department(
        self, actor: UUID, *, slug: str, name: str, reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        plan = self._plan_for_cco(actor, "rename departments", expected_version)
        values = rules.collect(name=lambda: rules.text("name", name, maximum=100),
                               reason=lambda: _reason(reason))
        plan.rename_department(slug, values["name"], values["reason"], actor=actor)
        return self._store(plan)

    def retire_department(
        self, actor: UUID, *, slug: str, reason: str, move_to: str | None = None,
        withdraw_open: bool = False, expected_version: int | None = None,
    ) -> Receipt:
        """Retire a department; its open commitments must be moved (`move_to`) or withdrawn
        (`withdraw_open`) in the same command, else it is refused."""
        plan = self._plan_for_cco(actor, "retire departments", expected_version)
        why = _reason(reason)
        if move_to and withdraw_open:
            raise Invalid.field("move_to", "move the open commitments or withdraw them, not both")
        plan.known_department("slug", slug)
        open_ones = self._open_commitments_of(slug)
        if move_to:
            plan.require_department("move_to", move_to)
            if move_to == slug:
                raise Invalid.field("move_to", "must be another department")
        elif open_ones and not withdraw_open:
            raise Invalid.field("slug", f"has {len(open_ones)} open commitment(s): move them to"
                                " another department or withdraw them in the same command")
        plan.retire_department(slug, why, actor=actor)
        ending = self._end_lead_roles(slug, actor)
        for commitment in open_ones:
            if move_to:
                self._move(commitment, move_to, why, actor, ending)
            else:
                commitment.withdraw(f"Department retired: {why}", actor=actor)
        return self._store(plan, *open_ones, *ending)

    def merge_departments(
        self, actor: UUID, *, slug: str, into: str, reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        """Merge `slug` into `into`: its open commitments move, its leads' roles end, it retires."""
        plan = self._plan_for_cco(actor, "merge departments", expected_version)
        why = _reason(reason)
        plan.merge_department(slug, into, why, actor=actor)
        open_ones = self._open_commitments_of(slug)
        ending = self._end_lead_roles(slug, actor)
        for commitment in open_ones:
            self._move(commitment, into, why, actor, ending)
        return self._store(plan, *open_ones, *ending)

    def rename_journey(
        self, actor: UUID, *, key: str, name: str, reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        plan = self._plan_for_cco(actor, "rename journeys", expected_version)
        values = rules.collect(name=lambda: rules.text("name", name, maximum=100),
                               reason=lambda: _reason(reason))
        plan.rename_journey(key, values["name"], values["reason"], actor=actor)
        return self._store(plan)

    def retire_journey(
        self, actor: UUID, *, key: str, reason: str, expected_version: int | None = None
    ) -> Receipt:
        plan = self._plan_for_cco(actor, "retire journeys", expected_version)
        plan.retire_journey(key, _reason(reason), actor=actor)
        return self._store(plan)

    def revise_kpi(
        self, actor: UUID, *, key: str, reason: str, name: str | None = None,
        unit: str | None = None, target: float | str | None = None,
        target_date: date | str | None = None, expected_version: int | None = None,
    ) -> Receipt:
        """Revise what is given of a KPI's name, unit, target and target date."""
        plan = self._plan_for_cco(actor, "revise KPIs", expected_version)
        checks: dict[str, Any] = {"reason": lambda: _reason(reason)}
        if name not in (None, ""):
            checks["name"] = lambda: rules.text("name", name, maximum=100)
        if unit is not None:
            checks["unit"] = lambda: rules.optional_text("unit", unit, maximum=30)
        if target not in (None, ""):
            checks["target"] = lambda: rules.number("target", target)
        if target_date not in (None, ""):
            checks["target_date"] = lambda: rules.iso_date("target_date", target_date)
        values = rules.collect(**checks)
        why = values.pop("reason")
        plan.revise_kpi(key, values, why, actor=actor)
        return self._store(plan)

    def retire_kpi(
        self, actor: UUID, *, key: str, reason: str, expected_version: int | None = None
    ) -> Receipt:
        plan = self._plan_for_cco(actor, "retire KPIs", expected_version)
        plan.retire_kpi(key, _reason(reason), actor=actor)
        return self._store(plan)

    def correct_measurement(
        self, actor: UUID, *, key: str, measured_on: date | str, value: float | str, reason: str,
        note: str = "", expected_version: int | None = None,
    ) -> Receipt:
        plan = self._plan_for_cco(actor, "correct KPI measurements", expected_version)
        values = rules.collect(
            measured_on=lambda: rules.iso_date("measured_on", measured_on),
            value=lambda: rules.number("value", value),
            note=lambda: rules.optional_text("note", note, maximum=500),
            reason=lambda: _reason(reason),
        )
        plan.correct_measurement(key, actor=actor, **values)
        return self._store(plan)

    def withdraw_measurement(
        self, actor: UUID, *, key: str, measured_on: date | str, reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        plan = self._plan_for_cco(actor, "withdraw KPI measurements", expected_version)
        values = rules.collect(measured_on=lambda: rules.iso_date("measured_on", measured_on),
                               reason=lambda: _reason(reason))
        plan.withdraw_measurement(key, values["measured_on"], values["reason"], actor=actor)
        return self._store(plan)

    # Helpers

    def _plan_for_cco(self, actor: UUID, action: str, expected_version: int | None) -> Plan:
        require_cco(self._actor(actor), action)
        plan = self._plan()
        self._expect(plan, expected_version)
        return plan

    def _open_commitments_of(self, department: str) -> list[Commitment]:
        """The department's open commitments, found from the log: the commitments ever made in
        or moved to it, loaded to see where they are and whether they are open now."""
        topics = [topic("commitment", "Made"), topic("commitment", "MovedToDepartment")]
        found: set[UUID] = set()
        for event in self._events(topics):
            if getattr(event, "department", None) == department or getattr(
                event, "to_department", None
            ) == department:
                found.add(event.originator_id)
        commitments = [self._get(Commitment, cid, "commitment") for cid in sorted(found, key=str)]
        return [c for c in commitments if c.department == department and not c.is_closed]

    def _move(self, commitment: Commitment, department: str, why: str, actor: UUID,
              ending: list[Member]) -> None:
        """Move one open commitment; an owner who cannot act for the new department (their lead
        role ends with the old one, say) hands it to the acting CCO in the same save, so every
        open commitment keeps an owner who can update it."""
        commitment.move_to_department(department, why, actor=actor)
        changed = {m.id: m for m in ending}
        owner = changed.get(commitment.owner_id) or self._get(Member, commitment.owner_id, "member")
        if not (owner.active and can_act_for(owner, department)):
            commitment.hand_over(actor, f"{why} (its owner does not lead {department!r})", actor=actor)

    def _end_lead_roles(self, department: str, actor: UUID) -> list[Member]:
        """Members whose lead role for `department` ends with it, their RoleRevoked pending."""
        ids = {e.originator_id for e in self._events([topic("member", "RoleGranted")])
               if e.role == LEAD and e.department == department}
        members = [self._get(Member, mid, "member") for mid in sorted(ids, key=str)]
        ending = [m for m in members if m.active and (LEAD, department) in m.grants]
        for member in ending:
            member.revoke(LEAD, department, actor=actor)
        return ending

    def _events(self, topics: list[str]) -> Iterator[Any]:
        start = 1
        while True:
            batch = self.recorder.select_notifications(start=start, limit=SCAN_BATCH, topics=topics)
            for notification in batch:
                yield self.mapper.to_domain_event(notification)
            if len(batch) < SCAN_BATCH:
                return
            start = batch[-1].id + 1


def _reason(reason: str) -> str:
    return rules.text("reason", reason, maximum=1000)



