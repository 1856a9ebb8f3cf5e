"""The timeline: every event in the log as a readable row, newest first when queried.

`department` is the commitment's department for commitment events, the department a plan event
is about (added, endorsing, leading a journey) for those, else NULL. `summary` is one line for
people; `details` is the event's own data as JSON (dates ISO, UUIDs as strings).
`timeline_commitments` keeps what summaries need from before an event (the progress it starts
from, the due date a completion is judged against, the title).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlite_utils import Database

from projections.facts import Fact
from projections.view import Deferred, View
from projections.views.memo import Memo
from tracker.domain.member import ROLE_TITLES

TEXT_LIMIT = 160  # free text longer than this is cut short in the summary (details keep it all)


class Timeline(View):
    name = "timeline"
    version = 6  # 6: milestones named by their text; 5: contributors, milestones, the overview's
    # readers; 4: scorecards and KPI
    # links; 3: department_name (as it was then); corrections and reorganisations
    tables = ("timeline", "timeline_commitments")

    def __init__(self) -> None:
        super().__init__()
        self._memo = Memo()  # names by kind and key, subjects by commitment id
        self._look: _Lookup | None = None  # set up for each event (one object for all)
        # During a rebuild's load: the timeline's rows, written in bulk (nothing reads them
        # back); None: written event by event.
        self._deferred: Deferred | None = None
        # During a rebuild's load: commitment id -> its subject (the memo's dict, kept here
        # should the memo forget it) that `timeline_commitments` does not hold yet (`_new`) or
        # not as it is now (`_changed`): written with its latest values when the table is read
        # as a whole (`_write_subjects`), when `SUBJECTS_HELD` are held, and at the end of the
        # load; most commitments report progress many times in between: one row each instead of
        # an UPDATE per change.
        self._new: dict[str, dict[str, Any]] = {}
        self._changed: dict[str, dict[str, Any]] = {}

    def start_bulk_load(self) -> None:
        self._deferred = Deferred()
        self._new, self._changed = {}, {}

    def finish_bulk_load(self, db: Database | None) -> None:
        if self._deferred is not None and db is not None:
            self._deferred.flush(db)
            self._write_subjects(db)
        self._deferred = None
        self._new, self._changed = {}, {}

    def _write_subjects(self, db: Database) -> Database:
        """`db`, once `timeline_commitments` holds every subject as it is now."""
        if self._new:
            new, self._new = self._new, {}
            db.conn.executemany(_ADD_SUBJECT, [[cid, *map(subject.get, _SUBJECT)]
                                               for cid, subject in new.items()])
        if self._changed:
            changed, self._changed = self._changed, {}
            db.conn.executemany(_REWRITE, [[*map(subject.get, _SUBJECT), cid]
                                           for cid, subject in changed.items()])
        return db

    def create(self, db: Database) -> None:
        self._memo.forget()
        self._create_tables(db)

    @staticmethod
    def _create_tables(db: Database) -> None:
        script = (
            """
            CREATE TABLE timeline (
                position INTEGER PRIMARY KEY, at TEXT NOT NULL, actor_id TEXT, actor_name TEXT,
                department TEXT, department_name TEXT, commitment_id TEXT,
                commitment_title TEXT, journey TEXT,
                kind TEXT NOT NULL, aggregate TEXT NOT NULL, summary TEXT NOT NULL,
                details TEXT NOT NULL);
            CREATE INDEX timeline_department ON timeline (department, position);
            CREATE INDEX timeline_journey ON timeline (journey, position);
            CREATE INDEX timeline_commitment ON timeline (commitment_id, position);
            CREATE INDEX timeline_actor ON timeline (actor_id, position);
            CREATE INDEX timeline_kind ON timeline (kind, position);
            CREATE INDEX timeline_at ON timeline (at);
            CREATE INDEX timeline_department_kind_at ON timeline (department, kind, at);
            CREATE TABLE timeline_commitments (
                id TEXT PRIMARY KEY, title TEXT NOT NULL, department TEXT NOT NULL,
                journey TEXT, progress INTEGER NOT NULL, due_date TEXT NOT NULL);
            """
        )
        db.executescript(script)

    def apply(self, db: Database, fact: Fact) -> None:
        memo = self._memo.follow(db, fact.position)
        key, aggregate, d = fact.key, fact.aggregate, fact.data
        renamed = RENAMES.get(key)
        if renamed is not None:  # the directory (applied first) holds the new name now
            memo.pop((renamed[0], d[renamed[1]]), None)
        look = self._look
        if look is None:
            look = self._look = _Lookup(db, memo, None)
        look.db, look.memo = db, memo
        department = journey = commitment_id = title = None
        if aggregate == "commitment":
            commitment_id = look.commitment_id = fact.aggregate_text
            subject = memo.get(commitment_id) if fact.kind != "Made" else None
            if subject is None:
                subject = self._subject(db, fact, memo)
            department, journey, title = subject["department"], subject["journey"], subject["title"]
        else:
            look.commitment_id = None
            if aggregate == "plan":
                subject = {}
                department = d.get("slug") or d.get("department") or d.get("lead_department")
                if key == "plan.DepartmentRenamed":
                    subject = {"name": d["from_name"]}  # the row is filed under the old name
                journey = d.get("key") if fact.kind.startswith("Journey") else None
            elif aggregate == "scorecard":  # filed under the lead's department
                subject = _scorecard_subject(db, fact, look)
                department = subject["department"]
            elif aggregate == "notice":  # told about a commitment: part of its story
                subject = _notice_subject(self._write_subjects(db), fact, look)
                commitment_id = subject.get("commitment_id")
                department, title = subject.get("department"), subject.get("title")
            elif aggregate in ("pattern", "library"):  # the pattern library (patterns view first)
                subject = {"name": look.pattern(fact.aggregate_id)} if aggregate == "pattern" else {}
            else:
                subject = {"name": look.member(fact.aggregate_id)}
        describe = SUMMARIES.get(key)
        summary = describe(look, d, subject) if describe is not None else fact.kind
        actor = fact.actor_text
        if actor is not None:  # by its text: the same name as by its UUID, a cheaper memo key
            actor_name = memo.get((MEMBER_NAME, actor)) or look.member(actor)
        else:
            actor_name = None
        if key == "plan.DepartmentRenamed":
            department_name = subject.get("name")
        elif department:
            department_name = memo.get((DEPARTMENT_NAME, department)) or look.department(department)
        else:
            department_name = None
        row = [fact.position, fact.instant, actor, actor_name, department, department_name,
               commitment_id, title, journey, fact.kind, aggregate, " ".join(summary.split()),
               _details(d)]
        if self._deferred is None:
            db.execute(_INSERT, row)
        else:
            self._deferred.add(db, _INSERT, row)
        if fact.key == "commitment.ProgressReported":
            self._remember(db, fact, subject, "progress", d["percent"])
        elif fact.key == "commitment.DueDateMoved":
            self._remember(db, fact, subject, "due_date", d["to_date"].isoformat())
        elif fact.key == "commitment.MovedToDepartment":
            self._remember(db, fact, subject, "department", d["to_department"])
        elif fact.key == "commitment.DetailsCorrected":
            for column in ("title", "journey"):
                if column in d["changes"]:
                    self._remember(db, fact, subject, column, d["changes"][column][1])

    def _subject(self, db: Database, fact: Fact, memo: dict[object, Any]) -> dict[str, Any]:
        """The commitment as it was before this event (created by its first event)."""
        cid = fact.aggregate_text
        if fact.kind == "Made":
            d = fact.data
            row = [cid, d["title"], d["department"], d["journey"], 0, d["due_date"].isoformat()]
            made: dict[str, Any] = dict(zip(_SUBJECT, row[1:]))
            memo[cid] = made
            if self._deferred is None:
                db.execute(_ADD_SUBJECT, row)
            else:
                self._hold(db, self._new, cid, made)
            return made
        # Remembered, held back (not written yet), or as written.
        found: dict[str, Any] | None = (
            memo.get(cid) or self._new.get(cid) or self._changed.get(cid))
        if found is None:
            row = db.execute(
                f"SELECT {', '.join(_SUBJECT)} FROM timeline_commitments WHERE id = ?", [cid]
            ).fetchone()
            if row is None:
                raise LookupError(f"timeline: no commitment {fact.aggregate_id} for {fact.key}")
            found = dict(zip(_SUBJECT, row))
        memo[cid] = found
        return found

    def _remember(
        self, db: Database, fact: Fact, subject: dict[str, Any], column: str, value: object
    ) -> None:
        subject[column] = value  # the memo's copy (and the held one's)
        if self._deferred is None:
            db.execute(_REMEMBER[column], [value, fact.aggregate_text])
        elif fact.aggregate_text not in self._new:
            self._hold(db, self._changed, fact.aggregate_text, subject)

    def _hold(self, db: Database, held: dict[str, dict[str, Any]], cid: str,
              subject: dict[str, Any]) -> None:
        held[cid] = subject
        if len(held) >= SUBJECTS_HELD:
            self._write_subjects(db)


_SUBJECT = ("title", "department", "journey", "progress", "due_date")
_ADD_SUBJECT = "INSERT INTO timeline_commitments VALUES (?, ?, ?, ?, ?, ?)"
_INSERT = "INSERT INTO timeline VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_REMEMBER = {column: f"UPDATE timeline_commitments SET {column} = ? WHERE id = ?"
             for column in _SUBJECT}
_REWRITE = (f"UPDATE timeline_commitments SET ({', '.join(_SUBJECT)}) = (?, ?, ?, ?, ?)"
            " WHERE id = ?")
SUBJECTS_HELD = 5000  # subjects held back during a load are written at the latest then


def _notice_subject(db: Database, fact: Fact, look: _Lookup) -> dict[str, Any]:
    """A notice's recipient, kind and commitment (from the nudges view, applied before this)."""
    row = db.execute(
        "SELECT n.kind, n.recipient_id, n.commitment_id, n.subject, c.department, c.title"
        " FROM notices n LEFT JOIN timeline_commitments c ON c.id = n.commitment_id"
        " WHERE n.id = ?", [fact.aggregate_text]).fetchone()
    if row is None:
        raise LookupError(f"timeline: no notice {fact.aggregate_id} for {fact.key}")
    kind, recipient, commitment_id, about, department, title = row
    return {"kind": kind, "to": look.member(recipient), "commitment_id": commitment_id,
            "about": about, "department": department, "title": title}


