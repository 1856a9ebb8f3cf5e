"""Query parameters, read one way on every page: a value either works or the request is refused
with 400 and a message naming the parameter (`Invalid`, which `web.errors` answers so). Dates
keep to the domain's window (`tracker.domain.rules`), whole numbers to SQLite's 64-bit range.
"""

from __future__ import annotations

from datetime import date

from flask import request

from tracker.domain import rules
from tracker.errors import Invalid

SQL_INTEGER_MAX = 2**63 - 1  # the largest INTEGER SQLite stores
PAGE_MAX = 1_000_000  # a page number beyond this is no page anyone reached by clicking "more"


def whole_number(name: str, *, minimum: int = 1, maximum: int = SQL_INTEGER_MAX) -> int | None:
    """The parameter as a whole number within [minimum, maximum]; None when absent or empty."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    digits = raw[1:] if raw[:1] == "-" else raw
    if not (digits.isascii() and digits.isdecimal() and len(digits) <= 19
            and minimum <= int(raw) <= maximum):
        raise Invalid.field(name, f"must be a whole number from {minimum} to {maximum}")
    return int(raw)


def day(name: str) -> date | None:
    """The parameter as a date (YYYY-MM-DD) within the domain's window; None when absent."""
    raw = request.args.get(name, "").strip()
    return rules.iso_date(name, raw) if raw else None


def day_error(name: str, raw: str) -> str | None:
    """What is wrong with `raw` as a date of the window, or None (for pages that report a bad
    filter beside the form and leave it out)."""
    try:
        rules.iso_date(name, raw)
    except Invalid as e:
        return e.errors[name]
    return None
