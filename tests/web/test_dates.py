"""Dates as people read them: relative wording and valid <time datetime> values."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from web.dates import html_datetime, relative_day

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize("day, words", [
    ("2026-03-10", "today"), ("2026-03-11", "tomorrow"), ("2026-03-09", "yesterday"),
    ("2026-03-15", "in 5 days"), ("2026-03-07", "3 days ago"), ("2026-03-23", "in 13 days"),
    ("2026-03-24", "in 2 weeks"), ("2026-02-01", "5 weeks ago"), ("2026-06-10", "in 3 months"),
    ("2024-03-10", "2 years ago"), (date(2026, 3, 12), "in 2 days"),
    (datetime(2026, 3, 8, 23, 59, tzinfo=timezone.utc), "2 days ago"), ("2026-03-17T09:00:00+00:00", "in 7 days"),
])
def test_a_day_is_said_relative_to_today(day, words) -> None:  # type: ignore[no-untyped-def]
    assert relative_day(day, TODAY) == words


def test_nothing_is_said_of_no_day() -> None:
    assert relative_day(None, TODAY) == "" and relative_day("", TODAY) == ""


@pytest.mark.parametrize("instant, value", [
    ("2026-12-04T16:54:00.123456+00:00", "2026-12-04T16:54:00.123+00:00"),
    ("2026-12-04T16:54:00.000000+00:00", "2026-12-04T16:54:00+00:00"),
    ("2026-12-04T16:54:07+00:00", "2026-12-04T16:54:07+00:00"),
    (datetime(2026, 1, 2, 3, 4, 5, 6000, tzinfo=timezone.utc), "2026-01-02T03:04:05.006+00:00"),
    (None, ""),
])
def test_an_instant_in_a_datetime_attribute_has_at_most_three_digits_of_fraction(instant, value) -> None:  # type: ignore[no-untyped-def]
    assert html_datetime(instant) == value


def test_every_template_puts_instants_in_datetime_attributes_through_html_datetime() -> None:
    """A `<time datetime>` fed an instant as stored (six digits of fraction) is invalid HTML:
    every template's datetime attribute goes through `html_datetime`, or holds a date."""
    import re
    from pathlib import Path

    import web

    templates = Path(web.__file__).parent / "templates"
    raw = re.compile(r'datetime="\{\{\s*([^}]*?)\s*\}\}"')
    unfiltered = [
        f"{path.relative_to(templates)}: {expression}"
        for path in sorted(templates.rglob("*.html"))
        for expression in raw.findall(path.read_text(encoding="utf-8"))
        if "html_datetime" not in expression and not expression.endswith("date")
    ]
    assert unfiltered == []