def _scorecard_subject(db: Database, fact: Fact, look: _Lookup) -> dict[str, Any]:
    """A scorecard's lead, department and period (from the scorecards view, applied before)."""
    row = db.execute("SELECT lead_id, department, period FROM scorecards WHERE id = ?",
                     [fact.aggregate_text]).fetchone()
    if row is None:
        raise LookupError(f"timeline: no scorecard {fact.aggregate_id} for {fact.key}")
    return {"lead": look.member(row[0]), "department": row[1], "period": row[2]}


def _items(look: _Lookup, items: list[dict[str, Any]]) -> str:
    return ", ".join(f"{look.kpi(i['kpi'])} {i['weight']} % (target {i['target']:g})" for i in items)


class _Lookup:
    """Names from the directory's tables (applied before this view), falling back to the key:
    the name as it is when the event is applied, i.e. as it was then. A name found is remembered
    until an event renames it (`RENAMES`)."""

    def __init__(self, db: Database, memo: dict[object, Any], commitment_id: str | None) -> None:
        self.db = db
        self.memo = memo
        self.commitment_id = commitment_id  # the event's commitment, if it is about one

    def _name(self, sql: str, key: object) -> str:
        if key is None:
            return "-"
        name = self.memo.get((sql, key))
        if name is not None:
            return name
        row = self.db.execute(sql, [str(key)]).fetchone()
        if row is not None and row[0]:
            self.memo[(sql, key)] = row[0]
            return row[0]
        return str(key)

    def member(self, member_id: object) -> str:
        return self._name(MEMBER_NAME, member_id)

    def department(self, slug: object) -> str:
        return self._name(DEPARTMENT_NAME, slug)

    def journey(self, key: object) -> str:
        return self._name(JOURNEY_NAME, key)

    def kpi(self, key: object) -> str:
        return self._name(KPI_NAME, key)

    def milestone(self, milestone_id: str) -> str:
        """A milestone's text, from the board's checklist (applied before this view; the text
        never changes and a removed milestone keeps its row); its id if the row is missing."""
        row = self.db.execute(
            "SELECT text FROM board_milestones WHERE commitment_id = ? AND milestone_id = ?",
            [self.commitment_id, milestone_id]).fetchone()
        return row[0] if row is not None else milestone_id

    def pattern(self, pattern_id: object) -> str:
        """A pattern's title now (not remembered: a revision may change it)."""
        row = self.db.execute("SELECT title FROM patterns WHERE id = ?", [str(pattern_id)]).fetchone()
        return row[0] if row is not None else str(pattern_id)


