"""Commitments of the customer-facing departments: Marketing, Sales, Operations, Customer Service."""

from __future__ import annotations

from tracker.demo.pledge import (
    AT_RISK, BLOCKED, KEPT, LATE, ON_TRACK, OVERDUE, WITHDRAWN, Block, Pledge,
)

FRONT_OFFICE: tuple[Pledge, ...] = (
    # Marketing
    Pledge(
        "mkt-pricing-page", "marketing", KEPT, owner="tom.becker", journey="awareness", kpi="churn",
        title="Rewrite the pricing page so it matches what Sales actually sells",
        description="Remove the 'from' prices that no customer pays, list every add-on and its price, "
        "and have Sales sign off the wording before publishing.",
        notes=("Draft reviewed with two account executives.", "Legal approved the add-on table."),
        evidence="New pricing page live; 'unexpected charge' contacts fell from 14 to 3 a month.",
    ),
    Pledge(
        "mkt-delivery-promises", "marketing", LATE, owner="lena.fischer", journey="awareness",
        title="Set honest delivery-time expectations in every campaign e-mail",
        description="Replace 'live in a day' with the real median set-up time, per plan, updated monthly.",
        notes=("Audit of 38 live campaign templates done.", "Half of the templates updated."),
        slips=("Legal review of the new wording took three weeks longer than planned.",),
        block=Block("We need the real set-up times per plan; only Operations has them.", "operations",
                    "Operations now publishes median set-up times per plan on the first of each month."),
        evidence="All 38 campaign templates state the published median set-up time.",
    ),
    Pledge(
        "mkt-voc-digest", "marketing", ON_TRACK, owner="lead", kpi="nps",
        title="Publish a monthly voice-of-the-customer digest to all staff",
        description="Top five detractor themes, three customer quotes and what each department did "
        "about last month's themes, on one page.",
        notes=("First issue sent; 61% open rate.", "Second issue added a 'you said, we did' box."),
    ),
    Pledge(
        "mkt-review-invites", "marketing", WITHDRAWN, owner="tom.becker", journey="awareness", kpi="nps",
        title="Invite every newly onboarded customer to leave a public review",
        description="Automated invitation 30 days after go-live, with a link to the two review sites.",
        notes=("Invitation e-mail drafted.",),
        reason="Legal advised that inviting only onboarded customers looks like review gating; "
        "folded into the NPS follow-up programme instead.",
    ),
    # Sales
    Pledge(
        "sales-deal-handoff", "sales", KEPT, owner="sofia.marquez", journey="buying", kpi="time-to-value",
        title="Hand every new deal to Onboarding with a complete customer brief within 24 hours",
        description="A brief template in the CRM: goals, stakeholders, integrations, promises made.",
        notes=("Template agreed with Operations.", "Pilot with the mid-market team: 17 of 19 on time."),
        block=Block("The CRM has no fields for integrations or promises made; IT must add them.", "it",
                    "IT added the brief fields and a required-field check at 'closed won'."),
        evidence="Last 6 weeks: 96% of new deals handed over with a complete brief within 24 hours.",
        contributors=("operations", "it"),
        milestones=("Brief template agreed with Operations", "Brief fields added to the CRM",
                    "Pilot with the mid-market team", "Rolled out to every sales team"),
        celebration="Onboarding says they no longer have to re-ask customers what they bought. Great work, Sales!",
    ),
    Pledge(
        "sales-roadmap-check", "sales", ON_TRACK, owner="daniel.okafor", journey="buying", kpi="churn",
        title="Add a roadmap check to every quote above $20k",
        description="Deal desk confirms with Product that every feature promised in the quote is "
        "released or dated on the public roadmap.",
        notes=("Deal-desk checklist updated.", "Product nominated a reviewer for quotes."),
        handover=("sofia.marquez", "Daniel is leaving Northwind; Sofia runs the deal desk."),
        contributors=("marketing", "it"),
        milestones=("Deal-desk checklist updated", "Product reviewer nominated for quotes",
                    "First ten quotes above $20k checked", "Roadmap check required in the CRM"),
    ),
    Pledge(
        "sales-renewal-review", "sales", OVERDUE, owner="daniel.okafor", journey="renewal", kpi="churn",
        title="Run a renewal health review 90 days before every renewal",
        description="Usage, open tickets and sponsor changes reviewed with the customer's success "
        "manager; a save plan for every account rated red.",
        notes=("Review template ready.", "Reviews done for 58 of 70 renewals in the window."),
        slips=("The CRM renewal report was wrong for multi-year contracts and had to be rebuilt.",),
        handover=("hannah.lindqvist", "Daniel is leaving Northwind; Hannah joined to own renewals."),
        review_note="Monthly review: 12 renewals in the window still without a health review. "
        "Hannah to report weekly until the backlog is cleared.",
    ),
    Pledge(
        "sales-multi-year-offer", "sales", WITHDRAWN, owner="lead", journey="renewal",
        title="Replace end-of-quarter discount pressure with a clear multi-year pricing offer",
        description="One published multi-year discount instead of ad-hoc end-of-quarter deals.",
        reason="Finance and the executive team moved all pricing changes to the next fiscal year's "
        "pricing review.",
    ),
    Pledge(
        "sales-sandbox", "sales", BLOCKED, owner="sofia.marquez", journey="buying",
        title="Give every prospect a sandbox account with their own sample data",
        description="A 30-day sandbox loaded with an anonymised copy of the prospect's export.",
        notes=("Sandbox template built by the solutions engineers.",),
        block=Block("Loading prospect data needs a data-masking step that IT security has not "
                    "approved yet.", "it", also_ask="product-development"),
        review_note="Escalated at the CX review: IT and Product to agree the masking approach together.",
    ),
    # Operations
    Pledge(
        "ops-journey-map", "operations", KEPT, owner="ines.duarte", journey="onboarding",
        title="Map the onboarding journey with five pilot customers",
        description="Workshops with five new customers: every step, wait and hand-off from contract "
        "to first value, with their pain points ranked.",
        notes=("Three of five workshops held.", "Draft map shared with Sales and Product."),
        evidence="Journey map published on the intranet: 23 steps, 7 hand-offs, top 5 pain points.",
        celebration="The onboarding journey map is on every team's wall. Thank you to our five pilot customers!",
    ),
    Pledge(
        "ops-welcome-call", "operations", KEPT, owner="omar.haddad", journey="onboarding",
        kpi="time-to-value",
        title="Hold a welcome call within two business days of every contract signature",
        description="A named onboarding manager calls, agrees the go-live plan and sends it in writing.",
        notes=("Calendar slots reserved for the onboarding team.", "Running for all new customers."),
        evidence="Last 8 weeks: 58 of 60 new customers had their welcome call within two business days.",
        celebration="Customers mention the welcome call in their NPS comments. Well done, Operations!",
    ),
    Pledge(
        "ops-time-to-value", "operations", ON_TRACK, owner="lead", journey="onboarding",
        kpi="time-to-value",
        title="Cut time to first value for new customers from 21 to 10 days",
        description="Remove the waits the journey map found: contract-to-kick-off, data import and "
        "the second admin training.",
        notes=("Kick-off wait down to 3 days.", "Self-service import used by 40% of new accounts."),
        block=Block("Data import is the longest wait and only Product can change the import tool.",
                    "product-development",
                    "Product gave Operations early access to the import wizard beta; manual "
                    "imports stopped."),
    ),
    Pledge(
        "ops-delay-notices", "operations", OVERDUE, owner="omar.haddad", journey="onboarding",
        title="Tell customers about delivery delays before they have to ask",
        description="Automatic notice with a new date whenever a set-up milestone slips by more than a day.",
        notes=("Milestone tracking switched on in the project tool.", "Notice templates written."),
        slips=("The project tool's webhook limits forced a switch to a nightly export.",),
        review_note="Monthly review: notices still sent by hand. Operations to ship the nightly job first.",
    ),
    # Customer Service
    Pledge(
        "cs-priority-response", "customer-service", LATE, owner="ravi.patel", journey="support",
        kpi="first-response",
        title="Cut first-response time on priority tickets to 2 hours",
        description="Route P1 and P2 tickets to a dedicated queue and page the duty lead when a "
        "ticket has waited 90 minutes.",
        notes=("Dedicated priority queue live for e-mail tickets.", "Paging rule tested on the night shift."),
        slips=("Two of the four new agents start later than planned.",
               "Chat could not join the priority queue until the new routing release."),
        block=Block("Priority routing needs a rule change in the helpdesk integration that only IT "
                    "can deploy.", "it",
                    "IT deployed the routing rule; priority tickets now land in their own queue."),
        evidence="Last four weeks: median first response on priority tickets 1 h 41 min; 94% within 2 hours.",
        celebration="Priority tickets answered in under two hours, four weeks running. Thank you, Support and IT!",
    ),
    Pledge(
        "cs-weekend-chat", "customer-service", KEPT, owner="mia.novak", journey="support",
        kpi="first-response",
        title="Staff weekend chat from 9:00 to 17:00",
        description="Two agents on rotation every Saturday and Sunday, with an on-call engineer.",
        notes=("Rota drafted with volunteers.", "First four weekends covered."),
        block=Block("Weekend shifts need an overtime and time-off-in-lieu policy from HR.", "hr",
                    "HR published the weekend-shift policy with time off in lieu."),
        evidence="Weekend chat staffed for eight straight weekends; median wait 3 minutes.",
        celebration="Eight weekends of chat cover and not one missed shift. Thank you to the volunteers!",
    ),
    Pledge(
        "cs-help-articles", "customer-service", ON_TRACK, owner="chloe.martin", journey="support",
        kpi="csat",
        title="Publish 60 self-service help articles for the top contact reasons",
        description="One article per top contact reason, with screenshots, reviewed by Product.",
        notes=("Top 60 contact reasons ranked.", "24 articles published.", "38 articles published."),
        handover=("mia.novak", "Chloe starts parental leave; Mia takes over the editorial calendar."),
        celebration="The first 30 articles already cut 'how do I' tickets by 12%. Keep going!",
    ),
    Pledge(
        "cs-csat-survey", "customer-service", KEPT, owner="chloe.martin", journey="support", kpi="csat",
        title="Send a one-question CSAT survey after every closed ticket",
        description="One click in the closing e-mail; every 'unsatisfied' answer opens a follow-up task.",
        notes=("Survey wording tested with ten customers.",),
        evidence="Survey on every closed ticket; 31% response rate; all follow-ups assigned.",
        celebration="We now hear from a third of the customers we help, every day. Great job!",
    ),
    Pledge(
        "cs-callback", "customer-service", BLOCKED, owner="lead", journey="support",
        kpi="first-response",
        title="Offer a scheduled callback instead of phone queues longer than 5 minutes",
        description="Callers choose a 15-minute slot; the agent calls back with the ticket already open.",
        notes=("Call flow designed.",),
        block=Block("Scheduled callbacks need the new cloud telephony platform that IT is procuring.",
                    "it"),
    ),
    Pledge(
        "cs-detractor-loop", "customer-service", AT_RISK, owner="ravi.patel", kpi="nps",
        title="Close the loop with every detractor within 48 hours",
        description="Every NPS score of 0 to 6 gets a personal call or e-mail from a team lead within "
        "48 hours, with the root cause logged.",
        notes=("Detractor alerts routed to team leads.",),
        review_note="Monthly review: only 30% of detractors contacted within 48 hours. Needs a rota.",
    ),
)
