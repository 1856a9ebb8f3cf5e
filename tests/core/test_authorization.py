"""Who may do what: the authorization matrix of every state-changing command, by role.

The world: a customer-service commitment whose roadblock asked IT for help. "own lead" leads
customer-service, "helper lead" leads IT (asked for help), "other lead" leads Sales (uninvolved);
"deactivated" is a former customer-service lead who has been deactivated.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.conftest import PASSWORD
from tests.core.commands import ACCOUNT_ONLY, COMMANDS, NEW_PASSWORD, TARGET_EMAIL, World
from tests.core.support import decoded_events, refused
from tracker.errors import NotAllowed

Y, N = True, False
ROLES = ("cco", "own_lead", "other_lead", "helper_lead", "executive", "auditor", "deactivated")

MATRIX: dict[str, tuple[bool, ...]] = {
    #                               cco own  other helper exec audit deact
    "make_commitment":                (Y,  Y,   N,    N,     N,   N,    N),
    "report_progress":                (Y,  Y,   N,    N,     N,   N,    N),
    "move_due_date":                  (Y,  Y,   N,    N,     N,   N,    N),
    "hand_over":                      (Y,  Y,   N,    N,     N,   N,    N),
    "raise_roadblock":                (Y,  Y,   N,    N,     N,   N,    N),
    "request_help":                   (Y,  Y,   N,    N,     N,   N,    N),
    "resolve_roadblock":              (Y,  Y,   N,    Y,     N,   N,    N),
    "complete":                       (Y,  Y,   N,    N,     N,   N,    N),
    "withdraw":                       (Y,  Y,   N,    N,     N,   N,    N),
    "celebrate":                      (Y,  Y,   Y,    Y,     N,   N,    N),
    "add_note":                       (Y,  Y,   N,    Y,     N,   N,    N),
    "revise_vision":                  (Y,  N,   N,    N,     N,   N,    N),
    "add_department":                 (Y,  N,   N,    N,     N,   N,    N),
    "endorse_vision":                 (Y,  Y,   N,    N,     N,   N,    N),
    "define_journey":                 (Y,  N,   N,    N,     N,   N,    N),
    "change_journey_lead":            (Y,  N,   N,    N,     N,   N,    N),
    "define_kpi":                     (Y,  N,   N,    N,     N,   N,    N),
    "record_measurement":             (Y,  N,   N,    N,     N,   N,    N),
    "register_member":                (Y,  N,   N,    N,     N,   N,    N),
    "grant_role":                     (Y,  N,   N,    N,     N,   N,    N),
    "revoke_role":                    (Y,  N,   N,    N,     N,   N,    N),
    "deactivate_member":              (Y,  N,   N,    N,     N,   N,    N),
    "change_own_password":            (Y,  Y,   Y,    Y,     Y,   Y,    N),
    "reset_another_members_password": (Y,  N,   N,    N,     N,   N,    N),
}


def test_the_matrix_covers_every_command_and_every_role() -> None:
    assert set(MATRIX) == set(COMMANDS)
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


def _cases(allowed: bool) -> list[Any]:
    return [
        pytest.param(command, role, id=f"{command}-by-{role}")
        for command, row in MATRIX.items()
        for role, verdict in zip(ROLES, row)
        if verdict is allowed
    ]


def actor_for(world: World, role: str) -> UUID:
    org = world.org
    return {
        "cco": org.cco, "own_lead": org.support_lead, "other_lead": org.sales_lead,
        "helper_lead": org.it_lead, "executive": org.executive, "auditor": org.auditor,
        "deactivated": world.former_lead,
    }[role]


@pytest.mark.parametrize(("command", "role"), _cases(allowed=True))
def test_a_member_may_issue_a_command_their_role_allows(world: World, command: str, role: str) -> None:
    app, actor = world.app, actor_for(world, role)
    head = app.head()

    result = COMMANDS[command](world, actor)

    if command in ACCOUNT_ONLY:
        assert app.head() == head
        email = world.email_of(actor) if command == "change_own_password" else TARGET_EMAIL
        assert app.accounts.verify(email, NEW_PASSWORD) is not None
    else:
        assert app.head() > head
        assert result.position == app.head()  # type: ignore[attr-defined]
        assert {e.actor for e in decoded_events(app, start=head + 1)} == {actor}


@pytest.mark.parametrize(("command", "role"), _cases(allowed=False))
def test_a_member_is_refused_a_command_their_role_does_not_allow(
    world: World, command: str, role: str
) -> None:
    app, actor = world.app, actor_for(world, role)

    with refused(app, NotAllowed):
        COMMANDS[command](world, actor)

    if command in ACCOUNT_ONLY:  # nothing changed in the accounts store either
        email = world.email_of(actor) if command == "change_own_password" else TARGET_EMAIL
        assert app.accounts.verify(email, NEW_PASSWORD) is None
        assert app.accounts.verify(email, PASSWORD) is not None


def test_the_lead_of_a_department_asked_for_help_may_resolve_that_roadblock(world: World) -> None:
    org = world.org
    world.app.resolve_roadblock(org.it_lead, world.commitment, roadblock_id=world.roadblock,
                                resolution="IT raised the timeout", helped_by="it")
    roadblock = world.app.commitment(world.commitment)["roadblocks"][0]
    assert roadblock["resolved"] and roadblock["helped_by"] == "it"


def test_a_lead_of_an_uninvolved_department_may_not_resolve_a_roadblock(world: World) -> None:
    with refused(world.app, NotAllowed):
        world.app.resolve_roadblock(world.org.sales_lead, world.commitment,
                                    roadblock_id=world.roadblock, resolution="Not my business")
    assert world.app.commitment(world.commitment)["roadblocks"][0]["resolved"] is False


def test_help_asked_on_one_roadblock_does_not_let_the_helper_resolve_another(world: World) -> None:
    org, app = world.org, world.app
    other = app.raise_roadblock(org.support_lead, world.commitment,
                                description="Two agents on leave").roadblock_id
    with refused(app, NotAllowed):
        app.resolve_roadblock(org.it_lead, world.commitment, roadblock_id=other,
                              resolution="Hired temps")


def test_a_lead_of_a_department_once_asked_for_help_may_add_a_note(world: World) -> None:
    world.app.add_note(world.org.it_lead, world.commitment, text="Patch deployed on Friday")


def test_a_lead_of_several_departments_writes_for_each_of_them(world: World) -> None:
    org, app = world.org, world.app
    app.grant_role(org.cco, email="lead.sales@example.com", role="lead", department="customer-service")
    app.report_progress(org.sales_lead, world.commitment, percent=20)
    assert app.commitment(world.commitment)["progress"] == 20


def test_a_lead_whose_role_was_revoked_can_no_longer_write_for_the_department(world: World) -> None:
    org, app = world.org, world.app
    app.revoke_role(org.cco, email="lead.customer-service@example.com", role="lead",
                    department="customer-service")
    with refused(app, NotAllowed):
        app.report_progress(org.support_lead, world.commitment, percent=20)


def test_an_unknown_member_can_do_nothing(world: World) -> None:
    stranger = UUID(int=42)
    with refused(world.app, NotAllowed):
        world.app.report_progress(stranger, world.commitment, percent=20)


def test_an_aggregate_that_is_not_a_member_cannot_act(world: World) -> None:
    with refused(world.app, NotAllowed):
        world.app.report_progress(world.commitment, world.commitment, percent=20)


def test_a_non_cco_cannot_learn_whether_an_email_belongs_to_a_member(world: World) -> None:
    with refused(world.app, NotAllowed):
        world.app.change_password(world.org.support_lead, email="nobody@example.com",
                                  password=NEW_PASSWORD)