MEMBER_NAME = "SELECT name FROM members WHERE id = ?"
DEPARTMENT_NAME = "SELECT name FROM departments WHERE slug = ?"
JOURNEY_NAME = "SELECT name FROM journeys WHERE key = ?"
KPI_NAME = "SELECT name FROM kpis WHERE key = ?"
# Events after which a remembered name is stale: (its look-up, the data field naming the key).
RENAMES = {
    "plan.DepartmentRenamed": (DEPARTMENT_NAME, "slug"),
    "plan.JourneyRenamed": (JOURNEY_NAME, "key"),
    "plan.KpiRevised": (KPI_NAME, "key"),
}


Describe = Callable[[_Lookup, dict[str, Any], dict[str, Any]], str]


def _completed(look: _Lookup, d: dict[str, Any], subject: dict[str, Any]) -> str:
    days = (d["completed_on"] - date.fromisoformat(subject["due_date"])).days
    timing = "on time" if days == 0 else _days(abs(days)) + (" late" if days > 0 else " early")
    return f"Completed on {d['completed_on'].isoformat()} ({timing}): {_cut(d['evidence'])}"


def _moved(look: _Lookup, d: dict[str, Any], subject: dict[str, Any]) -> str:
    days = (d["to_date"] - d["from_date"]).days
    sign = "+" if days > 0 else "-"
    return (f"Due date moved {d['from_date'].isoformat()} → {d['to_date'].isoformat()}"
            f" ({sign}{_days(abs(days))}): {_cut(d['reason'])}")


