"""axe-core over every page each role sees, its htmx-updated states and its forms with errors, at
1280 px and 375 px: any violation fails the test with a readable list."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Axe
from tests.browser.conftest import OpenPage
from tests.browser.steps import card, make_commitment, open_action, unique_title

pytestmark = pytest.mark.browser

OPEN_EVERY_FOLD = "document.querySelectorAll('details:not([open])').forEach(d => d.open = true)"


@pytest.fixture
def axe() -> Iterator[Axe]:
    audit = Axe()
    yield audit
    audit.assert_clean()


def visit(page: Page, axe: Axe, pages: list[tuple[str, str]]) -> None:
    for name, path in pages:
        page.goto(path)
        expect(page.locator("main h1").first).to_be_visible()
        axe.check(page, name)


def test_the_signed_out_pages_pass_axe(open_page: OpenPage, axe: Axe) -> None:
    page = open_page()
    page.goto("/login")
    axe.check(page, "login")
    page.get_by_label("E-mail address").fill("nobody@example.com")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe.check(page, "login with an error")


def test_a_department_leads_pages_and_their_updates_pass_axe(open_page: OpenPage, axe: Axe) -> None:
    page = open_page("support_lead")
    visit(page, axe, [("lead board", "/board/"), ("lead roadblocks", "/roadblocks/"),
                      ("lead celebrations", "/celebrations/"), ("lead KPIs", "/kpis/"), ("lead plan", "/plan/"),
                      ("lead dashboard", "/dashboard/"), ("lead accountability", "/accountability/"),
                      ("lead report", "/report/"), ("sales board, contributed to", "/board/?department=sales")])
    page.goto("/board/?department=sales")
    page.get_by_role("link", name="Add a roadmap check to every quote above $20k", exact=True).click()
    page.evaluate(OPEN_EVERY_FOLD)
    axe.check(page, "commitment with milestones, as a contributing lead's page")
    page.goto("/board/")
    page.evaluate(OPEN_EVERY_FOLD)
    axe.check(page, "lead board with every fold open")

    page.goto("/commitments/new")
    axe.check(page, "new commitment")
    page.get_by_label("Title").fill("Hi")
    page.get_by_label("Description").fill("Too short a title.")
    page.get_by_label("Due date").fill("2030-01-01")
    page.get_by_role("button", name="Make commitment").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was recorded")
    axe.check(page, "new commitment with errors")

    title = unique_title("Checked by axe")
    make_commitment(page, title)
    axe.check(page, "board after a new commitment")
    form = open_action(card(page, title), "Report progress")
    form.get_by_label("Percent complete").fill("40")
    form.get_by_role("button", name="Report progress").click()
    expect(card(page, title).get_by_role("status")).to_contain_text("Progress")
    axe.check(page, "board after progress reported")
    form = open_action(card(page, title), "Report progress")
    form.get_by_label("Percent complete").evaluate("e => { e.removeAttribute('max'); e.value = '150'; }")
    form.get_by_role("button", name="Report progress").click()
    expect(card(page, title).get_by_role("alert")).to_be_visible()
    axe.check(page, "board after a refused progress report")

    card(page, title).get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe.check(page, "commitment page")


def test_the_ccos_pages_and_their_updates_pass_axe(open_page: OpenPage, axe: Axe) -> None:
    page = open_page("cco")
    visit(page, axe, [
        ("dashboard", "/dashboard/"), ("board", "/board/"), ("roadblocks", "/roadblocks/"),
        ("timeline", "/timeline/"), ("timeline chart", "/timeline/chart"),
        ("accountability", "/accountability/"), ("KPIs", "/kpis/"), ("report", "/report/"),
        ("celebrations", "/celebrations/"), ("plan", "/plan/"), ("members", "/members/"),
        ("import", "/import/"), ("API tokens", "/account/tokens/"),
    ])
    page.goto("/board/")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Health", exact=True).select_option("overdue")
    axe.check(page, "board filtered by htmx")

    page.goto("/timeline/")
    with page.expect_response(lambda r: "before=" in r.url):
        page.get_by_role("link", name="Load older events").click()
    expect(page.locator("#timeline-list > li.event").nth(10)).to_be_visible()
    axe.check(page, "timeline after Load older")

    page.goto("/members/")
    add = page.locator("form").filter(has=page.get_by_role("button", name="Add member"))
    add.get_by_role("button", name="Add member").click(no_wait_after=True)
    page.evaluate("document.querySelectorAll('form [required]').forEach(e => e.removeAttribute('required'))")
    add.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe.check(page, "members with form errors")
    page.evaluate(OPEN_EVERY_FOLD)
    axe.check(page, "members with every fold open", widths=(1280,))


def test_the_executive_and_auditor_pages_pass_axe(open_page: OpenPage, axe: Axe) -> None:
    visit(open_page("ceo"), axe, [("CEO dashboard", "/dashboard/"), ("CEO report", "/report/")])
    page = open_page("auditor")
    visit(page, axe, [
        ("audit history", "/audit/history"),
        ("as-of dashboard", "/audit/as-of?day=2026-10-01"),
        ("as-of board", "/audit/as-of/board?day=2026-10-01"),
        ("as-of accountability", "/audit/as-of/accountability?day=2026-10-01"),
        ("diff", "/audit/diff?fromday=2026-09-01&today=2026-10-01"),
    ])
    page.goto("/audit/history")
    page.locator("a[href^='/audit/commitments/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe.check(page, "audit story")
