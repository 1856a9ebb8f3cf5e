"""Member commands: registration, roles, deactivation and passwords."""

from __future__ import annotations

from uuid import UUID

from tracker.accounts import check_password
from tracker.authorization import require_cco
from tracker.domain import Member, member_id, rules
from tracker.domain.member import LEAD, check_grant
from tracker.errors import Invalid, NotAllowed
from tracker.service.base import Receipt, ServiceBase


class MemberCommands(ServiceBase):
    def register_member(
        self, actor: UUID, *, email: str, name: str, password: str,
        role: str | None = None, department: str | None = None,
    ) -> Receipt:
        """Register a member with a password and, optionally, a first role."""
        acting = self._actor(actor)
        require_cco(acting, "register members")
        values = rules.collect(
            email=lambda: rules.email("email", email),
            name=lambda: rules.text("name", name, maximum=200),
            password=lambda: check_password(password),
            role=lambda: self._checked_grant(role, department) if role else _no_department(department),
        )
        if member_id(values["email"]) in self.repository:
            raise Invalid.field("email", "a member with this e-mail address already exists")
        member = Member(email=values["email"], name=values["name"], actor=actor)
        if role:
            member.grant(role, department or None, actor=actor)
        receipt = self._store(member)
        self.accounts.set_password(member.id, member.email, password)
        return receipt

    def grant_role(self, actor: UUID, *, email: str, role: str, department: str | None = None) -> Receipt:
        acting = self._actor(actor)
        require_cco(acting, "grant roles")
        member = self._member_by_email(email)
        self._checked_grant(role, department)
        member.grant(role, department or None, actor=actor)
        return self._store(member)  # roles are read afresh on every request

    def revoke_role(self, actor: UUID, *, email: str, role: str, department: str | None = None) -> Receipt:
        acting = self._actor(actor)
        require_cco(acting, "revoke roles")
        member = self._member_by_email(email)
        if member.id == acting.id and role == "cco":
            raise NotAllowed("a CCO cannot revoke their own CCO role")
        member.revoke(role, department or None, actor=actor)
        receipt = self._store(member)
        self.accounts.end_sessions(member.id)
        return receipt

    def deactivate_member(self, actor: UUID, *, email: str, reason: str) -> Receipt:
        acting = self._actor(actor)
        require_cco(acting, "deactivate members")
        member = self._member_by_email(email)
        if member.id == acting.id:
            raise NotAllowed("members cannot deactivate themselves")
        member.deactivate(rules.text("reason", reason, maximum=1000), actor=actor)
        receipt = self._store(member)
        self.accounts.end_sessions(member.id)
        return receipt

    def change_password(self, actor: UUID, *, email: str, password: str) -> None:
        """Members change their own password; the CCO may reset anyone's."""
        acting = self._actor(actor)
        if member_id(email) != acting.id:  # before the look-up: no probing for e-mail addresses
            require_cco(acting, "reset another member's password")
        member = self._member_by_email(email)
        if not member.active:
            raise Invalid.field("email", "is deactivated")
        self.accounts.set_password(member.id, member.email, password)

    def authenticate(self, email: str, password: str) -> UUID | None:
        """The member id for a correct password of an active member, else None."""
        found = self.accounts.verify(email, password)
        if found is None:
            return None
        try:
            member = self._actor(found)
        except NotAllowed:
            return None
        return member.id

    def _checked_grant(self, role: str, department: str | None) -> str:
        check_grant(role, department or None)
        if role == LEAD and department:
            self._plan().require_department("department", department)
        return role


def _no_department(department: str | None) -> None:
    if department:
        raise Invalid.field("department", "is given only with the lead role")
