"""`cx-tracker import FILE --as EMAIL [--dry-run]`."""

from __future__ import annotations

from pathlib import Path

from tests.cli.support import cx, open_data
from tests.importing.support import csv_bytes, ten_rows

CCO = ("--as", "cco@example.com")


def plan_rows() -> list[dict[str, str]]:
    """The ten rows, without the KPI this installation does not have."""
    return [{**row, "kpi": ""} for row in ten_rows()]


def head(data: Path) -> int:
    app = open_data(data)
    try:
        return app.head()
    finally:
        app.close()


def test_import_then_reimport_records_once(installation: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_bytes(csv_bytes(plan_rows()))
    dry = cx("import", plan, "--dry-run", "--data", installation, *CCO)
    assert dry.exit_code == 0, dry.output
    assert "create commitment" in dry.output and "Dry run: nothing was recorded." in dry.output
    before = head(installation)
    assert head(installation) == before
    done = cx("import", plan, "--data", installation, *CCO)
    assert done.exit_code == 0, done.output
    assert "checked 10 of 10 commitment rows" in done.output
    assert done.output.count("/password/set/") == 4  # the new owners' one-time links
    after = head(installation)
    assert after > before
    again = cx("import", plan, "--data", installation, *CCO)
    assert again.exit_code == 0 and "Nothing to change" in again.output
    assert head(installation) == after
    board = cx("history", "--kind", "Made", "--data", installation)
    assert board.output.count("Commitment made") == 10


def test_a_file_with_bad_rows_exits_2_naming_each_and_records_nothing(
    installation: Path, tmp_path: Path
) -> None:
    rows = plan_rows()
    rows[0]["due_date"], rows[4]["progress"] = "soon", "150"
    plan = tmp_path / "plan.csv"
    plan.write_bytes(csv_bytes(rows))
    before = head(installation)
    result = cx("import", plan, "--data", installation, *CCO)
    assert result.exit_code == 2
    assert "commitments row 2, due_date:" in result.output
    assert "commitments row 6, progress:" in result.output
    assert "2 error(s) in plan.csv: nothing was imported." in result.output
    assert head(installation) == before


def test_an_unreadable_file_is_bad_input(installation: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    plan.write_bytes(b"not a workbook")
    result = cx("import", plan, "--data", installation, *CCO)
    assert result.exit_code == 2 and "file:" in result.output
