"""Reading a replay bundle for the audit commands: verified before it is replayed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker.cli.common import EXIT_BAD_INPUT, EXIT_REFUSED
from tracker.integrity.bundle import BundleError, verify_bundle
from tracker.integrity.report import describe_event


@dataclass(frozen=True)
class Refusal:
    message: str
    status: int


def bundle_refusal(path: Path) -> Refusal | None:
    """Why the bundle must not be replayed (its chain, order or seals do not hold), or None."""
    try:
        v = verify_bundle(path)
    except (OSError, BundleError) as e:
        return Refusal(str(e), EXIT_BAD_INPUT)
    if v.ok:
        return None
    skip = "nothing was replayed ('cx-tracker verify --bundle' tells all; --no-verify replays it anyway)"
    first = v.first
    if first is not None:
        return Refusal(f"the bundle {path} does not verify: first divergence at position "
                       f"{first.position}: {first.problem} ({describe_event(first.event, v.emails)}); "
                       + skip, EXIT_REFUSED)
    failing = [c for c in v.seals if not c.ok]
    why = v.problems[0] if v.problems else (
        f"its seal at position {failing[0].seal.position} fails: {failing[0].problem}"
        if failing else "it does not match")
    return Refusal(f"the bundle {path} does not verify: {why}; " + skip, EXIT_REFUSED)


def replay_failure(error: Exception, *, verified: bool) -> str:
    hint = ("" if verified else
            " (it was not verified: 'cx-tracker verify --bundle FILE' names what is wrong)")
    return f"the bundle cannot be replayed: {type(error).__name__}: {error}{hint}"
