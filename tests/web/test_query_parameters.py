"""Issue 10, item 2: every query parameter either works or answers 400 with a message naming it:
dates at the edges of the calendar, integers beyond SQLite's 64-bit range, malformed values."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.authz_support import World, build_world, close_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = build_world(tmp_path_factory.mktemp("params") / "data")
    yield built
    close_world(built)


def get(world: World, path: str, role: str = "cco") -> tuple[int, str]:
    response = world.clients[role].get(path)
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("path, message", [
    ("/timeline/?before=9223372036854775808", "before: must be a whole number from 1 to"),
    ("/timeline/?before=99999999999999999999999999", "before: must be a whole number"),
    ("/timeline/?before=abc", "before: must be a whole number"),
    ("/timeline/?before=-3", "before: must be a whole number"),
    ("/timeline/?before=%C2%B2", "before: must be a whole number"),  # a superscript two
    ("/audit/history?before=18446744073709551616", "before: must be a whole number"),
    ("/celebrations/?page=9223372036854775808", "page: must be a whole number from 1 to 1000000"),
    ("/celebrations/?page=0", "page: must be a whole number"),
    ("/celebrations/?page=two", "page: must be a whole number"),
    ("/audit/history?until=9999-12-31", "is outside the instants this product keeps"),
    ("/audit/history?since=0001-01-01", "is outside the instants this product keeps"),
    ("/audit/history?since=0001-01-01T00:00%2B01:00", "is outside the instants"),
    ("/audit/history?since=soon", "from the start of that day"),
    ("/audit/history?until=later", "to the end of that day"),
    ("/audit/as-of?day=0001-01-01", "is outside the instants this product keeps"),
    ("/audit/as-of?day=9999-12-31&time=23:59", "is outside the instants"),
    ("/audit/as-of/board?day=9999-12-31", "is outside the instants"),
    ("/audit/as-of/accountability?day=0001-01-01", "is outside the instants"),
    ("/audit/diff?fromday=0001-01-01&today=9999-12-31", "is outside the instants"),
    ("/audit/as-of?day=2026-02-30", "is not a date and time"),
])
def test_a_bad_parameter_answers_400_with_a_message_naming_it(world: World, path: str,
                                                              message: str) -> None:
    status, html = get(world, path)
    assert status == 400, html[:500]
    assert message in html


@pytest.mark.parametrize("path", [
    "/timeline/?before=9223372036854775807", "/timeline/?before=1",
    "/audit/history?before=9223372036854775807&since=1900-01-01&until=2199-12-31",
    "/celebrations/?page=1000000", "/audit/as-of?day=1900-01-01", "/audit/as-of?day=2199-12-31",
    "/audit/as-of/board?day=2199-12-31&closed=all", "/audit/diff?fromday=1900-01-01&today=2199-12-31",
    "/timeline/?since=1900-01-01&until=2199-12-31",
])
def test_the_edges_of_every_range_work(world: World, path: str) -> None:
    status, html = get(world, path)
    assert status == 200, html[:500]


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_a_timeline_date_filter_out_of_range_is_reported_beside_the_form_and_left_out(
    world: World, value: str
) -> None:
    status, html = get(world, f"/timeline/?until={value}")
    assert status == 200 and "must be a date" in html


def test_an_as_of_page_for_a_future_instant_says_it_is_a_projection(world: World) -> None:
    status, html = get(world, "/audit/as-of?day=2199-12-31")
    assert status == 200
    assert "a projection, not a record" in html and "snapshot of the past" not in html
    status, html = get(world, "/audit/as-of?day=2026-03-01")
    assert "snapshot of the past" in html and "a projection" not in html


def test_member_not_found_names_the_email_on_the_web(world: World) -> None:
    response = world.clients["cco"].post(
        "/members/missing.person@example.com/grants",
        data={"role": "executive", "csrf_token": world.tokens["cco"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and "missing.person@example.com" in html
