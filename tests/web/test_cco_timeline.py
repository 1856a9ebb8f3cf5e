"""The progress timeline: filters as a GET form that htmx enhances, keyset paging with a
"Load older" row that htmx swaps for the next rows, and the commitment timeline chart."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.web.cco_helpers import (
    build_scenario, page,
)

ROW = re.compile(r'<li class="event[^"]*" data-position="(\d+)" data-department="([^"]*)"')
OLDER = re.compile(r'<li class="load-older[^"]*">\s*<a class="button" href="([^"]+)"')


def rows(html: str) -> list[tuple[int, str]]:
    return [(int(p), d) for p, d in ROW.findall(html)]


def older_link(html: str) -> str | None:
    found = OLDER.search(html)
    return unescape(found.group(1)) if found else None


@pytest.fixture
def cco(client_for, web_org, flask_app):  # type: ignore[no-untyped-def]
    build_scenario(web_org)
    return client_for("cco")


def test_filtering_by_department_lists_only_that_departments_events(cco):
    html = page(cco, "/timeline/?department=it")
    found = rows(html)
    assert found and {d for _, d in found} == {"it"}
    assert "Replace the phone system" in html and "Launch a status page" in html
    assert "Call every churned customer" not in html


def test_the_events_come_newest_first(cco):
    positions = [p for p, _ in rows(page(cco, "/timeline/"))]
    assert positions == sorted(positions, reverse=True)


def test_paging_walks_every_event_once_from_newest_to_oldest(cco, flask_app):
    everything = [p for p, _ in rows(page(cco, "/timeline/"))]
    assert older_link(page(cco, "/timeline/")) is None and len(everything) > 12
    flask_app.config["TIMELINE_PAGE_SIZE"] = 5
    seen, path = [], "/timeline/"
    while path:
        html = page(cco, path)
        batch = [p for p, _ in rows(html)]
        assert len(batch) <= 5 and all(p < min(seen, default=10**9) for p in batch)
        seen += batch
        path = older_link(html)  # type: ignore[assignment]
    assert seen == everything


def test_load_older_through_htmx_returns_only_the_next_rows_and_the_next_button(cco, flask_app):
    flask_app.config["TIMELINE_PAGE_SIZE"] = 5
    first = page(cco, "/timeline/")
    link = older_link(first)
    assert link is not None and "before=" in link
    button = first[first.index('<li class="load-older'):]
    assert f'hx-get="{link.replace("&", "&amp;")}"' in button
    assert 'hx-swap="outerHTML"' in button and 'hx-target="closest li"' in button
    more = page(cco, link, htmx=True)
    assert more.lstrip().startswith("<li") and "timeline-results" not in more and "<html" not in more
    assert not {p for p, _ in rows(more)} & {p for p, _ in rows(first)}
    assert older_link(more) is not None


def test_without_javascript_load_older_is_a_plain_link_to_a_page_of_older_events(cco, flask_app):
    flask_app.config["TIMELINE_PAGE_SIZE"] = 5
    older = page(cco, older_link(page(cco, "/timeline/?department=it")))  # type: ignore[arg-type]
    assert "<html" in older and "Back to the newest events" in older
    assert {d for _, d in rows(older)} == {"it"}


def test_older_pages_keep_the_filters(cco, flask_app):
    flask_app.config["TIMELINE_PAGE_SIZE"] = 1
    link = older_link(page(cco, "/timeline/?department=it&kind=Made"))
    assert link is not None and "department=it" in link and "kind=Made" in link


def test_the_filter_form_is_a_get_form_that_htmx_turns_into_a_swap_with_a_pushed_url(cco):
    html = page(cco, "/timeline/")
    form = html[html.index("<form method=\"get\""):html.index("</form>", html.index("<form method=\"get\""))]
    assert 'action="/timeline/"' in form and 'hx-get="/timeline/"' in form
    assert 'hx-target="#timeline-results"' in form and 'hx-push-url="true"' in form
    for name in ("department", "journey", "kind", "member", "since", "until"):
        assert f'name="{name}"' in form


def test_a_filter_change_through_htmx_gets_the_results_fragment(cco):
    html = page(cco, "/timeline/?department=sales", htmx=True)
    assert html.lstrip().startswith('<div id="timeline-results"') and "<form" not in html
    assert {d for _, d in rows(html)} == {"sales"}


def test_filter_by_kind(cco):
    html = page(cco, "/timeline/?kind=DueDateMoved")
    assert len(rows(html)) == 2 and html.count("Due date moved 2026-") == 2


def test_filter_by_member_and_period(cco, web_org):
    html = page(cco, f"/timeline/?member={web_org.support_lead}&since=2026-02-01&until=2026-02-28")
    assert len(rows(html)) == 2
    assert "Due date moved 2026-02-15 → 2026-03-20" in html and "Completed on 2026-02-18" in html


def test_filter_by_commitment_shows_its_story_and_a_way_back(cco, web_org):
    scenario_id = re.search(r"commitment=([0-9a-f-]{36})", page(cco, "/timeline/?kind=RoadblockRaised"))
    assert scenario_id
    html = page(cco, f"/timeline/?commitment={scenario_id.group(1)}")
    assert "Only the commitment <strong>Replace the phone system</strong>" in html
    assert "Commitment made: Replace the phone system" in html and "help asked of Sales" in html
    assert len(rows(html)) == 3


def test_a_mistyped_date_is_reported_and_left_out(cco):
    html = page(cco, "/timeline/?since=yesterday")
    assert "From: must be a date as YYYY-MM-DD" in html and rows(html)


def test_the_commitment_timeline_chart_has_one_row_per_commitment_and_a_title(cco):
    html = page(cco, "/timeline/chart")
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert svg.count('<g class="tl-row">') == 5
    assert '<title id="commitment-timeline-title">Commitment timeline</title>' in svg
    assert svg.count('class="tl-slip"') == 1  # only the moved commitment slipped
    assert svg.count('class="tl-done"') == 2 and 'class="tl-today"' in svg
    assert "The same data as a table" in html


def test_the_commitment_timeline_chart_narrows_to_a_department(cco):
    html = page(cco, "/timeline/chart?department=it")
    assert html.count('<g class="tl-row">') == 2 and "Call every churned customer" not in html
