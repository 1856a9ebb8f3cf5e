"""Every read model, in the order a batch is applied (reference data first)."""

from __future__ import annotations

from projections.view import View
from projections.views.directory import Directory


def all_views() -> list[View]:
    return [Directory()]
