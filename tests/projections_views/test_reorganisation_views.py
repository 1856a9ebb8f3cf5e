"""The read side across corrections and reorganisations: names as they were at the instant shown,
corrected values in charts, accountability that follows a moved commitment without counting it
twice, and live views equal to a rebuild."""

from __future__ import annotations

from datetime import datetime, timezone

from projections.audit.as_of import plan_as_of
from projections.database import open_views
from projections.queries import accountability, board, directory, kpis
from projections.queries.timeline import timeline_page
from projections.runner import Runner
from projections.views import all_views
from tests.conftest import Org
from tests.projections_property.compare import dump, table_differences
from tests.projections_views.conftest import IT, SALES, SUPPORT, Views, at, d

BEFORE = datetime(2026, 3, 5, 12, 0, tzinfo=timezone.utc)


def _sales_work(org: Org) -> tuple[str, str]:
    with at("2026-03-02"):
        open_one = org.commitment(department=SALES, owner="lead.sales@example.com",
                                  actor=org.sales_lead, due_date="2026-05-01")
        done = org.commitment(department=SALES, owner="lead.sales@example.com",
                              actor=org.sales_lead, title="Publish prices", due_date="2026-04-01")
    with at("2026-03-03"):
        org.app.move_due_date(org.sales_lead, open_one, due_date="2026-05-11", reason="holidays")
        rid = org.app.raise_roadblock(org.sales_lead, open_one, description="No CRM access")
        org.app.resolve_roadblock(org.sales_lead, open_one, roadblock_id=rid.roadblock_id,
                                  resolution="Access granted")
        org.app.complete(org.sales_lead, done, evidence="Prices page live",
                         completed_on="2026-03-03")
    return str(open_one), str(done)


def test_as_of_before_a_rename_shows_the_old_name_and_today_the_new(org: Org, views: Views) -> None:
    with at("2026-03-02"):
        org.commitment()
    with at("2026-03-10"):
        org.app.rename_department(org.cco, slug=SUPPORT, name="Customer Care", reason="New org")
    db = views.sync()
    assert directory.department_names(db)[SUPPORT] == "Customer Care"
    assert plan_as_of(db, BEFORE).department_names[SUPPORT] == "Customer Service"
    made = [r for r in timeline_page(db, department=SUPPORT).rows if r["kind"] == "Made"]
    assert made[0]["department_label"] == "Customer Care (then Customer Service)"
    renamed = timeline_page(db, kind="DepartmentRenamed").rows[0]
    assert "Customer Service → Customer Care" in renamed["summary"]


def test_a_merge_moves_open_work_and_accountability_still_adds_up(org: Org, views: Views) -> None:
    open_one, done = _sales_work(org)
    today = d("2026-03-20")
    before = {r["department"]: r for r in accountability.by_department(views.sync(), today)}
    with at("2026-03-10"):
        org.app.merge_departments(org.cco, slug=SALES, into=IT, reason="One commercial team")
    db = views.sync()
    after = {r["department"]: r for r in accountability.by_department(db, today)}
    for figure in ("made", "kept", "due_date_moves", "days_slipped", "roadblocks_raised",
                   "roadblocks_resolved", "open"):
        assert sum(r[figure] for r in before.values()) == sum(r[figure] for r in after.values())
    assert (after[SALES]["made"], after[IT]["made"]) == (1, 1)  # the done one stays in Sales
    assert (after[IT]["due_date_moves"], after[IT]["roadblocks_raised"]) == (1, 1)
    assert board.commitment(db, open_one)["department"] == IT
    assert board.commitment(db, done)["department"] == SALES
    then = plan_as_of(db, BEFORE)
    [was] = [c for c in then.board if c["id"] == open_one]
    assert was["department"] == SALES
    by_department_then = {r["department"]: r for r in then.accountability_departments}
    assert by_department_then[SALES]["made"] == 2 and by_department_then[IT]["made"] == 0


def test_a_corrected_measurement_is_what_the_series_shows(org: Org, views: Views) -> None:
    with at("2026-03-02"):
        org.app.record_measurement(org.cco, key="nps", value=41, measured_on="2026-03-01")
        org.app.record_measurement(org.cco, key="nps", value=16, measured_on="2026-03-02")
    with at("2026-03-03"):
        org.app.correct_measurement(org.cco, key="nps", measured_on="2026-03-01", value=14,
                                    reason="digits swapped")
        org.app.withdraw_measurement(org.cco, key="nps", measured_on="2026-03-02",
                                     reason="partial sample")
    db = views.sync()
    assert kpis.kpi_values(db, "nps") == [14.0]
    kinds = [r["kind"] for r in timeline_page(db).rows[:2]]
    assert kinds == ["MeasurementWithdrawn", "MeasurementCorrected"]
    assert "41 → 14" in timeline_page(db, kind="MeasurementCorrected").rows[0]["summary"]


