"""The invariants of members and roles, and the rule that a deactivated member can do nothing."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, Org
from tests.core.commands import COMMANDS, World, build_world
from tests.core.support import refused
from tracker.domain import member_id
from tracker.errors import Invalid, NotAllowed, NotFound

TARGET = "lead.it@example.com"


@pytest.mark.parametrize(("role", "department", "field"), [
    ("lead", None, "department"),
    ("lead", "", "department"),
    ("lead", "marketing", "department"),
    ("cco", "it", "department"),
    ("executive", "sales", "department"),
    ("auditor", "it", "department"),
    ("owner", None, "role"),
    ("", None, "role"),
])
def test_a_lead_role_names_a_department_of_the_plan_and_other_roles_are_plan_wide(
    org: Org, role: str, department: str | None, field: str
) -> None:
    with refused(org.app, Invalid, field):
        org.app.grant_role(org.cco, email=TARGET, role=role, department=department)


@pytest.mark.parametrize(("role", "department"), [("lead", "sales"), ("executive", None),
                                                  ("auditor", None), ("cco", None)])
def test_a_role_is_granted_once(org: Org, role: str, department: str | None) -> None:
    org.app.grant_role(org.cco, email=TARGET, role=role, department=department)
    with refused(org.app, Invalid, "role"):
        org.app.grant_role(org.cco, email=TARGET, role=role, department=department)


def test_a_lead_of_one_department_may_be_granted_the_lead_of_another(org: Org) -> None:
    org.app.grant_role(org.cco, email=TARGET, role="lead", department="sales")
    grants = org.app.member(TARGET)["grants"]
    assert grants == [{"role": "lead", "department": "it"}, {"role": "lead", "department": "sales"}]


@pytest.mark.parametrize(("role", "department"), [("lead", "sales"), ("executive", None),
                                                  ("lead", None), ("cco", None)])
def test_only_a_held_role_is_revoked(org: Org, role: str, department: str | None) -> None:
    with refused(org.app, Invalid, "role"):
        org.app.revoke_role(org.cco, email=TARGET, role=role, department=department)


def test_a_revoked_role_is_no_longer_held(org: Org) -> None:
    org.app.revoke_role(org.cco, email=TARGET, role="lead", department="it")
    assert org.app.member(TARGET)["grants"] == []


@pytest.mark.parametrize("command", ["grant", "revoke", "deactivate"])
def test_role_and_membership_commands_need_an_existing_member(org: Org, command: str) -> None:
    with refused(org.app, NotFound):
        if command == "grant":
            org.app.grant_role(org.cco, email="nobody@example.com", role="auditor")
        elif command == "revoke":
            org.app.revoke_role(org.cco, email="nobody@example.com", role="auditor")
        else:
            org.app.deactivate_member(org.cco, email="nobody@example.com", reason="Gone")


@pytest.mark.parametrize("email", ["lead.it@example.com", "Lead.IT@Example.com",
                                   "  lead.it@example.com "])
def test_an_email_address_is_registered_once(org: Org, email: str) -> None:
    with refused(org.app, Invalid, "email"):
        org.app.register_member(org.cco, email=email, name="Imposter", password=PASSWORD)


@pytest.mark.parametrize(("field", "overrides"), [
    ("email", {"email": "no-at-sign"}),
    ("name", {"name": ""}),
    ("password", {"password": "seven77"}),
    ("role", {"role": "owner"}),
    ("department", {"role": "lead"}),
    ("department", {"role": "lead", "department": "marketing"}),
    ("department", {"role": "auditor", "department": "it"}),
])
def test_registering_a_member_needs_valid_details_and_a_valid_first_role(
    org: Org, field: str, overrides: dict[str, str]
) -> None:
    fields = dict(email="new.person@example.com", name="New Person", password=PASSWORD)
    with refused(org.app, Invalid, field):
        org.app.register_member(org.cco, **{**fields, **overrides})
    assert org.app.accounts.verify("new.person@example.com", PASSWORD) is None


def test_a_registered_member_has_their_first_role_and_a_password(org: Org) -> None:
    org.app.register_member(org.cco, email="New.Person@Example.com", name="New Person",
                            password=PASSWORD, role="lead", department="sales")
    member = org.app.member("new.person@example.com")
    assert (member["email"], member["active"], member["grants"]) == (
        "new.person@example.com", True, [{"role": "lead", "department": "sales"}])
    assert org.app.authenticate("new.person@example.com", PASSWORD) == member["id"]


def test_a_cco_cannot_deactivate_themselves(org: Org) -> None:
    with refused(org.app, NotAllowed):
        org.app.deactivate_member(org.cco, email="cco@example.com", reason="Burnt out")


def test_a_cco_cannot_revoke_their_own_cco_role(org: Org) -> None:
    with refused(org.app, NotAllowed):
        org.app.revoke_role(org.cco, email="cco@example.com", role="cco")


def test_a_cco_may_revoke_another_ccos_role(org: Org) -> None:
    org.app.grant_role(org.cco, email=TARGET, role="cco")
    org.app.revoke_role(member_id(TARGET), email="cco@example.com", role="cco")
    assert org.app.member("cco@example.com")["grants"] == []


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_deactivating_a_member_needs_a_reason(org: Org, reason: object) -> None:
    with refused(org.app, Invalid, "reason"):
        org.app.deactivate_member(org.cco, email=TARGET, reason=reason)  # type: ignore[arg-type]


def test_a_member_is_deactivated_once(org: Org) -> None:
    org.app.deactivate_member(org.cco, email=TARGET, reason="Left the company")
    with refused(org.app, Invalid, "member"):
        org.app.deactivate_member(org.cco, email=TARGET, reason="Left the company")


@pytest.mark.parametrize("command", ["grant", "revoke"])
def test_a_deactivated_members_roles_cannot_change(org: Org, command: str) -> None:
    org.app.deactivate_member(org.cco, email=TARGET, reason="Left the company")
    with refused(org.app, Invalid, "member"):
        if command == "grant":
            org.app.grant_role(org.cco, email=TARGET, role="auditor")
        else:
            org.app.revoke_role(org.cco, email=TARGET, role="lead", department="it")


def test_a_deactivated_members_password_cannot_be_reset(org: Org) -> None:
    org.app.deactivate_member(org.cco, email=TARGET, reason="Left the company")
    with refused(org.app, Invalid, "email"):
        org.app.change_password(org.cco, email=TARGET, password="another-password")


def test_a_deactivated_member_holds_no_role_in_effect(org: Org) -> None:
    commitment = org.commitment(department="it", actor=org.it_lead, owner=TARGET)
    org.app.deactivate_member(org.cco, email=TARGET, reason="Left the company")
    with refused(org.app, NotAllowed):
        org.app.report_progress(org.it_lead, commitment, percent=10)


@pytest.fixture
def deactivated_cco(org: Org) -> World:
    """The world, with a second CCO who has been deactivated: the most powerful member, off."""
    world = build_world(org)
    org.app.register_member(org.cco, email="cco2@example.com", name="Second CCO",
                            password=PASSWORD, role="cco")
    org.app.deactivate_member(org.cco, email="cco2@example.com", reason="Moved on")
    return world


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_deactivated_member_can_do_nothing(deactivated_cco: World, command: str) -> None:
    with refused(deactivated_cco.app, NotAllowed):
        COMMANDS[command](deactivated_cco, member_id("cco2@example.com"))


def test_a_department_without_the_lead_role_is_refused_at_registration(org: Org) -> None:
    with refused(org.app, Invalid, "department"):
        org.app.register_member(org.cco, email="new@example.com", name="New Person",
                                password="long-enough", department="sales")
