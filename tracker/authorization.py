"""Who may do what. Every command of the application service asks these before it acts.

- CCO: everything in the plan, members and roles included.
- Department lead: writes for the departments granted to them; resolves and notes roadblocks
  where their department's help was asked; celebrates anyone's win.
- Executive viewer and auditor: read only. A deactivated member can do nothing.
"""

from __future__ import annotations

from tracker.domain.commitment import Commitment
from tracker.domain.member import AUDITOR, CCO, EXECUTIVE, LEAD, Member
from tracker.errors import NotAllowed


def is_cco(member: Member) -> bool:
    return member.has(CCO)


def require_active(member: Member) -> None:
    if not member.active:
        raise NotAllowed("this member is deactivated and can do nothing")


def require_cco(member: Member, action: str) -> None:
    if not is_cco(member):
        raise NotAllowed(f"only the Chief Customer Officer may {action}")


def require_department_writer(member: Member, department: str) -> None:
    """The CCO, or a lead of this department."""
    if not (is_cco(member) or department in member.lead_departments()):
        raise NotAllowed(f"only a lead of {department!r} or the CCO may do this")


def can_act_for(member: Member, department: str) -> bool:
    """Whether this member may write for the department: active, and its lead or the CCO."""
    return member.active and (is_cco(member) or department in member.lead_departments())


def require_roadblock_party(member: Member, commitment: Commitment, roadblock_id: str) -> None:
    """The commitment's department, or a department whose help was asked on this roadblock."""
    if is_cco(member) or commitment.department in member.lead_departments():
        return
    roadblock = commitment.roadblocks.get(roadblock_id)
    asked = set(roadblock.help_requested_from) if roadblock else set()
    if not asked & member.lead_departments():
        raise NotAllowed("only the commitment's department, a department asked for help, or the CCO")


def require_commitment_party(member: Member, commitment: Commitment) -> None:
    """The commitment's department, a department asked for help on one of its roadblocks, or the CCO."""
    if is_cco(member) or commitment.department in member.lead_departments():
        return
    asked = {d for r in commitment.roadblocks.values() for d in r.help_requested_from}
    if not asked & member.lead_departments():
        raise NotAllowed("only the commitment's department, a department asked for help, or the CCO")


def require_writer(member: Member) -> None:
    """Any CCO or department lead (celebrations cross silos on purpose)."""
    if not (is_cco(member) or member.lead_departments()):
        raise NotAllowed("executive viewers and auditors change nothing")


def can_read(member: Member) -> bool:
    return member.active and bool(member.grants)


def can_audit(member: Member) -> bool:
    return member.active and (member.has(AUDITOR) or member.has(CCO))


def is_read_only(member: Member) -> bool:
    return not (is_cco(member) or member.lead_departments()) and (
        member.has(EXECUTIVE) or member.has(AUDITOR)
    )


__all__ = [
    "AUDITOR", "CCO", "EXECUTIVE", "LEAD", "can_act_for", "can_audit", "can_read", "is_cco",
    "is_read_only", "require_active", "require_cco", "require_commitment_party", "require_department_writer",
    "require_roadblock_party", "require_writer",
]
