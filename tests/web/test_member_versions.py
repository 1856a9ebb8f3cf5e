"""The members forms carry the version of the member the CCO saw; a change made meanwhile (by
another CCO, or the CLI) makes the stale form refuse with the commitments' conflict message,
recording nothing, and the page shows the current state to resubmit from."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Org
from tests.web.conftest import ROLE_EMAILS, csrf_token
from tracker.errors import Conflict

EXEC = ROLE_EMAILS["executive"]
CONFLICT = "Someone else changed this first"


def _version_on_page(html: str, email: str, action: str) -> str:
    match = re.search(rf'action="/members/{re.escape(email)}/{action}"[^>]*>\s*'
                      r'<input type="hidden" name="csrf_token" value="[^"]+">'
                      r'<input type="hidden" name="expected_version" value="(\d+)">', html)
    assert match, f"no versioned {action} form for {email}"
    return match.group(1)


FORMS = {
    "grants": {"role": "auditor"},
    "revocations": {"role": "executive"},
    "deactivation": {"reason": "Left the board"},
}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("action", list(FORMS))
def test_a_stale_members_form_is_refused_with_the_conflict_message(
    action: str, htmx: bool, client_for, web_org: Org  # type: ignore[no-untyped-def]
) -> None:
    cco = client_for("cco")
    page = cco.get("/members/").get_data(as_text=True)
    seen = _version_on_page(page, EXEC, action)
    web_org.app.grant_role(web_org.cco, email=EXEC, role="auditor")  # meanwhile, elsewhere
    head = web_org.app.head()
    response = cco.post(f"/members/{EXEC}/{action}", headers={"HX-Request": "true"} if htmx else {},
                        data={**FORMS[action], "expected_version": seen,
                              "csrf_token": csrf_token(cco, "/members/")})
    html = response.get_data(as_text=True)
    assert response.status_code == (200 if htmx else 409)
    assert CONFLICT in html and web_org.app.head() == head
    assert _version_on_page(html, EXEC, action) == str(int(seen) + 1)  # resubmit works


def test_a_current_members_form_goes_through(client_for, web_org: Org) -> None:  # type: ignore[no-untyped-def]
    cco = client_for("cco")
    seen = _version_on_page(cco.get("/members/").get_data(as_text=True), EXEC, "grants")
    response = cco.post(f"/members/{EXEC}/grants", data={
        "role": "auditor", "expected_version": seen, "csrf_token": csrf_token(cco, "/members/")})
    assert response.status_code == 302
    assert {"role": "auditor", "department": None} in web_org.app.member(EXEC)["grants"]


def test_the_service_refuses_stale_member_changes_for_every_client(web_org: Org) -> None:
    version = web_org.app.grant_role(web_org.cco, email=EXEC, role="auditor").version
    for command in (
        lambda v: web_org.app.grant_role(web_org.cco, email=EXEC, role="cco", expected_version=v),
        lambda v: web_org.app.revoke_role(web_org.cco, email=EXEC, role="auditor", expected_version=v),
        lambda v: web_org.app.deactivate_member(web_org.cco, email=EXEC, reason="x", expected_version=v),
    ):
        with pytest.raises(Conflict):
            command(version - 1)
    assert web_org.app.revoke_role(web_org.cco, email=EXEC, role="auditor",
                                   expected_version=version).version == version + 1
