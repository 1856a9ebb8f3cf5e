"""Small validators shared by the aggregates. Each raises `Invalid` naming the field."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from tracker.errors import Invalid

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# NUL and lone surrogates: never part of a text a person typed, and a surrogate cannot even be
# stored as UTF-8. (Other control characters are kept as typed; every text output strips them.)
UNTYPABLE = re.compile("[\x00\ud800-\udfff]")

# The bounds of every business date and number the domain accepts (docs/architecture.md,
# "Bounds"). A plan's dates lie within two centuries around today: far enough for any KPI
# baseline or target, near enough that day arithmetic (padding a chart, the day after an
# `until`) never leaves the calendar. Numbers are finite and at most 10^15 in size: a large
# company's yearly revenue in cents still fits, every integer in range is exact in a float,
# and a difference of two of them stays finite.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
LARGEST_NUMBER = 1e15
DATE_RANGE = f"{EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"


def text(field: str, value: object, *, minimum: int = 1, maximum: int = 2000) -> str:
    if not isinstance(value, str):
        raise Invalid.field(field, "is required")
    value = value.strip()
    if len(value) < minimum:
        raise Invalid.field(
            field, "is required" if minimum <= 1 else f"must be at least {minimum} characters"
        )
    if len(value) > maximum:
        raise Invalid.field(field, f"must be at most {maximum} characters")
    if UNTYPABLE.search(value):
        raise Invalid.field(field, "must not contain NUL or unpaired surrogate characters")
    return value


def optional_text(field: str, value: object, *, maximum: int = 2000) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return text(field, value, maximum=maximum)


def slug(field: str, value: object) -> str:
    value = text(field, value, maximum=60)
    if not SLUG.match(value):
        raise Invalid.field(field, "use lower-case letters, digits and single hyphens")
    return value


def iso_date(field: str, value: object) -> date:
    """Accept a `date` or an ISO 8601 date string (YYYY-MM-DD)."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return within_window(field, value)
    if isinstance(value, str) and value.strip():
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise Invalid.field(field, "must be a date as YYYY-MM-DD") from None
        return within_window(field, day)
    raise Invalid.field(field, "is required (YYYY-MM-DD)")


def within_window(field: str, day: date) -> date:
    """A business date within the supported window (`EARLIEST_DATE` .. `LATEST_DATE`)."""
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise Invalid.field(field, f"must be a date from {DATE_RANGE}")
    return day


def whole_number(field: str, value: object, *, minimum: int, maximum: int) -> int:
    """A whole number given or typed (ASCII digits), within [minimum, maximum]. Text longer than
    the maximum's digits is refused before conversion (Python will not convert 4,301 digits)."""
    message = f"must be a whole number from {minimum} to {maximum}"
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdecimal()) or len(text) > len(str(maximum)):
            raise Invalid.field(field, message)
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise Invalid.field(field, message)
    return value


def number(field: str, value: object) -> float:
    """A finite number within +-`LARGEST_NUMBER`; numeric strings are accepted (forms send strings)."""
    if isinstance(value, bool):
        raise Invalid.field(field, "must be a number")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise Invalid.field(field, "must be a number") from None
    if isinstance(value, int):
        if abs(value) > LARGEST_NUMBER:  # compared exactly: no overflow converting to float
            raise Invalid.field(field, "must be a number from -10^15 to 10^15")
        value = float(value)
    if not isinstance(value, float) or not math.isfinite(value):
        raise Invalid.field(field, "must be a number")
    if abs(value) > LARGEST_NUMBER:
        raise Invalid.field(field, "must be a number from -10^15 to 10^15")
    return value


def email(field: str, value: object) -> str:
    value = text(field, value, maximum=254).lower()
    if not EMAIL.match(value):
        raise Invalid.field(field, "must be an e-mail address")
    return value


def collect(**checks: Callable[[], Any]) -> dict[str, Any]:
    """Run every field check; raise one `Invalid` naming every bad field, else return the values."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except Invalid as e:
            errors.update(e.errors)
    if errors:
        raise Invalid(errors)
    return values
