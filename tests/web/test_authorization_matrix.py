"""The web UI's authorization matrix: every state-changing route tried by every role, with and
without a CSRF token, and every page read by every role.

A refusal answers 403 (the signed-out and the deactivated go to the sign-in page) and stores
nothing; an allowed request records its event, acted by that member. The routes come from
`app.url_map`, so a new route that is missing from the tables below fails a test. Every answer
carries the strict Content-Security-Policy.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from uuid import UUID

import pytest

from tests.web.authz_support import (
    ROLES, SIGNED_OUT, World, assert_strict_csp, build_world, close_world, event_name, events_after,
    is_login_redirect, unchanged,
)

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
_serial = itertools.count(1)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One organisation for the whole module: each cell prepares its own fresh target."""
    built = build_world(tmp_path_factory.mktemp("authz") / "data")
    yield built
    close_world(built)


# What each state-changing route needs: a fresh target (so allowed cells never collide), its
# form, who may use it, and the event it records.

Prepared = tuple[str, dict[str, str]]


def _commitment(w: World) -> UUID:
    """A customer-service commitment with an open roadblock R1 on which IT's help was asked."""
    org = w.org
    cid = org.commitment(title=f"Commitment number {next(_serial)}")
    org.app.raise_roadblock(org.support_lead, cid, description="Waiting for the CRM", help_from="it")
    return cid


def _on_commitment(action: str, form: dict[str, str]) -> Callable[[World], Prepared]:
    return lambda w: (f"/commitments/{_commitment(w)}/{action}", form)


def _new_member(w: World, **grant: str) -> str:
    email = f"member.{next(_serial)}@example.com"
    w.tracker.register_member(w.org.cco, email=email, name="Fresh Member", password="long-password",
                              **grant)
    return email


def _new_journey(w: World) -> str:
    key = f"journey-{next(_serial)}"
    w.tracker.define_journey(w.org.cco, key, "A journey", "customer-service")
    return key


def _revised_vision(w: World) -> None:
    """A new vision revision, so customer-service has not endorsed it yet."""
    w.tracker.revise_vision(w.org.cco, f"Customers never chase us, revision {next(_serial)}.")


def _endorsement(w: World) -> Prepared:
    _revised_vision(w)
    return "/plan/endorsements", {"department": "customer-service"}


def _new_department(w: World) -> Prepared:
    n = next(_serial)  # slugs and names are both unique
    return "/plan/departments", {"slug": f"dept-{n}", "name": f"Department {n}"}


def _added_department(w: World) -> str:
    n = next(_serial)
    w.tracker.add_department(w.org.cco, f"dept-{n}", f"Department {n}")
    return f"dept-{n}"


def _new_kpi(w: World, measured: bool = False) -> str:
    key = f"kpi-{next(_serial)}"
    w.tracker.define_kpi(w.org.cco, key=key, name="CSAT", unit="%", baseline=70, target=85,
                         target_date="2026-12-31")
    if measured:
        w.tracker.record_measurement(w.org.cco, key=key, value=71, measured_on="2026-03-01")
    return key


def _cross_functional(w: World) -> UUID:
    """A customer-service commitment (see `_commitment`) to which Sales contributes (the
    "other_lead" leads Sales), with one milestone M1."""
    cid = _commitment(w)
    w.tracker.add_contributor(w.org.cco, cid, department="sales")
    w.tracker.add_milestone(w.org.cco, cid, text="Pilot live")
    return cid


def _on_cross_functional(action: str, form: dict[str, str]) -> Callable[[World], Prepared]:
    return lambda w: (f"/commitments/{_cross_functional(w)}/{action}", form)


def _resolution_from_roadblocks_page(w: World) -> Prepared:
    return f"/roadblocks/{_commitment(w)}/R1/resolution", {"resolution": "IT added the fields"}


def _period() -> str:
    n = next(_serial)  # a fresh quarter for each scorecard of the support lead
    return f"{1900 + n // 4}-Q{n % 4 + 1}"


