"""Who may do what: the one place it is decided. Every command of the application service asks
these before it acts, and the web asks `Roles` what to show and which pages to serve.

- CCO: everything in the plan, members and roles included.
- Department lead: writes for the departments granted to them; resolves and notes roadblocks
  where their department's help was asked; celebrates anyone's win.
- Executive viewer: reads; approves leader scorecards (the one thing an executive records).
  Auditor: read only. Auditors and the CCO see the audit pages.
- The plan-wide overview pages (dashboard, timeline, accountability, report) are shared
  understanding: every member with a role reads them, unless the CCO has closed them to some
  roles (`Plan.OverviewAccessChanged`; the CCO always reads them).
- Cross-functional commitments: the CCO or a lead of the owning department names contributing
  departments and keeps the milestone checklist. A lead of a contributing department ticks and
  unticks milestones and adds notes; reporting progress, moving due dates, handing over,
  roadblocks, completing and withdrawing stay with the owning department.
- A member without a role reads nothing. A deactivated member can do nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from tracker.domain.commitment import Commitment
from tracker.domain.member import AUDITOR, CCO, EXECUTIVE, LEAD, ROLE_TITLES, Grant, Member
from tracker.errors import NotAllowed


@dataclass(frozen=True)
class Roles:
    """A member's grants and what they allow."""

    grants: frozenset[Grant]
    active: bool = True

    @classmethod
    def of(cls, member: Member) -> Roles:
        return cls(frozenset(member.grants), member.active)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str | None]], active: bool = True) -> Roles:
        """From the application's plain member data: [{"role": ..., "department": ...}, ...]."""
        return cls(frozenset((str(g["role"]), g["department"]) for g in rows), active)

    def has(self, role: str) -> bool:
        return self.active and any(r == role for r, _ in self.grants)

    @property
    def is_cco(self) -> bool:
        return self.has(CCO)

    @property
    def lead_departments(self) -> frozenset[str]:
        if not self.active:
            return frozenset()
        return frozenset(d for r, d in self.grants if r == LEAD and d is not None)

    @property
    def can_read(self) -> bool:
        """Every active member with a role reads the plan."""
        return self.active and bool(self.grants)

    @property
    def can_write(self) -> bool:
        """The CCO and department leads change things; executive viewers and auditors do not."""
        return self.is_cco or bool(self.lead_departments)

    def writes_for(self, department: str) -> bool:
        """The CCO, or a lead of this department."""
        return self.is_cco or department in self.lead_departments

    @property
    def is_overseer(self) -> bool:
        """The CCO, an executive viewer or an auditor: the plan-wide overview pages are theirs."""
        return self.is_cco or self.has(EXECUTIVE) or self.has(AUDITOR)

    def reads_overview(self, readers: Collection[str]) -> bool:
        """The overview pages: the CCO always; any other member holding one of the roles the
        plan opens them to (`readers`, every role by default)."""
        if self.is_cco:
            return True
        return self.active and any(r in readers for r, _ in self.grants)

    def contributes_to(self, commitment_departments: Collection[str]) -> bool:
        """A lead of one of these (contributing) departments."""
        return bool(self.lead_departments & set(commitment_departments))

    @property
    def can_audit(self) -> bool:
        return self.is_cco or self.has(AUDITOR)

    @property
    def title(self) -> str:
        """The most senior role's title ("Member" without one)."""
        if self.is_cco:
            return ROLE_TITLES[CCO]
        if self.lead_departments:
            return ROLE_TITLES[LEAD]
        return next((ROLE_TITLES[r] for r in (EXECUTIVE, AUDITOR) if self.has(r)), "Member")


def is_cco(member: Member) -> bool:
    return member.has(CCO)


def require_active(member: Member) -> None:
    if not member.active:
        raise NotAllowed("this member is deactivated and can do nothing")


def require_cco(member: Member, action: str) -> None:
    if not is_cco(member):
        raise NotAllowed(f"only the Chief Customer Officer may {action}")


def require_executive(member: Member, action: str) -> None:
    """An executive viewer (the CEO, the board): the one write they make is approving scorecards."""
    if not member.has(EXECUTIVE):
        raise NotAllowed(f"only an executive may {action}")


