"""Text that members typed, made safe for where it goes: a spreadsheet, a terminal, a JSON line.

One place decides, and every writer uses it:
- `csv_cell` / `csv_writer`: a cell that a spreadsheet would run as a formula (it starts with
  `=`, `+`, `-`, `@`, a tab or a carriage return; OWASP's CSV-injection guidance) is written with a
  leading `'`, so it is shown as text. Numbers stay numbers.
- `terminal_text`: control characters (escape sequences that clear a terminal or set its title,
  bell, backspace, carriage return, C1 controls) and bidirectional overrides are shown as visible
  escapes (`\\x1b`, `\\u202e`); line breaks and tabs stay.
- `json_text`: JSON text with every such character written as a `\\uXXXX` escape: the same
  value when parsed, nothing raw on a terminal.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# C0 controls but tab and newline, DEL, C1 controls, the line/paragraph separators and the
# bidirectional marks, embeddings, overrides and isolates (Trojan Source).
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_FOR_TERMINAL = re.compile(f"[{_UNSAFE}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """`text` with every character that could drive a terminal shown as a visible escape."""
    return _UNSAFE_FOR_TERMINAL.sub(_visible, text)


def json_text(text: str) -> str:
    """JSON text (as `json.dumps` writes it) with the characters a terminal would act on escaped:
    inside JSON strings only, since JSON syntax has none of them, so it parses to the same value."""
    return _UNSAFE_FOR_TERMINAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell that no spreadsheet runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeDictWriter(csv.DictWriter):
    """`csv.DictWriter` whose every cell passes through `csv_cell`. A row with a carriage return
    in a cell is written with every cell quoted (Python 3.11's writer quotes only line ends it
    writes itself), so it stays one record."""

    def __init__(self, stream: IO[str], columns: Sequence[str]) -> None:
        super().__init__(stream, columns, lineterminator="\n")
        self._quoted = csv.DictWriter(stream, columns, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        row = {k: csv_cell(v) for k, v in rowdict.items()}
        if any(isinstance(v, str) and "\r" in v for v in row.values()):
            return self._quoted.writerow(row)
        return super().writerow(row)

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


def csv_writer(stream: IO[str], columns: Sequence[str]) -> SafeDictWriter:
    """The one CSV writer of the product: safe cells, a header row, '\\n' line ends."""
    writer = SafeDictWriter(stream, columns)
    writer.writeheader()
    return writer
