"""The demo's CX pattern library: a dozen patterns the CCO (and the Customer Service lead she
allows) publish over the story, a few revisions and a retirement, and commitments citing them.

"Acknowledge every complaint within one hour" is published early, cited by three commitments
around day 150 and revised on day 160: the plan as of day 155 shows its first version.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.demo import catalogue as cat
from tracker.demo.timeline import Action, Cast, Timeline
from tracker.errors import NotAllowed

CCO = cat.CCO_PERSON.email
PUBLISHER = cat.head_of("customer-service")  # the lead the CCO allows to publish
GRANT_DAY = 44
CITE_DAY = 150
ACKNOWLEDGE_REVISION_DAY = 160


@dataclass(frozen=True)
class PatternSpec:
    key: str
    title: str
    text: str
    journeys: tuple[str, ...]
    departments: tuple[str, ...]
    links: tuple[tuple[str, str], ...] = ()
    day: int = 20
    by: str = CCO


PATTERNS: tuple[PatternSpec, ...] = (
    PatternSpec(
        "acknowledge", "Acknowledge every complaint within one hour",
        "A customer who complains wants to know **someone has it**. Within one working hour:\n\n"
        "- reply personally (no auto-responder) and use their words back to them;\n"
        "- name the person who now owns the case;\n"
        "- say when they will hear from us next, and keep that promise.\n\n"
        "Measured by first-response time on complaints; see the complaint script.",
        ("support",), ("customer-service", "operations"),
        (("Complaint acknowledgement script", "https://intranet.example.com/cx/complaint-script"),),
        day=22),
    PatternSpec(
        "one-owner", "One owner per case",
        "Every case has **exactly one named owner** from first contact to closure. Hand-offs are "
        "allowed, but the owner only changes when the new owner has said yes.\n\n"
        "The customer never has to explain the problem twice.",
        ("support", "onboarding"), ("customer-service", "it", "operations"), day=50, by=PUBLISHER),
    PatternSpec(
        "plain-invoices", "Plain-language invoices",
        "Invoices are read by people, not accountants. Each line says what the customer used, "
        "in the words of the product, with the period and the unit price.\n\n"
        "1. No internal SKU codes on the invoice.\n2. A one-line summary at the top.\n"
        "3. A named contact for questions.",
        ("renewal", "usage"), ("finance",),
        (("Invoice style guide", "https://intranet.example.com/finance/invoice-style"),
         ("Ask Finance", "mailto:billing@example.com")), day=28),
    PatternSpec(
        "warm-handoff", "Warm hand-offs between teams",
        "When a customer moves from one team to the next (Sales to Onboarding, Onboarding to "
        "Support), the two people **meet the customer together once**, and the brief travels "
        "with the customer.",
        ("buying", "onboarding"), ("sales", "operations"), day=31),
    PatternSpec(
        "bad-news-first", "Tell bad news before the customer finds it",
        "A delay, an outage or a price change is told to the customer **before** they notice, "
        "with what we are doing about it and when they will hear next.",
        ("support", "usage"), ("operations", "it", "customer-service"),
        (("Status page", "https://status.example.com"),), day=36),
    PatternSpec(
        "close-the-loop", "Close the loop with every detractor",
        "A customer who scores 0-6 gets a call from a person within 48 hours: listen, fix what "
        "can be fixed, and tell them what changed because of their feedback.",
        ("support", "renewal"), ("customer-service",), day=57, by=PUBLISHER),
    PatternSpec(
        "customer-words", "Write in the customer's words",
        "Release notes, help articles and e-mails use the words customers use in tickets, "
        "not our internal names. Read it aloud: if it sounds like a contract, rewrite it.",
        ("usage", "awareness"), ("product-development", "marketing"), day=40),
    PatternSpec(
        "callback", "Offer a callback instead of a queue",
        "No customer waits on hold for more than five minutes: offer a callback at a time "
        "they choose, and call at that time.",
        ("support",), ("customer-service", "it"), day=64, by=PUBLISHER),
    PatternSpec(
        "welcome-call", "A welcome call in the first two days",
        "Within two business days of signing, a person calls to agree the first goal and the "
        "date of first value. Put it in writing the same day.",
        ("onboarding",), ("operations", "sales"), day=45),
    PatternSpec(
        "exec-listening", "Executives listen to customers monthly",
        "Every executive joins at least one live customer call a month and shares one thing "
        "they learned at the leadership meeting.",
        ("support", "renewal"), ("executive-leadership",), day=70),
    PatternSpec(
        "renewal-review", "Renewal review 90 days out",
        "Ninety days before a renewal, the account team reviews usage, open tickets and "
        "detractor scores, and agrees one action with the customer.",
        ("renewal",), ("sales", "customer-service"), day=76),
    PatternSpec(
        "nps-readout", "Weekly NPS readout to all staff",
        "Every Monday, the week's NPS comments are shared with all staff, unedited.",
        ("support",), ("marketing",), day=33),
)

# (pattern, offset, actor, reason, changes)
REVISIONS: tuple[tuple[str, int, str, str, dict[str, object]], ...] = (
    ("one-owner", 120, PUBLISHER, "Agents asked for the hand-off rule to be explicit",
     {"text": "Every case has **exactly one named owner** from first contact to closure.\n\n"
              "- A hand-off needs the new owner's yes, recorded on the case.\n"
              "- The customer is told the new owner's name the same day.\n\n"
              "The customer never has to explain the problem twice."}),
    ("acknowledge", ACKNOWLEDGE_REVISION_DAY, CCO,
     "Weekend chat is staffed now: the hour counts on weekends too",
     {"title": "Acknowledge every complaint within one hour, seven days a week",
      "journeys": ["support", "renewal"]}),
)
RETIREMENTS: tuple[tuple[str, int, str], ...] = (
    ("nps-readout", 140, "Replaced by the monthly voice-of-the-customer digest"),
)
# (pattern, commitment keys citing it)
CITATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("acknowledge", ("cs-priority-response", "cs-detractor-loop", "ops-delay-notices")),
    ("plain-invoices", ("fin-plain-invoices", "pd-release-notes")),
    ("one-owner", ("cs-callback", "it-crm-tickets")),
    ("warm-handoff", ("sales-deal-handoff", "ops-welcome-call")),
    ("close-the-loop", ("cs-detractor-loop",)),
    ("bad-news-first", ("it-status-page", "ops-delay-notices")),
)


def plan_patterns(timeline: Timeline) -> None:
    cal = timeline.calendar
    ids: dict[str, object] = {}
    timeline.add(cal.at(GRANT_DAY, 8, 50), lambda c: c.app.grant_pattern_publisher(
        c.member(CCO), PUBLISHER))
    for i, p in enumerate(PATTERNS):
        timeline.add(cal.at(p.day, 13, 5 + i), _publish(p, ids))
    for key, offset, actor, reason, changes in REVISIONS:
        timeline.add(cal.at(offset, 14, 10), _revise(key, actor, reason, changes, ids))
    for key, offset, reason in RETIREMENTS:
        timeline.add(cal.at(offset, 15, 40), _retire(key, reason, ids))
    n = 0
    for key, commitments in CITATIONS:
        for commitment in commitments:
            timeline.add(cal.at(CITE_DAY + n // 6, 10, 5 * (n % 6)), _cite(key, commitment, ids))
            n += 1


def _publish(p: PatternSpec, ids: dict[str, object]) -> Action:
    def act(c: Cast) -> object:
        receipt = c.app.publish_pattern(
            c.member(p.by), title=p.title, text=p.text, journeys=p.journeys,
            departments=p.departments, links=[{"label": lb, "url": u} for lb, u in p.links],
            idempotency_key=f"demo:{p.key}")  # a deterministic id: the same day, the same log
        ids[p.key] = receipt.id
        return receipt
    return act


def _revise(key: str, actor: str, reason: str, changes: dict[str, object],
            ids: dict[str, object]) -> Action:
    def act(c: Cast) -> object:
        now = c.app.pattern(ids[key])  # type: ignore[arg-type]
        content = {f: now[f] for f in ("title", "text", "journeys", "departments", "links")}
        return c.app.revise_pattern(c.member(actor), ids[key], reason=reason,  # type: ignore[arg-type]
                                    **{**content, **changes})
    return act


def _retire(key: str, reason: str, ids: dict[str, object]) -> Action:
    return lambda c: c.app.retire_pattern(c.member(CCO), ids[key], reason=reason)  # type: ignore[arg-type]


def _cite(key: str, commitment: str, ids: dict[str, object]) -> Action:
    """The commitment's department head cites it (the CCO when the head may not)."""
    def act(c: Cast) -> object:
        cid = c.commitments[commitment]
        head = cat.head_of(c.app.commitment(cid)["department"])
        try:
            return c.app.cite_pattern(c.member(head), cid, pattern_id=ids[key])  # type: ignore[arg-type]
        except NotAllowed:
            return c.app.cite_pattern(c.member(CCO), cid, pattern_id=ids[key])  # type: ignore[arg-type]
    return act