def require_department_writer(member: Member, department: str) -> None:
    """The CCO, or a lead of this department."""
    if not Roles.of(member).writes_for(department):
        raise NotAllowed(f"only a lead of {department!r} or the CCO may do this")


def can_act_for(member: Member, department: str) -> bool:
    """Whether this member may write for the department: active, and its lead or the CCO (so an
    owner can always update what they own)."""
    return Roles.of(member).writes_for(department)


def require_roadblock_party(member: Member, commitment: Commitment, roadblock_id: str) -> None:
    """The commitment's department, or a department whose help was asked on this roadblock."""
    if is_cco(member) or commitment.department in member.lead_departments():
        return
    roadblock = commitment.roadblocks.get(roadblock_id)
    asked = set(roadblock.help_requested_from) if roadblock else set()
    if not asked & member.lead_departments():
        raise NotAllowed("only the commitment's department, a department asked for help, or the CCO")


def require_commitment_party(member: Member, commitment: Commitment) -> None:
    """The commitment's department, a contributing department, a department asked for help on
    one of its roadblocks, or the CCO."""
    if is_cco(member) or commitment.department in member.lead_departments():
        return
    asked = {d for r in commitment.roadblocks.values() for d in r.help_requested_from}
    if not (asked | set(commitment.contributors)) & member.lead_departments():
        raise NotAllowed("only the commitment's department, a contributing department, a department"
                         " asked for help, or the CCO")


def require_milestone_ticker(member: Member, commitment: Commitment) -> None:
    """Ticking a milestone: the commitment's department, a contributing department, or the CCO."""
    roles = Roles.of(member)
    if not (roles.writes_for(commitment.department) or roles.contributes_to(commitment.contributors)):
        raise NotAllowed("only a lead of the commitment's department or of a contributing"
                         " department, or the CCO, ticks its milestones")


def require_overview_reader(roles: Roles, readers: Collection[str]) -> None:
    if not roles.reads_overview(readers):
        raise NotAllowed("the chief customer officer has not opened the overview pages to your role")


def may_publish_patterns(roles: Roles, member_id: object, publishers: Iterable[object]) -> bool:
    """The CCO, or an active department lead whom the CCO allowed to publish patterns (the
    pattern library's publishers). Losing every lead role ends the right without an event."""
    return roles.is_cco or (bool(roles.lead_departments) and member_id in set(publishers))


def require_pattern_publisher(member: Member, publishers: Iterable[object]) -> None:
    """Publish or revise a pattern: the CCO or an allowed lead."""
    if not may_publish_patterns(Roles.of(member), member.id, publishers):
        raise NotAllowed("only the CCO and the leads she allows may publish or revise patterns")


def require_writer(member: Member) -> None:
    """Any CCO or department lead (celebrations cross silos on purpose)."""
    if not Roles.of(member).can_write:
        raise NotAllowed("executive viewers and auditors change nothing")


def require_reader(roles: Roles) -> None:
    """Every member with a role reads the plan; a member without one reads nothing."""
    if not roles.can_read:
        raise NotAllowed("a member without a role cannot read the plan")


def require_overseer(roles: Roles) -> None:
    if not roles.is_overseer:
        raise NotAllowed("only the chief customer officer, executive viewers and auditors see this overview")


def require_scorecard_reader(roles: Roles, member: object, lead: object) -> None:
    """A scorecard is read by the CCO, executives and auditors, and by its own lead."""
    if not (roles.is_overseer or (roles.active and str(member) == str(lead))):
        raise NotAllowed("only the scorecard's lead, the CCO, executives and auditors see it")


def require_auditor(roles: Roles) -> None:
    if not roles.can_audit:
        raise NotAllowed("only auditors and the chief customer officer see the audit pages")


__all__ = [
    "AUDITOR", "CCO", "EXECUTIVE", "LEAD", "Roles", "can_act_for", "is_cco", "may_publish_patterns",
    "require_active", "require_auditor", "require_cco", "require_commitment_party",
    "require_department_writer", "require_executive", "require_milestone_ticker",
    "require_overseer", "require_overview_reader", "require_pattern_publisher", "require_reader",
    "require_roadblock_party", "require_scorecard_reader", "require_writer",
]
