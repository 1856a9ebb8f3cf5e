"""An action's htmx answer on a board card is the card without its action forms (they are most
of its weight); they load when "Actions" opens. The detail view, a failed form and every full
page carry them at once, so nothing depends on JavaScript."""

from __future__ import annotations

import re
from html import unescape

from tests.conftest import Org
from tests.web.conftest import post_form


def forms_in(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="([^"]+)"', html)


def test_a_board_card_answer_leaves_its_forms_to_load_when_actions_opens(client_for, web_org: Org):
    cid = web_org.commitment()
    client = client_for("support_lead")
    answer = post_form(client, f"/commitments/{cid}/progress",
                       {"percent": "30", "next": "/board/?department=customer-service"},
                       htmx=True, page="/board/").get_data(as_text=True)

    assert "Progress reported." in answer and 'value="30" aria-label="Progress"' in answer
    assert forms_in(answer) == [] and 'name="percent"' not in answer
    loader = re.search(r'<details class="actions" hx-get="([^"]+)" hx-trigger="toggle once"', answer)
    assert loader
    actions = client.get(unescape(loader.group(1)))
    html = actions.get_data(as_text=True)
    assert actions.status_code == 200 and "<article" not in html
    assert f"/commitments/{cid}/progress" in forms_in(html) and f"/commitments/{cid}/withdrawal" in forms_in(html)
    assert 'name="expected_version" value="2"' in html  # the version after the progress report
    assert 'name="next" value="/board/?department=customer-service"' in html  # back to that board
    assert f'hx-target="#card-{cid}"' in html  # each form still swaps the whole card
    percent = re.search(r'<input[^>]*name="percent"[^>]*>', html)
    assert percent and 'value="30"' in percent.group(0)  # the form starts from the new progress


def test_the_detail_view_and_a_failed_form_answer_with_the_forms(client_for, web_org: Org):
    cid = web_org.commitment()
    client = client_for("support_lead")
    detail = post_form(client, f"/commitments/{cid}/progress", {"percent": "40", "view": "detail"},
                       htmx=True, page=f"/commitments/{cid}").get_data(as_text=True)
    assert f"/commitments/{cid}/progress" in forms_in(detail) and "toggle once" not in detail

    failed = post_form(client, f"/commitments/{cid}/progress", {"percent": "140"},
                       htmx=True, page="/board/").get_data(as_text=True)
    assert f"/commitments/{cid}/progress" in forms_in(failed) and "toggle once" not in failed
    assert 'aria-invalid="true"' in failed  # the field's message is shown inline


def test_the_forms_answered_alone_are_those_the_member_may_use(client_for, web_org: Org):
    cid = web_org.commitment()
    lead = client_for("support_lead").get(f"/commitments/{cid}/actions").get_data(as_text=True)
    it_lead = client_for("it_lead").get(f"/commitments/{cid}/actions").get_data(as_text=True)
    assert f"/commitments/{cid}/owner" in forms_in(lead) and len(forms_in(lead)) == 10  # with milestones, contributors
    # Another department's lead may only celebrate it.
    assert forms_in(it_lead) == [f"/commitments/{cid}/celebrations"]
    assert client_for("support_lead").get("/commitments/00000000-0000-0000-0000-000000000000/actions").status_code == 404


def test_the_forms_answered_alone_never_send_anyone_to_another_site(client_for, web_org: Org):
    cid = web_org.commitment()
    html = client_for("support_lead").get(
        f"/commitments/{cid}/actions?next=https://evil.example/&view=sideways").get_data(as_text=True)
    assert "evil.example" not in html
    assert f'name="next" value="/commitments/{cid}"' in html  # back to the commitment instead
    assert 'name="view"' not in html  # an unknown view is the board card's
