"""Importing an existing plan from a spreadsheet (.xlsx or .csv), all or nothing."""

from tracker.importing.engine import ImportCommands, commitment_id
from tracker.importing.report import Change, ImportRejected, ImportReport, RowError
from tracker.importing.sheets import COLUMNS, Workbook, read, template_csv, template_xlsx

__all__ = [
    "COLUMNS", "Change", "ImportCommands", "ImportRejected", "ImportReport", "RowError",
    "Workbook", "commitment_id", "read", "template_csv", "template_xlsx",
]
