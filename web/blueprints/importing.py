"""Importing a plan from a spreadsheet on the web (the CCO): upload, see what would be created
or changed (or every error, by row and column), then confirm. The uploaded file waits in the
data directory between preview and confirmation, under a random name the form carries."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse
from flask_login import current_user, login_required

from projections.queries.matching import commitment_finder
from tracker import clock
from tracker.errors import Invalid, NotAllowed
from tracker.importing import COLUMNS, ImportRejected, ImportReport, read, template_csv, template_xlsx
from web.services import catch_up, tracker, views

bp = Blueprint("importing", __name__, url_prefix="/import")
UPLOAD = re.compile(r"^[A-Za-z0-9_-]{20,60}\.(xlsx|csv)$")


def _require_cco() -> None:
    if not current_user.is_cco:
        raise NotAllowed("only the Chief Customer Officer imports a plan")


def _uploads() -> Path:
    path = Path(current_app.config["DATA_DIR"]) / "imports"
    path.mkdir(exist_ok=True)
    return path


def _page(status: int = 200, **context: object) -> tuple[str, int]:
    return render_template("importing/index.html", columns=COLUMNS, **context), status


def _run(upload: Path, name: str, *, dry_run: bool) -> ImportReport:
    catch_up()
    with upload.open("rb") as stream:
        workbook = read(name, stream)
    report = tracker().import_plan(current_user.id, workbook, source=name, dry_run=dry_run,
                                   find=commitment_finder(views()))
    if not dry_run:
        catch_up(report.position)
    return report


@bp.route("/")
@login_required
def index() -> tuple[str, int]:
    _require_cco()
    return _page()


@bp.route("/preview", methods=["POST"])
@login_required
def preview() -> tuple[str, int]:
    """Check the uploaded file and show what the import would do; record nothing."""
    _require_cco()
    file = request.files.get("file")
    if file is None or not file.filename:
        return _page(400, problem="Choose a .xlsx or .csv file to import.")
    suffix = Path(file.filename).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        return _page(400, problem="The file must be a .xlsx or .csv file.")
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 20 * 1024 * 1024
    content = file.stream.read(limit + 1)
    if len(content) > limit:
        return _page(413, problem=f"The file is larger than {limit // 1024:,} KB: import it with "
                                  "'cx-tracker import', which has no limit.")
    upload = f"{secrets.token_urlsafe(24)}{suffix}"
    (_uploads() / upload).write_bytes(content)
    name = Path(file.filename).name
    try:
        report = _run(_uploads() / upload, name, dry_run=True)
    except ImportRejected as e:
        (_uploads() / upload).unlink(missing_ok=True)
        return _page(422, report=e.report, name=name)
    except Invalid as e:
        (_uploads() / upload).unlink(missing_ok=True)
        return _page(400, problem="; ".join(f"{k}: {v}" for k, v in e.errors.items()))
    return _page(report=report, name=name, upload=upload)


@bp.route("/confirm", methods=["POST"])
@login_required
def confirm() -> BaseResponse | tuple[str, int]:
    """Import the previewed file for real: everything, or nothing when a row fails now."""
    _require_cco()
    upload, name = request.form.get("upload", ""), request.form.get("name", "upload")
    path = _uploads() / upload
    if not UPLOAD.match(upload) or not path.exists():
        return _page(400, problem="That upload is gone: choose the file again.")
    try:
        report = _run(path, Path(name).name, dry_run=False)
    except ImportRejected as e:
        return _page(422, report=e.report, name=name)
    finally:
        path.unlink(missing_ok=True)
    message = f"Imported {name}: {report.summary()} {report.events} events recorded."
    if report.invites:  # shown once, on this answer (never kept in the session)
        links = {email: url_for("passwords.set_with_link", token=token, _external=True)
                 for email, token in sorted(report.invites.items())}
        return _page(200, imported=message, invites=links)
    flash(message, "success")
    return redirect(url_for("board.index", department=""))


@bp.route("/template.xlsx")
@login_required
def template() -> Response:
    response = Response(template_xlsx(clock.today()), mimetype=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response.headers["Content-Disposition"] = 'attachment; filename="cx-plan-template.xlsx"'
    return response


@bp.route("/template.csv")
@login_required
def template_as_csv() -> Response:
    response = Response(template_csv(clock.today()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="cx-plan-template.csv"'
    return response
