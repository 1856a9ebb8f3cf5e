"""The pattern library's read model: search, versions, citations with health, a journey's
patterns, the library as of an instant, the diff and the history's summaries."""

from __future__ import annotations

from projections.audit.as_of import plan_as_of
from projections.audit.diff import plan_diff
from projections.audit.report import as_of_text, diff_text
from projections.queries import patterns
from tests.projections_views.conftest import Views, at, utc


def _library(views: Views) -> dict[str, object]:
    org = views.org
    with at("2026-03-03"):
        ack = org.app.publish_pattern(
            org.cco, title="Acknowledge every complaint within one hour",
            text="Reply **personally**: say who owns the ÉCHELLE.", journeys=["support"],
            departments=["customer-service"]).id
        invoices = org.app.publish_pattern(
            org.cco, title="Plain-language invoices", text="Every line in the product's words.").id
        cid = org.commitment(journey="support")
        other = org.commitment(title="Call back every detractor")
    with at("2026-03-04"):
        org.app.cite_pattern(org.support_lead, cid, pattern_id=ack)
        org.app.cite_pattern(org.support_lead, other, pattern_id=ack)
    with at("2026-03-10"):
        org.app.revise_pattern(org.cco, ack, title="Acknowledge every complaint within 30 minutes",
                               text="Faster now.", journeys=[], departments=[], reason="Faster")
        org.app.uncite_pattern(org.cco, other, pattern_id=ack)
        org.app.retire_pattern(org.cco, invoices, reason="Merged into billing guide")
    views.sync()
    return {"ack": ack, "invoices": invoices, "cid": cid, "other": other}


def test_search_matches_title_and_text_in_any_case(views: Views) -> None:
    ids = _library(views)
    db = views.db
    assert [p["id"] for p in patterns.library(db, q="30 MINUTES")] == [str(ids["ack"])]
    assert [p["id"] for p in patterns.library(db, q="faster")] == [str(ids["ack"])]
    assert patterns.library(db, q="personally") == []  # only the current version is searched
    assert patterns.library(db, q="product's") == []  # retired: left out unless asked for
    assert [p["id"] for p in patterns.library(db, q="PRODUCT'S", retired=True)] == [str(ids["invoices"])]
    assert patterns.library(db, q="100%") == [] and patterns.library(db, q="_") == []


def test_versions_citations_with_health_and_journeys(views: Views) -> None:
    ids = _library(views)
    db = views.db
    versions = patterns.versions(db, ids["ack"])
    assert [(v["revision"], v["title"], v["reason"]) for v in versions] == [
        (2, "Acknowledge every complaint within 30 minutes", "Faster"),
        (1, "Acknowledge every complaint within one hour", "")]
    assert patterns.version(db, ids["ack"], 1)["journeys"] == ["support"]  # type: ignore[index]
    citing = patterns.citing(db, ids["ack"], utc(2026, 3, 10).date())
    assert [(c["id"], c["health"]) for c in citing] == [(str(ids["cid"]), "on track")]
    assert patterns.by_journey(db) == {}  # the revision dropped the journey
    assert [p["title"] for p in patterns.cited_by(db, ids["cid"])] == [
        "Acknowledge every complaint within 30 minutes"]


def test_as_of_shows_each_pattern_in_its_version_then_and_its_citations_then(views: Views) -> None:
    ids = _library(views)
    then = plan_as_of(views.db, utc(2026, 3, 5))
    assert then.patterns is not None
    by_id = {p["pattern_id"]: p for p in then.patterns}
    ack = by_id[str(ids["ack"])]
    assert (ack["revision"], ack["title"], ack["retired"]) == (
        1, "Acknowledge every complaint within one hour", False)
    assert sorted(c["id"] for c in ack["citing"]) == sorted([str(ids["cid"]), str(ids["other"])])
    assert by_id[str(ids["invoices"])]["retired"] is False
    assert "Acknowledge every complaint within one hour (version 1, 2026-03-03)" in "\n".join(
        as_of_text(then))
    now = {p["pattern_id"]: p for p in plan_as_of(views.db, utc(2026, 3, 11)).patterns or []}
    assert now[str(ids["ack"])]["revision"] == 2 and len(now[str(ids["ack"])]["citing"]) == 1
    assert now[str(ids["invoices"])]["retired"] is True
    assert plan_as_of(views.db, utc(2026, 3, 2, 12)).patterns == []


def test_the_diff_lists_revisions_retirements_and_citations(views: Views) -> None:
    _library(views)
    found = plan_diff(views.db, utc(2026, 3, 5), utc(2026, 3, 11))
    assert [(p["kind"], p["revision"]) for p in found.patterns] == [("revised", 2), ("retired", 1)]
    assert [c["kind"] for c in found.citations] == ["uncited"]
    text = "\n".join(diff_text(found))
    assert "revised Acknowledge every complaint within 30 minutes (version 2): Faster" in text
    assert "no longer cites Acknowledge every complaint within 30 minutes" in text


def test_the_history_tells_each_pattern_event(views: Views) -> None:
    _library(views)
    summaries = [r[0] for r in views.db.execute(
        "SELECT summary FROM timeline WHERE aggregate = 'pattern' OR kind LIKE 'Pattern%'"
        " ORDER BY position").fetchall()]
    assert summaries == [
        "Pattern published: Acknowledge every complaint within one hour",
        "Pattern published: Plain-language invoices",
        "Cites the pattern Acknowledge every complaint within one hour",
        "Cites the pattern Acknowledge every complaint within one hour",
        "Pattern revised: Acknowledge every complaint within 30 minutes: Faster",
        "No longer cites the pattern Acknowledge every complaint within 30 minutes",
        "Pattern retired: Plain-language invoices: Merged into billing guide",
    ]
