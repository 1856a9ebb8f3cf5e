"""Fixtures for the write-side tests, on top of the shared `app` and `org`."""

from __future__ import annotations

import pytest

from tests.conftest import Org
from tests.core.commands import World, build_world


@pytest.fixture
def world(org: Org) -> World:
    return build_world(org)
