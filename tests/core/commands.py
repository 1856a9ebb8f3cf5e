"""Every state-changing command of the service, issued with valid arguments in a known world.

The authorization matrix and the "deactivated member" rule run each of them as different actors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from tests.conftest import PASSWORD, Org
from tracker.application import CxTracker
from tracker.domain import member_id

NEW_PASSWORD = "a-brand-new-password"
TARGET_EMAIL = "target@example.com"  # a plain executive viewer that member commands act upon
FORMER_LEAD_EMAIL = "former.lead@example.com"  # once a customer-service lead, now deactivated


@dataclass
class World:
    """The small organisation plus a customer-service commitment with a roadblock IT was asked about."""

    org: Org
    commitment: UUID
    roadblock: str
    former_lead: UUID

    @property
    def app(self) -> CxTracker:
        return self.org.app

    def email_of(self, actor: UUID) -> str:
        return str(self.app.member(actor)["email"])


def build_world(org: Org) -> World:
    app = org.app
    commitment = org.commitment()
    roadblock = app.raise_roadblock(
        org.support_lead, commitment, description="The ticketing tool times out", help_from="it"
    ).roadblock_id
    app.register_member(org.cco, email=TARGET_EMAIL, name="Tia Target", password=PASSWORD,
                        role="executive")
    app.register_member(org.cco, email=FORMER_LEAD_EMAIL, name="Fred Former", password=PASSWORD,
                        role="lead", department="customer-service")
    app.deactivate_member(org.cco, email=FORMER_LEAD_EMAIL, reason="Left the company")
    return World(org, commitment, roadblock, member_id(FORMER_LEAD_EMAIL))


Command = Callable[[World, UUID], object]

COMMANDS: dict[str, Command] = {
    "make_commitment": lambda w, a: w.app.make_commitment(
        a, department="customer-service", title="Publish a status page", due_date="2026-05-01",
        owner="lead.customer-service@example.com"),
    "report_progress": lambda w, a: w.app.report_progress(a, w.commitment, percent=40),
    "move_due_date": lambda w, a: w.app.move_due_date(
        a, w.commitment, due_date="2026-07-31", reason="Tool migration slipped"),
    "hand_over": lambda w, a: w.app.hand_over(
        a, w.commitment, new_owner="cco@example.com", reason="Needs executive weight"),
    "raise_roadblock": lambda w, a: w.app.raise_roadblock(
        a, w.commitment, description="No budget for extra staff"),
    "request_help": lambda w, a: w.app.request_help(
        a, w.commitment, roadblock_id=w.roadblock, department="sales"),
    "resolve_roadblock": lambda w, a: w.app.resolve_roadblock(
        a, w.commitment, roadblock_id=w.roadblock, resolution="Timeouts fixed", helped_by="it"),
    "complete": lambda w, a: w.app.complete(a, w.commitment, evidence="Median reply 3h 10m"),
    "withdraw": lambda w, a: w.app.withdraw(a, w.commitment, reason="Superseded"),
    "celebrate": lambda w, a: w.app.celebrate(a, w.commitment, message="Great teamwork!"),
    "add_note": lambda w, a: w.app.add_note(a, w.commitment, text="Spoke to the vendor today"),
    "revise_vision": lambda w, a: w.app.revise_vision(a, "Customers never have to ask twice."),
    "add_department": lambda w, a: w.app.add_department(a, "marketing", "Marketing"),
    "endorse_vision": lambda w, a: w.app.endorse_vision(a, "customer-service"),
    "define_journey": lambda w, a: w.app.define_journey(a, "onboarding", "Onboarding", "sales"),
    "change_journey_lead": lambda w, a: w.app.change_journey_lead(a, "support", "it"),
    "define_kpi": lambda w, a: w.app.define_kpi(
        a, key="csat", name="Customer satisfaction", unit="%", baseline=71, target=85,
        target_date="2026-12-31"),
    "record_measurement": lambda w, a: w.app.record_measurement(
        a, key="nps", value=17, measured_on="2026-02-28"),
    "register_member": lambda w, a: w.app.register_member(
        a, email="new.person@example.com", name="New Person", password=PASSWORD,
        role="executive"),
    "grant_role": lambda w, a: w.app.grant_role(a, email=TARGET_EMAIL, role="auditor"),
    "revoke_role": lambda w, a: w.app.revoke_role(a, email=TARGET_EMAIL, role="executive"),
    "deactivate_member": lambda w, a: w.app.deactivate_member(
        a, email=TARGET_EMAIL, reason="Left the board"),
    "change_own_password": lambda w, a: w.app.change_password(
        a, email=w.email_of(a), password=NEW_PASSWORD, current_password=PASSWORD),
    "reset_another_members_password": lambda w, a: w.app.change_password(
        a, email=TARGET_EMAIL, password=NEW_PASSWORD),
}

# Commands that change only the accounts store, never the event log.
ACCOUNT_ONLY = {"change_own_password", "reset_another_members_password"}
