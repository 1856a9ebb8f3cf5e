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
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise Invalid.field(field, "must be a date as YYYY-MM-DD")
    raise Invalid.field(field, "is required (YYYY-MM-DD)")


def number(field: str, value: object) -> float:
    """A finite number; numeric strings are accepted (forms send strings)."""
    if isinstance(value, bool):
        raise Invalid.field(field, "must be a number")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise Invalid.field(field, "must be a number") from None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Invalid.field(field, "must be a number")
    return float(value)


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
