"""`cx-tracker patterns publish|revise|retire|cite|uncite|allow|revoke`: writing the CX pattern
library, acting `--as` a member through the application service, which decides who may (as on
`/patterns/`); refused, nothing is recorded. `projections.patterns_cli` adds them to its group."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any, TypeVar
from uuid import UUID

import click
from sqlite_utils import Database

from projections.audit_cli import caught_up_views
from tracker.application import CxTracker
from tracker.cli.common import (
    EXIT_BAD_INPUT, actor_id, actor_option, data_option, fail, open_existing, reports_errors,
)
from tracker.cli.output import echo, echo_json
from tracker.errors import Invalid
from tracker.service.base import Receipt
from tracker.service.patterns import MAX_TEXT

F = TypeVar("F", bound=Callable[..., Any])


def echo_entry(p: dict[str, Any]) -> None:
    """A pattern as one line, starting with its id and version (what the commands acting on it
    take: a live pattern's version is its current version's number)."""
    state = " [retired]" if p["status"] == "retired" else ""
    echo(f"{p['id']}  v{p['revision']}  cited by {p['citations']}  {p['title']}{state}"
         + (f"  ({', '.join(p['journeys'])})" if p["journeys"] else ""))


MAX_TEXT_BYTES = 4 * MAX_TEXT + 3  # more UTF-8 than the service's limit in characters can take
# The service's field names, as the options that carry them are named on the command line.
OPTIONS = {"title": "--title", "text": "--text-file", "journeys": "--journey",
           "departments": "--department", "links": "--link", "reason": "--reason",
           "pattern": "PATTERN_ID", "member": "EMAIL"}
CONTENT_OPTIONS = "--title, --text-file, --journey, --department, --link"
LINK_HELP = ("A link: 'label | https://...' or just the address (http, https or mailto);"
             " once per link.")

format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                             show_default=True)
version_option = click.option(
    "--expected-version", type=int, default=None, metavar="N",
    help="Refuse (recording nothing) unless the pattern is still at this version, as listed.")


def _content_options(required: bool) -> Callable[[F], F]:
    """--title, --text-file, --journey, --department, --link: all of them to publish; to revise,
    those given replace the pattern's (an empty --journey '' leaves none)."""
    keep = "" if required else " Replaces the pattern's; an empty one ('') leaves none."

    def decorate(command: F) -> F:
        for option in reversed((
            click.option("--title", required=required, help="The title."),
            click.option("--text-file", type=click.File("rb"), required=required,
                         metavar="FILE|-", help="The text, Markdown, from a UTF-8 file ('-': stdin)."),
            click.option("--journey", "journeys", multiple=True, metavar="KEY",
                         help="A journey it applies to; once per journey." + keep),
            click.option("--department", "departments", multiple=True, metavar="SLUG",
                         help="A department it applies to; once per department." + keep),
            click.option("--link", "links", multiple=True, metavar="'LABEL | URL'",
                         help=LINK_HELP + keep),
        )):
            command = option(command)
        return command
    return decorate


def read_text(source: IO[bytes]) -> str:
    """The text of --text-file: UTF-8 (a byte-order mark dropped), Windows line ends as \\n."""
    data = source.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        raise Invalid.field("--text-file", f"must be at most {MAX_TEXT} characters")
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise Invalid.field("--text-file", "is not UTF-8 text") from None


def parse_links(given: tuple[str, ...]) -> list[dict[str, str]]:
    """`--link 'label | url'` options as the service's links (it checks the addresses)."""
    links = []
    for text in given:
        if text.strip():
            label, bar, url = text.rpartition("|")
            links.append({"label": label.strip() if bar else "", "url": url.strip()})
    return links


def parse_id(text: str, name: str, listed_by: str) -> UUID:
    """A pattern's or commitment's id as printed (`listed_by` says where)."""
    try:
        return UUID(text.strip())
    except ValueError:
        what = name.split("_")[0].lower()
        fail(f"{name}: {text!r} is not a {what} id ({listed_by} shows them)", EXIT_BAD_INPUT)
        raise  # unreachable: fail exits


def pattern_id(text: str) -> UUID:
    return parse_id(text, "PATTERN_ID", "`cx-tracker patterns list`")


def _option_names(error: Invalid) -> Invalid:
    """The service's field names as the command line's options."""
    named = {}
    for field, message in error.errors.items():
        if field == "text" and message.startswith("nothing to revise"):
            named[CONTENT_OPTIONS] = message
        else:
            named[OPTIONS.get(field, field)] = message
    return Invalid(named)


def _act(actor_email: str, app: CxTracker, command: str, *args: Any, **kwargs: Any) -> Receipt:
    """Run one service command as the member, refusals in the command line's terms."""
    try:
        receipt: Receipt = getattr(app, command)(actor_id(app, actor_email), *args, **kwargs)
    except Invalid as e:
        raise _option_names(e) from None
    return receipt


