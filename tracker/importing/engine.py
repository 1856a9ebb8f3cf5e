"""Importing a plan from a spreadsheet, all or nothing, through the domain's own rules.

Every row is checked (nothing stops at the first error); each fact becomes the ordinary event an
equivalent command records, attributed to the importing member; when any row fails nothing is
saved, else everything is saved in one atomic write. Re-importing changes only what changed:
commitments are matched by `external_id` (an imported commitment's id derives from it), else by
department + title (the caller's look-up of existing ones, else the id derived from both).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.application import AggregateNotFoundError

from tracker import clock
from tracker.authorization import require_cco
from tracker.domain import Commitment, Member, Plan, member_id, rules
from tracker.domain.base import ID_NAMESPACE, TrackerAggregate
from tracker.domain.commitment import COMPLETED, OPEN, WITHDRAWN
from tracker.errors import Conflict, Invalid
from tracker.importing.report import Change, ImportRejected, ImportReport, RowError
from tracker.importing.sheets import (
    COMMITMENTS, DEPARTMENTS, JOURNEYS, KPIS, MEASUREMENTS, Row, Workbook,
)

FindCommitment = Callable[[str, str], UUID | None]  # (department slug, title) -> id
Progress = Callable[[int, int], None]  # (rows done, rows in all)
STATUSES = {"": OPEN, "open": OPEN, "completed": COMPLETED, "done": COMPLETED,
            "withdrawn": WITHDRAWN}
COLUMN_OF = {"owner": "owner_email", "percent": "progress", "key": "kpi", "slug": "slug"}


def commitment_id(external_id: str | None, department: str, title: str) -> UUID:
    """The id an imported commitment gets: from its external id, else its department and title."""
    if external_id:
        return uuid5(ID_NAMESPACE, f"import/external/{external_id}")
    return uuid5(ID_NAMESPACE, f"import/{department}/{title.casefold()}")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60].strip("-")


class PlanImport:
    """One import's work: the plan and the aggregates it touches, changed in memory only."""

    def __init__(self, app: Any, actor: UUID, plan: Plan, source: str,
                 find: FindCommitment | None, progress: Progress | None) -> None:
        self.app, self.actor, self.plan, self.find = app, actor, plan, find
        self.report = ImportReport(source)
        self.progress = progress
        self.members: dict[UUID, Member] = {}
        self.new_members: list[Member] = []
        self.touched: dict[UUID, Commitment] = {}
        self.seen: dict[UUID, int] = {}
        self.today = clock.today()
        self.note = f"imported from {source}"

    # Bookkeeping

    def error(self, sheet: str, row: Row, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            self.report.errors.append(RowError(sheet, row.number, COLUMN_OF.get(field, field), message))

    def change(self, sheet: str, row: Row, action: str, what: str, summary: str) -> None:
        self.report.changes.append(Change(sheet, row.number, action, what, summary))

    def checked(self, sheet: str, row: Row, **checks: Callable[[], Any]) -> dict[str, Any] | None:
        try:
            return rules.collect(**checks)
        except Invalid as e:
            self.error(sheet, row, e.errors)
            return None

    def attempt(self, sheet: str, row: Row, step: Callable[[], Any], column: str | None = None) -> bool:
        """Run one domain step; its refusal becomes this row's error."""
        try:
            step()
            return True
        except Invalid as e:
            self.error(sheet, row, {column: "; ".join(e.errors.values())} if column else e.errors)
            return False

    # The plan's set-up

    def department(self, value: str, sheet: str, row: Row, column: str) -> str | None:
        """A department's slug from its slug or name; created (name as given) when missing."""
        wanted = value.strip()
        if not wanted:
            self.error(sheet, row, {column: "is required"})
            return None
        for slug, name in self.plan.departments.items():
            if wanted == slug or wanted.casefold() == name.casefold():
                return slug
        slug = slugify(wanted)
        name = wanted if wanted != slug else wanted.replace("-", " ").capitalize()
        if not slug:
            self.error(sheet, row, {column: "is not a department name"})
            return None
        if self.attempt(sheet, row, lambda: self.plan.add_department(slug, name, actor=self.actor), column):
            self.change(sheet, row, "create", "department", f"{name} ({slug})")
            return slug
        return None

    def departments(self) -> None:
        for row in self.rows(DEPARTMENTS):
            self.department_row(row)

    def department_row(self, row: Row) -> None:
        values = self.checked(DEPARTMENTS, row,
                              slug=lambda: rules.slug("slug", row.get("slug")),
                              name=lambda: rules.text("name", row.get("name"), maximum=100))
        if values is None:
            return
        known = self.plan.departments.get(values["slug"])
        if known is None:
            if self.attempt(DEPARTMENTS, row, lambda: self.plan.add_department(
                    values["slug"], values["name"], actor=self.actor)):
                self.change(DEPARTMENTS, row, "create", "department",
                            f"{values['name']} ({values['slug']})")
        elif known != values["name"]:
            self.error(DEPARTMENTS, row, {"name": f"differs from the recorded {known!r}; "
                                                  "rename departments on the plan page"})

    def journey(self, value: str, department: str, row: Row) -> str | None:
        wanted = value.strip()
        if not wanted:
            return None
        for key, journey in self.plan.journeys.items():
            if wanted == key or wanted.casefold() == journey["name"].casefold():
                return key
        key = slugify(wanted)
        if self.attempt(COMMITMENTS, row, lambda: self.plan.define_journey(
                rules.slug("journey", key), rules.text("journey", wanted, maximum=100),
                department, actor=self.actor), "journey"):
            self.change(COMMITMENTS, row, "create", "journey", f"{wanted} (led by {department})")
            return key
        return None

    def journeys(self) -> None:
        for row in self.rows(JOURNEYS):
            self.journey_row(row)

    def journey_row(self, row: Row) -> None:
        values = self.checked(JOURNEYS, row,
                              key=lambda: rules.slug("key", row.get("key")),
                              name=lambda: rules.text("name", row.get("name"), maximum=100))
        lead = self.department(row.get("lead_department"), JOURNEYS, row, "lead_department")
        if values is None or lead is None:
            return
        known = self.plan.journeys.get(values["key"])
        if known is None:
            if self.attempt(JOURNEYS, row, lambda: self.plan.define_journey(
                    values["key"], values["name"], lead, actor=self.actor)):
                self.change(JOURNEYS, row, "create", "journey", f"{values['name']} (led by {lead})")
        elif known["lead_department"] != lead:
            if self.attempt(JOURNEYS, row, lambda: self.plan.change_journey_lead(
                    values["key"], lead, actor=self.actor), "lead_department"):
                self.change(JOURNEYS, row, "change", "journey",
                            f"{values['key']}: lead {known['lead_department']} → {lead}")

    def kpis(self) -> None:
        for row in self.rows(KPIS):
            key = row.get("key")
            if key in self.plan.kpis:
                continue  # defined already; corrections are the plan page's
            try:
                self.app._define_kpi_on(
                    key=key, name=row.get("name"), unit=row.get("unit"),
                    baseline=row.get("baseline"), target=row.get("target"),
                    target_date=row.get("target_date"), direction=row.get("direction") or None,
                    define=lambda kpi: self.plan.define_kpi(kpi, actor=self.actor))
            except Invalid as e:
                self.error(KPIS, row, e.errors)
                continue
            self.change(KPIS, row, "create", "KPI", f"{row.get('name')} ({key})")

    def kpi(self, value: str, row: Row) -> str | None:
        wanted = value.strip()
        for key, kpi in self.plan.kpis.items():
            if wanted == key or wanted.casefold() == kpi.name.casefold():
                return key
        self.error(COMMITMENTS, row, {"kpi": f"no KPI {wanted!r}: add it to the KPIs sheet"})
        return None

    def measurements(self) -> None:
        for row in self.rows(MEASUREMENTS):
            self.measurement_row(row)

    def measurement_row(self, row: Row) -> None:
        values = self.checked(
            MEASUREMENTS, row,
            kpi=lambda: _known_kpi(self.plan, row.get("kpi")),
            measured_on=lambda: _past("measured_on", row.get("measured_on"), self.today),
            value=lambda: rules.number("value", row.get("value")),
            note=lambda: rules.optional_text("note", row.get("note"), maximum=500))
        if values is None:
            return
        if (values["measured_on"], values["value"]) in self.plan.measurements[values["kpi"]]:
            return
        self.plan.record_measurement(values["kpi"], values["value"], values["measured_on"],
                                     values["note"], actor=self.actor)
        self.change(MEASUREMENTS, row, "create", "measurement",
                    f"{values['kpi']} = {values['value']:g} on {values['measured_on']}")

    # Members and commitments

    def owner(self, row: Row) -> Member | None:
        try:
            email = rules.email("owner_email", row.get("owner_email"))
        except Invalid as e:
            self.error(COMMITMENTS, row, e.errors)
            return None
        ident = member_id(email)
        if ident in self.members:
            return self.members[ident]
        member = self.load(ident)
        if member is not None:
            if not member.active:
                self.error(COMMITMENTS, row, {"owner_email": "is deactivated"})
                return None
            self.members[ident] = member
            return member
        try:
            name = rules.text("owner_name", row.get("owner_name"), maximum=200)
        except Invalid:
            self.error(COMMITMENTS, row, {"owner_name": "is required for a new member"})
            return None
        member = Member(email=email, name=name, actor=self.actor)
        self.members[ident] = member
        self.new_members.append(member)
        self.change(COMMITMENTS, row, "create", "member", f"{name} <{email}> (no password yet)")
        return member

    def commitments(self) -> None:
        rows = self.rows(COMMITMENTS)
        for done, row in enumerate(rows, start=1):
            self.commitment(row)
            if self.progress and (done % 250 == 0 or done == len(rows)):
                self.progress(done, len(rows))

    def commitment(self, row: Row) -> None:
        department = self.department(row.get("department"), COMMITMENTS, row, "department")
        owner = self.owner(row)
        values = self.checked(
            COMMITMENTS, row,
            title=lambda: rules.text("title", row.get("title"), minimum=3, maximum=200),
            description=lambda: rules.optional_text("description", row.get("description"), maximum=4000),
            due_date=lambda: rules.iso_date("due_date", row.get("due_date")),
            progress=lambda: _percent(row.get("progress")),
            status=lambda: _status(row.get("status")),
            external_id=lambda: rules.optional_text("external_id", row.get("external_id"), maximum=100),
        )
        if department is None or owner is None or values is None:
            return
        journey = self.journey(row.get("journey"), department, row) if row.get("journey") else None
        kpi = self.kpi(row.get("kpi"), row) if row.get("kpi") else None
        if (row.get("journey") and journey is None) or (row.get("kpi") and kpi is None):
            return
        ident = self.match(values["external_id"], department, values["title"])
        if ident in self.seen:
            self.error(COMMITMENTS, row, {"title" if not values["external_id"] else "external_id":
                                          f"the same commitment as row {self.seen[ident]}"})
            return
        self.seen[ident] = row.number
        fields = {**values, "department": department, "journey": journey, "kpi": kpi}
        existing = self.load(ident)
        if existing is not None:
            self.update(existing, row, fields, owner)
        else:
            self.create(ident, row, fields, owner)

    def load(self, ident: UUID) -> Any:
        """The aggregate with this id, or None: one read (`in` would read it twice). It may be
        the repository's cached object itself: read it, and copy it before changing it."""
        try:
            return self.app.repository.get(ident, deepcopy_from_cache=False)
        except AggregateNotFoundError:
            return None

    def match(self, external_id: str, department: str, title: str) -> UUID:
        if not external_id and self.find is not None:
            found = self.find(department, title)
            if found is not None:
                return found
        return commitment_id(external_id or None, department, title)

    def create(self, ident: UUID, row: Row, f: dict[str, Any], owner: Member) -> None:
        if f["due_date"] < self.today:
            self.error(COMMITMENTS, row, {"due_date": "cannot be in the past"})
            return
        made: Any = Commitment.Made  # type: ignore[attr-defined]  # made by @event("Made")
        c = Commitment._create(  # the id derives from the row: a re-import finds it
            made, id=ident, plan_id=self.plan.id, department=f["department"],
            title=f["title"], description=f["description"], owner_id=owner.id,
            due_date=f["due_date"], journey=f["journey"], kpi=f["kpi"], actor=self.actor,
        )
        if self.advance(c, row, f):
            self.touched[ident] = c
            self.change(COMMITMENTS, row, "create", "commitment",
                        f"{f['title']} ({f['department']}, due {f['due_date']})")

    def update(self, c: Commitment, row: Row, f: dict[str, Any], owner: Member) -> None:
        fixed = {"department": c.department, "title": c.title, "description": c.description,
                 "journey": c.journey, "kpi": c.kpi}
        differ = {k: f"differs from the recorded {v!r}; an import cannot change it"
                  for k, v in fixed.items() if _comparable(f[k]) != _comparable(v)}
        if differ:
            self.error(COMMITMENTS, row, differ)
            return
        if not _differs(c, f, owner):
            self.report.unchanged += 1
            return
        c = copy.deepcopy(c)  # never change the repository's cached object
        before = len(c.pending_events)
        ok = True
        if owner.id != c.owner_id and ok:
            ok = self.attempt(COMMITMENTS, row, lambda: c.hand_over(owner.id, self.note, actor=self.actor), "owner_email")
        if f["due_date"] != c.due_date and ok:
            if c.status == OPEN and f["due_date"] < self.today:
                self.error(COMMITMENTS, row, {"due_date": "cannot be in the past"})
                return
            ok = self.attempt(COMMITMENTS, row, lambda: c.move_due_date(f["due_date"], self.note, actor=self.actor), "due_date")
        if ok and self.advance(c, row, f):
            if len(c.pending_events) > before:
                self.touched[c.id] = c
                self.change(COMMITMENTS, row, "change", "commitment",
                            f"{c.title}: " + ", ".join(_kind(e) for e in c.pending_events[before:]))
            else:
                self.report.unchanged += 1

    def advance(self, c: Commitment, row: Row, f: dict[str, Any]) -> bool:
        """Progress, then the status the row asks for."""
        status, progress = f["status"], f["progress"]
        if c.status != OPEN:
            if status != c.status:
                self.error(COMMITMENTS, row, {"status": f"is {c.status}; an import cannot reopen or change it"})
                return False
            return True
        if progress is not None and progress != c.progress:
            if not self.attempt(COMMITMENTS, row, lambda: c.report_progress(progress, self.note, actor=self.actor), "progress"):
                return False
        if status == COMPLETED:
            return self.attempt(COMMITMENTS, row, lambda: c.complete(self.today, self.note.capitalize(), actor=self.actor), "status")
        if status == WITHDRAWN:
            return self.attempt(COMMITMENTS, row, lambda: c.withdraw(self.note.capitalize(), actor=self.actor), "status")
        return True

    # Running

    def rows(self, sheet: str) -> list[Row]:
        return self.workbook.rows(sheet)

    def run(self, workbook: Workbook) -> list[TrackerAggregate]:
        self.workbook = workbook
        self.report.rows = workbook.size
        for step in (self.departments, self.journeys, self.kpis, self.measurements, self.commitments):
            step()
        return [a for a in (self.plan, *self.members.values(), *self.touched.values())
                if a.pending_events]


class ImportCommands:
    """Mixed into the application service."""

    def import_plan(
        self, actor: UUID, workbook: Workbook, *, source: str, dry_run: bool = False,
        find: FindCommitment | None = None, progress: Progress | None = None,
    ) -> ImportReport:
        """Check every row; when all are valid, record every change in one atomic write (unless
        `dry_run`). Raises `ImportRejected` (nothing recorded) naming every bad row and column."""
        app: Any = self
        member = app._actor(actor)
        require_cco(member, "import a plan")
        job = PlanImport(app, actor, app._plan(), source, find, progress)
        aggregates = job.run(workbook)
        report = job.report
        report.dry_run = dry_run
        if report.errors:
            raise ImportRejected(report)
        if dry_run or not aggregates:
            report.position = app.head()
            return report
        report.events = sum(len(a.pending_events) for a in aggregates)
        try:
            report.position = app._store(*aggregates).position
        except Conflict:
            raise Conflict("the plan changed while importing; nothing was recorded: import again") from None
        for member in job.new_members:  # invited to set a password (one-time links, no secret kept)
            report.invites[member.email] = app.password_link(actor, email=member.email)
        return report


def _known_kpi(plan: Plan, key: str) -> str:
    plan.require_kpi("kpi", key)
    return key


def _percent(value: str) -> int | None:
    if not value.strip():
        return None
    return rules.whole_number("progress", value.strip().rstrip("%"), minimum=0, maximum=100)


def _status(value: str) -> str:
    status = STATUSES.get(value.strip().casefold())
    if status is None:
        raise Invalid.field("status", "must be open, completed or withdrawn")
    return status


def _past(field: str, value: str, today: date) -> date:
    day = rules.iso_date(field, value)
    if day > today:
        raise Invalid.field(field, "cannot be in the future")
    return day


def _differs(c: Commitment, f: dict[str, Any], owner: Member) -> bool:
    """Whether the row asks for anything this commitment does not already have."""
    if c.status != OPEN:
        return f["status"] != c.status
    return (owner.id != c.owner_id or f["due_date"] != c.due_date or f["status"] != OPEN
            or (f["progress"] is not None and f["progress"] != c.progress))


def _comparable(value: str | None) -> str:
    return (value or "").casefold()


def _kind(event: Any) -> str:
    return {"ProgressReported": "progress", "DueDateMoved": "due date moved",
            "OwnershipHandedOver": "handed over", "Completed": "completed",
            "Withdrawn": "withdrawn"}.get(type(event).__name__, type(event).__name__)
