"""The state machine's foundation: a small organisation on a chosen backend, a clock that only
moves forward, and `attempt`, which runs one command and tallies how it fared.

The rules live in `commitment_rules.py` and `organisation_rules.py`, the checks in `machine.py`.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from uuid import UUID

from hypothesis.stateful import Bundle, RuleBasedStateMachine
from sqlite_utils import Database

from projections.database import open_views
from projections.runner import Runner
from projections.view import View
from projections.views import all_views
from tests.conftest import FAST_HASHER, NOW, PASSWORD, build_org
from tests.projections_property.replay import Entry
from tests.projections_property.strategies import CCO, DEPARTMENTS, OWN_LEAD, PAT, RELATIVE, SAM
from tracker import clock
from tracker.accounts import Accounts
from tracker.application import CxTracker, Receipt
from tracker.domain import member_id
from tracker.errors import DomainError

# The commitments made and the roadblocks raised (as (commitment id, roadblock id)) so far.
COMMITMENTS = Bundle("commitments")
ROADBLOCKS = Bundle("roadblocks")


class CommandHarness(RuleBasedStateMachine):
    backend = "memory"  # or "sqlite": the event store, accounts and views on files
    # How each command fared, over every run of every machine since the last `clear()`:
    # (command, "accepted" or the refusal's class name) -> count. Subclasses share it.
    tally: ClassVar[Counter[tuple[str, str]]] = Counter()

    @staticmethod
    def make_views(app: CxTracker) -> list[View]:
        """The views under test; the tests that break a view on purpose override this."""
        return all_views()

    def __init__(self) -> None:
        super().__init__()
        self._clock = ExitStack()
        self._owned = ExitStack()
        self.tmp: Path | None = None
        try:
            self.now = NOW
            self._freeze()
            self._set_up()
        except BaseException:
            self.teardown()
            raise

    def _set_up(self) -> None:
        if self.backend == "memory":
            env = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
            accounts = Accounts(":memory:", hasher=FAST_HASHER)
            views_path = ":memory:"
        else:
            self.tmp = Path(tempfile.mkdtemp(prefix="cx-property-"))
            env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                   "SQLITE_DBNAME": str(self.tmp / "events.sqlite3")}
            accounts = Accounts(self.tmp / "accounts.sqlite3", hasher=FAST_HASHER)
            views_path = str(self.tmp / "views.sqlite3")
        self.app = CxTracker(env=env, accounts=accounts)
        self._owned.callback(self.app.close)
        build_org(self.app)
        cco = member_id(CCO)
        self.app.register_member(cco, email=PAT, name="Pat Both", password=PASSWORD,
                                 role="lead", department="customer-service")
        self.app.grant_role(cco, email=PAT, role="lead", department="it")
        self.app.register_member(cco, email=SAM, name="Sam Spare", password=PASSWORD)
        self.views: Database = open_views(views_path)
        self._owned.callback(self.views.close)
        self.runner: Runner | None = None  # made by the `start` initialiser
        self.rng = random.Random(0)  # picks the earlier instants and positions to check
        self.department_of: dict[UUID, str] = {}  # commitment id -> its department
        self.entries: list[Entry] = []  # the log decoded so far
        self.recorded: list[tuple[datetime, int]] = []  # (instant, log position) after each step

    def teardown(self) -> None:
        try:
            self._owned.close()
            self._clock.close()
        finally:
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)

    # Time

    def _freeze(self) -> None:
        """Stamp what follows with `self.now`."""
        self._clock.close()
        self._clock = ExitStack()
        self._clock.enter_context(clock.frozen_at(self.now))

    def wait(self, wait: timedelta) -> None:
        assert wait >= timedelta(0), "the clock never goes backwards"
        if wait:
            self.now += wait
            self._freeze()

    @property
    def today(self) -> date:
        return self.now.date()

    def day(self, days: int | str | None) -> date | str | None:
        """Days from today as a date; a string (a bad date) or None passes through."""
        return self.today + timedelta(days=days) if isinstance(days, int) else days

    # Who

    @staticmethod
    def email(who: str, department: str) -> str:
        """A member's e-mail; "own-lead" is the lead of `department`."""
        return f"lead.{department}@example.com" if who == OWN_LEAD else who

    def who(self, actor: str, department: str) -> UUID:
        return member_id(self.email(actor, department))

    def by(self, actor: str, commitment: UUID) -> UUID:
        """The acting member; "own-lead" is the lead of the commitment's department."""
        return self.who(actor, self.department_of.get(commitment, "customer-service"))

    def department(self, name: str, commitment: UUID) -> str:
        """`name`, or the department it names relative to the commitment's (`RELATIVE`)."""
        if name not in RELATIVE:
            return name
        own = self.department_of[commitment]
        return [own, *(d for d in DEPARTMENTS if d != own)][RELATIVE.index(name)]

    # Commands

    def attempt(self, command: Callable[..., Receipt], *args: Any, **kwargs: Any) -> Receipt | None:
        """Run a command and tally the outcome; a refusal must leave the log as it was."""
        before = self.app.head()
        try:
            receipt = command(*args, **kwargs)
        except DomainError as refusal:
            after = self.app.head()
            assert after == before, (f"{command.__name__} was refused ({refusal!r})"
                                     f" but the log grew {before} -> {after}")
            self.tally[(command.__name__, type(refusal).__name__)] += 1
            return None
        assert receipt.position > before, f"{command.__name__} succeeded but wrote nothing"
        self.tally[(command.__name__, "accepted")] += 1
        return receipt
