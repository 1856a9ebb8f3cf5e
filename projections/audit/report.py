"""The auditors' outputs as text and JSON: one history event, the plan as of an instant, the diff
between two instants. Deterministic (sorted keys, stable order), so that the same log always
gives the same bytes, whichever machine reads it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from projections.audit.as_of import PlanAsOf
from projections.audit.diff import PlanDiff
from projections.health import HEALTHS
from projections.instants import instant_text

EXPORT_COLUMNS = ("position", "at", "actor", "actor_name", "department", "commitment",
                  "commitment_title", "kind", "summary", "changes")
SUMMARY_FIGURES = (("made", "made"), ("open", "open"), ("kept", "kept"), ("late", "late"),
                   ("missed", "missed"), ("withdrawn", "withdrawn"), ("due_date_moves", "moves"),
                   ("days_slipped", "slipped"), ("roadblocks_raised", "roadblocks"))


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def dump_chunks(value: Any, size: int = 1 << 16) -> Iterator[str]:
    """`dumps(value)` in pieces of about `size` characters, never the whole text at once (the
    plan as of an instant can be megabytes long)."""
    pending: list[str] = []
    length = 0
    for piece in _ENCODER.iterencode(value):
        pending.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(pending)
            pending, length = [], 0
    yield "".join(pending)


def export_row(event: dict[str, Any]) -> dict[str, Any]:
    """One event as the JSON Lines and CSV exports write it."""
    return {
        "position": event["position"], "at": event["at"], "actor": event["actor_email"],
        "actor_name": event["actor_name"], "department": event["department"],
        "commitment": event["commitment_id"], "commitment_title": event["commitment_title"],
        "kind": event["kind"], "summary": event["summary"], "changes": event["changes"],
    }


def event_text(event: dict[str, Any]) -> Iterator[str]:
    """An event as a few lines: where and when, who, what kind; the summary; each change."""
    about = " ".join(x for x in (event["department"], event["commitment_id"]) if x)
    yield (f"#{event['position']}  {_when(event['at'])}  {event['actor_email'] or '-'}"
           f"  {event['kind']}" + (f"  [{about}]" if about else ""))
    yield f"    {event['summary']}"
    for c in event["changes"]:
        yield f"      {change_text(c)}"


def change_text(change: dict[str, Any]) -> str:
    return f"{change['field']}: {_value(change['before'])} → {_value(change['after'])}"


# The plan as of an instant


def as_of_json_chunks(plan: PlanAsOf, size: int = 1 << 16) -> Iterator[str]:
    """`dumps(as_of_json(plan))` in pieces, reading the board a department at a time: memory
    holds one department's commitments, however long the history."""
    whole = as_of_json(plan, commitments=False)
    yield "{"
    for n, key in enumerate(sorted(whole)):
        yield (", " if n else "") + dumps(key) + ": "
        if key != "departments":
            yield from dump_chunks(whole[key], size)
            continue
        yield "["
        for m, department in enumerate(whole[key]):
            assert plan.board is not None  # as_of_json checked
            yield ", " if m else ""
            yield from dump_chunks({**department, "commitments": plan.board.of(department["slug"])},
                                   size)
        yield "]"
    yield "}"


def as_of_json(plan: PlanAsOf, *, commitments: bool = True) -> dict[str, Any]:
    """The plan as of an instant as one JSON value (`commitments=False`: without each
    department's commitments, which `as_of_json_chunks` reads a department at a time)."""
    if (plan.board is None or plan.by_department is None or plan.by_journey is None
            or plan.at_risk is None or plan.roadblocks is None):
        raise ValueError("the as-of report needs every part of plan_as_of")
    return {
        "instant": instant_text(plan.instant), "today": plan.today.isoformat(),
        "position": plan.position, "plan": plan.plan,
        "departments": [
            {**d, "health": _counts(plan.by_department, d["slug"]),
             **({"commitments": plan.board.of(d["slug"])} if commitments else {})}
            for d in plan.departments
        ],
        "journeys": [{**j, "health": _counts(plan.by_journey, j["key"])} for j in plan.journeys],
        "at_risk": [c["id"] for c in plan.at_risk],
        "open_roadblocks": plan.roadblocks,
        "wins": plan.wins,
        "kpis": plan.kpis,
        "patterns": plan.patterns,
        "scorecards": plan.scorecards,
        "accountability": {"departments": plan.accountability_departments,
                           "owners": plan.accountability_owners},
    }


