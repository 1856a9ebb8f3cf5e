"""A verification told to people: the first divergence in full, then every seal's verdict."""

from __future__ import annotations

from uuid import UUID

from tracker.integrity.verify import SealCheck, Verification
from tracker.integrity.walk import EventInfo


LOCAL = ("integrity.sqlite3", "seals.jsonl",
         "delete it and seal again to record the events afresh")
SHARED = ("the shared ledger (table sealed_events)", "the shared seals table",
          "it is append-only: restore the schema from a backup, or have the database's owner "
          "empty sealed_events, then seal again")


def report_lines(v: Verification, names: tuple[str, str, str] = LOCAL) -> list[str]:
    """`names`: what the ledger and the seals are called, and how to start the ledger afresh
    (LOCAL files in the data directory, or the SHARED tables on PostgreSQL)."""
    ledger, seals, afresh = names
    lines = [f"Checked {v.source}: {v.events:,} events up to position {v.head}; chain {v.chain}"]
    lines += [f"PROBLEM: {problem}" for problem in v.problems]
    if v.divergences:
        lines += _divergence_lines(v)
    lines += [_seal_line(check) for check in v.seals]
    lines += [f"LEDGER: {ledger} does not agree with the seal at position "
              f"{c.seal.position}: {c.problem}; its recorded events were altered"
              for c in v.ledger_seals if not c.ok]
    if v.ledger_untrusted_after is not None:
        lines.append(f"LEDGER: {ledger} was altered after position "
                     f"{v.ledger_untrusted_after}, so it cannot name the changed event there: "
                     "the failing seal above brackets the first change")
    if not v.seals:
        lines += _no_seal_lines(v, ledger, seals)
    lines.append(_verdict(v, ledger, afresh))
    return lines


def _no_seal_lines(v: Verification, ledger: str, seals: str) -> list[str]:
    if v.ledger_used:
        checked = (f"each event was compared with {ledger}, which no seal backs (whoever "
                   "can rewrite the log can rewrite it too)")
    elif v.source == "the store":
        checked = (f"{ledger} and {seals} are both missing, so only the log's own "
                   "order and timestamps were checked")
    else:
        checked = "only the bundle's own links and order were checked"
    return [
        f"No seals to check against: {checked}.",
        f"A seal kept outside the system would reach as far as its own position: any seal made "
        f"at a position up to {v.head} can be checked here with --seals FILE (the chain now ends "
        f"at position {v.head} with {v.chain}); events after a seal's position are not covered.",
    ]


def _verdict(v: Verification, ledger: str, afresh: str) -> str:
    if v.unchecked:
        return ("NOT VERIFIED: there is nothing to check against (no seal), so this is no "
                "evidence that the history is intact.")
    if v.ok:
        return "OK: everything matches."
    if not v.divergence_count and not v.problems and all(c.ok for c in v.seals):
        return f"FAILED: the log matches its seals, but {ledger} was altered ({afresh})."
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

