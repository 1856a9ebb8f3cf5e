"""The API's shapes: pydantic models for queries, bodies and answers (and so the OpenAPI schemas).

Answers are declared with the fields a client may rely on; rows may carry more."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

Health = Literal["on track", "at risk", "blocked", "overdue", "done", "done late", "withdrawn"]


class Query(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Commitments


class CommitmentFilters(Query):
    department: str | None = Field(None, max_length=60, description="a department's slug")
    health: Health | None = None
    journey: str | None = Field(None, max_length=60, description="a journey's key")
    owner: str | None = Field(None, max_length=254, description="the owner's e-mail address")
    closed: Literal["recent", "all"] = Field(
        "recent", description="closed commitments: those closed in the last 90 days (as on the "
        "board) or all")


class Commitment(BaseModel):
    id: str
    department: str
    title: str
    description: str
    owner_id: str
    owner_name: str | None
    journey: str | None
    kpi: str | None
    due_date: str
    original_due_date: str
    due_date_moves: int
    progress: int
    status: Literal["open", "completed", "withdrawn"]
    completed_on: str | None
    open_roadblocks: int
    health: Health
    version: int


class CommitmentList(BaseModel):
    items: list[Commitment]
    count: int


class TimelineEntry(BaseModel):
    position: int
    at: str
    actor_id: str | None
    actor_name: str | None
    department: str | None
    commitment_id: str | None
    commitment_title: str | None
    journey: str | None
    kind: str
    summary: str
    details: dict[str, Any]


class CommitmentWithStory(BaseModel):
    commitment: Commitment
    story: list[TimelineEntry] = Field(description="every event of this commitment, newest first")


class NewCommitment(Body):
    department: str = Field(max_length=60)
    title: str = Field(max_length=200)
    due_date: date
    owner: str = Field(max_length=254, description="the owner's e-mail address")
    description: str = Field("", max_length=4000)
    journey: str | None = Field(None, max_length=60)
    kpi: str | None = Field(None, max_length=60)


class ProgressReport(Body):
    percent: int = Field(ge=0, le=100)
    note: str = Field("", max_length=2000)
    version: int | None = Field(None, ge=1, le=2**63 - 1,
                                description="the version you read (or send If-Match)")


class Note(Body):
    text: str = Field(max_length=4000)


# Timeline


class TimelineQuery(Query):
    department: str | None = Field(None, max_length=60)
    journey: str | None = Field(None, max_length=60)
    commitment: str | None = Field(None, max_length=36, description="a commitment's id")
    kind: str | None = Field(None, max_length=60, description="an event kind, e.g. ProgressReported")
    since: date | None = None
    until: date | None = None
    before: int | None = Field(None, ge=1, le=2**63 - 1,
                               description="the cursor: `next_cursor` of the page before")
    limit: int = Field(50, ge=1, le=200)


class TimelinePage(BaseModel):
    items: list[TimelineEntry]
    next_cursor: int | None = Field(description="pass as `before` for the next (older) page")


# Accountability


class AccountabilityQuery(Query):
    department: str | None = Field(None, max_length=60, description="narrows the owners' figures")


class Figures(BaseModel):
    made: int
    open: int
    kept: int
    kept_on_original: int
    late: int
    missed: int
    withdrawn: int
    due_so_far: int
    due_date_moves: int
    days_slipped: int
    roadblocks_raised: int
    roadblocks_resolved: int
    roadblocks_helped: int
    median_days_to_resolve: float | None
    say_do: float | None


class DepartmentFigures(Figures):
    department: str
    department_name: str
    handovers: int
    contributed: int


class OwnerFigures(Figures):
    owner_id: str
    owner_name: str | None
    owner_email: str | None
    handovers_in: int | None
    handovers_out: int | None


class Accountability(BaseModel):
    departments: list[DepartmentFigures]
    owners: list[OwnerFigures]


# KPIs


class Measurement(BaseModel):
    measured_on: str
    value: float
    note: str
    recorded_at: str
    progress: float | None
    expected: float
    on_course: bool | None


class Kpi(BaseModel):
    key: str
    name: str
    unit: str
    baseline: float
    target: float
    target_date: str
    direction: Literal["up", "down"]
    department: str | None = Field(None, description="an area KPI's department; null: a CX KPI")
    latest: Measurement | None
    on_course: bool | None


class KpiList(BaseModel):
    items: list[Kpi]


class KpiSeries(Kpi):
    points: list[Measurement]


class NewMeasurement(Body):
    value: float = Field(allow_inf_nan=False)
    measured_on: date | None = Field(None, description="default: today (UTC)")
    note: str = Field("", max_length=500)


# Patterns


PatternStatus = Literal["live", "retired"]
Key = Annotated[str, Field(max_length=60)]


class PatternFilters(Query):
    q: str | None = Field(None, description="words in the title or text of the current version, "
                          "case-insensitively (the first 200 characters count)")
    journey: str | None = Field(None, max_length=60, description="a journey's key")
    retired: bool = Field(False, description="retired patterns too (default: live ones only)")


class Link(BaseModel):
    label: str
    url: str


class PatternContent(BaseModel):
    title: str
    text: str = Field(description="the pattern's Markdown, as written (not rendered)")
    journeys: list[str] = Field(description="journey keys")
    departments: list[str] = Field(description="department slugs")
    links: list[Link]


class PatternSummary(PatternContent):
    id: str
    revision: int = Field(description="the current version's number (1: as published)")
    status: PatternStatus
    published_at: str
    revised_at: str
    retired_at: str | None
    citations: int = Field(description="how many commitments cite it now")


class PatternList(BaseModel):
    items: list[PatternSummary]
    count: int


class PatternVersionSummary(BaseModel):
    revision: int
    at: str
    actor_id: str | None
    actor_name: str | None
    title: str
    reason: str = Field(description="why it was revised (empty for the first version)")


class CitingCommitment(BaseModel):
    id: str
    department: str
    title: str
    owner_id: str
    journey: str | None
    due_date: str
    progress: int
    status: Literal["open", "completed", "withdrawn"]
    health: Health


class Pattern(PatternContent):
    id: str
    revision: int = Field(description="the current version's number (1: as published)")
    version: int
    status: PatternStatus
    published_at: str
    published_by: str | None
    revised_at: str
    retired_at: str | None
    retired_reason: str | None
    versions: list[PatternVersionSummary] = Field(description="every version, newest first")
    citing: list[CitingCommitment] = Field(
        description="the commitments citing it now, with their health today (attention first)")


class PatternVersion(PatternContent):
    pattern_id: str
    revision: int
    at: str
    actor_id: str | None
    actor_name: str | None
    reason: str
    current_revision: int = Field(description="the pattern's current version's number")
    status: PatternStatus = Field(description="the pattern's status now")


class NewLink(Body):
    label: str = Field("", max_length=200, description="default: the address")
    url: str = Field(max_length=2000, description="an absolute http(s) or a mailto address")


class PatternFields(Body):
    title: str = Field(max_length=200)
    text: str = Field(max_length=8000, description="Markdown")
    journeys: list[Key] = Field(description="journey keys (live ones)")
    departments: list[Key] = Field(description="department slugs (live ones)")
    links: list[NewLink] = Field(description="at most 10")


class NewPattern(PatternFields):
    journeys: list[Key] = Field([], description="journey keys (live ones)")
    departments: list[Key] = Field([], description="department slugs (live ones)")
    links: list[NewLink] = Field([], description="at most 10")
    idempotency_key: str | None = Field(
        None, max_length=100, description="any text of yours: publishing again with the same "
        "key answers the pattern the first request published (nothing new is recorded)")


class PatternRevision(PatternFields):
    """A whole new version: every field, as the version should read (a list left empty is
    empty in the new version)."""

    reason: str = Field(max_length=1000, description="why it is revised")
    version: int | None = Field(None, ge=1, le=2**63 - 1,
                                description="the pattern's version you read (or send If-Match)")


class PatternRetirement(Body):
    reason: str = Field(max_length=1000)
    version: int | None = Field(None, ge=1, le=2**63 - 1,
                                description="the pattern's version you read (or send If-Match)")


class Citation(Body):
    pattern: UUID = Field(description="the id of a live pattern")


class CitedPattern(BaseModel):
    id: str
    title: str
    status: PatternStatus
    revision: int = Field(description="the pattern's current version's number")


class CitedPatterns(BaseModel):
    commitment_id: str
    items: list[CitedPattern] = Field(description="the patterns the commitment cites now (retired "
                                      "ones too), in the order they were cited")
    count: int


class Publisher(Body):
    member: str = Field(max_length=254, description="the lead's e-mail address")


class PatternPublisher(BaseModel):
    member_id: str
    name: str | None
    email: str | None
    granted_at: str


class PatternPublishers(BaseModel):
    items: list[PatternPublisher] = Field(description="the leads the CCO allows to publish and "
                                          "revise patterns, by name")
    count: int


# Scorecards


ScorecardStatus = Literal["proposed", "change_requested", "agreed", "approved"]


class ScorecardQuery(Query):
    period: str | None = Field(
        None, pattern=r"^\d{4}(-Q[1-4])?$", description="a quarter (2026-Q3) or a year (2026); "
        "default for the CCO, executives and auditors: the last period that has ended (else the "
        "latest); a lead reads their own scorecards of every period unless one is given")


class ScorecardItem(BaseModel):
    kpi: str
    weight: int = Field(description="whole percent; a scorecard's weights sum to 100")
    target: float


class CorrectedFigure(BaseModel):
    start: float | None
    end: float | None
    end_on: str | None
    attainment: float | None


class AttainedItem(CorrectedFigure):
    kpi: str
    name: str
    unit: str
    direction: Literal["up", "down"]
    weight: int
    target: float
    points: float = Field(description="weight x attainment / 100")
    corrected: CorrectedFigure | None = Field(
        None, description="the figures as recorded now, when a measurement was corrected after "
        "the period's end (the attainment stays as recorded then)")


class Attainment(BaseModel):
    period: str
    as_of: str = Field(description="the period's end: measurements as recorded then")
    total: float = Field(description="the weighted total, 0-100")
    corrected: bool = Field(description="a figure was corrected since the period's end")
    items: list[AttainedItem]


class Scorecard(BaseModel):
    id: str
    period: str
    period_start: str
    period_end: str
    lead_id: str
    lead_name: str | None
    lead_email: str | None
    department: str
    department_name: str | None
    status: ScorecardStatus
    status_title: str
    revision: int
    version: int
    items: list[ScorecardItem]
    proposed_at: str
    updated_at: str
    attainment: Attainment | None = Field(description="null while the period has not ended")


class ScorecardList(BaseModel):
    period: str | None = Field(description="the period shown (null: every period of a lead's own)")
    items: list[Scorecard]
    count: int


class ScorecardEvent(BaseModel):
    position: int
    at: str
    actor_id: str | None
    actor_name: str | None
    kind: str
    status: ScorecardStatus
    revision: int
    items: list[ScorecardItem]
    text: str = Field(description="the note, comment or reason given")


class ScorecardWithHistory(BaseModel):
    scorecard: Scorecard
    history: list[ScorecardEvent] = Field(description="every event, oldest first")
