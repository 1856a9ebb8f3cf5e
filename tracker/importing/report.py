"""What an import found: the changes it records (or would record) and every error, by row and
column."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tracker.errors import DomainError


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int  # 0: the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}" if self.row else self.sheet
        return f"{where}, {self.column}: {self.message}"


@dataclass(frozen=True)
class Change:
    sheet: str
    row: int
    action: str  # "create" or "change"
    what: str  # "department", "member", "journey", "KPI", "measurement", "commitment"
    summary: str


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0  # commitment rows that match what is recorded
    events: int = 0  # events recorded (0 for a dry run)
    position: int = 0  # where the log ended after the import
    dry_run: bool = False
    # New members' one-time set-password link tokens (e-mail -> token; the path is
    # /password/set/<token>), made after a real import.
    invites: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """E.g. {"create commitment": 10, "change commitment": 2}."""
        return dict(Counter(f"{c.action} {c.what}" for c in self.changes))

    def summary(self) -> str:
        if not self.changes:
            return f"Nothing to change: all {self.rows} rows match what is recorded."
        counted = ", ".join(f"{n} × {k}" for k, n in sorted(self.counts().items()))
        return f"{self.rows} rows: {counted}; {self.unchanged} unchanged."


class ImportRejected(DomainError):
    """At least one row is invalid: nothing was recorded. `report.errors` names every one."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{len(report.errors)} error(s) in {report.source}; nothing was imported")
        self.report = report
