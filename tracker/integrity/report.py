"""A verification told to people: the first divergence in full, then every seal's verdict."""

from __future__ import annotations

from uuid import UUID

from tracker.integrity.verify import SealCheck, Verification
from tracker.integrity.walk import EventInfo


def report_lines(v: Verification) -> list[str]:
    lines = [f"Checked {v.source}: {v.events:,} events up to position {v.head}; chain {v.chain}"]
    lines += [f"PROBLEM: {problem}" for problem in v.problems]
    if v.divergences:
        lines += _divergence_lines(v)
    lines += [_seal_line(check) for check in v.seals]
    lines += [f"LEDGER: integrity.sqlite3 does not agree with the seal at position "
              f"{c.seal.position}: {c.problem}; its recorded events were altered"
              for c in v.ledger_seals if not c.ok]
    if not v.seals:
        checked = ("each event was compared with integrity.sqlite3 only" if v.ledger_used
                   else "only the chain was computed")
        lines.append(f"No seals to check against: {checked} (give --seals FILE, or run "
                     "'cx-tracker seal' and keep its output)")
    lines.append(_verdict(v))
    return lines


def _verdict(v: Verification) -> str:
    if v.ok:
        return "OK: everything matches."
    if not v.divergence_count and not v.problems and all(c.ok for c in v.seals):
        return ("FAILED: the log matches its seals, but integrity.sqlite3 was altered "
                "(delete it and seal again to record the events afresh).")
    return "FAILED: the history does not match."


def _divergence_lines(v: Verification) -> list[str]:
    ordered = sorted(v.divergences, key=lambda d: d.position)
    first, rest = ordered[0], ordered[1:]
    lines = [f"DIVERGENCE at position {first.position}: {first.problem}",
             f"  event: {describe_event(first.event, v.emails)}"]
    lines += [f"  also at position {d.position}: {d.problem}" for d in rest]
    hidden = v.divergence_count - len(v.divergences)
    if hidden > 0:
        lines.append(f"  ... and {hidden:,} more")
    return lines


def describe_event(event: EventInfo, emails: dict[str, str]) -> str:
    parts = [event.topic or "(topic unknown)",
             f"aggregate {event.originator_id} version {event.originator_version}"]
    if event.timestamp:
        parts.append(f"at {event.timestamp}")
    if event.actor:
        parts.append(f"by {_actor(event.actor, emails)}")
    return ", ".join(parts)


def _actor(actor: str, emails: dict[str, str]) -> str:
    try:
        ident = str(UUID(actor))
    except ValueError:
        return actor
    return emails.get(ident, ident)


def _seal_line(check: SealCheck) -> str:
    s = check.seal
    head = f"Seal at position {s.position} ({s.events:,} events, sealed {s.sealed_at})"
    if check.ok:
        return f"{head}: ok"
    where = (f"the first change lies after position {check.after} and at or before {s.position}"
             if check.after else f"the first change lies at or before position {s.position}")
    return f"{head}: FAILS: {check.problem}; {where}"

