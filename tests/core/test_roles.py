"""What each role allows (`tracker.authorization.Roles`): the rules the web asks too."""

from __future__ import annotations

import pytest

from tracker.authorization import Roles
from tracker.domain.member import Grant

CCO: Grant = ("cco", None)
LEAD_IT: Grant = ("lead", "it")
EXECUTIVE: Grant = ("executive", None)
AUDITOR: Grant = ("auditor", None)


@pytest.mark.parametrize(
    ("grants", "read", "write", "overseer", "audit", "title"),
    [
        ((), False, False, False, False, "Member"),
        ((CCO,), True, True, True, True, "Chief Customer Officer"),
        ((LEAD_IT,), True, True, False, False, "Department lead"),
        ((EXECUTIVE,), True, False, True, False, "Executive viewer"),
        ((AUDITOR,), True, False, True, True, "Auditor"),
        ((LEAD_IT, AUDITOR), True, True, True, True, "Department lead"),
        ((CCO, LEAD_IT), True, True, True, True, "Chief Customer Officer"),
    ],
    ids=["no role", "cco", "lead", "executive", "auditor", "lead and auditor", "cco and lead"],
)
def test_each_role_reads_writes_oversees_and_audits_as_the_rules_say(
    grants: tuple[Grant, ...], read: bool, write: bool, overseer: bool, audit: bool, title: str
) -> None:
    roles = Roles(frozenset(grants))

    assert (roles.can_read, roles.can_write, roles.is_overseer, roles.can_audit) == (
        read, write, overseer, audit)
    assert roles.title == title


def test_a_lead_writes_for_their_own_department_only_and_the_cco_for_every_one() -> None:
    lead, cco = Roles(frozenset({LEAD_IT})), Roles(frozenset({CCO}))

    assert lead.writes_for("it") and not lead.writes_for("sales")
    assert cco.writes_for("it") and cco.writes_for("sales")
    assert lead.lead_departments == {"it"} and cco.lead_departments == set()


def test_a_deactivated_member_may_do_nothing_whatever_they_were_granted() -> None:
    roles = Roles(frozenset({CCO, LEAD_IT}), active=False)

    assert not (roles.can_read or roles.can_write or roles.is_overseer or roles.can_audit)
    assert not roles.writes_for("it") and roles.lead_departments == set()


def test_roles_read_from_the_applications_member_data_equal_those_of_the_grants() -> None:
    rows = [{"role": "lead", "department": "it"}, {"role": "auditor", "department": None}]

    assert Roles.from_rows(rows) == Roles(frozenset({LEAD_IT, AUDITOR}))