def _scorecard(w: World, *, agreed: bool = False) -> str:
    """A scorecard proposed to the customer-service lead (and agreed by them)."""
    org = w.org
    card = w.tracker.propose_scorecard(org.cco, lead="lead.customer-service@example.com",
                                       period=_period(),
                                       items=[{"kpi": "nps", "weight": 100, "target": 20}]).id
    if agreed:
        w.tracker.agree_scorecard(org.support_lead, card)
    return str(card)


def _area_kpi(w: World) -> str:
    key = f"area-{next(_serial)}"
    w.tracker.define_kpi(w.org.cco, key=key, name="First-contact resolution", unit="%",
                         baseline=70, target=85, target_date="2026-12-31",
                         department="customer-service")
    return key


def _move_of_a_cco_owned_commitment(w: World) -> Prepared:
    """Owned by the CCO, who may own IT's work too: the move records one event (a lead-owned
    commitment would also be handed over, tested in tests/web/test_commitment_corrections.py)."""
    cid = w.org.commitment(title=f"Commitment number {next(_serial)}", owner="cco@example.com",
                           actor=w.org.cco)
    return f"/commitments/{cid}/department", {"department": "it", "reason": "IT runs the chat tool"}


@dataclass(frozen=True)
class Write:
    prepare: Callable[[World], Prepared]
    allowed: frozenset[str]
    records: str  # the name of the event an allowed request stores


CCO = frozenset({"cco"})
WRITERS = frozenset({"cco", "lead"})  # the CCO and the lead of the commitment's department
ANY_LEAD = WRITERS | {"other_lead"}  # celebrating crosses silos on purpose
CONTRIBUTING = WRITERS | {"other_lead"}  # the lead of a contributing department (Sales) too