def _resolved(look: _Lookup, d: dict[str, Any], subject: dict[str, Any]) -> str:
    helped = f" with help from {look.department(d['helped_by'])}" if d["helped_by"] else ""
    return f"Roadblock {d['roadblock_id']} resolved{helped}: {_cut(d['resolution'])}"


def _role(look: _Lookup, d: dict[str, Any]) -> str:
    title = ROLE_TITLES.get(d["role"], d["role"])
    return f"{title} ({look.department(d['department'])})" if d["department"] else title


SUMMARIES: dict[str, Describe] = {
    "commitment.Made": lambda look, d, s: (
        f"Commitment made: {_cut(d['title'])}, due {d['due_date'].isoformat()},"
        f" owned by {look.member(d['owner_id'])}"),
    "commitment.ProgressReported": lambda look, d, s: (
        f"Progress {s['progress']}% → {d['percent']}%"
        + (f": {_cut(d['note'])}" if d["note"] else "")),
    "commitment.DueDateMoved": _moved,
    "commitment.OwnershipHandedOver": lambda look, d, s: (
        f"Handed over from {look.member(d['from_owner'])} to {look.member(d['to_owner'])}:"
        f" {_cut(d['reason'])}"),
    "commitment.RoadblockRaised": lambda look, d, s: (
        f"Roadblock {d['roadblock_id']} raised: {_cut(d['description'])}"),
    "commitment.HelpRequested": lambda look, d, s: (
        f"Roadblock {d['roadblock_id']}: help asked of {look.department(d['department'])}"),
    "commitment.RoadblockResolved": _resolved,
    "commitment.Completed": _completed,
    "commitment.Withdrawn": lambda look, d, s: f"Withdrawn: {_cut(d['reason'])}",
    "commitment.Celebrated": lambda look, d, s: f"Celebrated: {_cut(d['message'])}",
    "commitment.NoteAdded": lambda look, d, s: f"Note: {_cut(d['text'])}",
    "plan.Started": lambda look, d, s: f"Plan started: {_cut(d['name'])}",
    "plan.VisionRevised": lambda look, d, s: (
        f"Vision revised: {_cut(d['vision'])}"
        + (f" (why: {_cut(d['reason'])})" if d.get("reason") else "")),
    "plan.DepartmentAdded": lambda look, d, s: f"Department added: {d['name']}",
    "plan.VisionEndorsed": lambda look, d, s: (
        f"{look.department(d['department'])} endorsed the vision (revision {d['revision']})"),
    "plan.JourneyDefined": lambda look, d, s: (
        f"Journey defined: {d['name']}, led by {look.department(d['lead_department'])}"),
    "plan.JourneyLeadChanged": lambda look, d, s: (
        f"Journey {look.journey(d['key'])} now led by {look.department(d['lead_department'])}"),
    "plan.KpiDefined": lambda look, d, s: (
        f"KPI defined: {d['name']}, {d['baseline']:g} → {d['target']:g} {d['unit']}"
        f" by {d['target_date'].isoformat()}"),
    "plan.KpiMeasured": lambda look, d, s: (
        f"{look.kpi(d['key'])} measured {d['value']:g} on {d['measured_on'].isoformat()}"
        + (f": {_cut(d['note'])}" if d["note"] else "")),
    "plan.CheckInCadenceSet": lambda look, d, s: f"Check-in cadence set to every {_days(d['days'])}",
    "commitment.CheckInCadenceSet": lambda look, d, s: (
        f"Check-in cadence set to every {_days(d['days'])}" if d["days"] is not None
        else "Check-in cadence back to the plan's"),
    "member.NoticePreferenceSet": lambda look, d, s: (
        f"{s['name']} hears of {d['kind'].replace('_', ' ')}: {d['mode']}"),
    "notice.Issued": lambda look, d, s: (
        f"{s['to']} told ({d['kind'].replace('_', ' ')}): {_cut(d['subject'])}"),
    "notice.Sent": lambda look, d, s: (
        f"{'E-mailed' if d['channel'] == 'email' else 'Put in the outbox for'} {d['address']}:"
        f" {_cut(s['about'])}"),
    "notice.SendFailed": lambda look, d, s: f"Not delivered to {s['to']}: {_cut(d['reason'])}",
    "notice.RetryClaimed": lambda look, d, s: (
        f"Sending to {s['to']} tried again (run {d['attempt']}): {_cut(s['about'])}"),
    "notice.Read": lambda look, d, s: f"{s['to']} read: {_cut(s['about'])}",
    "plan.DepartmentRenamed": lambda look, d, s: (
        f"Department renamed: {d['from_name']} → {d['to_name']}: {_cut(d['reason'])}"),
    "plan.DepartmentRetired": lambda look, d, s: (
        f"Department retired: {look.department(d['slug'])}: {_cut(d['reason'])}"),
    "plan.DepartmentMerged": lambda look, d, s: (
        f"Department {look.department(d['slug'])} merged into {look.department(d['into'])}:"
        f" {_cut(d['reason'])}"),
    "plan.JourneyRenamed": lambda look, d, s: (
        f"Journey renamed: {d['from_name']} → {d['to_name']}: {_cut(d['reason'])}"),
    "plan.JourneyRetired": lambda look, d, s: (
        f"Journey retired: {look.journey(d['key'])}: {_cut(d['reason'])}"),
    "plan.KpiRevised": lambda look, d, s: (
        f"KPI {look.kpi(d['key'])} revised: {_changes(d['changes'])}: {_cut(d['reason'])}"),
    "plan.KpiRetired": lambda look, d, s: (
        f"KPI retired: {look.kpi(d['key'])}: {_cut(d['reason'])}"),
    "plan.MeasurementCorrected": lambda look, d, s: (
        f"{look.kpi(d['key'])} measurement of {d['measured_on'].isoformat()} corrected"
        f" {d['from_value']:g} → {d['to_value']:g}: {_cut(d['reason'])}"),
    "plan.MeasurementWithdrawn": lambda look, d, s: (
        f"{look.kpi(d['key'])} measurement of {d['measured_on'].isoformat()}"
        f" ({d['value']:g}) withdrawn: {_cut(d['reason'])}"),
    "commitment.DetailsCorrected": lambda look, d, s: (
        f"Details corrected: {_changes(d['changes'], look)}: {_cut(d['reason'])}"),
    "commitment.MovedToDepartment": lambda look, d, s: (
        f"Moved from {look.department(d['from_department'])} to"
        f" {look.department(d['to_department'])}: {_cut(d['reason'])}"),
    "commitment.ContributorAdded": lambda look, d, s: (
        f"{look.department(d['department'])} now contributes"),
    "commitment.ContributorRemoved": lambda look, d, s: (
        f"{look.department(d['department'])} no longer contributes"),
    "commitment.MilestoneAdded": lambda look, d, s: f"Milestone added: {_cut(d['text'])}",
    "commitment.MilestoneTicked": lambda look, d, s: (
        f"Milestone ticked: {_cut(look.milestone(d['milestone_id']))}"),
    "commitment.MilestoneUnticked": lambda look, d, s: (
        f"Milestone unticked: {_cut(look.milestone(d['milestone_id']))}"),
    "commitment.MilestoneRemoved": lambda look, d, s: (
        f"Milestone removed: {_cut(look.milestone(d['milestone_id']))}"),
    "plan.OverviewAccessChanged": lambda look, d, s: (
        "Overview pages open to "
        + (", ".join(ROLE_TITLES.get(r, r).lower() + "s" for r in d["readers"]) or "the CCO only")
        + f": {_cut(d['reason'])}"),
    "pattern.Published": lambda look, d, s: f"Pattern published: {_cut(d['title'])}",
    "pattern.Revised": lambda look, d, s: (
        f"Pattern revised: {_cut(d['title'])}: {_cut(d['reason'])}"),
    "pattern.Retired": lambda look, d, s: f"Pattern retired: {_cut(s['name'])}: {_cut(d['reason'])}",
    "library.PublisherGranted": lambda look, d, s: (
        f"{look.member(d['member'])} may publish patterns"),
    "library.PublisherRevoked": lambda look, d, s: (
        f"{look.member(d['member'])} may no longer publish patterns"),
    "library.Opened": lambda look, d, s: "Pattern library opened",
    "commitment.PatternCited": lambda look, d, s: (
        f"Cites the pattern {_cut(look.pattern(d['pattern_id']))}"),
    "commitment.PatternUncited": lambda look, d, s: (
        f"No longer cites the pattern {_cut(look.pattern(d['pattern_id']))}"),
    "plan.KpiLinked": lambda look, d, s: (
        f"KPI {look.kpi(d['area_kpi'])} linked to CX KPI {look.kpi(d['cx_kpi'])}: {_cut(d['reason'])}"),
    "plan.KpiUnlinked": lambda look, d, s: (
        f"KPI {look.kpi(d['area_kpi'])} no longer linked to CX KPI {look.kpi(d['cx_kpi'])}:"
        f" {_cut(d['reason'])}"),
    "scorecard.ScorecardProposed": lambda look, d, s: (
        f"Scorecard {s['period']} proposed for {s['lead']}: {_cut(_items(look, d['items']))}"),
    "scorecard.ScorecardRevised": lambda look, d, s: (
        f"Scorecard {s['period']} of {s['lead']} revised: {_cut(_items(look, d['items']))}:"
        f" {_cut(d['reason'])}"),
    "scorecard.ScorecardChangeRequested": lambda look, d, s: (
        f"{s['lead']} asked for a change to the {s['period']} scorecard: {_cut(d['comment'])}"),
    "scorecard.ScorecardAgreed": lambda look, d, s: (
        f"{s['lead']} agreed to the {s['period']} scorecard (revision {d['revision']})"
        + (f": {_cut(d['comment'])}" if d["comment"] else "")),
    "scorecard.ScorecardApproved": lambda look, d, s: (
        f"Scorecard {s['period']} of {s['lead']} approved (revision {d['revision']})"
        + (f": {_cut(d['comment'])}" if d["comment"] else "")),
    "member.Registered": lambda look, d, s: f"Member registered: {d['name']} ({d['email']})",
    "member.RoleGranted": lambda look, d, s: f"{s['name']} granted the role {_role(look, d)}",
    "member.RoleRevoked": lambda look, d, s: (
        f"{s['name']} no longer holds the role {_role(look, d)}"),
    "member.Deactivated": lambda look, d, s: f"{s['name']} deactivated: {_cut(d['reason'])}",
}


