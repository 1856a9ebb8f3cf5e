"""Reading a spreadsheet (.xlsx with openpyxl, or .csv) into named sheets of text rows, and
writing the template. Cells become text the way a person reads them: a date cell is YYYY-MM-DD,
a whole number has no ".0"."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from zipfile import BadZipFile

from tracker.errors import Invalid

COMMITMENTS, DEPARTMENTS, JOURNEYS, KPIS, MEASUREMENTS = (
    "commitments", "departments", "journeys", "kpis", "measurements")
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # sheet: (required, optional)
    COMMITMENTS: (("department", "title", "owner_email", "owner_name", "due_date", "journey",
                   "kpi", "description"), ("external_id", "progress", "status")),
    DEPARTMENTS: (("slug", "name"), ()),
    JOURNEYS: (("key", "name", "lead_department"), ()),
    KPIS: (("key", "name", "unit", "baseline", "target", "target_date"), ("direction",)),
    MEASUREMENTS: (("kpi", "measured_on", "value"), ("note",)),
}
MAX_ROWS = 100_000


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet program shows it (the header is row 1)
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Workbook:
    sheets: dict[str, list[Row]] = field(default_factory=dict)

    def rows(self, sheet: str) -> list[Row]:
        return self.sheets.get(sheet, [])

    @property
    def size(self) -> int:
        return sum(len(rows) for rows in self.sheets.values())


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read(name: str, stream: IO[bytes]) -> Workbook:
    """The workbook in `stream`; `name` (the file's name) says whether it is .xlsx or .csv."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return _read_csv(stream)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(stream)
    raise Invalid.field("file", "must be a .xlsx or .csv file")


def _table(sheet: str, lines: Any) -> list[Row]:
    """Rows of one sheet: the header names the columns (case and spaces ignored); blank rows
    are skipped; every required column must be there."""
    header: list[str] | None = None
    rows: list[Row] = []
    for number, cells in enumerate(lines, start=1):
        texts = [cell_text(c) for c in cells]
        if header is None:
            if not any(texts):
                continue
            header = [t.strip().lower().replace(" ", "_") for t in texts]
            header_row = number
            required, optional = COLUMNS[sheet]
            missing = [c for c in required if c not in header]
            if missing:
                raise Invalid.field(f"{sheet} row {header_row}",
                                    f"missing column(s): {', '.join(missing)}")
            continue
        if not any(texts):
            continue
        if len(rows) >= MAX_ROWS:
            raise Invalid.field("file", f"has more than {MAX_ROWS:,} rows in {sheet}")
        rows.append(Row(number, {h: t for h, t in zip(header, texts) if h}))
    return rows


def _read_csv(stream: IO[bytes]) -> Workbook:
    try:
        text = stream.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid.field("file", "is not UTF-8 text (save the CSV as UTF-8)") from None
    dialect: type[csv.Dialect] = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        pass  # one column, or nothing to tell by: the ordinary comma
    return Workbook({COMMITMENTS: _table(COMMITMENTS, csv.reader(io.StringIO(text), dialect))})


def _read_xlsx(stream: IO[bytes]) -> Workbook:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError) as e:
        raise Invalid.field("file", f"is not a readable .xlsx workbook ({type(e).__name__})") from None
    try:
        names = {ws.title.strip().lower(): ws for ws in book.worksheets}
        found = Workbook()
        for sheet in COLUMNS:
            ws = names.get(sheet)
            if ws is None and sheet == COMMITMENTS:
                ws = book.worksheets[0]
            if ws is not None:
                found.sheets[sheet] = _table(sheet, ws.iter_rows(values_only=True))
        return found
    finally:
        book.close()


def example(today: date) -> dict[str, list[str]]:
    """The template's example rows, dated around `today` so that they import as they are."""
    return {
        COMMITMENTS: ["customer-service", "Answer every chat within 2 minutes",
                      "lead.support@example.com", "Sam Support",
                      (today + timedelta(days=180)).isoformat(), "support", "nps",
                      "Staff the chat queue from 8 to 20 on weekdays", "CS-001", "10", "open"],
        DEPARTMENTS: ["customer-service", "Customer Service"],
        JOURNEYS: ["support", "Support", "customer-service"],
        KPIS: ["nps", "Net Promoter Score", "points", "12", "30",
               (today + timedelta(days=365)).isoformat(), "up"],
        MEASUREMENTS: ["nps", (today - timedelta(days=7)).isoformat(), "14", "quarterly survey"],
    }


def template_xlsx(today: date) -> bytes:
    """The import template: one sheet per table, each with its header and an example row."""
    from openpyxl import Workbook as Book
    from openpyxl.styles import Font

    book = Book()
    book.remove(book.active)
    for sheet, (required, optional) in COLUMNS.items():
        ws = book.create_sheet(sheet.capitalize() if sheet != KPIS else "KPIs")
        ws.append([*required, *optional])
        ws.append(example(today)[sheet])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for column in ws.columns:
            ws.column_dimensions[column[0].column_letter].width = max(12, len(str(column[1].value or "")) + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv(today: date) -> str:
    required, optional = COLUMNS[COMMITMENTS]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*required, *optional])
    writer.writerow(example(today)[COMMITMENTS])
    return out.getvalue()
