"""The celebrations wall shows each commitment once: its newest item, with the older items about
the same commitment (its completion, other celebrations) folded into it as `also`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask


def one_per_commitment(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The items in their order, each commitment's first one kept, later ones in its `also`."""
    kept: dict[str, dict[str, Any]] = {}
    for item in items:
        first = kept.get(item["commitment_id"])
        if first is None:
            kept[item["commitment_id"]] = dict(item, also=[])
        else:
            first["also"].append(dict(item))
    return list(kept.values())


def init_app(app: Flask) -> None:
    app.add_template_filter(one_per_commitment, "one_per_commitment")