WRITES: dict[str, Write] = {
    "board.make_commitment": Write(lambda w: ("/commitments/new", {
        "department": "customer-service", "title": f"Made in the matrix {next(_serial)}",
        "due_date": "2026-09-30", "owner": "lead.customer-service@example.com"}), WRITERS, "Made"),
    "commitments.report_progress": Write(
        _on_commitment("progress", {"percent": "40", "note": "Halfway"}), WRITERS, "ProgressReported"),
    "commitments.move_due_date": Write(
        _on_commitment("due-date", {"due_date": "2026-09-30", "reason": "Vendor late"}), WRITERS,
        "DueDateMoved"),
    "commitments.hand_over": Write(
        _on_commitment("owner", {"new_owner": "cco@example.com", "reason": "IT runs it"}), WRITERS,
        "OwnershipHandedOver"),
    "commitments.correct_details": Write(
        _on_commitment("details", {"title": "Answer every chat within a minute",
                                   "reason": "Scope agreed with the team"}), WRITERS,
        "DetailsCorrected"),
    "commitments.move_to_department": Write(_move_of_a_cco_owned_commitment, CCO, "MovedToDepartment"),
    "commitments.raise_roadblock": Write(
        _on_commitment("roadblocks", {"description": "Budget frozen"}), WRITERS, "RoadblockRaised"),
    "commitments.request_help": Write(
        _on_commitment("roadblocks/R1/help", {"department": "sales"}), WRITERS, "HelpRequested"),
    "commitments.resolve_roadblock": Write(
        _on_commitment("roadblocks/R1/resolution", {"resolution": "IT added the fields"}), WRITERS,
        "RoadblockResolved"),
    "commitments.complete": Write(
        _on_commitment("completion", {"evidence": "Live since Monday"}), WRITERS, "Completed"),
    "commitments.withdraw": Write(
        _on_commitment("withdrawal", {"reason": "Superseded"}), WRITERS, "Withdrawn"),
    "commitments.celebrate": Write(
        _on_commitment("celebrations", {"message": "Well done, team"}), ANY_LEAD, "Celebrated"),
    "commitments.add_note": Write(
        _on_commitment("notes", {"text": "Call on Friday"}), WRITERS, "NoteAdded"),
    "roadblocks.resolve": Write(_resolution_from_roadblocks_page, WRITERS, "RoadblockResolved"),
    "plan.revise_vision": Write(
        lambda w: ("/plan/vision", {"vision": f"Customers love us {next(_serial)}."}), CCO, "VisionRevised"),
    "plan.endorse_vision": Write(_endorsement, WRITERS, "VisionEndorsed"),
    "plan.add_department": Write(_new_department, CCO, "DepartmentAdded"),
    "plan.define_journey": Write(lambda w: ("/plan/journeys", {
        "key": f"journey-{next(_serial)}", "name": "Renewal", "lead_department": "sales"}), CCO,
        "JourneyDefined"),
    "plan.change_journey_lead": Write(
        lambda w: (f"/plan/journeys/{_new_journey(w)}/lead", {"lead_department": "it"}), CCO,
        "JourneyLeadChanged"),
    "plan.define_kpi": Write(lambda w: ("/plan/kpis", {
        "key": f"kpi-{next(_serial)}", "name": "CSAT", "unit": "%", "baseline": "70", "target": "85",
        "target_date": "2026-12-31"}), CCO, "KpiDefined"),
    "plan.record_measurement": Write(
        lambda w: (f"/plan/kpis/{_new_kpi(w)}/measurements",
                   {"value": "18", "measured_on": "2026-03-01", "note": "300 answers"}), CCO,
        "KpiMeasured"),
    "plan.rename_department": Write(lambda w: (
        f"/plan/departments/{_added_department(w)}/rename",
        {"name": f"Renamed {next(_serial)}", "reason": "New org chart"}), CCO, "DepartmentRenamed"),
    "plan.merge_department": Write(lambda w: (
        f"/plan/departments/{_added_department(w)}/merge", {"into": "sales", "reason": "One team"}),
        CCO, "DepartmentMerged"),
    "plan.retire_department": Write(lambda w: (
        f"/plan/departments/{_added_department(w)}/retire", {"reason": "Outsourced"}), CCO,
        "DepartmentRetired"),
    "plan.rename_journey": Write(lambda w: (
        f"/plan/journeys/{_new_journey(w)}/rename", {"name": "Get help", "reason": "Words"}), CCO,
        "JourneyRenamed"),
    "plan.retire_journey": Write(lambda w: (
        f"/plan/journeys/{_new_journey(w)}/retire", {"reason": "Folded in"}), CCO, "JourneyRetired"),
    "plan.revise_kpi": Write(lambda w: (
        f"/plan/kpis/{_new_kpi(w)}/revise", {"target": "90", "reason": "Board agreed"}), CCO,
        "KpiRevised"),
    "plan.retire_kpi": Write(lambda w: (
        f"/plan/kpis/{_new_kpi(w)}/retire", {"reason": "Replaced"}), CCO, "KpiRetired"),
    "plan.correct_measurement": Write(lambda w: (
        f"/plan/kpis/{_new_kpi(w, measured=True)}/measurements/correct",
        {"measured_on": "2026-03-01", "value": "17", "reason": "Typo"}), CCO,
        "MeasurementCorrected"),
    "plan.link_kpi": Write(lambda w: ("/plan/kpis/links", {
        "area_kpi": _area_kpi(w), "cx_kpi": "nps", "reason": "Solved first time"}), CCO, "KpiLinked"),
    "scorecards.propose": Write(lambda w: ("/scorecards/", {
        "lead": "lead.customer-service@example.com|customer-service", "period": _period(),
        "kpi_1": "nps", "weight_1": "100", "target_1": "20"}), CCO, "ScorecardProposed"),
    "scorecards.revise": Write(lambda w: (f"/scorecards/{_scorecard(w)}/revise", {
        "kpi_1": "nps", "weight_1": "100", "target_1": "25", "reason": "Stretch"}), CCO,
        "ScorecardRevised"),
    # Only the scorecard's own lead (the customer-service lead's here) agrees; only an executive
    # approves one the lead agreed to.
    "scorecards.agree": Write(lambda w: (f"/scorecards/{_scorecard(w)}/agree", {
        "action": "agree", "comment": "Fair"}), frozenset({"lead"}), "ScorecardAgreed"),
    "scorecards.approve": Write(lambda w: (f"/scorecards/{_scorecard(w, agreed=True)}/approve", {
        "comment": "Approved"}), frozenset({"executive"}), "ScorecardApproved"),
    "members.add": Write(lambda w: ("/members/", {
        "email": f"added.{next(_serial)}@example.com", "name": "New Person",
        "password": "long-password"}), CCO, "Registered"),
    "members.grant": Write(
        lambda w: (f"/members/{_new_member(w)}/grants", {"role": "executive"}), CCO, "RoleGranted"),
    "members.revoke": Write(
        lambda w: (f"/members/{_new_member(w, role='auditor')}/revocations", {"role": "auditor"}), CCO,
        "RoleRevoked"),
    "members.deactivate": Write(
        lambda w: (f"/members/{_new_member(w)}/deactivation", {"reason": "Left"}), CCO, "Deactivated"),
    "crossfunctional.add_contributor": Write(
        _on_commitment("contributors", {"department": "sales"}), WRITERS, "ContributorAdded"),
    "crossfunctional.remove_contributor": Write(
        _on_cross_functional("contributors/sales/removal", {}), WRITERS, "ContributorRemoved"),
    "crossfunctional.add_milestone": Write(
        _on_commitment("milestones", {"text": "Agents trained"}), WRITERS, "MilestoneAdded"),
    "crossfunctional.tick_milestone": Write(
        _on_cross_functional("milestones/M1/tick", {"ticked": "yes"}), CONTRIBUTING,
        "MilestoneTicked"),
    "crossfunctional.remove_milestone": Write(
        _on_cross_functional("milestones/M1/removal", {}), WRITERS, "MilestoneRemoved"),
    "cadence.plan_cadence": Write(
        lambda w: ("/plan/check-in-cadence", {"days": str(2 + next(_serial) % 300)}), CCO,
        "CheckInCadenceSet"),
    "cadence.commitment_cadence": Write(
        _on_commitment("check-in-cadence", {"days": "5"}), WRITERS, "CheckInCadenceSet"),
}


