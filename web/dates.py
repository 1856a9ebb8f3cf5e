"""Dates as people read them: relative wording beside ISO dates ("in 5 days", "3 days ago"),
computed on the server from its clock, and `<time datetime>` values the HTML standard accepts."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from tracker import clock


def html_datetime(value: str | datetime | None) -> str:
    """An instant for a `datetime` attribute: at most three digits of a second's fraction."""
    if not value:
        return ""
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return instant.isoformat(timespec="milliseconds" if instant.microsecond else "seconds")


def days_from_today(value: str | date | datetime, today: date | None = None) -> int:
    """Days from today to that day: negative when it has passed."""
    day = value.date() if isinstance(value, datetime) else (
        value if isinstance(value, date) else date.fromisoformat(str(value)[:10]))
    return (day - (today or clock.today())).days


def relative_day(value: str | date | datetime | None, today: date | None = None) -> str:
    """How far a day is from today, in words: "today", "tomorrow", "in 5 days", "3 weeks ago"."""
    if not value:
        return ""
    days = days_from_today(value, today)
    if days == 0:
        return "today"
    if abs(days) == 1:
        return "tomorrow" if days > 0 else "yesterday"
    n, unit = _amount(abs(days))
    span = f"{n} {unit}{'' if n == 1 else 's'}"
    return f"in {span}" if days > 0 else f"{span} ago"


def _amount(days: int) -> tuple[int, str]:
    if days < 14:
        return days, "day"
    if days < 60:
        return round(days / 7), "week"
    if days < 730:
        return round(days / 30.44), "month"
    return round(days / 365.25), "year"


def init_app(app: Flask) -> None:
    app.add_template_filter(html_datetime, "html_datetime")
    app.add_template_filter(relative_day, "relative_day")
    app.add_template_filter(days_from_today, "days_from_today")
