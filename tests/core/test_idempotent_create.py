"""A create form sent twice makes one commitment: the form's idempotency key decides the new
commitment's id, so a repeat (one after the other, or at the same instant from two threads)
gets the first one's receipt and the log holds one Made event."""

from __future__ import annotations

import contextvars
import threading

from tests.conftest import Org

FORM = dict(department="customer-service", title="Answer every ticket within 4 hours",
            due_date="2026-06-30", owner="lead.customer-service@example.com")


def _made(org: Org) -> int:
    notifications = org.app.recorder.select_notifications(start=1, limit=100_000)
    return sum(n.topic == "cx-tracker/commitment/Made" for n in notifications)


def test_the_same_key_twice_makes_one_commitment(org: Org) -> None:
    first = org.app.make_commitment(org.support_lead, **FORM, idempotency_key="k-1")
    again = org.app.make_commitment(org.support_lead, **FORM, idempotency_key="k-1")
    assert again.id == first.id and _made(org) == 1


def test_different_keys_or_no_key_make_different_commitments(org: Org) -> None:
    ids = {org.app.make_commitment(org.support_lead, **FORM, idempotency_key=key).id
           for key in ("k-1", "k-2", None, None)}
    assert len(ids) == 4 and _made(org) == 4


def test_the_same_key_from_another_member_is_another_commitment(org: Org) -> None:
    mine = org.app.make_commitment(org.support_lead, **FORM, idempotency_key="k-1")
    theirs = org.app.make_commitment(org.cco, **FORM, idempotency_key="k-1")
    assert mine.id != theirs.id and _made(org) == 2


def test_two_identical_requests_at_the_same_instant_make_one_commitment(org: Org) -> None:
    barrier, receipts, errors = threading.Barrier(2), [], []

    def submit() -> None:
        barrier.wait()
        try:
            receipts.append(org.app.make_commitment(org.support_lead, **FORM, idempotency_key="twin"))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    # Each thread runs in a copy of this context, so it sees the test's frozen clock.
    threads = [threading.Thread(target=contextvars.copy_context().run, args=(submit,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({r.id for r in receipts}) == 1 and _made(org) == 1


def test_a_refused_create_does_not_use_up_its_key(org: Org) -> None:
    import pytest

    from tracker.errors import Invalid

    with pytest.raises(Invalid):
        org.app.make_commitment(org.support_lead, **{**FORM, "title": "ab"}, idempotency_key="k-1")
    made = org.app.make_commitment(org.support_lead, **FORM, idempotency_key="k-1")
    assert org.app.commitment(made.id)["title"] == FORM["title"]


def test_when_the_twin_stores_first_the_event_store_refuses_the_second_creation(
    org: Org, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    first = org.app.make_commitment(org.support_lead, **FORM, idempotency_key="k-1")
    # As if the twin request had looked before the first one was stored.
    monkeypatch.setattr(type(org.app.repository), "__contains__", lambda self, item: False)
    again = org.app.make_commitment(org.support_lead, **FORM, idempotency_key="k-1")
    assert again.id == first.id and _made(org) == 1
