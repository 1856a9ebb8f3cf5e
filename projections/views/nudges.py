"""What the reminder service and the inbox read: each commitment's check-in clock, the events
that call for a notice (help asked, handovers, resolutions, celebrations, @mentions), every
notice issued with its delivery and reading, and each member's notice preferences.

- `nudge_commitments.last_check_in_at`: when the commitment was made or last reported progress
  (ticking or unticking a milestone is reporting progress on a commitment that has them);
  a check-in is due once its cadence (its own, else the plan's) has passed since then.
- `nudge_triggers`: one row per event that tells somebody something, with the recipient member
  (`recipient_id`) or the department whose leads are told (`department`).
- `nudge_commitments.reminders`: owner reminders issued so far; `reminders_before_slip` how many
  had been issued when the due date last moved; `slips_after_reminder` due-date moves made after
  at least one reminder.
- `notices`: one row per Notice aggregate; `digest_id` is the digest that bundled it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlite_utils import Database

from projections.facts import Fact
from projections.view import View
from tracker.domain.plan import DEFAULT_CHECK_IN_DAYS

OWNER_KINDS = ("due_soon", "overdue", "check_in")  # reminders to a commitment's owner
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9._%+-]+(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)")
# During a rebuild's load, the check-ins written at most this many commitments at a time.
CHECK_INS_HELD = 16384


class Nudges(View):
    name = "nudges"
    version = 2  # 2: milestone ticks are check-ins
    tables = ("nudge_settings", "nudge_commitments", "nudge_triggers", "notices",
              "notice_preferences")

    def __init__(self) -> None:
        super().__init__()
        # During a rebuild's load: commitment id -> its last check-in not written yet (no
        # handler reads `last_check_in_at`; the latest one wins), at most CHECK_INS_HELD.
        self._check_ins: dict[str, str] | None = None

    def start_bulk_load(self) -> None:
        self._check_ins = {}

    def finish_bulk_load(self, db: Database | None) -> None:
        if self._check_ins is not None and db is not None:
            self._write_check_ins(db)
        self._check_ins = None

    def create(self, db: Database) -> None:
        script = f"""
            CREATE TABLE nudge_settings (id INTEGER PRIMARY KEY CHECK (id = 1),
                check_in_days INTEGER NOT NULL DEFAULT {DEFAULT_CHECK_IN_DAYS});
            CREATE TABLE nudge_commitments (id TEXT PRIMARY KEY, department TEXT NOT NULL,
                title TEXT NOT NULL, owner_id TEXT NOT NULL, due_date TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'open', last_check_in_at TEXT NOT NULL,
                check_in_days INTEGER, reminders INTEGER NOT NULL DEFAULT 0,
                reminders_before_slip INTEGER NOT NULL DEFAULT 0, slips_after_reminder INTEGER
                NOT NULL DEFAULT 0);
            CREATE INDEX nudge_commitments_open ON nudge_commitments (due_date)
                WHERE status = 'open';
            CREATE TABLE nudge_triggers (position INTEGER NOT NULL, kind TEXT NOT NULL,
                commitment_id TEXT NOT NULL, recipient_id TEXT, department TEXT,
                actor_id TEXT, detail TEXT NOT NULL, at TEXT NOT NULL,
                PRIMARY KEY (position, kind, recipient_id, department));
            CREATE INDEX nudge_triggers_at ON nudge_triggers (at);
            CREATE TABLE notices (id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL, recipient_id TEXT NOT NULL, commitment_id TEXT,
                subject TEXT NOT NULL, text TEXT NOT NULL, delivery TEXT NOT NULL,
                includes TEXT NOT NULL DEFAULT '[]', issued_at TEXT NOT NULL,
                position INTEGER NOT NULL, channel TEXT, address TEXT, sent_at TEXT,
                failed_reason TEXT, failed_attempts INTEGER, read_at TEXT, digest_id TEXT);
            CREATE INDEX notices_inbox ON notices (recipient_id, position);
            CREATE INDEX notices_commitment ON notices (commitment_id, position);
            CREATE INDEX notices_awaiting_digest ON notices (recipient_id)
                WHERE delivery IN ('daily', 'weekly') AND digest_id IS NULL;
            CREATE TABLE notice_preferences (member_id TEXT NOT NULL, kind TEXT NOT NULL,
                mode TEXT NOT NULL, PRIMARY KEY (member_id, kind))
        """
        # One statement at a time: executescript would commit the runner's transaction.
        for statement in script.split(";"):
            if statement.strip():
                db.execute(statement)

    # The plan and commitments

    def on_plan_Started(self, db: Database, fact: Fact) -> None:
        db.execute("INSERT OR IGNORE INTO nudge_settings (id) VALUES (1)")

    def on_plan_CheckInCadenceSet(self, db: Database, fact: Fact) -> None:
        db.execute("UPDATE nudge_settings SET check_in_days = ? WHERE id = 1", [fact.data["days"]])

    def on_commitment_Made(self, db: Database, fact: Fact) -> None:
        d = fact.data
        db.execute(
            "INSERT INTO nudge_commitments (id, department, title, owner_id, due_date,"
            " last_check_in_at) VALUES (?, ?, ?, ?, ?, ?)",
            [fact.aggregate_text, d["department"], d["title"], str(d["owner_id"]),
             d["due_date"].isoformat(), fact.instant],
        )
        self._mentions(db, fact, d["description"])

    def on_commitment_ProgressReported(self, db: Database, fact: Fact) -> None:
        self._check_in(db, fact)
        self._mentions(db, fact, fact.data["note"])

    def on_commitment_MilestoneTicked(self, db: Database, fact: Fact) -> None:
        self._check_in(db, fact)

    def on_commitment_MilestoneUnticked(self, db: Database, fact: Fact) -> None:
        self._check_in(db, fact)

    def on_commitment_CheckInCadenceSet(self, db: Database, fact: Fact) -> None:
        self._set(db, fact, "check_in_days = ?", fact.data["days"])

    def on_commitment_DueDateMoved(self, db: Database, fact: Fact) -> None:
        self._set(db, fact, "due_date = ?, reminders_before_slip = reminders,"
                  " slips_after_reminder = slips_after_reminder + (reminders > 0)",
                  fact.data["to_date"].isoformat())
        self._mentions(db, fact, fact.data["reason"])

    def on_commitment_OwnershipHandedOver(self, db: Database, fact: Fact) -> None:
        to_owner = str(fact.data["to_owner"])
        self._set(db, fact, "owner_id = ?", to_owner)
        self._trigger(db, fact, "handed_to_you", recipient=to_owner, detail=fact.data["reason"])
        self._trigger(db, fact, "handed_to_department", department=self._department(db, fact),
                      detail=fact.data["reason"])

    def on_commitment_RoadblockRaised(self, db: Database, fact: Fact) -> None:
        self._mentions(db, fact, fact.data["description"])

    def on_commitment_HelpRequested(self, db: Database, fact: Fact) -> None:
        self._trigger(db, fact, "help_requested", department=fact.data["department"],
                      detail=fact.data["roadblock_id"])

    def on_commitment_RoadblockResolved(self, db: Database, fact: Fact) -> None:
        self._trigger(db, fact, "roadblock_resolved", department=self._department(db, fact),
                      detail=fact.data["resolution"])
        self._mentions(db, fact, fact.data["resolution"])

    def on_commitment_MovedToDepartment(self, db: Database, fact: Fact) -> None:
        self._set(db, fact, "department = ?", fact.data["to_department"])

    def on_commitment_DetailsCorrected(self, db: Database, fact: Fact) -> None:
        if "title" in fact.data["changes"]:
            self._set(db, fact, "title = ?", fact.data["changes"]["title"][1])

    def on_commitment_Completed(self, db: Database, fact: Fact) -> None:
        self._set(db, fact, "status = ?", "completed")

    def on_commitment_Withdrawn(self, db: Database, fact: Fact) -> None:
        self._set(db, fact, "status = ?", "withdrawn")

    def on_commitment_Celebrated(self, db: Database, fact: Fact) -> None:
        owner = db.execute("SELECT owner_id FROM nudge_commitments WHERE id = ?",
                           [fact.aggregate_text]).fetchone()[0]
        if owner != fact.actor_text:
            self._trigger(db, fact, "celebrated", recipient=owner, detail=fact.data["message"])
        self._mentions(db, fact, fact.data["message"])

    def on_commitment_NoteAdded(self, db: Database, fact: Fact) -> None:
        self._mentions(db, fact, fact.data["text"])

    # Members and notices

    def on_member_NoticePreferenceSet(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO notice_preferences VALUES (?, ?, ?)"
            " ON CONFLICT (member_id, kind) DO UPDATE SET mode = excluded.mode",
            [fact.aggregate_text, fact.data["kind"], fact.data["mode"]],
        )

    def on_notice_Issued(self, db: Database, fact: Fact) -> None:
        d = fact.data
        includes = [str(i) for i in d["includes"]]
        db.execute(
            "INSERT INTO notices (id, key, kind, recipient_id, commitment_id, subject, text,"
            " delivery, includes, issued_at, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [fact.aggregate_text, d["key"], d["kind"], str(d["recipient_id"]),
             None if d["commitment_id"] is None else str(d["commitment_id"]), d["subject"],
             d["text"], d["delivery"], json.dumps(includes), fact.instant, fact.position],
        )
        if d["kind"] in OWNER_KINDS and d["commitment_id"] is not None:
            db.execute("UPDATE nudge_commitments SET reminders = reminders + 1 WHERE id = ?",
                       [str(d["commitment_id"])])
        for included in includes:
            db.execute("UPDATE notices SET digest_id = ? WHERE id = ?", [fact.aggregate_text, included])

    def on_notice_Sent(self, db: Database, fact: Fact) -> None:
        self._notice(db, fact, "channel = ?, address = ?, sent_at = ?",
                     fact.data["channel"], fact.data["address"], fact.instant)

    def on_notice_SendFailed(self, db: Database, fact: Fact) -> None:
        self._notice(db, fact, "failed_reason = ?, failed_attempts = ?",
                     fact.data["reason"], fact.data["attempts"])

    def on_notice_Read(self, db: Database, fact: Fact) -> None:
        self._notice(db, fact, "read_at = ?", fact.instant)

    # Helpers

    def _check_in(self, db: Database, fact: Fact) -> None:
        held = self._check_ins
        if held is None:
            self._set(db, fact, "last_check_in_at = ?", fact.instant)
            return
        held[fact.aggregate_text] = fact.instant
        if len(held) >= CHECK_INS_HELD:
            self._write_check_ins(db)

    def _write_check_ins(self, db: Database) -> None:
        """Write the check-ins held during a rebuild's load, in one statement."""
        held = self._check_ins or {}
        cursor = db.conn.executemany(
            "UPDATE nudge_commitments SET last_check_in_at = ? WHERE id = ?",
            [(at, commitment_id) for commitment_id, at in held.items()],
        )
        if cursor.rowcount != len(held):
            raise LookupError(f"nudges: {len(held) - cursor.rowcount} of the {len(held)}"
                              " commitments checked in on are not known")
        held.clear()

    @staticmethod
    def _set(db: Database, fact: Fact, sets: str, *params: Any) -> None:
        cursor = db.conn.execute(f"UPDATE nudge_commitments SET {sets} WHERE id = ?",
                                 [*params, fact.aggregate_text])
        if cursor.rowcount != 1:
            raise LookupError(f"nudges: no commitment {fact.aggregate_id} for {fact.key}")

    @staticmethod
    def _notice(db: Database, fact: Fact, sets: str, *params: Any) -> None:
        cursor = db.execute(f"UPDATE notices SET {sets} WHERE id = ?", [*params, fact.aggregate_text])
        if cursor.rowcount != 1:
            raise LookupError(f"nudges: no notice {fact.aggregate_id} for {fact.key}")

    @staticmethod
    def _department(db: Database, fact: Fact) -> str:
        return str(db.execute("SELECT department FROM nudge_commitments WHERE id = ?",
                              [fact.aggregate_text]).fetchone()[0])

    @staticmethod
    def _trigger(db: Database, fact: Fact, kind: str, *, detail: str,
                 recipient: str | None = None, department: str | None = None) -> None:
        db.execute(
            "INSERT OR IGNORE INTO nudge_triggers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [fact.position, kind, fact.aggregate_text, recipient, department, fact.actor_text,
             detail, fact.instant],
        )

    def _mentions(self, db: Database, fact: Fact, text: str | None) -> None:
        for member in mentioned_members(db, text or ""):
            if member != fact.actor_text:
                self._trigger(db, fact, "mentioned", recipient=member, detail=text or "")


def mentioned_members(db: Database, text: str) -> list[str]:
    """Ids of the active members named in `text` as @email or @local-part of their e-mail."""
    found: list[str] = []
    if "@" not in text:  # the common case, without the regular expression
        return found
    for raw in MENTION.findall(text):
        name = raw.rstrip(".,;:!?").lower()
        if "@" in name:
            rows = db.execute("SELECT id FROM members WHERE lower(email) = ? AND active = 1",
                              [name]).fetchall()
        else:
            rows = db.execute(
                "SELECT id FROM members WHERE lower(substr(email, 1, instr(email, '@') - 1)) = ?"
                " AND active = 1", [name]).fetchall()
        if len(rows) == 1 and rows[0][0] not in found:
            found.append(rows[0][0])
    return found