def _recorded(db: Database, receipt: Receipt) -> str:
    from projections.audit.history import recorded_kind

    kind = recorded_kind(db, receipt.position)
    assert kind is not None, "the views are caught up with the event just recorded"
    return kind


def _report_pattern(data_dir: str | None, receipt: Receipt, done: str, fmt: str) -> None:
    """What was recorded and the pattern as it now stands, read from the caught-up views."""
    from projections.audit.report import dumps
    from projections.queries import patterns

    with caught_up_views(data_dir) as db:
        recorded = _recorded(db, receipt)
        p = patterns.entry(db, receipt.id)
    assert p is not None, "the views are caught up with the event just recorded"
    if fmt == "json":
        echo_json(dumps({"recorded": recorded, "position": receipt.position, "pattern": p}))
        return
    echo(f"{done} (event {receipt.position}, {recorded}); now: {p['status']} at version"
         f" {p['revision']}.")
    echo_entry(p)
    echo(f"    journeys: {', '.join(p['journeys']) or 'any'}; departments:"
         f" {', '.join(p['departments']) or 'any'}")
    for link in p["links"]:
        echo(f"    link: {link['label']} <{link['url']}>")


def _revised_content(app: CxTracker, pid: UUID, title: str | None, text: str | None,
                     journeys: tuple[str, ...], departments: tuple[str, ...],
                     links: tuple[str, ...]) -> tuple[dict[str, Any], int]:
    """The content to revise to: each option given, else the pattern's current value; and the
    version it was read at (so a change made meanwhile is refused, not undone)."""
    current = app.pattern(pid)
    return {
        "title": current["title"] if title is None else title,
        "text": current["text"] if text is None else text,
        "journeys": [k for k in journeys if k.strip()] if journeys else current["journeys"],
        "departments": ([k for k in departments if k.strip()] if departments
                        else current["departments"]),
        "links": parse_links(links) if links else current["links"],
    }, current["version"]


@click.command("publish")
@data_option
@actor_option
@_content_options(required=True)
@format_option
@reports_errors
def publish(data_dir: str | None, actor_email: str, title: str, text_file: IO[bytes],
            journeys: tuple[str, ...], departments: tuple[str, ...], links: tuple[str, ...],
            fmt: str) -> None:
    """Publish a pattern (the CCO, or a lead she allows): its version 1."""
    text = read_text(text_file)
    with open_existing(data_dir) as (_, app):
        receipt = _act(actor_email, app, "publish_pattern", title=title, text=text,
                       journeys=journeys, departments=departments, links=parse_links(links))
    _report_pattern(data_dir, receipt, "Pattern published", fmt)


@click.command("revise")
@data_option
@actor_option
@click.argument("pattern_id_text", metavar="PATTERN_ID")
@_content_options(required=False)
@click.option("--reason", required=True, help="Why it changes (recorded with the new version).")
@version_option
@format_option
@reports_errors
def revise(data_dir: str | None, actor_email: str, pattern_id_text: str, title: str | None,
           text_file: IO[bytes] | None, journeys: tuple[str, ...], departments: tuple[str, ...],
           links: tuple[str, ...], reason: str, expected_version: int | None, fmt: str) -> None:
    """Revise a live pattern (the CCO, or a lead she allows): a new version; what is not given
    stays as it is, and the earlier versions stay readable."""
    pid = pattern_id(pattern_id_text)
    text = None if text_file is None else read_text(text_file)
    with open_existing(data_dir) as (_, app):
        content, read_at = _revised_content(app, pid, title, text, journeys, departments, links)
        receipt = _act(actor_email, app, "revise_pattern", pid, reason=reason, **content,
                       expected_version=read_at if expected_version is None else expected_version)
    _report_pattern(data_dir, receipt, "Pattern revised; the earlier version stays readable", fmt)


@click.command("retire")
@data_option
@actor_option
@click.argument("pattern_id_text", metavar="PATTERN_ID")
@click.option("--reason", required=True, help="Why it is retired (recorded with it).")
@version_option
@format_option
@reports_errors
def retire(data_dir: str | None, actor_email: str, pattern_id_text: str, reason: str,
           expected_version: int | None, fmt: str) -> None:
    """Retire a pattern (the CCO): no commitment can cite it any more; those citing it still do."""
    pid = pattern_id(pattern_id_text)
    with open_existing(data_dir) as (_, app):
        receipt = _act(actor_email, app, "retire_pattern", pid, reason=reason,
                       expected_version=expected_version)
    _report_pattern(data_dir, receipt, "Pattern retired", fmt)


def commitment_id(text: str) -> UUID:
    return parse_id(text, "COMMITMENT_ID", "`cx-tracker patterns show` and `cx-tracker as-of`")


