"""A Hypothesis state machine that drives `CxTracker` with random commands and checks the read side
after every step.

Each run builds the small organisation of `tests.conftest.build_org` (CCO, three department
leads, an executive, an auditor) plus two extra members, then applies a random sequence of
commands (`commitment_rules.py`, `organisation_rules.py`): valid ones and refused ones (wrong
actor, deactivated actor, unknown targets, past dates, empty reasons, percent 150, stale
`expected_version`, ...), with the clock moving forward between them. After every step:

1. a refused command left the log exactly as it was (checked by `CommandHarness.attempt`);
2. the views caught up incrementally (a `Runner` with a batch size of 1-7, drawn per run) equal,
   table by table and row by row, views rebuilt from scratch by a fresh `Runner`;
3. the board as of several earlier instants (`board_as_of`, from the temporal view) equals a
   replay of the log up to that instant in plain Python (`replay.py`); so does the board page's
   board then (`closed_since` a few days before: open ones and the recently closed, from
   `commitment_spans`) and the closed ones counted then (`closed_counts_as_of`); likewise the
   board as of some log positions (`board_as_of_position`) and the current board (`board`).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from typing import ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule
from sqlite_utils import Database

from projections.database import open_views, positions, write_transaction
from projections.queries.board import board
from projections.queries.history import board_as_of, board_as_of_position, closed_counts_as_of
from projections.runner import Runner
from tests.conftest import NOW
from tests.projections_property.commitment_rules import CommitmentRules
from tests.projections_property.compare import board_differences, dump, table_differences
from tests.projections_property.organisation_rules import OrganisationRules
from tests.projections_property.replay import read_log, replay_board, replay_board_at_position
from tests.projections_property.strategies import TICKS, ZONES


def recently_closed_or_open(c: dict[str, object], since: str) -> bool:
    """What the board page shows: open, completed on or after `since`, or withdrawn with its last
    event on or after that day."""
    return c["status"] == "open" or str(c["completed_on"] or "") >= since or (
        c["status"] == "withdrawn" and str(c["last_event_at"])[:10] >= since)


class ViewsUnderCommands(CommitmentRules, OrganisationRules):
    """Random commands by random members; the read side checked after every step."""

    # The serialised empty views of each machine class: see `_empty_views`.
    _empty_image: ClassVar[dict[type, bytes]] = {}

    @initialize(batch_size=st.integers(1, 7), seed=st.integers(0, 2**32 - 1))
    def start(self, batch_size: int, seed: int) -> None:
        """Incremental views with a small batch size, so that the events of one command (a
        roadblock and its help request) straddle batch boundaries; the seed picks which earlier
        instants and positions are checked after each step."""
        self.runner = Runner(self.app, self.views, self.make_views(self.app), batch_size=batch_size)
        self.rng = random.Random(seed)

    @rule(step=TICKS)
    def tick(self, step: timedelta) -> None:
        self.wait(step)

    @invariant()
    def read_side_agrees_with_a_rebuild_and_a_replay(self) -> None:
        assert self.runner is not None
        head = self.app.head()
        self.recorded.append((self.now, head))
        self.entries += read_log(self.app, after=self.entries[-1].position if self.entries else 0)
        assert [e.position for e in self.entries][-1:] == [head]

        # 1. Incremental views equal views rebuilt from scratch, every table, row for row.
        assert self.runner.catch_up() == head
        fresh = self._empty_views()
        try:
            # As `projections rebuild` loads them: the views may hold work back until the end.
            views = self.make_views(self.app)
            rebuilder = Runner(self.app, fresh, views, batch_size=1000)
            rebuilder.prepare()
            for view in views:
                view.start_bulk_load()
            assert rebuilder.catch_up() == head
            with write_transaction(fresh):
                for view in views:
                    view.finish_bulk_load(fresh)
            mine, rebuilt = dump(self.views), dump(fresh)
            assert mine == rebuilt, (
                f"incremental views differ from a rebuild at position {head}:\n"
                + table_differences(mine, rebuilt))
            assert positions(self.views) == positions(fresh)
            assert {p for _, p in positions(self.views).values()} == {head}
        finally:
            fresh.close()

        # 2. The board as of earlier instants equals a replay of the log up to each of them.
        for instant in self._instants():
            actual, expected = board_as_of(self.views, instant), replay_board(self.entries, instant)
            assert actual == expected, (
                f"board_as_of({instant.isoformat()}) differs from the replay:\n"
                + board_differences(actual, expected))
            since = instant.astimezone(timezone.utc).date() - timedelta(
                days=self.rng.choice([0, 1, 2, 5, 30]))
            actual = board_as_of(self.views, instant, closed_since=since)
            recent = [c for c in expected if recently_closed_or_open(c, since.isoformat())]
            assert actual == recent, (
                f"board_as_of({instant.isoformat()}, closed_since={since}) differs from the replay:\n"
                + board_differences(actual, recent))
            counted: dict[tuple[str, str | None, str], int] = {}
            for c in expected:
                if c["status"] != "open":
                    key = (c["department"], c["journey"], c["health"])
                    counted[key] = counted.get(key, 0) + 1
            assert sorted(closed_counts_as_of(self.views, instant), key=str) == sorted(
                ((*k, n) for k, n in counted.items()), key=str)

        # ... and as of earlier log positions, health judged on a given day or the event's.
        for position, today in self._positions():
            actual = board_as_of_position(self.views, position, today=today)
            day = today if today is not None else self._day_of(position)
            expected = [] if day is None else replay_board_at_position(self.entries, position, day)
            assert actual == expected, (
                f"board_as_of_position({position}, today={today}) differs from the replay:\n"
                + board_differences(actual, expected))

        # 3. The current board is the replay of the whole log.
        actual, expected = board(self.views, today=self.today), replay_board(self.entries, self.now)
        assert actual == expected, "the board differs from the replay:\n" + board_differences(
            actual, expected)

    def _empty_views(self) -> Database:
        """A new in-memory database with this machine's views created and at position 0.

        The views' tables are created once per machine class and copied (creating them every
        time costs more than the rest of a check). A `Runner` finds them current and fills
        them from the first event on: a rebuild from scratch.
        """
        image = self._empty_image.get(type(self))
        if image is None:
            db = open_views(":memory:")
            Runner(self.app, db, self.make_views(self.app)).prepare()
            image = self._empty_image[type(self)] = db.conn.serialize()
            db.close()
        db = open_views(":memory:")
        db.conn.deserialize(image)
        return db

    def _instants(self) -> list[datetime]:
        """The latest instant, an event's instant, just before one, between two, a recorded
        one, and sometimes one before anything happened; each in a random time zone."""
        rng = self.rng
        chosen = [self.now, rng.choice(self.recorded)[0]]
        stamps = sorted({e.timestamp for e in self.entries})
        at = rng.choice(stamps)
        chosen += [at, at - timedelta(microseconds=1)]
        if len(stamps) > 1:
            i = rng.randrange(len(stamps) - 1)
            chosen.append(stamps[i] + (stamps[i + 1] - stamps[i]) / 2)
        if rng.random() < 0.1:
            chosen.append(NOW - timedelta(days=1))
        return [moment.astimezone(rng.choice(ZONES)) for moment in chosen]

    def _positions(self) -> list[tuple[int, date | None]]:
        """A recorded position and any position, each with health judged on a recorded day or
        (None) on the day of the event at that position."""
        rng = self.rng
        picks = [rng.choice(self.recorded)[1], rng.randint(0, self.app.head())]
        return [(p, rng.choice([None, rng.choice(self.recorded)[0].date()])) for p in picks]

    def _day_of(self, position: int) -> date | None:
        """The UTC date of the event at `position` or the last one before it (None: none)."""
        before = [e for e in self.entries if e.position <= position]
        return before[-1].timestamp.astimezone(timezone.utc).date() if before else None
