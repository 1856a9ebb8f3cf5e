"""Whole numbers typed into forms, files and API bodies: any text is refused with the field's
message, however long or exotic, and never reaches int() unchecked."""

from __future__ import annotations

import pytest

from tracker.domain import rules
from tracker.errors import Invalid


@pytest.mark.parametrize("value", ["9" * 5000, "²", "٣", "-1", "1.5", "", " ", "0x10", "101", 101,
                                   -1, True, 2.0, None])
def test_a_value_that_is_not_a_whole_number_in_range_is_refused_with_the_fields_message(
    value: object,
) -> None:
    with pytest.raises(Invalid) as refused:
        rules.whole_number("percent", value, minimum=0, maximum=100)
    assert refused.value.errors == {"percent": "must be a whole number from 0 to 100"}


@pytest.mark.parametrize(("value", "expected"), [("0", 0), (" 42 ", 42), ("100", 100), (7, 7)])
def test_a_whole_number_in_range_is_accepted(value: object, expected: int) -> None:
    assert rules.whole_number("percent", value, minimum=0, maximum=100) == expected
