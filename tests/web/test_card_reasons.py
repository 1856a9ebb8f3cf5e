"""A card says why it needs attention and how far its due date is, in words, on the server's today
(the tests' 2026-03-02)."""

from __future__ import annotations

import re

from tests.web.cco_helpers import build_scenario, page


def card_of(html: str, title: str) -> str:
    start = html.index(f">{title}</a></h3>")
    return html[start: html.index("</article>", start)]


def why(card: str) -> str:
    found = re.search(r'<p class="why[^"]*">([^<]*)</p>', card)
    return found.group(1) if found else ""


def test_cards_say_why_they_need_attention(client_for, web_org) -> None:  # type: ignore[no-untyped-def]
    build_scenario(web_org)
    board = page(client_for("cco"), "/board/?department=")  # every department
    overdue = card_of(board, "Call every churned customer")  # due 2026-02-01, no news since 2026-01-05
    assert why(overdue) == "Overdue by 29 days · No check-in for 56 days"
    assert "(4 weeks ago)" in overdue
    blocked = card_of(board, "Replace the phone system")  # roadblock R1 asks Sales since 2026-02-20
    assert why(blocked) == "Blocked by R1, waiting on Sales"
    assert "(in 3 months)" in blocked
    on_track = card_of(board, "Answer every ticket within 4 hours")  # due 2026-04-30, moved on 2026-03-01
    assert why(on_track) == "" and "(in 8 weeks)" in on_track


def test_a_closed_card_gives_no_reason_and_no_relative_due_date(client_for, web_org) -> None:  # type: ignore[no-untyped-def]
    build_scenario(web_org)
    board = page(client_for("cco"), "/board/?department=")  # every department
    kept = card_of(board, "Publish help articles")
    assert why(kept) == "" and "ago)" not in kept and "(in " not in kept


def test_the_timeline_and_the_at_risk_table_say_how_long_ago_or_how_soon(client_for, web_org) -> None:  # type: ignore[no-untyped-def]
    build_scenario(web_org)
    client = client_for("cco")
    timeline = page(client, "/timeline/")
    assert '2026-03-01 09:00</time> <span class="relative">(yesterday)</span>' in timeline
    dashboard = page(client, "/dashboard/")
    assert '2026-02-01 <span class="muted small">(4 weeks ago)</span>' in dashboard
