"""The audit pages: who sees them, the history with its changes, filters and paging (with and
without htmx), a commitment's story, the plan at an instant (banner, nothing writable), the diff."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.audit.conftest import store_app
from tests.conftest import build_org, make_app
from tests.web.cco_helpers import Scenario, build_scenario, hrefs, on, page
from tests.web.conftest import ROLE_EMAILS, sign_in
from web import create_app

PAGES = ["/audit/history", "/audit/as-of?day=2026-02-19", "/audit/as-of/board?day=2026-02-19",
         "/audit/as-of/accountability?day=2026-02-19", "/audit/diff?fromday=2026-02-01&today=2026-02-28"]
POST_FORM = re.compile(r"<form[^>]*method=\"post\"", re.IGNORECASE)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory,
         audit_store: dict[str, str] | None) -> tuple[Flask, Scenario]:
    """The CCO pages' scenario behind the web app, on each event store (`audit_store`); the
    pages only read, so the tests share it."""
    data = tmp_path_factory.mktemp("audit-web") / "data"
    data.mkdir()
    app = store_app(data, audit_store)
    with on("2026-01-02"):
        org = build_org(app)
    scenario = build_scenario(org)
    app.close()
    flask_app = create_app({"DATA_DIR": str(data), "TESTING": True, "SECRET_KEY": "test-secret",
                            "LOGIN_RATE_LIMIT": "1000 per minute", "TIMELINE_PAGE_SIZE": 5},
                           tracker=make_app("postgres" if audit_store else "sqlite", data, audit_store))
    return flask_app, scenario


@pytest.fixture(scope="module")
def client(site) -> Callable[[str], FlaskClient]:  # type: ignore[no-untyped-def]
    """A signed-in client per role, made once."""
    signed_in: dict[str, FlaskClient] = {}

    def make(role: str) -> FlaskClient:
        if role not in signed_in:
            signed_in[role] = site[0].test_client()
            sign_in(signed_in[role], ROLE_EMAILS[role])
        return signed_in[role]
    return make


def main(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


@pytest.mark.parametrize("path", PAGES)
def test_auditors_and_the_cco_read_the_audit_pages_and_nobody_else(client, path: str) -> None:  # type: ignore[no-untyped-def]
    for role in ("auditor", "cco"):
        page(client(role), path)
    for role in ("executive", "support_lead"):
        page(client(role), path, status=403)


def test_the_nav_offers_the_audit_pages_to_auditors_and_the_cco_only(client) -> None:  # type: ignore[no-untyped-def]
    assert 'href="/audit/history"' in page(client("auditor"), "/timeline/")
    assert 'href="/audit/history"' in page(client("cco"), "/timeline/")
    assert 'href="/audit/history"' not in page(client("executive"), "/timeline/")


def test_the_history_shows_each_change_before_and_after_and_filters_by_kind(client) -> None:  # type: ignore[no-untyped-def]
    html = page(client("auditor"), "/audit/history?kind=DueDateMoved")
    assert html.count('class="audit-event"') == 2
    assert ('<dt>due date</dt>\n        <dd><span class="before">2026-03-20</span> <span class="arrow"'
            ' aria-hidden="true">→</span><span class="visually-hidden">became</span> <span class="after">2026-04-30</span></dd>') in html
    assert "Load older" not in html


def test_load_older_pages_with_htmx_and_without(client, site) -> None:  # type: ignore[no-untyped-def]
    auditor = client("auditor")
    first = page(auditor, "/audit/history")
    positions = [int(p) for p in re.findall(r'data-position="(\d+)"', first)]
    assert len(positions) == 5 and positions == sorted(positions, reverse=True)
    older = re.search(r'href="(/audit/history\?before=(\d+))"', first)
    assert older and int(older.group(2)) == positions[-1]
    fragment = page(auditor, older.group(1), htmx=True)
    assert "<html" not in fragment and fragment.lstrip().startswith("<li")
    plain = page(auditor, older.group(1))
    assert "<html" in plain and "Back to the newest events" in plain
    next_positions = [int(p) for p in re.findall(r'data-position="(\d+)"', fragment)]
    assert next_positions == list(range(positions[-1] - 1, positions[-1] - 6, -1))


def test_a_filter_naming_nothing_is_a_clear_400(client) -> None:  # type: ignore[no-untyped-def]
    html = page(client("auditor"), "/audit/history?department=legal", status=400)
    assert "Department: no department &#39;legal&#39; in this plan." in html
    html = page(client("auditor"), "/audit/history?since=2026-02-30", status=400)
    assert "is not a date or date-time" in html


def test_a_commitments_story_has_every_event_with_its_changes(client, site) -> None:  # type: ignore[no-untyped-def]
    scenario = site[1]
    html = page(client("auditor"), f"/audit/commitments/{scenario.slipping}")
    assert html.count('class="audit-event"') == 3
    assert html.index("Commitment made") < html.index("2026-02-15 → 2026-03-20") < html.index("2026-03-20 → 2026-04-30")
    assert "/audit/as-of/board?department=customer-service&amp;day=2026-02-10&amp;time=09:00:00" in html
    assert not POST_FORM.search(main(html))


@pytest.mark.parametrize("path", PAGES[1:4])
def test_the_plan_at_an_instant_states_the_instant_and_offers_nothing_to_change(client, path: str) -> None:  # type: ignore[no-untyped-def]
    html = page(client("cco"), path)
    assert "As of 2026-02-19 23:59:59.999999 UTC" in html and 'class="as-of-banner"' in html
    body = main(html)
    assert not POST_FORM.search(body)
    assert re.findall(r"<button[^>]*>([^<]*)</button>", body) == ["Travel"]
    assert "/commitments/" not in body.replace("/audit/commitments/", "")


def test_the_board_then_is_not_the_board_now(client, site) -> None:  # type: ignore[no-untyped-def]
    scenario = site[1]
    then = page(client("auditor"), "/audit/as-of/board?day=2026-02-19&department=it")
    row = then[then.index(str(scenario.late)):]
    assert row.index("health-overdue") < row.index("</tr>")
    now = page(client("auditor"), "/audit/as-of/board?department=it")
    row = now[now.index(str(scenario.late)):]
    assert row.index("health-done-late") < row.index("</tr>")
    early = page(client("auditor"), "/audit/as-of/board?day=2026-01-04&time=12:00")
    assert "As of 2026-01-04 12:00:00 UTC" in early and "No commitments then." in early


def test_the_dashboard_then_shows_the_open_roadblocks_with_their_age_then(client) -> None:  # type: ignore[no-untyped-def]
    html = page(client("auditor"), "/audit/as-of?day=2026-02-27")
    assert "Waiting for Sales to sign the contract" in html and "7 days" in html
    before = page(client("auditor"), "/audit/as-of?day=2026-02-19")
    assert "Waiting for Sales" not in before and "No open roadblocks." in before


def test_a_malformed_instant_is_a_clear_400(client) -> None:  # type: ignore[no-untyped-def]
    html = page(client("auditor"), "/audit/as-of/board?day=2026-02-30", status=400)
    assert "2026-02-30 is not a date and time" in html and "as-of-banner" not in html


def test_the_diff_lists_what_changed_between_two_instants(client, site) -> None:  # type: ignore[no-untyped-def]
    scenario = site[1]
    html = page(client("auditor"), "/audit/diff?fromday=2026-02-01&today=2026-02-28")
    assert "From 2026-02-01 23:59:59 to 2026-02-28 23:59:59 UTC" in html
    completed = html[html.index(">Completed <"):html.index(">Withdrawn <")]
    assert str(scenario.kept) in completed and str(scenario.late) in completed
    assert "Waiting for Sales to sign the contract" in html
    assert not POST_FORM.search(main(html))
    page(client("auditor"), "/audit/diff?fromday=2026-02-28&today=2026-02-01", status=400)


def test_the_board_then_lists_the_recently_closed_and_counts_the_older_ones(client, site) -> None:  # type: ignore[no-untyped-def]
    scenario = site[1]  # "late" (IT) completed on 2026-02-25, "kept" on 2026-02-18
    auditor = client("auditor")
    last_day = main(page(auditor, "/audit/as-of/board?day=2026-05-26&department=it"))
    assert str(scenario.late) in last_day and "not shown" not in last_day
    body = main(page(auditor, "/audit/as-of/board?day=2026-05-27&department=it"))
    assert str(scenario.late) not in body and str(scenario.blocked) in body
    assert "1 done late closed before 2026-02-26 not shown." in body
    links = [h for h in hrefs(body) if "closed=all" in h]
    assert links and all("department=it" in h and "day=2026-05-27" in h for h in links)
    listed = main(page(auditor, links[-1]))
    assert str(scenario.late) in listed and str(scenario.blocked) in listed
    assert "not shown" not in listed and "Every commitment made by then is listed" in listed
    whole = main(page(auditor, "/audit/as-of/board?day=2026-05-27"))
    assert "1 done closed before 2026-02-26 not shown." in whole  # customer service's "kept"
    assert str(scenario.kept) not in whole and str(scenario.kept) in main(
        page(auditor, "/audit/as-of/board?day=2026-05-27&closed=all"))
    only = main(page(auditor, "/audit/as-of/board?day=2026-05-27&health=done+late"))
    assert "1 done late closed before 2026-02-26 not shown." in only and "done closed" not in only


def test_the_dashboard_then_still_counts_every_closed_commitment(client) -> None:  # type: ignore[no-untyped-def]
    html = page(client("auditor"), "/audit/as-of?day=2026-05-27")
    assert 'aria-label="1 done late in IT"' in html and 'aria-label="1 done in Customer Service"' in html


def test_the_dashboard_then_shows_the_first_of_its_lists_with_their_totals(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]

    path = "/audit/as-of?day=2026-02-27"
    whole = main(page(client("auditor"), path))
    at_risk = re.findall(r'<table class="at-risk">.*?</table>', whole, re.S)[0].count("<tr>") - 1
    assert at_risk >= 2 and "The first" not in whole
    monkeypatch.setitem(client("auditor").application.config, "AT_RISK_SHOWN", 1)
    monkeypatch.setitem(client("auditor").application.config, "ROADBLOCKS_SHOWN", 0)

    cut = main(page(client("auditor"), path))
    assert re.findall(r'<table class="at-risk">.*?</table>', cut, re.S)[0].count("<tr>") - 1 == 1
    assert f"The first 1 of {at_risk}." in cut and 'href="/audit/as-of/board?day=2026-02-27"' in cut
    assert "Waiting for Sales to sign the contract" not in cut and ", the 0 open longest" in cut


def test_accountability_then_shows_the_first_owners_and_all_of_them_on_asking(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]

    def owners(html: str) -> list[str]:
        table = html[html.index('id="by-owner"'):]
        return re.findall(r'<th scope="row">([^<]+)</th>', table[:table.index("</table>")])

    path = "/audit/as-of/accountability?day=2026-05-27"
    every = owners(page(client("auditor"), path))
    assert len(every) >= 2
    monkeypatch.setitem(client("auditor").application.config, "OWNERS_SHOWN", 1)

    cut = page(client("auditor"), path)
    assert owners(cut) == every[:1] and f"The first 1 of {len(every)} owners, by name." in cut
    link = re.search(r'href="([^"]*owners=all[^"]*)"', cut)
    assert link and "day=2026-05-27" in link.group(1)
    assert owners(page(client("auditor"), link.group(1).replace("&amp;", "&"))) == every
