"""Commitments of Product Development, IT, Finance, HR, Business Development and the executives."""

from __future__ import annotations

from tracker.demo.pledge import (
    AT_RISK, BLOCKED, KEPT, LATE, ON_TRACK, OVERDUE, WITHDRAWN, Block, Pledge,
)

BACK_OFFICE: tuple[Pledge, ...] = (
    # Product Development
    Pledge(
        "pd-top-bugs", "product-development", LATE, owner="kenji.watanabe", journey="usage", kpi="csat",
        title="Fix the ten most-reported bugs from support tickets",
        description="Ranked by ticket volume over the last quarter; each fix verified with the "
        "customers who reported it.",
        notes=("Six of ten fixed and released.", "Export timeout fix in code review."),
        block=Block("Three of the bugs cannot be reproduced without the customers' exact steps.",
                    "customer-service",
                    "Support recorded screen-shares with the affected customers; all three reproduced."),
        evidence="All ten fixed and released; tickets about them fell from 212 to 9 a month.",
    ),
    Pledge(
        "pd-import-wizard", "product-development", ON_TRACK, owner="aisha.bello",
        journey="onboarding", kpi="time-to-value",
        title="Ship a guided data-import wizard for new accounts",
        description="Upload, map columns, preview and fix errors in the browser, with no ticket to Support.",
        notes=("Column mapping done.", "Beta open to Operations.", "Error preview in testing."),
        slips=("Customers asked for Excel files as well as CSV; the scope grew by two sprints.",),
        block=Block("The spreadsheet-parsing library's licence is not approved for commercial use.",
                    resolution="Replaced it with our own parser on the standard CSV and XLSX "
                    "formats.", helped=False),
        contributors=("operations", "customer-service"),
    ),
    Pledge(
        "pd-in-app-feedback", "product-development", KEPT, owner="kenji.watanabe", journey="usage",
        kpi="csat",
        title="Add in-app feedback with a two-click screenshot",
        description="A feedback button on every page that attaches a screenshot and the page's context.",
        notes=("Prototype tested with eight customers.",),
        evidence="Feedback button live for all accounts; 640 submissions in the first month, "
        "triaged weekly.",
    ),
    Pledge(
        "pd-release-notes", "product-development", KEPT, owner="lead", journey="usage",
        title="Write release notes in customer language and link them in the app",
        description="What changed and why it matters to the customer, not ticket numbers.",
        evidence="Release notes for the last six releases written with Marketing; 'what's new' "
        "panel linked in the app.",
    ),
    Pledge(
        "pd-accessibility", "product-development", AT_RISK, owner="aisha.bello", journey="usage",
        title="Meet WCAG 2.2 AA on the customer portal's ten most-used screens",
        description="Keyboard navigation, contrast and screen-reader labels, confirmed by an external audit.",
        notes=("External audit booked.", "Contrast fixes released."),
        block=Block("The external audit found 40 more issues than we estimated; the team cannot "
                    "fix them all by the due date."),
    ),
    # IT
    Pledge(
        "it-status-page", "it", KEPT, owner="samuel.adeyemi", journey="support", kpi="first-response",
        title="Publish a self-service status page for outages",
        description="Public page with component status, incident updates every 30 minutes and "
        "e-mail subscriptions.",
        notes=("Status page vendor chosen.", "Incident templates agreed with Support."),
        evidence="status.northwind.example live; used in two incidents, with 'is it down?' "
        "tickets down 70% during them.",
        celebration="During the last outage customers read the status page instead of calling. Thank you, IT!",
    ),
    Pledge(
        "it-sso", "it", ON_TRACK, owner="nora.quinn", journey="usage",
        title="Offer single sign-on (SAML and Google) for the customer portal",
        description="Self-service SSO set-up for customer admins, so their staff stop resetting passwords.",
        notes=("SAML flow working in staging.", "Google sign-in done.", "Two pilot customers live."),
        handover=("samuel.adeyemi", "Nora moved to the security certification project."),
        contributors=("product-development",),
        milestones=("SAML flow working in staging", "Google sign-in", "Two pilot customers live",
                    "Self-service set-up for customer admins"),
    ),
    Pledge(
        "it-crm-tickets", "it", LATE, owner="nora.quinn", journey="renewal", kpi="churn",
        title="Show each customer's open tickets in the CRM account view",
        description="Account managers see open tickets, their age and priority before every call.",
        notes=("Read-only helpdesk connection set up.",),
        slips=("The helpdesk API's rate limit needs a cached sync instead of live calls.",),
        block=Block("We need Support to agree which ticket fields account managers may see.",
                    "customer-service",
                    "Support agreed the field list; internal notes stay hidden."),
        evidence="Open tickets shown on every CRM account page, synced every 10 minutes.",
    ),
    Pledge(
        "it-portal-uptime", "it", OVERDUE, owner="samuel.adeyemi", journey="usage", kpi="csat",
        title="Raise customer-portal availability to 99.9% with automatic failover",
        description="A second region with automatic database failover, tested every quarter.",
        notes=("Second region built.", "Replica in sync.", "Failover test scheduled."),
        slips=("The first failover test failed on the database replica; the vendor's fix is pending.",),
        block=Block("The failover test needs a maintenance window that customers hear about in advance.",
                    also_ask="customer-service",
                    resolution="Support announced the window two weeks ahead; the test ran on a "
                    "Sunday morning."),
        review_note="Monthly review: failover works in testing; the switch-over date must be agreed "
        "with Support before IT sets a new due date.",
    ),
    Pledge(
        "it-telephony", "it", BLOCKED, owner="lead", journey="support",
        title="Replace the legacy phone system with cloud telephony",
        description="Cloud contact-centre platform with call-back, recording and CRM screen-pop.",
        notes=("Vendor shortlist of three.", "Vendor chosen after a two-week trial."),
        block=Block("The three-year telephony contract is waiting for Finance's purchase approval.",
                    "finance"),
        review_note="Blocks the callback commitment in Customer Service. Finance to decide at the "
        "next budget meeting.",
    ),
    # Finance
    Pledge(
        "fin-plain-invoices", "finance", LATE, owner="pablo.ortega", journey="renewal", kpi="csat",
        title="Send plain-language invoices with a line-by-line usage breakdown",
        description="Every line explains what it is for; usage charges show the period and the quantity.",
        notes=("New invoice layout approved.",),
        slips=("The billing vendor moved its invoice-template release by a month.",),
        evidence="New invoices sent to all customers; billing-question tickets down 35%.",
    ),
    Pledge(
        "fin-refunds", "finance", KEPT, owner="pablo.ortega", journey="support", kpi="csat",
        title="Pay approved refunds within five business days",
        description="Daily refund run instead of weekly, with the customer told the payment date.",
        notes=("Daily refund run live.",),
        block=Block("Refund requests arrive without bank details, so Finance has to chase customers.",
                    "customer-service",
                    "Support added the bank details to the refund request form."),
        evidence="Last two months: 98% of approved refunds paid within five business days.",
    ),
    Pledge(
        "fin-agent-credits", "finance", KEPT, owner="lead", journey="support", kpi="first-response",
        title="Let support agents credit up to $200 without Finance approval",
        description="A credit button in the helpdesk with a monthly audit of every credit given.",
        evidence="Credit button live; 212 credits in the first month, average $46, no audit findings.",
        celebration="Agents can now fix billing mistakes on the first call. Thank you, Finance!",
    ),
    # HR
    Pledge(
        "hr-cx-training", "hr", ON_TRACK, owner="lead",
        title="Run a half-day CX training for every customer-facing employee",
        description="Journey map, top pain points and how to raise a roadblock, with real customer calls.",
        notes=("Training designed with Customer Service.", "112 of 240 employees trained."),
        handover=("lukas.weber", "Naomi hands the day-to-day running to Lukas."),
    ),
    Pledge(
        "hr-support-hiring", "hr", OVERDUE, owner="lukas.weber", journey="support",
        kpi="first-response",
        title="Hire four support agents for the weekend and evening shifts",
        description="Four permanent agents, trained and on the rota.",
        notes=("Job ads published.", "Two offers accepted."),
        slips=("Only one of the first eight candidates accepted the offered salary.",),
        block=Block("The salary band for evening shifts is below the market rate.", "finance",
                    "Finance approved a 12% shift allowance."),
        review_note="Monthly review: two of four hired. HR to propose a new date with the agency.",
    ),
    Pledge(
        "hr-recognition", "hr", KEPT, owner="lukas.weber",
        title="Add a customer-hero category to the quarterly recognition awards",
        description="Nominations come from customers' own words in surveys and tickets.",
        evidence="First customer-hero awards given to three employees, nominated from 57 customer comments.",
        celebration="Three customer heroes, nominated by customers themselves. Congratulations!",
    ),
    # Business Development
    Pledge(
        "bd-partner-onboarding", "business-development", ON_TRACK, owner="zoe.laurent",
        journey="onboarding", kpi="time-to-value",
        title="Give reseller partners the same onboarding checklist as direct customers",
        description="Partners follow the same 23-step checklist and report go-live dates to Operations.",
        notes=("Checklist adapted for partners.", "Four of nine partners trained."),
        block=Block("Partners cannot see the checklist in our project tool.", "operations",
                    "Operations set up a partner workspace in the project tool."),
    ),
    Pledge(
        "bd-partner-escalation", "business-development", WITHDRAWN, owner="zoe.laurent",
        journey="support",
        title="Publish a partner escalation path with named contacts",
        description="Who partners call when their customer is stuck, with response times.",
        reason="The partner programme is being restructured; escalation paths will be part of the "
        "new partner agreement.",
    ),
    # Executive Leadership
    Pledge(
        "ex-escalation-review", "executive-leadership", KEPT, owner="isabel.moreno",
        title="Review the top 20 customer escalations in every monthly leadership meeting",
        description="Each escalation gets an executive sponsor and a root-cause owner.",
        evidence="Four monthly reviews held; 80 escalations reviewed, 11 root causes fixed.",
    ),
    Pledge(
        "ex-bonus-scorecard", "executive-leadership", LATE, owner="lead", kpi="nps",
        title="Tie 20% of executive bonuses to NPS and churn targets",
        description="A scorecard approved by the board's remuneration committee for next year's bonuses.",
        notes=("Scorecard drafted.",),
        slips=("The remuneration committee meets quarterly and the proposal missed its agenda.",),
        block=Block("Finance must model the bonus cost at each NPS and churn outcome.", "finance",
                    "Finance modelled five scenarios for the committee."),
        evidence="The remuneration committee approved the scorecard: 20% of bonuses on NPS and churn.",
    ),
    Pledge(
        "ex-customer-calls", "executive-leadership", AT_RISK, owner="isabel.moreno", kpi="nps",
        title="Every executive joins four customer calls this quarter",
        description="Listen-only seats on support and success calls, with notes shared afterwards.",
        notes=("Call schedule shared with the executive team.",),
        review_note="Monthly review: 9 of 32 calls attended. Chief of staff to book the rest now.",
    ),
)