def _changes(changes: dict[str, list[Any]], look: _Lookup | None = None) -> str:
    """"target 30 → 40; target date 2026-12-31 → 2027-06-30", names for journey and KPI keys."""
    def shown(field: str, value: object) -> str:
        if value is None or value == "":
            return "none"
        if look is not None and field == "journey":
            return look.journey(value)
        if look is not None and field == "kpi":
            return look.kpi(value)
        return f"{value:g}" if isinstance(value, float) else _cut(str(value))
    return "; ".join(f"{f.replace('_', ' ')} {shown(f, a)} → {shown(f, b)}"
                     for f, (a, b) in changes.items())


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _cut(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def _json(value: object) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"timeline: cannot write {type(value).__name__} as JSON")


# json.dumps(d, default=_json, sort_keys=True, ensure_ascii=False), without building an encoder
# for every row.
_DETAILS = json.JSONEncoder(default=_json, sort_keys=True, ensure_ascii=False)
# The same encoder's C function, made once: `_DETAILS.encode` makes one for every call (a few
# microseconds an event in a rebuild). Without the circular-reference check, which an event's
# data (parsed JSON) never needs; the text is the same.
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
_DETAILS_C = None if _c_make_encoder is None else _c_make_encoder(
    None, _json, json.encoder.encode_basestring, None, ": ", ", ", True, False, True)


def _details(data: dict[str, Any]) -> str:
    """`data` as the timeline's `details` JSON."""
    if _DETAILS_C is None:  # pragma: no cover - no C accelerator
        return _DETAILS.encode(data)
    return "".join(_DETAILS_C(data, 0))
