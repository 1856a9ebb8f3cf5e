"""Writing CSV and JSON Lines downloads, a row at a time.

A spreadsheet program runs a cell that starts with = + - @ (or a tab or carriage return) as a
formula; every cell goes through `tracker.safe_text.csv_cell` (the one place that decides, as for
the command line's exports), so an export opened in a spreadsheet never runs what a member typed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import Response, stream_with_context

from tracker.safe_text import csv_cell as neutralised


def csv_lines(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    yield out.getvalue()
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow([neutralised(row.get(c)) for c in columns])
        yield out.getvalue()


def download(chunks: Iterable[str], filename: str, mimetype: str) -> Response:
    """A streamed attachment (the request's resources stay open until the last chunk)."""
    response = Response(stream_with_context(iter(chunks)), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_download(columns: Sequence[str], rows: Iterable[dict[str, Any]], filename: str) -> Response:
    return download(csv_lines(columns, rows), filename, "text/csv")
