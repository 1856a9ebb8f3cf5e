"""Commitment commands: what department leads (and the CCO) do day to day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID, uuid4, uuid5

from tracker import clock
from tracker.authorization import (
    can_act_for, require_cco, require_commitment_party, require_department_writer,
    require_roadblock_party, require_writer,
)
from tracker.domain import Commitment, Member, rules
from tracker.domain.base import ID_NAMESPACE
from tracker.errors import Conflict, Invalid, NotFound
from tracker.service.base import Receipt, RoadblockReceipt, ServiceBase


class CommitmentCommands(ServiceBase):
    def make_commitment(
        self, actor: UUID, *, department: str, title: str, due_date: date | str, owner: str,
        description: str = "", journey: str | None = None, kpi: str | None = None,
        idempotency_key: str | None = None,
    ) -> Receipt:
        """A department commits to do something by a date; `owner` is a member's e-mail.

        With an `idempotency_key` (a create form carries a new one each time it is shown), the
        same actor making a commitment with the same key again, even at the same instant in
        another process, gets the first one's receipt and makes nothing: the key decides the
        commitment's id, and the event store accepts one creation per id.
        """
        member = self._actor(actor)
        made_id = _made_id(actor, idempotency_key)
        if made_id is not None and made_id in self.repository:
            return self._made_already(made_id)
        plan = self._plan()
        plan.require_department("department", department)
        require_department_writer(member, department)
        values = rules.collect(
            title=lambda: rules.text("title", title, minimum=3, maximum=200),
            description=lambda: rules.optional_text("description", description, maximum=4000),
            due_date=lambda: self._future_date("due_date", due_date),
            owner_id=lambda: self._owner("owner", owner, department).id,
            journey=lambda: _optional_key(plan.require_journey, "journey", journey),
            kpi=lambda: _optional_key(plan.require_kpi, "kpi", kpi),
        )
        # `id` is the library's own keyword (see Commitment.id), which mypy cannot see.
        commitment = Commitment(id=made_id or uuid4(), plan_id=plan.id,  # type: ignore[call-arg]
                                department=department, actor=actor, **values)
        try:
            return self._store(commitment)
        except Conflict:
            if made_id is None:
                raise
            return self._made_already(made_id)  # the twin request stored it first

    def _made_already(self, made_id: UUID) -> Receipt:
        made = self._commitment(made_id)
        return Receipt(made.id, made.version, self.head())

    def report_progress(
        self, actor: UUID, commitment_id: UUID, *, percent: int | str, note: str = "",
        expected_version: int | None = None,
    ) -> Receipt:
        commitment = self._writable(actor, commitment_id, expected_version)
        commitment.report_progress(
            _percent(percent), rules.optional_text("note", note, maximum=2000), actor=actor
        )
        return self._store(commitment)

    def move_due_date(
        self, actor: UUID, commitment_id: UUID, *, due_date: date | str, reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        commitment = self._writable(actor, commitment_id, expected_version)
        values = rules.collect(
            due_date=lambda: self._future_date("due_date", due_date),
            reason=lambda: rules.text("reason", reason, maximum=1000),
        )
        commitment.move_due_date(values["due_date"], values["reason"], actor=actor)
        return self._store(commitment)

    def hand_over(
        self, actor: UUID, commitment_id: UUID, *, new_owner: str, reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        commitment = self._writable(actor, commitment_id, expected_version)
        values = rules.collect(
            new_owner=lambda: self._owner("new_owner", new_owner, commitment.department).id,
            reason=lambda: rules.text("reason", reason, maximum=1000),
        )
        commitment.hand_over(values["new_owner"], values["reason"], actor=actor)
        return self._store(commitment)

    def raise_roadblock(
        self, actor: UUID, commitment_id: UUID, *, description: str, help_from: str | None = None,
        expected_version: int | None = None,
    ) -> RoadblockReceipt:
        """Raise a roadblock, optionally asking another department for help in the same step."""
        commitment = self._writable(actor, commitment_id, expected_version)
        text = rules.text("description", description, minimum=3, maximum=2000)
        if help_from:
            self._plan().require_department("help_from", help_from)
            if help_from == commitment.department:
                raise Invalid.field("help_from", "help must be asked of another department")
        roadblock_id = commitment.raise_roadblock(text, actor=actor)
        if help_from:
            commitment.request_help(roadblock_id, help_from, actor=actor)
        receipt = self._store(commitment)
        return RoadblockReceipt(receipt.id, receipt.version, receipt.position, roadblock_id)

    def request_help(
        self, actor: UUID, commitment_id: UUID, *, roadblock_id: str, department: str,
        expected_version: int | None = None,
    ) -> Receipt:
        commitment = self._writable(actor, commitment_id, expected_version)
        self._plan().require_department("department", department)
        commitment.request_help(roadblock_id, department, actor=actor)
        return self._store(commitment)

    def resolve_roadblock(
        self, actor: UUID, commitment_id: UUID, *, roadblock_id: str, resolution: str,
        helped_by: str | None = None, expected_version: int | None = None,
    ) -> Receipt:
        member = self._actor(actor)
        commitment = self._commitment(commitment_id)
        require_roadblock_party(member, commitment, roadblock_id)
        self._expect(commitment, expected_version)
        text = rules.text("resolution", resolution, minimum=3, maximum=2000)
        if helped_by:
            self._plan().require_department("helped_by", helped_by)
        commitment.resolve_roadblock(roadblock_id, text, helped_by or None, actor=actor)
        return self._store(commitment)

    def complete(
        self, actor: UUID, commitment_id: UUID, *, evidence: str,
        completed_on: date | str | None = None, expected_version: int | None = None,
    ) -> Receipt:
        commitment = self._writable(actor, commitment_id, expected_version)
        values = rules.collect(
            evidence=lambda: rules.text("evidence", evidence, minimum=3, maximum=4000),
            completed_on=lambda: self._past_date("completed_on", completed_on or clock.today()),
        )
        if values["completed_on"] < commitment.created_on.date():
            raise Invalid.field("completed_on", "is before the commitment was made")
        commitment.complete(values["completed_on"], values["evidence"], actor=actor)
        return self._store(commitment)

    def withdraw(
        self, actor: UUID, commitment_id: UUID, *, reason: str, expected_version: int | None = None
    ) -> Receipt:
        commitment = self._writable(actor, commitment_id, expected_version)
        commitment.withdraw(rules.text("reason", reason, maximum=1000), actor=actor)
        return self._store(commitment)

    def correct_commitment(
        self, actor: UUID, commitment_id: UUID, *, reason: str, title: str | None = None,
        description: str | None = None, journey: str | None = None, kpi: str | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        """Correct what is given of the title, description, journey and KPI link ('' unlinks a
        journey or KPI); the original stays in the commitment's story."""
        commitment = self._writable(actor, commitment_id, expected_version)
        plan = self._plan()
        checks: dict[str, Callable[[], object]] = {
            "reason": lambda: rules.text("reason", reason, maximum=1000)}
        if title is not None:
            checks["title"] = lambda: rules.text("title", title, minimum=3, maximum=200)
        if description is not None:
            checks["description"] = lambda: rules.optional_text("description", description, maximum=4000)
        # A link given as it is (a form sends every field) is no correction: not checked again,
        # so a commitment may keep naming a journey or KPI retired since.
        if journey is not None and (journey or None) != commitment.journey:
            checks["journey"] = lambda: _optional_key(plan.require_journey, "journey", journey)
        if kpi is not None and (kpi or None) != commitment.kpi:
            checks["kpi"] = lambda: _optional_key(plan.require_kpi, "kpi", kpi)
        values = rules.collect(**checks)
        why = values.pop("reason")
        commitment.correct_details(values, why, actor=actor)
        return self._store(commitment)

    def move_commitment(
        self, actor: UUID, commitment_id: UUID, *, department: str, reason: str,
        new_owner: str | None = None, expected_version: int | None = None,
    ) -> Receipt:
        """The CCO moves an open commitment to another department. Its owner must be able to act
        for the new department (a lead of it, or the CCO); otherwise a new owner who can is named
        in the same command, and the handover is saved with the move."""
        require_cco(self._actor(actor), "move commitments between departments")
        commitment = self._commitment(commitment_id)
        self._expect(commitment, expected_version)
        self._plan().require_department("department", department)
        why = rules.text("reason", reason, maximum=1000)
        commitment.move_to_department(department, why, actor=actor)  # saved only with its owner
        if new_owner:
            owner = self._owner("new_owner", new_owner, department)
        else:
            owner = self._get(Member, commitment.owner_id, "member")
            if not (owner.active and can_act_for(owner, department)):
                raise Invalid.field(
                    "new_owner", f"{owner.email} cannot own a commitment of {department!r}:"
                    " name a new owner who leads that department (or the CCO)")
        if owner.id != commitment.owner_id:
            commitment.hand_over(owner.id, why, actor=actor)
        return self._store(commitment)

    def celebrate(self, actor: UUID, commitment_id: UUID, *, message: str) -> Receipt:
        return self._retrying(lambda: self._celebrate(actor, commitment_id, message))

    def _celebrate(self, actor: UUID, commitment_id: UUID, message: str) -> Receipt:
        member = self._actor(actor)
        commitment = self._commitment(commitment_id)
        require_writer(member)
        commitment.celebrate(rules.text("message", message, minimum=3, maximum=1000), actor=actor)
        return self._store(commitment)

    def add_note(self, actor: UUID, commitment_id: UUID, *, text: str) -> Receipt:
        return self._retrying(lambda: self._add_note(actor, commitment_id, text))

    def _add_note(self, actor: UUID, commitment_id: UUID, text: str) -> Receipt:
        member = self._actor(actor)
        commitment = self._commitment(commitment_id)
        require_commitment_party(member, commitment)
        commitment.add_note(rules.text("text", text, maximum=4000), actor=actor)
        return self._store(commitment)

    # Helpers

    def _commitment(self, commitment_id: UUID) -> Commitment:
        return self._get(Commitment, commitment_id, "commitment")

    def _writable(self, actor: UUID, commitment_id: UUID, expected_version: int | None) -> Commitment:
        member = self._actor(actor, copy=False)  # only authorises
        commitment = self._commitment(commitment_id)
        require_department_writer(member, commitment.department)
        self._expect(commitment, expected_version)
        return commitment

    def _owner(self, field: str, email: str, department: str) -> Member:
        """An owner must be able to update what they own: an active lead of its department or
        the CCO."""
        address = rules.email(field, email)
        try:
            member = self._member_by_email(address)
        except NotFound:
            raise Invalid.field(field, f"no member with the e-mail address {address}") from None
        if not member.active:
            raise Invalid.field(field, f"{address} is deactivated")
        if not can_act_for(member, department):
            raise Invalid.field(
                field, f"{address} cannot own a commitment of {department!r}: only a lead of"
                " that department or the CCO can update it"
            )
        return member

    @staticmethod
    def _future_date(field: str, value: date | str) -> date:
        day = rules.iso_date(field, value)
        if day < clock.today():
            raise Invalid.field(field, "cannot be in the past")
        return day

    @staticmethod
    def _past_date(field: str, value: date | str) -> date:
        day = rules.iso_date(field, value)
        if day > clock.today():
            raise Invalid.field(field, "cannot be in the future")
        return day


def _made_id(actor: UUID, idempotency_key: str | None) -> UUID | None:
    """The id a commitment made by `actor` with this key gets (None: no key, a random id)."""
    if not idempotency_key:
        return None
    if len(idempotency_key) > 100:
        raise Invalid.field("idempotency_key", "must be at most 100 characters")
    return uuid5(ID_NAMESPACE, f"commitment:{actor}:{idempotency_key}")


def _percent(value: int | str) -> int:
    return rules.whole_number("percent", value, minimum=0, maximum=100)




def _optional_key(require: Callable[[str, str], None], field: str, key: str | None) -> str | None:
    if not key:
        return None
    require(field, key)
    return key