def _pattern(w: World, cited_by: UUID | None = None) -> str:
    pid = w.tracker.publish_pattern(w.org.cco, title=f"Pattern number {next(_serial)}",
                                    text="One owner per case.").id
    if cited_by is not None:
        w.tracker.cite_pattern(w.org.cco, cited_by, pattern_id=pid)
    return str(pid)


def _library_lead(w: World, allowed: bool = False) -> str:
    """A fresh IT lead; the pattern library exists (a first grant opens it, an event of its own)."""
    email = _new_member(w, role="lead", department="it")
    w.tracker.grant_pattern_publisher(w.org.cco, email)
    if not allowed:
        w.tracker.revoke_pattern_publisher(w.org.cco, email)
    return email


def _citation(w: World, cited: bool) -> Prepared:
    cid = _commitment(w)
    pid = _pattern(w, cited_by=cid if cited else None)
    return ("/patterns/uncite" if cited else "/patterns/cite"), {"commitment_id": str(cid), "pattern_id": pid}


WRITES.update({
    "patterns.publish": Write(lambda w: ("/patterns/", {
        "title": f"Published in the matrix {next(_serial)}", "text": "Reply within the hour.",
        "journeys": "support", "links": "Script | https://example.com/script"}), CCO, "Published"),
    "patterns.revise": Write(lambda w: (f"/patterns/{_pattern(w)}/revise", {
        "title": "Revised in the matrix", "text": "Reply within 30 minutes.", "reason": "Faster"}),
        CCO, "Revised"),
    "patterns.retire": Write(lambda w: (f"/patterns/{_pattern(w)}/retire", {"reason": "Superseded"}),
                             CCO, "Retired"),
    "patterns.grant_publisher": Write(
        lambda w: ("/patterns/publishers", {"member": _library_lead(w)}), CCO, "PublisherGranted"),
    "patterns.revoke_publisher": Write(
        lambda w: ("/patterns/publishers/revoke", {"member": _library_lead(w, allowed=True)}), CCO,
        "PublisherRevoked"),
    "patterns.cite": Write(lambda w: _citation(w, cited=False), WRITERS, "PatternCited"),
    "patterns.uncite": Write(lambda w: _citation(w, cited=True), WRITERS, "PatternUncited"),
})
# Signing in and out change no plan data; tests/web/test_security.py covers them.
NOT_IN_MATRIX = {"auth.login": "test_security.py", "auth.logout": "test_security.py",
                 # API tokens are no plan data; the API takes bearer tokens, not sessions.
                 "tokens.create": "tests/api/test_token_page.py",
                 "tokens.revoke": "tests/api/test_token_page.py",
                 "importing.preview": "tests/importing/test_import_page.py",
                 "importing.confirm": "tests/importing/test_import_page.py",
                 "api.make_commitment": "tests/api/test_api.py",
                 "api.report_progress": "tests/api/test_api.py",
                 "api.add_note": "tests/api/test_api.py",
                 "api.record_measurement": "tests/api/test_api.py",
                 **{f"api.{name}": "tests/api/test_pattern_writes.py" for name in (
                     "publish_pattern", "revise_pattern", "retire_pattern", "cite_pattern",
                     "uncite_pattern", "grant_publisher", "revoke_publisher")},
                 # Passwords change the accounts store, never the log: tests/web/test_passwords.py.
                 "passwords.change": "test_passwords.py", "passwords.set_with_link": "test_passwords.py",
                 "members.reset_password": "test_passwords.py",
                 "members.password_link": "test_passwords.py",
                 # A member's own inbox and preferences, and the signed unsubscribe link (no
                 # sign-in, no CSRF token by design): tests/web/test_inbox.py.
                 "inbox.mark_read": "test_inbox.py", "inbox.mark_all_read": "test_inbox.py",
                 "inbox.save_preferences": "test_inbox.py", "inbox.unsubscribe": "test_inbox.py",
                 # Closing the overview would change what the page table reads: tried per role
                 # on an organisation of its own in test_cross_functional.py.
                 "crossfunctional.overview_access": "test_cross_functional.py"}


