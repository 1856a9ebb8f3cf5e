"""One blueprint per area of the UI."""

from __future__ import annotations

from flask import Blueprint


def all_blueprints() -> list[Blueprint]:
    from web.blueprints import home

    return [home.bp]
