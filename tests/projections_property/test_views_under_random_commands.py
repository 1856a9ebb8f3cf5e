"""Property: random sequences of valid and refused commands across several members and roles; at
every step, views caught up incrementally equal views rebuilt from scratch, and the board as of
each earlier instant (from the temporal view) equals a replay of the log up to that instant.

The state machine is in `machine.py` (its rules in `commitment_rules.py` and
`organisation_rules.py`, with corrections and reorganisations in `reorganisation_rules.py`,
contributing departments and milestones in `collaboration_rules.py`, what they draw in `strategies.py`), the replay oracle in `replay.py`.
The first test also checks that every command was both carried out and refused; the last tests
break a view on purpose (in a subclass, production code untouched) and check that the property
catches it: it is not vacuous.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from sqlite_utils import Database

from projections.facts import Fact
from projections.view import View
from projections.views import all_views
from projections.views.board import Board
from tests.projections_property.collaboration_rules import CollaborationRules
from tests.projections_property.machine import ViewsUnderCommands
from tests.projections_property.reorganisation_rules import ReorganisationRules
from tracker.application import CxTracker

pytestmark = pytest.mark.slow

# Deterministic (derandomized, no example database), so CI runs the same sequences every time.
settings.register_profile(
    "projections-property",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=50,
    stateful_step_count=50,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=False,
)
PROFILE = settings.get_profile("projections-property")


COMMANDS = {
    "make_commitment", "report_progress", "move_due_date", "hand_over", "raise_roadblock",
    "request_help", "resolve_roadblock", "complete", "withdraw", "celebrate", "add_note",
    "register_member", "grant_role", "revoke_role", "deactivate_member", "add_department",
    "define_kpi", "record_measurement", "endorse_vision", "revise_vision", "define_journey",
    "change_journey_lead",
}
REORGANISING = {
    "correct_commitment", "move_commitment", "rename_department", "merge_departments",
    "retire_department", "rename_journey", "retire_journey", "revise_kpi", "retire_kpi",
    "correct_measurement", "withdraw_measurement",
}


def test_random_valid_and_refused_commands_keep_views_equal_to_a_rebuild_and_history_equal_to_a_replay() -> None:
    ViewsUnderCommands.tally.clear()
    run_state_machine_as_test(ViewsUnderCommands, settings=PROFILE)

    # Not vacuous: every command was both carried out and refused, for every kind of reason.
    tally = ViewsUnderCommands.tally
    print(sorted(tally.items()))
    assert {c for c, outcome in tally if outcome == "accepted"} == COMMANDS
    assert {c for c, outcome in tally if outcome != "accepted"} == COMMANDS
    assert {outcome for _, outcome in tally} == {
        "accepted", "NotAllowed", "Invalid", "NotFound", "Conflict"}


class ViewsUnderReorganisation(ReorganisationRules, ViewsUnderCommands):
    """The same checks, with corrections and reorganisations among the commands."""


def test_corrections_and_reorganisations_keep_views_equal_to_a_rebuild_and_as_of_to_a_replay() -> None:
    ViewsUnderCommands.tally.clear()
    run_state_machine_as_test(ViewsUnderReorganisation,
                              settings=settings(PROFILE, max_examples=100))
    tally = ViewsUnderCommands.tally
    print(sorted(tally.items()))
    assert {c for c, outcome in tally if outcome == "accepted"} >= REORGANISING
    assert {c for c, outcome in tally if outcome != "accepted"} >= REORGANISING


COLLABORATING = {
    "add_contributor", "remove_contributor", "add_milestone", "tick_milestone", "remove_milestone",
}


class ViewsUnderCollaboration(CollaborationRules, ViewsUnderCommands):
    """The same checks, with contributing departments and milestones among the commands (and
    moves between departments: a commitment moved to a department that contributes to it)."""


def test_contributors_and_milestones_keep_views_equal_to_a_rebuild_and_as_of_to_a_replay() -> None:
    ViewsUnderCommands.tally.clear()
    run_state_machine_as_test(ViewsUnderCollaboration,
                              settings=settings(PROFILE, max_examples=60))
    tally = ViewsUnderCommands.tally
    print(sorted(tally.items()))
    assert {c for c, outcome in tally if outcome == "accepted"} >= COLLABORATING
    assert {c for c, outcome in tally if outcome != "accepted"} >= COLLABORATING
    assert tally[("move_commitment", "accepted")]


class OnSqliteFiles(ViewsUnderCommands):
    backend = "sqlite"


def test_the_same_property_holds_on_sqlite_files() -> None:
    run_state_machine_as_test(
        OnSqliteFiles, settings=settings(PROFILE, max_examples=8, stateful_step_count=40)
    )


# The property must be able to fail: views broken on purpose, in subclasses.

class BoardThatForgetsWithdrawals(Board):
    """A board whose author forgot one event kind: withdrawn commitments stay open."""

    def apply(self, db: Database, fact: Fact) -> None:
        if fact.key != "commitment.Withdrawn":
            super().apply(db, fact)


class BoardThatReadsTheWriteModel(Board):
    """A board that takes progress from the aggregate as it is now instead of from the event:
    right while catching up after each command, wrong when rebuilt later."""

    def __init__(self, app: CxTracker) -> None:
        super().__init__()
        self.app = app

    def on_commitment_ProgressReported(self, db: Database, fact: Fact) -> None:
        now = self.app.repository.get(fact.aggregate_id)
        self._update(db, fact, "progress = ?", [now.progress])


def with_board(board: View) -> list[View]:
    return [board if isinstance(view, Board) else view for view in all_views()]


class ForgetfulBoard(ViewsUnderCommands):
    @staticmethod
    def make_views(app: CxTracker) -> list[View]:
        return with_board(BoardThatForgetsWithdrawals())


class WriteModelBoard(ViewsUnderCommands):
    @staticmethod
    def make_views(app: CxTracker) -> list[View]:
        return with_board(BoardThatReadsTheWriteModel(app))


# No shrinking here: it costs minutes; the unshrunk failing sequence is printed all the same.
BROKEN = settings(PROFILE, max_examples=100, report_multiple_bugs=False,
                  phases=[Phase.generate])


def failure_report(error: BaseException) -> str:
    return "\n".join([str(error), *getattr(error, "__notes__", [])])


def test_the_history_replay_catches_a_view_that_forgets_an_event_kind(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(AssertionError) as caught:
        run_state_machine_as_test(ForgetfulBoard, settings=BROKEN)
    report = failure_report(caught.value) + capsys.readouterr().out
    print(report)
    assert "differs from the replay" in report
    assert "status: view 'open', replay 'withdrawn'" in report
    assert "state.withdraw(" in report  # the minimal sequence is printed


def test_the_rebuild_comparison_catches_a_view_that_reads_the_write_model(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(AssertionError) as caught:
        run_state_machine_as_test(WriteModelBoard, settings=BROKEN)
    report = failure_report(caught.value) + capsys.readouterr().out
    print(report)
    assert "incremental views differ from a rebuild" in report
    assert "state.report_progress(" in report
