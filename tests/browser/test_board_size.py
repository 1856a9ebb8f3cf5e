"""The board stays small on a large organisation (issue 18): the CCO's board and the busiest
department's, as Chromium builds them, hold fewer than 1,500 elements. The organisation is the
benchmark generator's (50 departments, people joining and leaving, years of commitments) at
3,000 events, where the CCO's board used to show every department's cards with all their forms
(~40,000 elements, 198 cards) and the busiest department's board ~2,450 (10 cards)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import waitress
from playwright.sync_api import Browser
from waitress import wasyncore

from bench.generate import PASSWORD, generate
from tests.browser.conftest import Problems, sign_in, watched_page
from tracker.config import DataDir
from web import create_app

pytestmark = pytest.mark.browser

MAX_ELEMENTS = 1500
COUNT = "document.querySelectorAll('*').length"


@pytest.fixture(scope="module")
def large_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    data = DataDir(Path(tmp_path_factory.mktemp("large-org")))
    meta = generate(data, 3000, seed=1)
    app = create_app({"DATA_DIR": str(data.path), "SECRET_KEY": "browser-tests",
                      "LOGIN_RATE_LIMIT": "1000 per minute"})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4, ident="cx-large-org")
    thread = threading.Thread(target=server.run, name="waitress-large-org", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}", meta
    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    thread.join(timeout=10)
    server.task_dispatcher.shutdown()
    app.extensions["cx"].close()


def test_the_cco_board_and_the_busiest_department_stay_under_1500_elements(
    browser: Browser, large_org: tuple[str, dict]
) -> None:
    url, meta = large_org
    problems = Problems()
    page = watched_page(browser, url, problems)
    sign_in(page, "cco@example.com", PASSWORD)
    page.goto("/board/")
    first = page.evaluate(COUNT)
    busiest = max(meta["open_commitments"], key=lambda d: len(meta["open_commitments"][d]))
    page.goto(f"/board/?department={busiest}")
    cards = page.locator("article.commitment").count()
    most = page.evaluate(COUNT)
    page.context.close()
    assert not problems.found, problems.found
    assert cards >= 8  # a real board, not an empty one
    assert first < MAX_ELEMENTS, f"the CCO's board has {first} elements"
    assert most < MAX_ELEMENTS, f"{busiest}'s board has {most} elements ({cards} cards)"
