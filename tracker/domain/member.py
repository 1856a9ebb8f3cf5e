"""The Member aggregate: a person, the roles they hold, and whether they are still active."""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import event

from tracker.domain.base import ID_NAMESPACE, TrackerAggregate, topic
from tracker.domain.notice import KINDS, MODES
from tracker.errors import Invalid

CCO, LEAD, EXECUTIVE, AUDITOR = "cco", "lead", "executive", "auditor"
ROLES = (CCO, LEAD, EXECUTIVE, AUDITOR)
ROLE_TITLES = {
    CCO: "Chief Customer Officer",
    LEAD: "Department lead",
    EXECUTIVE: "Executive viewer",
    AUDITOR: "Auditor",
}

Grant = tuple[str, str | None]  # (role, department); only a lead's grant names a department


def member_id(email: str) -> UUID:
    """Members are identified by their e-mail address, so it is unique by construction."""
    return uuid5(ID_NAMESPACE, "member:" + email.strip().lower())


class Member(TrackerAggregate):
    TOPIC = topic("member", "Member")

    class Created(TrackerAggregate.Created):
        TOPIC = topic("member", "Created")

    @staticmethod
    def create_id(email: str, name: str = "", actor: UUID | None = None) -> UUID:
        return member_id(email)

    @event("Registered", topic=topic("member", "Registered"))
    def __init__(self, email: str, name: str, actor: UUID) -> None:
        self.email = email
        self.name = name
        self.grants: list[Grant] = []
        self.active = True

    def grant(self, role: str, department: str | None, actor: UUID) -> None:
        self._require_active()
        check_grant(role, department)
        if (role, department) in self.grants:
            raise Invalid.field("role", "is already granted")
        self._role_granted(role=role, department=department, actor=actor)

    @event("RoleGranted", topic=topic("member", "RoleGranted"))
    def _role_granted(self, role: str, department: str | None, actor: UUID) -> None:
        self.grants.append((role, department))

    def revoke(self, role: str, department: str | None, actor: UUID) -> None:
        self._require_active()
        if (role, department) not in self.grants:
            raise Invalid.field("role", "is not held")
        self._role_revoked(role=role, department=department, actor=actor)

    @event("RoleRevoked", topic=topic("member", "RoleRevoked"))
    def _role_revoked(self, role: str, department: str | None, actor: UUID) -> None:
        self.grants.remove((role, department))

    def deactivate(self, reason: str, actor: UUID) -> None:
        self._require_active()
        if not reason:
            raise Invalid.field("reason", "a reason is required to deactivate a member")
        self._deactivated(reason=reason, actor=actor)

    @event("Deactivated", topic=topic("member", "Deactivated"))
    def _deactivated(self, reason: str, actor: UUID) -> None:
        self.active = False

    def set_notice_preference(self, kind: str, mode: str, actor: UUID) -> None:
        """How this member hears of one kind of notice: immediately, daily, weekly or off."""
        if kind not in KINDS:
            raise Invalid.field("kind", f"must be one of {', '.join(KINDS)}")
        if mode not in MODES:
            raise Invalid.field("mode", f"must be one of {', '.join(MODES)}")
        if self.notice_preference(kind) == mode:
            return
        self._notice_preference_set(kind=kind, mode=mode, actor=actor)

    @event("NoticePreferenceSet", topic=topic("member", "NoticePreferenceSet"))
    def _notice_preference_set(self, kind: str, mode: str, actor: UUID) -> None:
        self.notice_preferences = {**self._preferences(), kind: mode}

    def notice_preference(self, kind: str) -> str:
        return self._preferences().get(kind, "immediately")

    def _preferences(self) -> dict[str, str]:
        # Members registered before preferences existed have none (the default: immediately).
        return getattr(self, "notice_preferences", {})

    def _require_active(self) -> None:
        if not self.active:
            raise Invalid.field("member", "is deactivated")

    def has(self, role: str, department: str | None = None) -> bool:
        return self.active and (role, department) in self.grants

    def lead_departments(self) -> set[str]:
        return {d for r, d in self.grants if r == LEAD and d is not None} if self.active else set()


def check_grant(role: str, department: str | None) -> None:
    if role not in ROLES:
        raise Invalid.field("role", f"must be one of {', '.join(ROLES)}")
    if role == LEAD and not department:
        raise Invalid.field("department", "a lead's role names their department")
    if role != LEAD and department:
        raise Invalid.field("department", f"the {role} role is plan-wide, without a department")
