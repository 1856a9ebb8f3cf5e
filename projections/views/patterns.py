"""The CX pattern library: every pattern with each of its versions, the commitments citing
them, and who besides the CCO may publish.

- `patterns`: one row per pattern, its current version's content (journeys, departments and
  links as JSON), `search` (title and text case-folded, for a case-insensitive search that
  needs no SQLite extension), status (live / retired).
- `pattern_versions`: one row per version (1 = published), each with the whole content, when,
  by whom and why (a revision's reason): an earlier version reads from its own row, and the
  version at an instant is the latest with `at <= instant`.
- `pattern_journeys`: the journeys the current version names (a journey's patterns by index).
- `pattern_citations`: one row per period a commitment cited a pattern (`uncited_at` NULL while
  it still does), so the citations as of an instant are a filtered query too.
- `pattern_publishers`: the leads the CCO allowed to publish, while allowed.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from projections.facts import Fact
from projections.view import View


class Patterns(View):
    name = "patterns"
    version = 1
    tables = ("patterns", "pattern_versions", "pattern_journeys", "pattern_citations",
              "pattern_publishers")

    def create(self, db: Database) -> None:
        db.executescript(
            """
            CREATE TABLE patterns (
                id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL,
                journeys TEXT NOT NULL, departments TEXT NOT NULL, links TEXT NOT NULL,
                search TEXT NOT NULL, revision INTEGER NOT NULL, version INTEGER NOT NULL,
                status TEXT NOT NULL DEFAULT 'live', published_at TEXT NOT NULL,
                published_by TEXT, revised_at TEXT NOT NULL, retired_at TEXT,
                retired_reason TEXT);
            CREATE INDEX patterns_title ON patterns (status, title);
            CREATE TABLE pattern_versions (
                pattern_id TEXT NOT NULL, revision INTEGER NOT NULL, position INTEGER NOT NULL,
                at TEXT NOT NULL, actor_id TEXT, title TEXT NOT NULL, text TEXT NOT NULL,
                journeys TEXT NOT NULL, departments TEXT NOT NULL, links TEXT NOT NULL,
                reason TEXT NOT NULL, PRIMARY KEY (pattern_id, revision));
            CREATE INDEX pattern_versions_at ON pattern_versions (at);
            CREATE TABLE pattern_journeys (
                journey TEXT NOT NULL, pattern_id TEXT NOT NULL, PRIMARY KEY (journey, pattern_id));
            CREATE INDEX pattern_journeys_pattern ON pattern_journeys (pattern_id);
            CREATE TABLE pattern_citations (
                position INTEGER PRIMARY KEY, commitment_id TEXT NOT NULL,
                pattern_id TEXT NOT NULL, cited_at TEXT NOT NULL, cited_by TEXT,
                uncited_at TEXT, uncited_by TEXT);
            CREATE INDEX pattern_citations_pattern ON pattern_citations (pattern_id, uncited_at);
            CREATE INDEX pattern_citations_commitment
                ON pattern_citations (commitment_id, uncited_at);
            CREATE TABLE pattern_publishers (
                member_id TEXT PRIMARY KEY, granted_at TEXT NOT NULL, granted_by TEXT);
            """
        )

    def on_pattern_Published(self, db: Database, fact: Fact) -> None:
        d = fact.data
        content = _content(d)
        db.execute(
            "INSERT INTO patterns (id, title, text, journeys, departments, links, search,"
            " revision, version, published_at, published_by, revised_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
            [fact.aggregate_text, *content, _search(d), fact.version, fact.instant,
             fact.actor_text, fact.instant],
        )
        self._version(db, fact, 1, content, "")
        self._journeys(db, fact, d["journeys"])

    def on_pattern_Revised(self, db: Database, fact: Fact) -> None:
        d = fact.data
        content = _content(d)
        row = db.execute("SELECT revision FROM patterns WHERE id = ?", [fact.aggregate_text]).fetchone()
        if row is None:
            raise LookupError(f"patterns view: no pattern {fact.aggregate_id} for {fact.key}")
        revision = row[0] + 1
        db.execute(
            "UPDATE patterns SET title = ?, text = ?, journeys = ?, departments = ?, links = ?,"
            " search = ?, revision = ?, version = ?, revised_at = ? WHERE id = ?",
            [*content, _search(d), revision, fact.version, fact.instant, fact.aggregate_text],
        )
        self._version(db, fact, revision, content, d["reason"])
        db.execute("DELETE FROM pattern_journeys WHERE pattern_id = ?", [fact.aggregate_text])
        self._journeys(db, fact, d["journeys"])

    def on_pattern_Retired(self, db: Database, fact: Fact) -> None:
        db.execute(
            "UPDATE patterns SET status = 'retired', retired_at = ?, retired_reason = ?,"
            " version = ? WHERE id = ?",
            [fact.instant, fact.data["reason"], fact.version, fact.aggregate_text],
        )

    def on_commitment_PatternCited(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO pattern_citations (position, commitment_id, pattern_id, cited_at, cited_by)"
            " VALUES (?, ?, ?, ?, ?)",
            [fact.position, fact.aggregate_text, str(fact.data["pattern_id"]), fact.instant,
             fact.actor_text],
        )

    def on_commitment_PatternUncited(self, db: Database, fact: Fact) -> None:
        db.execute(
            "UPDATE pattern_citations SET uncited_at = ?, uncited_by = ?"
            " WHERE commitment_id = ? AND pattern_id = ? AND uncited_at IS NULL",
            [fact.instant, fact.actor_text, fact.aggregate_text, str(fact.data["pattern_id"])],
        )

    def on_library_PublisherGranted(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT OR REPLACE INTO pattern_publishers VALUES (?, ?, ?)",
            [str(fact.data["member"]), fact.instant, fact.actor_text],
        )

    def on_library_PublisherRevoked(self, db: Database, fact: Fact) -> None:
        db.execute("DELETE FROM pattern_publishers WHERE member_id = ?", [str(fact.data["member"])])

    @staticmethod
    def _version(db: Database, fact: Fact, revision: int, content: list[str], reason: str) -> None:
        db.execute(
            "INSERT INTO pattern_versions (pattern_id, revision, position, at, actor_id, title,"
            " text, journeys, departments, links, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [fact.aggregate_text, revision, fact.position, fact.instant, fact.actor_text,
             *content, reason],
        )

    @staticmethod
    def _journeys(db: Database, fact: Fact, journeys: list[str]) -> None:
        for key in dict.fromkeys(journeys):
            db.execute("INSERT INTO pattern_journeys VALUES (?, ?)", [key, fact.aggregate_text])


def _content(d: dict[str, Any]) -> list[str]:
    return [d["title"], d["text"], json.dumps(list(d["journeys"])),
            json.dumps(list(d["departments"])), json.dumps(list(d["links"]), ensure_ascii=False)]


def search_text(title: str, text: str) -> str:
    return f"{title}\n{text}".casefold()


def _search(d: dict[str, Any]) -> str:
    return search_text(d["title"], d["text"])
