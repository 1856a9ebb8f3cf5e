"""Accountability: every figure per department and per owner, sortable by a GET parameter, with a
department filter for the owners."""

from __future__ import annotations

import re

import pytest

from tests.web.cco_helpers import (
    between, build_scenario, page, table_rows,
)
from web.blueprints.accountability import columns


@pytest.fixture
def cco(client_for, web_org):  # type: ignore[no-untyped-def]
    build_scenario(web_org)
    return client_for("cco")


def departments_table(html: str) -> str:
    return between(html, 'id="by-department"', "</table>")


def owners_table(html: str) -> str:
    return between(html, 'id="by-owner"', "</table>")


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def row_of(table: str, name: str) -> list[str]:
    return cells(next(r for r in table_rows(table) if name in r))


def test_every_figure_of_the_query_has_a_column(cco):
    html = page(cco, "/accountability/?columns=all")
    for table, which in ((departments_table(html), "department"), (owners_table(html), "owner")):
        for _, label, _ in columns(which):
            assert f">{label}<" in table, label


def test_the_department_figures_are_those_of_the_query(cco):
    support = dict(zip([k for k, _, _ in columns("department")],
                       row_of(departments_table(page(cco, "/accountability/?columns=all")), "Customer Service")))
    assert support["made"] == "2" and support["open"] == "1" and support["kept"] == "1"
    assert support["due_date_moves"] == "2" and support["days_slipped"] == "74"
    assert support["say_do"] == "50%" and support["median_days_to_resolve"] == "–"


def test_owner_figures_include_handovers_and_roadblocks(cco):
    it = dict(zip([k for k, _, _ in columns("owner")],
                  row_of(owners_table(page(cco, "/accountability/?columns=all")), "lead.it@example.com")))
    assert it["made"] == "2" and it["late"] == "1" and it["roadblocks_raised"] == "1"
    assert it["handovers_in"] == "0" and it["say_do"] == "0%"


@pytest.mark.parametrize("query, first", [
    ("", "Customer Service"),
    ("?sort=made&order=asc", "Sales"),
    ("?sort=days_slipped&order=desc", "Customer Service"),
    ("?sort=name&order=desc", "Sales"),
])
def test_the_tables_sort_by_the_figure_in_the_query_string(cco, query, first):
    rows = table_rows(departments_table(page(cco, "/accountability/" + query)))
    assert f">{first}<" in rows[0]


def test_a_sorted_heading_says_so_and_links_to_the_other_direction(cco):
    table = departments_table(page(cco, "/accountability/?sort=say_do&order=desc"))
    heading = between(table, 'aria-sort="descending"', "</th>")
    assert "sort=say_do" in heading and "order=asc" in heading


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_a_department_with_nothing_due_sorts_last_by_say_do_either_way(cco, web_org, order):
    web_org.app.add_department(web_org.cco, "finance", "Finance")
    rows = table_rows(departments_table(page(cco, f"/accountability/?sort=say_do&order={order}")))
    assert ">Finance<" in rows[-1] and cells(rows[-1])[0] == "–"
    first = cells(rows[0])[0]
    assert first == ("0%" if order == "asc" else "50%")


def test_the_owner_table_narrows_to_a_department(cco):
    html = page(cco, "/accountability/?department=it")
    owners = owners_table(html)
    assert "By owner in IT" in owners and len(table_rows(owners)) == 1 and "IT Lead" in owners
    assert len(table_rows(departments_table(html))) == 3  # the departments stay whole


def test_the_executive_and_the_auditor_see_accountability(client_for, web_org):
    build_scenario(web_org)
    for role in ("executive", "auditor"):
        assert "Say/do" in page(client_for(role), "/accountability/")


def test_the_owner_table_shows_its_first_rows_in_order_and_all_of_them_on_asking(cco, monkeypatch):

    def owners(html: str) -> list[str]:
        return re.findall(r'<th scope="row">([^<]+)<br>', owners_table(html))

    every = owners(page(cco, "/accountability/?sort=name&order=asc"))
    assert len(every) >= 3 and every == sorted(every) and "Show all" not in page(cco, "/accountability/?columns=all")
    monkeypatch.setitem(cco.application.config, "OWNERS_SHOWN", 2)

    html = page(cco, "/accountability/?sort=name&order=asc")
    assert owners(html) == every[:2]
    assert f"The first 2 of {len(every)} owners in this order." in html
    link = re.search(r'href="([^"]*owners=all[^"]*)"[^>]*>Show all', html)
    assert link and "sort=name" in link.group(1) and "order=asc" in link.group(1)

    everything = page(cco, link.group(1).replace("&amp;", "&"))
    assert owners(everything) == every and "Show all" not in everything
    assert 'name="owners" value="all"' in everything  # the department filter keeps showing all


def test_by_default_the_tables_show_the_key_figures_and_the_rest_on_demand(cco):
    from web.blueprints.accountability import KEY_FIGURES

    html = page(cco, "/accountability/")
    headings = re.findall(r'title="[^"]*">([^<]+)</a>', between(html, 'id="by-department"', "</thead>"))
    assert headings == ["Department"] + [label for key, label, _ in columns("department") if key in KEY_FIGURES]
    more = re.search(r'href="([^"]*columns=all[^"]*)">Show every figure', html)
    assert more, "no link to every figure"
    every = page(cco, more.group(1).replace("&amp;", "&"))
    assert len(table_rows(departments_table(every))[0].split("<td")) - 1 == len(columns("department")) == 17  # with "Contributed to"


def test_sorting_by_a_figure_off_the_default_shows_that_figure(cco):
    html = page(cco, "/accountability/?sort=handovers_in")
    assert ">Handed in" in owners_table(html) and "Date moves" not in owners_table(html)
    assert "columns=all" not in between(html, 'id="by-owner"', "</thead>")