def test_a_revised_kpi_and_a_corrected_commitment_show_before_and_after(
    org: Org, views: Views
) -> None:
    with at("2026-03-02"):
        cid = org.commitment()
    with at("2026-03-03"):
        org.app.revise_kpi(org.cco, key="nps", target=40, name="NPS (relationship)",
                           reason="Board agreed")
        org.app.correct_commitment(org.support_lead, cid, title="Answer within 2 hours",
                                   kpi="nps", reason="typo")
    db = views.sync()
    [kpi] = directory.kpis(db)
    assert (kpi["name"], kpi["target"]) == ("NPS (relationship)", 40.0)
    summary = timeline_page(db, kind="DetailsCorrected").rows[0]["summary"]
    assert "title Answer every ticket within 4 hours → Answer within 2 hours" in summary
    assert "kpi none → NPS (relationship)" in summary
    assert board.commitment(db, cid)["title"] == "Answer within 2 hours"


def test_live_views_equal_a_rebuild_after_reorganising(org: Org, views: Views) -> None:
    _sales_work(org)
    with at("2026-03-10"):
        org.app.rename_department(org.cco, slug=SUPPORT, name="Customer Care", reason="New org")
        org.app.rename_journey(org.cco, key="support", name="Get help", reason="words")
        org.app.merge_departments(org.cco, slug=SALES, into=IT, reason="One team")
        org.app.record_measurement(org.cco, key="nps", value=20, measured_on="2026-03-09")
        org.app.correct_measurement(org.cco, key="nps", measured_on="2026-03-09", value=21,
                                    reason="rounding")
        org.app.retire_kpi(org.cco, key="nps", reason="replaced")
    live = dump(views.sync())
    fresh = open_views(":memory:")
    Runner(org.app, fresh, all_views()).catch_up()
    rebuilt = dump(fresh)
    assert live == rebuilt, table_differences(live, rebuilt)
    assert any(row[0] == "department" and row[4] == "Customer Care" for row in live["names"])


def test_as_of_shows_the_kpis_as_revised_and_measured_by_then(org: Org, views: Views) -> None:
    with at("2026-03-02"):
        org.app.record_measurement(org.cco, key="nps", value=41, measured_on="2026-03-01")
    with at("2026-03-10"):
        org.app.revise_kpi(org.cco, key="nps", target=40, reason="Board agreed")
        org.app.correct_measurement(org.cco, key="nps", measured_on="2026-03-01", value=14,
                                    reason="digits swapped")
        org.app.retire_kpi(org.cco, key="nps", reason="replaced")
    db = views.sync()
    [then] = plan_as_of(db, BEFORE).kpis
    assert (then["target"], then["latest"]["value"], then["retired"]) == (30.0, 41.0, False)
    [now] = plan_as_of(db, datetime(2026, 3, 11, tzinfo=timezone.utc)).kpis
    assert (now["target"], now["latest"]["value"], now["retired"]) == (40.0, 14.0, True)


def test_as_of_before_a_move_lists_an_open_roadblock_under_its_department_and_title_then(
    org: Org, views: Views
) -> None:
    with at("2026-03-02"):
        cid = org.commitment(title="Route chats by topic")
        org.app.raise_roadblock(org.support_lead, cid, description="No topic data")
    with at("2026-03-10"):
        org.app.correct_commitment(org.cco, cid, title="Route chats by intent", reason="Wording")
        org.app.move_commitment(org.cco, cid, department=IT, reason="IT owns routing",
                                new_owner="lead.it@example.com")
    db = views.sync()
    [then] = plan_as_of(db, BEFORE).roadblocks or []
    assert (then["department"], then["title"]) == (SUPPORT, "Route chats by topic")
    [now] = plan_as_of(db, datetime(2026, 3, 11, tzinfo=timezone.utc)).roadblocks or []
    assert (now["department"], now["title"]) == (IT, "Route chats by intent")


def test_closed_counts_as_of_before_a_journey_correction_use_the_journey_then(
    org: Org, views: Views
) -> None:
    """A closed commitment's journey corrected later counts under its old journey as of an
    instant before the correction, and under the new one after (found by the property test)."""
    from projections.queries.history import closed_counts_as_of

    first, second = "support", "renewal"
    with at("2026-03-02"):
        org.app.define_journey(org.cco, second, "Renewal", "sales")
        cid = org.commitment(journey=first)
    with at("2026-03-03"):
        org.app.complete(org.support_lead, cid, evidence="Live", completed_on="2026-03-03")
    with at("2026-03-10"):
        org.app.correct_commitment(org.cco, cid, journey=second, reason="Filed under the wrong one")
    db = views.sync()
    then = closed_counts_as_of(db, datetime(2026, 3, 5, tzinfo=timezone.utc))
    now = closed_counts_as_of(db, datetime(2026, 3, 11, tzinfo=timezone.utc))
    assert [(j, n) for _, j, _, n in then] == [(first, 1)]
    assert [(j, n) for _, j, _, n in now] == [(second, 1)]
    rebuilt = open_views(":memory:")
    Runner(org.app, rebuilt, all_views()).catch_up()
    assert closed_counts_as_of(rebuilt, datetime(2026, 3, 5, tzinfo=timezone.utc)) == then
    rebuilt.close()