def _routes(app, methods: set[str]) -> set[str]:  # type: ignore[no-untyped-def]
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.methods & methods}


def test_every_state_changing_route_is_in_the_matrix(world):
    routes = _routes(world.app, STATE_CHANGING)
    assert routes - WRITES.keys() - NOT_IN_MATRIX.keys() == set(), "add the new route to WRITES"
    assert WRITES.keys() - routes == set(), "WRITES names a route that no longer exists"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_each_role_may_use_exactly_the_writes_its_role_allows(world, endpoint, role):
    write = WRITES[endpoint]
    path, form = write.prepare(world)
    client, before = world.clients[role], world.tracker.head()
    if role in write.allowed:
        response = client.post(path, data={**form, "csrf_token": world.tokens[role]})
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
        recorded = events_after(world.tracker, before)
        assert [event_name(e) for e in recorded] == [write.records]
        assert recorded[0].actor == world.member(role)
        return
    with unchanged(world.tracker):
        response = client.post(path, data={**form, "csrf_token": world.tokens[role]})
    if role in SIGNED_OUT:
        assert is_login_redirect(response), response.status_code
    else:
        assert response.status_code == 403, response.get_data(as_text=True)[:800]
        assert "Not allowed" in response.get_data(as_text=True)


@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_a_refused_htmx_write_answers_403_with_a_notice_and_no_page(world, endpoint):
    path, form = WRITES[endpoint].prepare(world)
    # an executive changes nothing but approving scorecards (refused to auditors too)
    role = "auditor" if "executive" in WRITES[endpoint].allowed else "executive"
    with unchanged(world.tracker):
        response = world.clients[role].post(
            path, data={**form, "csrf_token": world.tokens[role]}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert 'class="notice notice-error"' in html and "<html" not in html


# CSRF: tried as the CCO, whom every write route would otherwise obey.

FORGERIES = {  # (which token, sent by htmx in the header rather than in the form)
    "a plain form post without a token": (None, False),
    "a plain form post with a made-up token": ("made-up", False),
    "a plain form post with another session's token": ("another session's", False),
    "an htmx request without the header": (None, True),
    "an htmx request with a made-up header": ("made-up", True),
    "an htmx request with another session's header": ("another session's", True),
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_a_write_without_a_valid_csrf_token_is_refused_and_records_nothing(world, endpoint, forgery):
    path, form = WRITES[endpoint].prepare(world)
    kind, htmx = FORGERIES[forgery]
    token = {"made-up": "forged", "another session's": world.tokens["lead"]}.get(kind or "")
    sent = {} if token is None else {"X-CSRFToken" if htmx else "csrf_token": token}
    with unchanged(world.tracker):
        if htmx:
            response = world.clients["cco"].post(path, data=form, headers={"HX-Request": "true", **sent})
        else:
            response = world.clients["cco"].post(path, data={**form, **sent})
    assert response.status_code == 400
    assert "This form has expired or was not sent by this site" in response.get_data(as_text=True)


@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_an_htmx_write_may_carry_its_csrf_token_in_the_header_alone(world, endpoint):
    write = WRITES[endpoint]
    path, form = write.prepare(world)
    before = world.tracker.head()
    role = "cco" if "cco" in write.allowed else min(write.allowed)  # a scorecard's lead, an executive
    response = world.clients[role].post(
        path, data=form, headers={"HX-Request": "true", "X-CSRFToken": world.tokens[role]})
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    assert [event_name(e) for e in events_after(world.tracker, before)] == [write.records]


# Reading: which roles see which page. "login" means redirected to the sign-in page.

OK, REFUSED, LOGIN = 200, 403, "login"
READERS = {"cco": OK, "lead": OK, "other_lead": OK, "executive": OK, "auditor": OK, "no_role": REFUSED}
# The overview pages: shared understanding, every member with a role (until the CCO closes them
# to some roles: test_cross_functional.py).
OVERVIEW = READERS
# The CCO, executive viewers and auditors (the scorecards' overseers).
OVERSEERS = {"cco": OK, "lead": REFUSED, "other_lead": REFUSED, "executive": OK, "auditor": OK,
             "no_role": REFUSED}
AUDITORS = {"cco": OK, "lead": REFUSED, "other_lead": REFUSED, "executive": REFUSED, "auditor": OK,
            "no_role": REFUSED}
MAKERS = {"cco": OK, "lead": OK, "other_lead": OK, "executive": REFUSED, "auditor": REFUSED,
          "no_role": REFUSED}
SIGNED_OUT_STATUS: dict[str, int | str] = {"deactivated": LOGIN, "anonymous": LOGIN}


@dataclass(frozen=True)
class Page:
    path: Callable[[World], str]
    status: dict[str, int | str]  # per role


def _fixed(path: str) -> Callable[[World], str]:
    return lambda w: path


def _signed_in(statuses: dict[str, int | str]) -> dict[str, int | str]:
    return {**statuses, **SIGNED_OUT_STATUS}


EVERYONE = {role: OK for role in ROLES}
PAGES: dict[str, Page] = {
    "dashboard.index": Page(_fixed("/dashboard/"), _signed_in(OVERVIEW)),
    "timeline.index": Page(_fixed("/timeline/"), _signed_in(OVERVIEW)),
    "timeline.chart": Page(_fixed("/timeline/chart"), _signed_in(OVERVIEW)),
    "accountability.index": Page(_fixed("/accountability/"), _signed_in(OVERVIEW)),
    "report.index": Page(_fixed("/report/"), _signed_in(OVERVIEW)),
    "board.index": Page(_fixed("/board/"), _signed_in(READERS)),
    "roadblocks.index": Page(_fixed("/roadblocks/"), _signed_in(READERS)),
    "commitments.show": Page(lambda w: f"/commitments/{_commitment(w)}", _signed_in(READERS)),
    "commitments.actions": Page(lambda w: f"/commitments/{_commitment(w)}/actions", _signed_in(READERS)),
    "commitments.act": Page(lambda w: f"/commitments/{_commitment(w)}/act", _signed_in(READERS)),
    "kpis.index": Page(_fixed("/kpis/"), _signed_in(READERS)),
    "celebrations.index": Page(_fixed("/celebrations/"), _signed_in(READERS)),
    "plan.index": Page(_fixed("/plan/"), _signed_in(READERS)),
    "members.index": Page(_fixed("/members/"), _signed_in(READERS)),
    "audit.index": Page(_fixed("/audit/"), _signed_in({**AUDITORS, "cco": 302, "auditor": 302})),
    "audit.history": Page(_fixed("/audit/history"), _signed_in(AUDITORS)),
    "audit.story": Page(lambda w: f"/audit/commitments/{_commitment(w)}", _signed_in(AUDITORS)),
    "audit.as_of_dashboard": Page(_fixed("/audit/as-of?day=2026-03-01"), _signed_in(AUDITORS)),
    "audit.as_of_board": Page(_fixed("/audit/as-of/board?day=2026-03-01"), _signed_in(AUDITORS)),
    "audit.as_of_accountability": Page(_fixed("/audit/as-of/accountability?day=2026-03-01"),
                                       _signed_in(AUDITORS)),
    "audit.as_of_scorecards": Page(_fixed("/audit/as-of/scorecards?day=2026-03-01"),
                                   _signed_in(AUDITORS)),
    # Every reader has the index (a lead: their own); a scorecard is read by the overseers and
    # its own lead.
    "scorecards.index": Page(_fixed("/scorecards/"), _signed_in(READERS)),
    "scorecards.show": Page(lambda w: f"/scorecards/{_scorecard(w)}",
                            _signed_in({**OVERSEERS, "lead": OK})),
    "audit.diff": Page(_fixed("/audit/diff?from=2026-03-01&to=2026-03-02"), _signed_in(AUDITORS)),
    "board.new_commitment": Page(_fixed("/commitments/new"), _signed_in(MAKERS)),
    "auth.login": Page(_fixed("/login"), {**{r: 302 for r in ROLES}, **{r: OK for r in SIGNED_OUT}}),
    "home.index": Page(_fixed("/"), _signed_in({**{r: 302 for r in READERS}, "no_role": REFUSED})),
    "home.favicon": Page(_fixed("/favicon.ico"), {r: 301 for r in ROLES}),
    "static": Page(_fixed("/static/app.css"), EVERYONE),
    "inbox.index": Page(_fixed("/inbox/"), _signed_in({**READERS, "no_role": OK})),
    "inbox.preferences": Page(_fixed("/inbox/preferences"), _signed_in({**READERS, "no_role": OK})),
    "inbox.outbox": Page(_fixed("/inbox/outbox"), _signed_in(
        {**{r: REFUSED for r in READERS}, "cco": OK})),
    "inbox.unsubscribe_page": Page(_fixed("/inbox/unsubscribe/not-a-token"), EVERYONE),
    "exports.history_csv": Page(_fixed("/exports/history.csv"), _signed_in(AUDITORS)),
    "exports.history_jsonl": Page(_fixed("/exports/history.jsonl"), _signed_in(AUDITORS)),
    "exports.board_csv": Page(_fixed("/exports/board.csv"), _signed_in(READERS)),
    "exports.accountability_departments": Page(_fixed("/exports/accountability-departments.csv"),
                                               _signed_in(OVERVIEW)),
    "exports.accountability_owners": Page(_fixed("/exports/accountability-owners.csv"),
                                          _signed_in(OVERVIEW)),
    "tokens.index": Page(_fixed("/account/tokens/"), _signed_in({r: OK for r in READERS})),
    "importing.index": Page(_fixed("/import/"), _signed_in({**{r: REFUSED for r in READERS}, "cco": OK})),
    "importing.template": Page(_fixed("/import/template.xlsx"), _signed_in({r: OK for r in READERS})),
    "importing.template_as_csv": Page(_fixed("/import/template.csv"), _signed_in({r: OK for r in READERS})),
    # The API takes bearer tokens only: a browser session, signed in or not, gets 401.
    "api.openapi": Page(_fixed("/api/v1/openapi.json"), EVERYONE),
    "api.list_commitments": Page(_fixed("/api/v1/commitments"), {r: 401 for r in ROLES}),
    "api.get_commitment": Page(lambda w: f"/api/v1/commitments/{_commitment(w)}", {r: 401 for r in ROLES}),
    "api.timeline": Page(_fixed("/api/v1/timeline"), {r: 401 for r in ROLES}),
    "api.accountability_figures": Page(_fixed("/api/v1/accountability"), {r: 401 for r in ROLES}),
    "api.list_kpis": Page(_fixed("/api/v1/kpis"), {r: 401 for r in ROLES}),
    "api.get_kpi": Page(_fixed("/api/v1/kpis/nps"), {r: 401 for r in ROLES}),
    "api.list_patterns": Page(_fixed("/api/v1/patterns"), {r: 401 for r in ROLES}),
    "api.get_pattern": Page(lambda w: f"/api/v1/patterns/{_pattern(w)}", {r: 401 for r in ROLES}),
    "api.get_pattern_version": Page(lambda w: f"/api/v1/patterns/{_pattern(w)}/versions/1",
                                    {r: 401 for r in ROLES}),
    "api.cited_patterns": Page(lambda w: f"/api/v1/commitments/{_commitment(w)}/patterns",
                               {r: 401 for r in ROLES}),
    "api.list_scorecards": Page(_fixed("/api/v1/scorecards"), {r: 401 for r in ROLES}),
    "api.get_scorecard": Page(lambda w: f"/api/v1/scorecards/{_scorecard(w)}",
                              {r: 401 for r in ROLES}),
    "passwords.change": Page(_fixed("/account/password"), _signed_in({**READERS, "no_role": OK})),
    "passwords.set_with_link": Page(_fixed("/password/set/no-such-link"), {r: 404 for r in ROLES}),
    "patterns.index": Page(_fixed("/patterns/?q=pattern"), _signed_in(READERS)),
    "patterns.show": Page(lambda w: f"/patterns/{_pattern(w)}", _signed_in(READERS)),
    "patterns.version": Page(lambda w: f"/patterns/{_pattern(w)}/v/1", _signed_in(READERS)),
    "patterns.new": Page(_fixed("/patterns/new"), _signed_in({**{r: REFUSED for r in READERS}, "cco": OK})),
    "patterns.revise_form": Page(lambda w: f"/patterns/{_pattern(w)}/revise",
                                 _signed_in({**{r: REFUSED for r in READERS}, "cco": OK})),
    "audit.as_of_patterns": Page(_fixed("/audit/as-of/patterns?day=2026-03-01"), _signed_in(AUDITORS)),
}


def test_every_page_is_in_the_page_table(world):
    routes = _routes(world.app, {"GET"})
    assert routes - PAGES.keys() == set(), "add the new page to PAGES"
    assert PAGES.keys() - routes == set(), "PAGES names a page that no longer exists"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(PAGES))
def test_each_role_reads_exactly_the_pages_its_role_allows(world, endpoint, role):
    page = PAGES[endpoint]
    expected = page.status[role]
    path = page.path(world)
    with unchanged(world.tracker), world.clients[role].get(path) as response:  # reading records nothing
        html = response.get_data().decode(errors="replace")  # the .xlsx template is binary
    assert_strict_csp(response)
    if expected == LOGIN:
        assert is_login_redirect(response), response.status_code
    else:
        assert response.status_code == expected, html[:800]
    if response.status_code == REFUSED:
        assert "Not allowed" in html


HOME_FOR = {"cco": "/dashboard/", "executive": "/dashboard/", "lead": "/board/", "other_lead": "/board/",
            "auditor": "/audit/history"}


@pytest.mark.parametrize("role", sorted(HOME_FOR))
def test_the_start_page_sends_each_role_where_its_work_is(world, role):
    response = world.clients[role].get("/")
    assert response.headers["Location"] == HOME_FOR[role]


def test_a_member_without_a_role_is_told_to_ask_the_cco_for_one(world):
    response = world.clients["no_role"].get("/")
    assert response.status_code == REFUSED
    assert "ask the chief customer officer to grant you one" in response.get_data(as_text=True)
