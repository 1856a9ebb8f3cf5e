"""Writes that need no expected version (notes, celebrations) are redone when another server saved
the same commitment between this server's read and its save: on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Org, build_org, make_app
from tests.postgres import fresh_schema
from tracker.application import CxTracker


@pytest.fixture(params=["sqlite", "postgres"])
def two_servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Org, CxTracker]]:
    if request.param == "postgres":
        with fresh_schema() as env:
            first, second = make_app("postgres", tmp_path, env), make_app("postgres", tmp_path, env)
            yield build_org(first), second
            second.close()
            first.close()
        return
    first = make_app("sqlite", tmp_path)
    second = make_app("sqlite", tmp_path)
    yield build_org(first), second
    second.close()
    first.close()


def clash_once(app: CxTracker, other_write: Callable[[], object]) -> list[int]:
    """Make `app`'s next save lose a race: the other server writes just before it. Returns the
    list the number of save attempts is counted in."""
    saves = [0]
    original = app.save

    def save(*aggregates: Any, **kwargs: Any) -> Any:
        saves[0] += 1
        if saves[0] == 1:
            other_write()
        return original(*aggregates, **kwargs)

    app.save = save  # type: ignore[method-assign]
    return saves


@pytest.mark.parametrize("write", ["add_note", "celebrate"])
def test_a_note_or_celebration_that_loses_a_race_is_saved_on_the_winner_state(
        two_servers: tuple[Org, CxTracker], write: str) -> None:
    org, second = two_servers
    commitment = org.commitment()
    saves = clash_once(org.app, lambda: second.add_note(org.support_lead, commitment, text="first"))
    if write == "add_note":
        receipt = org.app.add_note(org.support_lead, commitment, text="second")
    else:
        receipt = org.app.celebrate(org.cco, commitment, message="Well done, team")
    assert saves[0] == 2  # refused once by the store, then redone
    stored = list(second.recorder.select_events(commitment))
    assert [s.originator_version for s in stored] == list(range(1, len(stored) + 1))
    assert receipt.version == len(stored)  # the other server's note and this write, both kept
    expected = "NoteAdded" if write == "add_note" else "Celebrated"
    assert [s.topic.rsplit("/", 1)[-1] for s in stored[-2:]] == ["NoteAdded", expected]


def test_a_versioned_command_that_loses_a_race_is_still_refused(
        two_servers: tuple[Org, CxTracker]) -> None:
    from tracker.errors import Conflict

    org, second = two_servers
    commitment = org.commitment()
    clash_once(org.app, lambda: second.add_note(org.support_lead, commitment, text="first"))
    with pytest.raises(Conflict):
        org.app.report_progress(org.support_lead, commitment, percent=10, expected_version=1)
