"""The members a commitment can be handed over to are one list per page: every card's hand-over
field suggests from it, and a card answered to an htmx action does not carry it again."""

from __future__ import annotations

import re
from html import unescape

from projections.database import open_views
from projections.queries.directory import members
from tests.conftest import Org
from tests.web.conftest import post_form

OPTION = re.compile(r'<option value="([^"]+@[^"]+)">')


def datalists(html: str) -> list[str]:
    return re.findall(r'<datalist id="active-members">(.*?)</datalist>', html, re.S)


def test_the_board_and_the_commitment_page_hold_one_list_of_the_active_members(
    client_for, web_org: Org, data_dir
):
    cid = web_org.commitment()
    web_org.commitment(title="Second commitment on the board")
    client = client_for("support_lead")
    client.get("/board/")  # the views catch up
    db = open_views(data_dir / "views.sqlite3")
    active = {m["email"] for m in members(db, active_only=True)
              if any(r["role"] in ("cco", "lead") for r in m["roles"])}  # who can own one
    db.close()
    assert "lead.it@example.com" in active and len(active) > 3
    assert "ceo@example.com" not in active and "auditor@example.com" not in active
    html = client.get(f"/commitments/{cid}").get_data(as_text=True)
    lists = datalists(html)
    assert len(lists) == 1
    assert set(OPTION.findall(lists[0])) == active
    fields = re.findall(r'<input id="hand-over-[^"]+-new_owner"[^>]*>', html)
    assert fields and all('list="active-members"' in f and 'type="email"' in f for f in fields)
    # A board holds the list empty (its cards' forms load when their Actions open): the first
    # forms loaded fill it out of band.
    board = client.get("/board/").get_data(as_text=True)
    assert datalists(board) == [""] and "new_owner" not in board
    loader = re.search(r'<details class="actions" hx-get="([^"]+)"', board)
    assert loader and "members=1" in loader.group(1)
    forms = client.get(unescape(loader.group(1)), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert '<datalist id="active-members" hx-swap-oob="true">' in forms
    assert set(OPTION.findall(forms)) == active and 'list="active-members"' in forms


def test_an_htmx_card_answer_leaves_the_member_list_to_the_page(client_for, web_org: Org):
    cid = web_org.commitment()
    client = client_for("support_lead")
    answer = post_form(client, f"/commitments/{cid}/progress", {"percent": "30", "note": "Started"},
                       htmx=True, page=f"/commitments/{cid}")
    html = answer.get_data(as_text=True)  # type: ignore[attr-defined]
    assert answer.status_code == 200 and datalists(html) == []  # type: ignore[attr-defined]
    forms = client.get(f"/commitments/{cid}/actions").get_data(as_text=True)  # when Actions opens
    assert 'list="active-members"' in forms and datalists(forms) == []
    assert "lead.it@example.com" not in html + forms