def as_of_text(plan: PlanAsOf) -> Iterator[str]:
    if (plan.board is None or plan.by_department is None or plan.by_journey is None
            or plan.roadblocks is None or plan.accountability_departments is None):
        raise ValueError("the as-of report needs every part of plan_as_of")
    yield f"The plan as of {instant_text(plan.instant)}"
    yield (f"Health judged on {plan.today.isoformat()}; the first {plan.position} events of the"
           " log count.")
    if plan.plan:
        yield f"Plan: {plan.plan['name']} (vision revision {plan.plan['vision_revision']})"
    yield ""
    yield "Board"
    names = plan.department_names
    for group in plan.by_department:
        yield f"  {group.name}: {_count(group.total, 'commitment')}{_health_line(group.counts)}"
        for c in (plan.board.of(group.key) if group.key is not None else []):
            was = f" (was {c['original_due_date']})" if c["due_date"] != c["original_due_date"] else ""
            yield (f"    {c['health']:<9}  {c['title']} — {c['owner_name']}, due"
                   f" {c['due_date']}{was}, {c['progress']}%")
    if plan.journeys:
        yield ""
        yield "Journeys"
        for group in plan.by_journey:
            yield f"  {group.name}: {_count(group.total, 'commitment')}{_health_line(group.counts)}"
    if plan.kpis:
        yield ""
        yield "KPIs"
        for k in plan.kpis:
            latest = (f"; latest {k['latest']['value']:g} on {k['latest']['measured_on']}"
                      if k["latest"] else "; not measured")
            yield (f"  {k['name']}: {k['baseline']:g} → {k['target']:g} {k['unit']} by"
                   f" {k['target_date']}{latest}" + (" [retired]" if k["retired"] else ""))
    if plan.patterns:
        yield ""
        yield "Pattern library"
        for pt in plan.patterns:
            yield (f"  {pt['title']} (version {pt['revision']}, {pt['at'][:10]})"
                   + (" [retired]" if pt["retired"] else "")
                   + f": cited by {_count(len(pt['citing']), 'commitment')}")
    if plan.scorecards:
        yield ""
        yield "Scorecards"
        for card in plan.scorecards:
            items = "; ".join(f"{i['kpi']} {i['weight']}% target {i['target']:g}" for i in card["items"])
            yield (f"  {card['period']}  {card['lead_name']} ({card['department_name']}):"
                   f" {card['status'].replace('_', ' ')}, revision {card['revision']} — {items}")
    yield ""
    yield "Accountability per department"
    yield "  " + "  ".join(f"{label:>9}" for _, label in SUMMARY_FIGURES) + "     say/do  department"
    for row in plan.accountability_departments:
        figures = "  ".join(f"{row[key]:>9}" for key, _ in SUMMARY_FIGURES)
        say_do = "-" if row["say_do"] is None else f"{row['say_do'] * 100:.0f}%"
        yield f"  {figures}  {say_do:>9}  {row['department_name']}"
    yield ""
    yield f"Open roadblocks: {len(plan.roadblocks)}"
    for r in plan.roadblocks:
        asked = ", ".join(names.get(h["department"], h["department"]) for h in r["help_requested"])
        yield (f"  {r['days_open']:>3} days  {r['title']} ({names.get(r['department'], r['department'])})"
               f" {r['roadblock_id']}: {r['description']}" + (f" — help asked of {asked}" if asked else ""))


# The diff between two instants


def diff_json(diff: PlanDiff) -> dict[str, Any]:
    return {
        "from": instant_text(diff.a), "to": instant_text(diff.b), "added": diff.added,
        "changed": diff.changed, "completed": diff.completed, "withdrawn": diff.withdrawn,
        "roadblocks_opened": diff.roadblocks_opened, "roadblocks_resolved": diff.roadblocks_resolved,
        "patterns": diff.patterns, "pattern_citations": diff.citations,
        "scorecards": diff.scorecards,
    }


def diff_text(diff: PlanDiff) -> Iterator[str]:
    yield f"What changed from {instant_text(diff.a)} to {instant_text(diff.b)}"
    sections = (("Added", diff.added), ("Changed", diff.changed), ("Completed", diff.completed),
                ("Withdrawn", diff.withdrawn))
    for title, found in sections:
        yield ""
        yield f"{title}: {len(found)}"
        for c in found:
            yield f"  {c['title']} [{c['department']}] {c['id']}"
            if title != "Added":
                for change in c["changes"]:
                    yield f"      {change_text(change)}"
    for title, found, at in (("Roadblocks opened", diff.roadblocks_opened, "raised_at"),
                             ("Roadblocks resolved", diff.roadblocks_resolved, "resolved_at")):
        yield ""
        yield f"{title}: {len(found)}"
        for r in found:
            yield (f"  {_when(r[at])}  {r['title']} [{r['department']}] {r['roadblock_id']}:"
                   f" {r['description']}")
    yield ""
    yield f"Patterns: {len(diff.patterns)}"
    for pt in diff.patterns:
        why = f": {pt['reason']}" if pt["reason"] else ""
        yield f"  {_when(pt['at'])}  {pt['kind']} {pt['title']} (version {pt['revision']}){why}"
    yield ""
    yield f"Pattern citations: {len(diff.citations)}"
    for ct in diff.citations:
        yield (f"  {_when(ct['at'])}  {ct['commitment_title']} [{ct['department']}]"
               f" {'cites' if ct['kind'] == 'cited' else 'no longer cites'} {ct['pattern_title']}")
    yield f"Scorecards proposed or moved on: {len(diff.scorecards)}"
    for card in diff.scorecards:
        was = ("proposed in between" if card["before"] is None else
               f"was {card['before']['status'].replace('_', ' ')} (revision {card['before']['revision']})")
        yield (f"  {card['period']}  {card['lead_name']} ({card['department_name']}):"
               f" {card['status'].replace('_', ' ')} (revision {card['revision']}), {was}")


def _counts(groups: list[Any], key: str) -> dict[str, int]:
    return next((g.counts for g in groups if g.key == key), {h: 0 for h in HEALTHS})


def _health_line(counts: dict[str, int]) -> str:
    shown = [f"{n} {h}" for h, n in counts.items() if n]
    return " — " + ", ".join(shown) if shown else ""


def _when(at: str) -> str:
    """A stored instant as `YYYY-MM-DD HH:MM:SSZ` (microseconds when there are any)."""
    day, time = at[:10], at[11:].split("+")[0]
    return f"{day} {time.removesuffix('.000000')}Z"


def _value(value: Any) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value)
    text = " ".join(text.split())
    return text if len(text) <= 120 else text[:119] + "…"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
