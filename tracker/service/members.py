"""Member commands: registration, roles, deactivation and passwords."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from tracker.accounts import PASSWORD_LINK_LIFETIME, check_password
from tracker.authorization import require_cco
from tracker.domain import Member, member_id, rules
from tracker.domain.member import LEAD, check_grant
from tracker.errors import Invalid, NotAllowed
from tracker.service.base import Receipt, ServiceBase


class MemberCommands(ServiceBase):
    def register_member(
        self, actor: UUID, *, email: str, name: str, password: str | None,
        role: str | None = None, department: str | None = None,
    ) -> Receipt:
        """Register a member with a password and, optionally, a first role. Without a password
        nobody can sign in as them until they set one with a link (`password_link`)."""
        acting = self._actor(actor)
        require_cco(acting, "register members")
        values = rules.collect(
            email=lambda: rules.email("email", email),
            name=lambda: rules.text("name", name, maximum=200),
            password=lambda: check_password(password) if password else None,
            role=lambda: self._checked_grant(role, department) if role else _no_department(department),
        )
        if member_id(values["email"]) in self.repository:
            raise Invalid.field("email", "a member with this e-mail address already exists")
        member = Member(email=values["email"], name=values["name"], actor=actor)
        if role:
            member.grant(role, department or None, actor=actor)
        receipt = self._store(member)
        if password:
            self.accounts.set_password(member.id, member.email, password)
        else:
            self.accounts.add_without_password(member.id, member.email)
        return receipt

    def grant_role(
        self, actor: UUID, *, email: str, role: str, department: str | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        acting = self._actor(actor)
        require_cco(acting, "grant roles")
        member = self._member_by_email(email)
        self._expect(member, expected_version)
        self._checked_grant(role, department)
        member.grant(role, department or None, actor=actor)
        return self._store(member)  # roles are read afresh on every request

    def revoke_role(
        self, actor: UUID, *, email: str, role: str, department: str | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        acting = self._actor(actor)
        require_cco(acting, "revoke roles")
        member = self._member_by_email(email)
        self._expect(member, expected_version)
        if member.id == acting.id and role == "cco":
            raise NotAllowed("a CCO cannot revoke their own CCO role")
        member.revoke(role, department or None, actor=actor)
        receipt = self._store(member)
        self.accounts.end_sessions(member.id)
        return receipt

    def deactivate_member(
        self, actor: UUID, *, email: str, reason: str, expected_version: int | None = None,
    ) -> Receipt:
        acting = self._actor(actor)
        require_cco(acting, "deactivate members")
        member = self._member_by_email(email)
        self._expect(member, expected_version)
        if member.id == acting.id:
            raise NotAllowed("members cannot deactivate themselves")
        member.deactivate(rules.text("reason", reason, maximum=1000), actor=actor)
        receipt = self._store(member)
        self.accounts.end_sessions(member.id)
        return receipt

    def change_password(
        self, actor: UUID, *, email: str, password: str, current_password: str | None = None,
    ) -> None:
        """Members change their own password (giving the current one); the CCO may reset anyone
        else's. Every session of that member ends. Nothing enters the event log."""
        acting = self._actor(actor)
        own = member_id(email) == acting.id
        if not own:  # before the look-up: no probing for e-mail addresses
            require_cco(acting, "reset another member's password")
        member = self._member_by_email(email)
        if not member.active:
            raise Invalid.field("email", "is deactivated")
        rules.collect(
            current_password=lambda: self._check_current(member.id, current_password) if own else None,
            password=lambda: check_password(password),
        )
        self.accounts.set_password(member.id, member.email, password)

    def password_link(self, actor: UUID, *, email: str, lifetime: timedelta = PASSWORD_LINK_LIFETIME) -> str:
        """The CCO makes a one-time token with which `email` sets their own password (single use,
        expiring, kept hashed); it replaces their earlier ones."""
        require_cco(self._actor(actor), "make set-password links")
        member = self._member_by_email(email)
        if not member.active:
            raise Invalid.field("email", "is deactivated")
        return self.accounts.issue_password_link(member.id, lifetime)

    def password_link_for(self, token: str) -> dict[str, str] | None:
        """Whose password a still-valid link sets (e-mail and name), else None."""
        found = self.accounts.password_link_member(token)
        if found is None or found not in self.repository:
            return None
        member: Member = self.repository.get(found)
        return {"email": member.email, "name": member.name} if member.active else None

    def set_password_with_link(self, token: str, password: str) -> str:
        """Set a password with a one-time link (no sign-in needed); the member's e-mail. The link
        is spent, and every session of the member ends."""
        check_password(password)
        found = self.password_link_for(token)
        if found is None:
            raise Invalid.field("link", "has expired or was already used; ask your CCO for a new one")
        member = self._member_by_email(found["email"])
        if not self.accounts.use_password_link(token, member.id):
            raise Invalid.field("link", "has expired or was already used; ask your CCO for a new one")
        self.accounts.set_password(member.id, member.email, password)
        return member.email

    def _check_current(self, member: UUID, current_password: str | None) -> None:
        if not current_password or not self.accounts.matches(member, current_password):
            raise Invalid.field("current_password", "is not your current password")

    def member_versions(self, ids: list[UUID]) -> dict[UUID, int]:
        """Each member's current version, for forms that refuse a stale change (Conflict)."""
        found: dict[UUID, int] = {}
        for ident in ids:
            found[ident] = self.repository.get(ident).version
        return found

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
