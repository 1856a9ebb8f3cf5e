"""Views dispatch on real events: a handler named after no event fails when its view is defined."""

from __future__ import annotations

from datetime import datetime, timezone
from uuid import UUID

import pytest
from sqlite_utils import Database

from projections.database import open_views
from projections.facts import Fact, read_facts
from projections.view import View
from projections.views import all_views
from tests.conftest import Org
from tracker.domain import event_keys


@pytest.mark.parametrize("view", all_views(), ids=lambda view: view.name)
def test_every_handler_of_a_product_view_names_a_real_event(view: View) -> None:
    handlers = sorted(attr for attr in dir(type(view)) if attr.startswith("on_"))

    assert sorted(type(view).handler_names.values()) == handlers
    assert set(type(view).handler_names) <= event_keys()


def test_a_view_with_a_mistyped_handler_is_refused_when_it_is_defined() -> None:
    with pytest.raises(TypeError, match=r"Typo\.on_commitment_ProgresReported handles no event"):
        class Typo(View):
            name = "typo"

            def on_commitment_ProgresReported(self, db: Database, fact: Fact) -> None:
                """Misspelt: it would never run."""


def test_a_handler_for_another_aggregate_is_refused_too() -> None:
    with pytest.raises(TypeError, match="'member.Made'"):
        class WrongAggregate(View):
            name = "wrong"

            def on_member_Made(self, db: Database, fact: Fact) -> None:
                """Commitments are made, members are registered."""


def test_a_handler_runs_for_its_event_and_other_events_are_skipped() -> None:
    seen: list[str] = []

    class Watching(View):
        name = "watching"

        def on_member_Registered(self, db: Database, fact: Fact) -> None:
            seen.append(fact.key)

    view, db = Watching(), open_views(":memory:")
    for aggregate, kind in (("member", "Registered"), ("commitment", "Made")):
        view.apply(db, Fact(position=1, aggregate=aggregate, kind=kind, aggregate_id=UUID(int=1),
                            version=1, timestamp=datetime(2026, 3, 2, tzinfo=timezone.utc),
                            actor=None, data={}))

    assert seen == ["member.Registered"]


def test_the_known_events_include_every_event_the_application_stores(org: Org) -> None:
    org.commitment()
    stored = {fact.key for fact in read_facts(org.app, 0, limit=10_000)}

    assert stored <= event_keys()
    assert {"plan.Started", "member.Registered", "commitment.Made"} <= stored
