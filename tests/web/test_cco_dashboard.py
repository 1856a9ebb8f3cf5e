"""The dashboard: health per department and journey linking to the filtered board, what is at
risk, open roadblocks by age, the latest wins and the KPI sparklines."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from tests.web.cco_helpers import (  # noqa: F401
    between, build_scenario, hrefs, page, table_rows,
)


def board_links(html: str) -> dict[tuple[tuple[str, str], ...], str]:
    """Every link to the board with a health filter: its query (sorted pairs) -> link text."""
    found = {}
    for row in html.split("<a ")[1:]:
        href = row.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        parts = urlsplit(href)
        if parts.path.startswith("/board") and "health=" in parts.query:
            query = tuple(sorted((k, v[0]) for k, v in parse_qs(parts.query).items()))
            found[query] = row.split(">", 1)[1].split("<", 1)[0]
    return found


def test_each_health_count_links_to_the_board_filtered_by_department_and_health(client_for, web_org):
    build_scenario(web_org)
    html = page(client_for("cco"), "/dashboard/")
    links = board_links(between(html, 'id="health-title"', 'id="risk-title"'))
    assert links[(("department", "it"), ("health", "blocked"))] == "1"
    assert links[(("department", "it"), ("health", "done late"))] == "1"
    assert links[(("department", "sales"), ("health", "overdue"))] == "1"
    assert links[(("department", "customer-service"), ("health", "done"))] == "1"
    assert (("department", "sales"), ("health", "on track")) not in links  # zero: no link


def test_health_per_journey_counts_commitments_without_a_journey_too(client_for, web_org):
    build_scenario(web_org)
    web_org.commitment(title="Answer support chats in a minute", journey="support")
    html = page(client_for("cco"), "/dashboard/")
    journeys = between(html, "By customer journey", "</table>")
    assert (("health", "on track"), ("journey", "support")) in board_links(journeys)
    assert "No journey" in journeys


def test_a_commitment_moved_twice_is_in_the_at_risk_list_as_slipping(client_for, web_org):
    build_scenario(web_org)
    rows = table_rows(between(page(client_for("cco"), "/dashboard/"), 'class="at-risk"', "</table>"))
    slipping = next(r for r in rows if "Answer every ticket within 4 hours" in r)
    assert "slipping" in slipping and "was 2026-02-15" in slipping and "2026-04-30" in slipping


def test_the_at_risk_list_has_the_overdue_and_blocked_commitments_first_and_nothing_closed(
    client_for, web_org
):
    build_scenario(web_org)
    rows = table_rows(between(page(client_for("executive"), "/dashboard/"), 'class="at-risk"', "</table>"))
    assert len(rows) == 3
    assert "Call every churned customer" in rows[0] and "health-overdue" in rows[0]
    assert "Replace the phone system" in rows[1] and "health-blocked" in rows[1]
    assert not any("Publish help articles" in r or "Launch a status page" in r for r in rows)


def test_open_roadblocks_show_their_age_and_who_was_asked_for_help(client_for, web_org):
    build_scenario(web_org)
    roadblocks = between(page(client_for("cco"), "/dashboard/"), 'id="roadblocks-title"', "</ul>")
    assert "10 days" in roadblocks
    assert "Waiting for Sales to sign the contract" in roadblocks
    assert "Help asked of Sales" in roadblocks


def test_the_latest_wins_and_celebrations_are_shown_newest_first(client_for, web_org):
    build_scenario(web_org)
    wins = between(page(client_for("cco"), "/dashboard/"), 'id="wins-title"', "</ul>")
    assert wins.index("Launch a status page") < wins.index("Great work on the help centre")
    assert "done late" in wins and "kept on time" in wins and "celebration" in wins


def test_each_kpi_has_a_sparkline_with_its_measurements_and_a_title(client_for, web_org):
    build_scenario(web_org)
    kpis = between(page(client_for("cco"), "/dashboard/"), 'id="kpi-title"', 'id="wins-title"')
    spark = between(kpis, '<svg', "</svg>")
    assert 'id="spark-nps"' in spark and "<title" in spark and "<desc" in spark
    assert len(re.search(r'points="([^"]*)"', spark).group(1).split()) == 2  # type: ignore[union-attr]
    assert "<strong>17</strong>" in kpis and "target 30" in kpis


def test_the_vision_heads_the_dashboard(client_for, web_org):
    html = page(client_for("executive"), "/dashboard/")
    assert "Customers never chase us." in between(html, 'id="vision-title"', "</section>")
