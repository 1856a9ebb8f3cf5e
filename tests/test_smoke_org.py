from tests.conftest import Org


def test_the_org_fixture_builds_a_plan_with_three_departments(org: Org) -> None:
    assert set(org.app.plan()["departments"]) == {"customer-service", "it", "sales"}
