"""These read models are registered after the others, own distinct tables, give the same rows
however the log is batched, and stop loudly on a fact that contradicts their tables."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from sqlite_utils import Database

from projections.database import open_views
from projections.facts import Fact
from projections.runner import Runner
from projections.view import View
from projections.views import all_views
from projections.views.accountability import Accountability
from projections.views.celebrations import Celebrations
from projections.views.kpis import Kpis
from projections.views.ownership import Ownership
from projections.views.roadblocks import Roadblocks
from tests.conftest import NOW, Org
from tests.projections_views.conftest import add_member
from tests.projections_views.generated import generate

MINE = ("roadblocks", "accountability", "ownership", "kpis", "celebrations")


def test_these_views_come_last_after_the_directory_they_read() -> None:
    names = [v.name for v in all_views()]
    assert names[0] == "directory"
    assert tuple(names[-len(MINE):]) == MINE
    assert len(set(names)) == len(names)


def test_no_two_views_share_a_table() -> None:
    tables = [t for v in all_views() for t in v.tables]
    assert len(set(tables)) == len(tables)


def test_each_of_these_views_creates_exactly_the_tables_it_declares() -> None:
    db = open_views(":memory:")
    for view in (Roadblocks(), Accountability(), Ownership(), Kpis(), Celebrations()):
        before = set(db.table_names())
        view.create(db)
        assert set(db.table_names()) - before == set(view.tables), view.name


def _dump(db: Database) -> dict[str, list[tuple[object, ...]]]:
    tables = [t for v in all_views() if v.name in MINE for t in v.tables]
    return {t: sorted(db.execute(f"SELECT * FROM [{t}]").fetchall(), key=repr) for t in tables}


def test_batching_and_incremental_catch_up_give_the_same_rows(org: Org) -> None:
    add_member(org, "ann@example.com", "Ann Agent", role="cco")
    generate(org, seed=11, steps=40)
    middle = org.app.head()
    generate(org, seed=12, steps=40)
    whole = open_views(":memory:")
    Runner(org.app, whole, all_views()).catch_up()
    one_by_one = open_views(":memory:")
    runner = Runner(org.app, one_by_one, all_views(), batch_size=1)
    runner.catch_up(until=middle)
    runner.catch_up()
    assert _dump(one_by_one) == _dump(whole)
    assert any(_dump(whole)["accountability_commitments"])


def _fact(kind: str, **data: object) -> Fact:
    return Fact(position=1, aggregate="commitment", kind=kind, aggregate_id=uuid4(), version=2,
                timestamp=NOW, actor=UUID(int=1), data=data)


@pytest.mark.parametrize(
    ("view", "fact"),
    [
        (Roadblocks(), _fact("RoadblockRaised", roadblock_id="R1", description="x")),
        (Roadblocks(), _fact("RoadblockResolved", roadblock_id="R1", resolution="x",
                             helped_by=None)),
        (Accountability(), _fact("DueDateMoved", from_date=date(2026, 4, 1),
                                 to_date=date(2026, 4, 2), reason="x")),
        (Accountability(), _fact("Completed", completed_on=date(2026, 4, 1), evidence="x")),
        (Accountability(), _fact("RoadblockResolved", roadblock_id="R1", resolution="x",
                                 helped_by=None)),
        (Ownership(), _fact("OwnershipHandedOver", from_owner=UUID(int=1), to_owner=UUID(int=2),
                            reason="x")),
        (Celebrations(), _fact("Celebrated", message="x")),
        (Celebrations(), _fact("Completed", completed_on=date(2026, 4, 1), evidence="x")),
    ],
    ids=lambda value: value.key if isinstance(value, Fact) else value.name,
)
def test_a_fact_about_an_unknown_commitment_stops_the_view_loudly(view: View, fact: Fact) -> None:
    db = open_views(":memory:")
    view.create(db)
    with pytest.raises(LookupError):
        view.apply(db, fact)


def test_the_kpi_view_ignores_commitment_facts() -> None:
    assert "commitment.Made" not in Kpis.handler_names