def _report_citations(data_dir: str | None, receipt: Receipt, done: str, fmt: str) -> None:
    """What was recorded and the patterns the commitment now cites."""
    from projections.audit.report import dumps
    from projections.queries import board, patterns

    with caught_up_views(data_dir) as db:
        recorded = _recorded(db, receipt)
        found = board.commitment(db, receipt.id)
        cited = patterns.cited_by(db, receipt.id)
    assert found is not None, "the views are caught up with the event just recorded"
    commitment = {"id": found["id"], "title": found["title"], "department": found["department"],
                  "patterns": cited}
    if fmt == "json":
        echo_json(dumps({"recorded": recorded, "position": receipt.position,
                         "commitment": commitment}))
        return
    echo(f"{done} (event {receipt.position}, {recorded}); now: the commitment cites"
         f" {len(cited)} pattern{'' if len(cited) == 1 else 's'}.")
    echo(f"{found['title']} [{found['department']}] {found['id']}")
    for p in cited:
        echo(f"    {p['id']}  v{p['revision']}  {p['title']}"
             + (" [retired]" if p["status"] == "retired" else ""))


def _cite(data_dir: str | None, actor_email: str, commitment: str, pattern: str, fmt: str,
          cite: bool) -> None:
    cid, pid = commitment_id(commitment), pattern_id(pattern)
    with open_existing(data_dir) as (_, app):
        receipt = _act(actor_email, app, "cite_pattern" if cite else "uncite_pattern", cid,
                       pattern_id=pid)
    _report_citations(data_dir, receipt, "Pattern cited" if cite else "Pattern no longer cited",
                      fmt)


@click.command("cite")
@data_option
@actor_option
@click.argument("commitment", metavar="COMMITMENT_ID")
@click.argument("pattern", metavar="PATTERN_ID")
@format_option
@reports_errors
def cite(data_dir: str | None, actor_email: str, commitment: str, pattern: str, fmt: str) -> None:
    """A commitment cites a live pattern it applies (a lead of its department, or the CCO)."""
    _cite(data_dir, actor_email, commitment, pattern, fmt, cite=True)


@click.command("uncite")
@data_option
@actor_option
@click.argument("commitment", metavar="COMMITMENT_ID")
@click.argument("pattern", metavar="PATTERN_ID")
@format_option
@reports_errors
def uncite(data_dir: str | None, actor_email: str, commitment: str, pattern: str, fmt: str) -> None:
    """A commitment no longer cites a pattern (a lead of its department, or the CCO)."""
    _cite(data_dir, actor_email, commitment, pattern, fmt, cite=False)


def publishers_now(db: Database) -> list[dict[str, Any]]:
    """The leads allowed to publish, as the CLI shows them."""
    from projections.queries import patterns

    return [{"email": p["email"], "name": p["name"], "since": p["granted_at"]}
            for p in patterns.publishers(db)]


def echo_publishers(found: list[dict[str, Any]]) -> None:
    echo(f"Besides the CCO, {len(found)} lead{' may' if len(found) == 1 else 's may'} publish"
         " and revise patterns" + (":" if found else "."))
    for p in found:
        echo(f"    {p['name']} <{p['email']}>  since {p['since'][:10]}")


def _publisher(data_dir: str | None, actor_email: str, email: str, fmt: str, allow: bool) -> None:
    from projections.audit.report import dumps
    from projections.queries import directory
    from tracker.domain import member_id

    with open_existing(data_dir) as (_, app):
        receipt = _act(actor_email, app,
                       "grant_pattern_publisher" if allow else "revoke_pattern_publisher", email)
    address = email.strip().lower()  # the service found the member: a well-formed address
    with caught_up_views(data_dir) as db:
        recorded = _recorded(db, receipt)
        found = publishers_now(db)
        name = directory.member_names(db).get(str(member_id(address)), "")
    if fmt == "json":
        echo_json(dumps({"recorded": recorded, "position": receipt.position,
                         "member": {"email": address, "name": name}, "publishers": found}))
        return
    echo(f"{name} <{address}> may {'now' if allow else 'no longer'} publish and revise patterns"
         f" (event {receipt.position}, {recorded}).")
    echo_publishers(found)


@click.command("allow")
@data_option
@actor_option
@click.argument("email", metavar="EMAIL")
@format_option
@reports_errors
def allow(data_dir: str | None, actor_email: str, email: str, fmt: str) -> None:
    """Allow a department lead to publish and revise patterns (the CCO)."""
    _publisher(data_dir, actor_email, email, fmt, allow=True)


@click.command("revoke")
@data_option
@actor_option
@click.argument("email", metavar="EMAIL")
@format_option
@reports_errors
def revoke(data_dir: str | None, actor_email: str, email: str, fmt: str) -> None:
    """Revoke a lead's right to publish and revise patterns (the CCO)."""
    _publisher(data_dir, actor_email, email, fmt, allow=False)
