"""`cx-tracker patterns ...`: the CX pattern library from the command line. `list` and `show` read
it from the read models (caught up first); `publish`, `revise`, `retire`, `cite`, `uncite`,
`allow` and `revoke` act `--as` a member through the application service, which decides who may,
as on `/patterns/`."""

from __future__ import annotations

from uuid import UUID

import click

from projections import patterns_write_cli as write
from projections.audit_cli import caught_up_views
from tracker import clock
from tracker.cli.common import EXIT_BAD_INPUT, data_option, fail, reports_errors
from tracker.cli.output import echo, echo_json


@click.group("patterns")
def patterns_group() -> None:
    """The CX pattern library: patterns, their versions and the commitments citing them."""


@patterns_group.command("list")
@data_option
@click.option("--search", "q", default="", help="only patterns whose title or text contains this (any case)")
@click.option("--journey", default=None, help="only patterns for this journey (its key)")
@click.option("--retired", is_flag=True, help="retired patterns too")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reports_errors
def list_patterns(data_dir: str | None, q: str, journey: str | None, retired: bool, fmt: str) -> None:
    """Patterns by title: id, current version, how many commitments cite it, journeys."""
    from projections.queries import patterns

    with caught_up_views(data_dir) as db:
        found = patterns.library(db, q=q, journey=journey, retired=retired)
    if fmt == "json":
        from projections.audit.report import dumps

        echo_json(dumps(found))
        return
    for p in found:
        write.echo_entry(p)



@patterns_group.command("show")
@data_option
@click.argument("pattern_id")
@click.option("--version", "revision", type=int, default=None, help="an earlier version's number")
@reports_errors
def show_pattern(data_dir: str | None, pattern_id: str, revision: int | None) -> None:
    """One pattern: its text (as typed, Markdown), journeys, departments, links, its versions
    and the commitments citing it with their health."""
    from projections.queries import patterns

    try:
        pid = UUID(pattern_id)
    except ValueError:
        fail(f"{pattern_id!r} is not a pattern id (see `cx-tracker patterns list`)", EXIT_BAD_INPUT)
    with caught_up_views(data_dir) as db:
        current = patterns.pattern(db, pid)
        shown = (patterns.version(db, pid, revision) if revision else current) if current else None
        versions = patterns.versions(db, pid)
        citing = patterns.citing(db, pid, clock.today())
    if current is None or shown is None:
        fail(f"no pattern {pattern_id}" if current is None else f"the pattern has no version {revision}",
             EXIT_BAD_INPUT)
        return
    echo(f"{shown['title']} (version {shown['revision']} of {current['revision']})"
         + (" [retired]" if current["status"] == "retired" else ""))
    echo(f"Journeys: {', '.join(shown['journeys']) or 'any'}; departments:"
         f" {', '.join(shown['departments']) or 'any'}")
    for link in shown["links"]:
        echo(f"Link: {link['label']} <{link['url']}>")
    echo("")
    for line in shown["text"].split("\n"):  # not splitlines: a typed \r stays visible
        echo(line)
    echo("")
    echo("Versions:")
    for v in versions:
        echo(f"  v{v['revision']}  {v['at'][:16]}  {v['actor_name'] or '-'}"
             + (f": {v['reason']}" if v["reason"] else ""))
    echo(f"Cited by {len(citing)} commitment{'' if len(citing) == 1 else 's'}:")
    for c in citing:
        echo(f"  {c['health']:<9}  {c['title']} [{c['department']}] {c['id']}")


@patterns_group.command("publishers")
@data_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reports_errors
def list_publishers(data_dir: str | None, fmt: str) -> None:
    """The leads the CCO allows to publish and revise patterns (`allow`, `revoke`)."""
    with caught_up_views(data_dir) as db:
        found = write.publishers_now(db)
    if fmt == "json":
        from projections.audit.report import dumps

        echo_json(dumps(found))
        return
    write.echo_publishers(found)


for _command in (write.publish, write.revise, write.retire, write.cite, write.uncite, write.allow,
                 write.revoke):
    patterns_group.add_command(_command)
