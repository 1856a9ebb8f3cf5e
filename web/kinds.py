"""Event kinds as people read them, for the filters and rows of the timeline and the history."""

from __future__ import annotations

import re
from functools import cache

from projections.views.timeline import SUMMARIES


@cache
def kind_options() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Kinds grouped by what they are about: ((group, ((kind, label), ...)), ...)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for key in SUMMARIES:
        aggregate, kind = key.split(".", 1)
        label = re.sub(r"(?<!^)([A-Z])", r" \1", kind).capitalize().replace("Kpi", "KPI")
        groups.setdefault(aggregate.capitalize(), []).append((kind, label))
    return tuple((group, tuple(kinds)) for group, kinds in groups.items())


@cache
def kind_labels() -> dict[str, str]:
    """kind -> label (treat as read-only: it is shared)."""
    return {kind: label for _, kinds in kind_options() for kind, label in kinds}
