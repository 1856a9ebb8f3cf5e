"""The CX pattern library's commands: who may publish, revise, retire, allow leads and cite;
versions kept; links and ids checked."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from tests.conftest import NOW, Org
from tracker import clock
from tracker.domain import Commitment, Pattern
from tracker.errors import Invalid, NotAllowed, NotFound

SUPPORT_LEAD = "lead.customer-service@example.com"


def publish(org: Org, actor: UUID | None = None, **overrides: object) -> UUID:
    fields: dict[str, object] = dict(
        title="Acknowledge every complaint within one hour",
        text="Reply **personally** within the hour.", journeys=["support"],
        departments=["customer-service"],
        links=[{"label": "Script", "url": "https://intranet.example.com/script"}])
    fields.update(overrides)
    return org.app.publish_pattern(actor or org.cco, **fields).id  # type: ignore[arg-type]


def test_the_cco_publishes_revises_and_retires_and_every_version_is_kept(org: Org) -> None:
    pid = publish(org)
    org.app.revise_pattern(org.cco, pid, title="Acknowledge every complaint within 30 minutes",
                           text="Reply within half an hour.", journeys=["support"],
                           departments=[], links="Script v2 | https://intranet.example.com/v2",
                           reason="Customers expect faster now")
    pattern = org.app.repository.get(pid)
    assert isinstance(pattern, Pattern)
    assert [r["title"] for r in pattern.revisions] == [
        "Acknowledge every complaint within one hour", "Acknowledge every complaint within 30 minutes"]
    assert pattern.revisions[0]["links"] == [{"label": "Script", "url": "https://intranet.example.com/script"}]
    assert pattern.current["links"] == [{"label": "Script v2", "url": "https://intranet.example.com/v2"}]
    org.app.retire_pattern(org.cco, pid, reason="Superseded")
    assert org.app.pattern(pid)["retired"] is True
    with pytest.raises(Invalid) as refused:
        org.app.revise_pattern(org.cco, pid, title="x" * 5, text="again", reason="why")
    assert "retired" in str(refused.value)


def test_a_revision_needs_a_reason_and_a_change(org: Org) -> None:
    pid = publish(org)
    same = dict(title="Acknowledge every complaint within one hour",
                text="Reply **personally** within the hour.", journeys=["support"],
                departments=["customer-service"],
                links=[{"label": "Script", "url": "https://intranet.example.com/script"}])
    with pytest.raises(Invalid) as no_reason:
        org.app.revise_pattern(org.cco, pid, reason="", **same)  # type: ignore[arg-type]
    assert "reason" in no_reason.value.errors
    with pytest.raises(Invalid) as no_change:
        org.app.revise_pattern(org.cco, pid, reason="tidy", **same)  # type: ignore[arg-type]
    assert "nothing to revise" in str(no_change.value)


def test_a_refused_revision_names_every_bad_field_the_reason_too(org: Org) -> None:
    pid = publish(org)
    with pytest.raises(Invalid) as refused:
        org.app.revise_pattern(org.cco, pid, title="x", text="Reply.", journeys=["nowhere"],
                               reason=" ")
    assert set(refused.value.errors) == {"title", "journeys", "reason"}


def test_a_lead_publishes_only_while_the_cco_allows_it_and_never_retires(org: Org) -> None:
    with pytest.raises(NotAllowed):
        publish(org, org.support_lead)
    org.app.grant_pattern_publisher(org.cco, SUPPORT_LEAD)
    assert org.app.pattern_publishers() == {org.support_lead}
    pid = publish(org, org.support_lead)
    cco_pid = publish(org, title="One owner per case")
    org.app.revise_pattern(org.support_lead, cco_pid, title="One owner per case, always",
                           text="One owner.", reason="Clearer")
    with pytest.raises(NotAllowed):
        org.app.retire_pattern(org.support_lead, pid, reason="mine")
    with pytest.raises(NotAllowed):  # another lead, not allowed
        publish(org, org.it_lead)
    org.app.revoke_pattern_publisher(org.cco, SUPPORT_LEAD)
    with pytest.raises(NotAllowed):
        publish(org, org.support_lead)
    with pytest.raises(NotAllowed):
        org.app.revise_pattern(org.support_lead, pid, title="Changed title", text="Changed", reason="x")


@pytest.mark.parametrize("who", ["support_lead", "executive", "auditor"])
def test_only_the_cco_grants_and_revokes_the_right_to_publish(org: Org, who: str) -> None:
    with pytest.raises(NotAllowed):
        org.app.grant_pattern_publisher(getattr(org, who), "lead.it@example.com")
    org.app.grant_pattern_publisher(org.cco, "lead.it@example.com")
    with pytest.raises(NotAllowed):
        org.app.revoke_pattern_publisher(getattr(org, who), "lead.it@example.com")


@pytest.mark.parametrize("who", ["executive", "auditor"])
def test_readers_neither_publish_nor_are_allowed_to(org: Org, who: str) -> None:
    with pytest.raises(NotAllowed):
        publish(org, getattr(org, who))
    with pytest.raises(Invalid) as refused:
        org.app.grant_pattern_publisher(org.cco, "ceo@example.com" if who == "executive" else "auditor@example.com")
    assert "leads no department" in str(refused.value)


def test_a_deactivated_member_can_do_nothing(org: Org) -> None:
    org.app.grant_pattern_publisher(org.cco, SUPPORT_LEAD)
    pid = publish(org)
    cid = org.commitment()
    with clock.frozen_at(NOW + timedelta(minutes=5)):
        org.app.deactivate_member(org.cco, email=SUPPORT_LEAD, reason="Left the company")
        for attempt in (lambda: publish(org, org.support_lead),
                        lambda: org.app.cite_pattern(org.support_lead, cid, pattern_id=pid),
                        lambda: org.app.revise_pattern(org.support_lead, pid, title="Other title",
                                                       text="Other", reason="x")):
            with pytest.raises(NotAllowed):
                attempt()
        with pytest.raises(Invalid):  # and the CCO cannot allow them again
            org.app.grant_pattern_publisher(org.cco, SUPPORT_LEAD)


def test_the_commitments_department_cites_live_patterns_only(org: Org) -> None:
    pid = publish(org)
    cid = org.commitment()
    with pytest.raises(NotAllowed):
        org.app.cite_pattern(org.it_lead, cid, pattern_id=pid)
    with pytest.raises(NotAllowed):
        org.app.cite_pattern(org.executive, cid, pattern_id=pid)
    org.app.cite_pattern(org.support_lead, cid, pattern_id=str(pid))
    commitment = org.app.repository.get(cid)
    assert isinstance(commitment, Commitment) and commitment.cited_patterns == [pid]
    with pytest.raises(Invalid, match="already cited"):
        org.app.cite_pattern(org.cco, cid, pattern_id=pid)
    org.app.uncite_pattern(org.cco, cid, pattern_id=pid)
    with pytest.raises(Invalid, match="not cited"):
        org.app.uncite_pattern(org.support_lead, cid, pattern_id=pid)
    org.app.retire_pattern(org.cco, pid, reason="Old")
    with pytest.raises(Invalid, match="retired"):
        org.app.cite_pattern(org.support_lead, cid, pattern_id=pid)


@pytest.mark.parametrize("ref", [str(uuid4()), "not-a-uuid", "", "'; DROP TABLE events; --"])
def test_unknown_pattern_ids_are_refused_cleanly(org: Org, ref: str) -> None:
    cid = org.commitment()
    with pytest.raises(Invalid) as refused:
        org.app.cite_pattern(org.support_lead, cid, pattern_id=ref)
    assert refused.value.errors == {"pattern": "no such pattern in the library"}
    with pytest.raises(NotFound):
        org.app.pattern(uuid4())


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<script>x</script>",
    "vbscript:msgbox(1)", "/relative/path", "//evil.example.com/x", "ftp://files.example.com",
    "https://", "https://exa mple.com", "mailto:nobody", 'https://x.example.com/"onmouseover=alert(1)',
])
def test_links_are_only_http_https_or_mailto(org: Org, url: str) -> None:
    with pytest.raises(Invalid) as refused:
        publish(org, links=[{"label": "x", "url": url}])
    assert "links" in refused.value.errors


def test_links_typed_one_a_line_and_journeys_must_exist(org: Org) -> None:
    pid = publish(org, links="Guide | https://example.com/guide\n\nmailto:cx@example.com\n")
    assert org.app.pattern(pid)["links"] == [
        {"label": "Guide", "url": "https://example.com/guide"},
        {"label": "mailto:cx@example.com", "url": "mailto:cx@example.com"}]
    with pytest.raises(Invalid) as refused:
        publish(org, journeys=["nowhere"], departments=["nobody"])
    assert set(refused.value.errors) == {"journeys", "departments"}


def test_publishing_twice_with_the_same_key_publishes_one_pattern(org: Org) -> None:
    first = org.app.publish_pattern(org.cco, title="One owner per case", text="One.",
                                    idempotency_key="form-1")
    again = org.app.publish_pattern(org.cco, title="One owner per case", text="One.",
                                    idempotency_key="form-1")
    other = org.app.publish_pattern(org.cco, title="One owner per case", text="One.",
                                    idempotency_key="form-2")
    assert first.id == again.id != other.id
    assert org.app.repository.get(first.id).version == 1
