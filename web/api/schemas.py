"""The API's shapes: pydantic models for queries, bodies and answers (and so the OpenAPI schemas).

Answers are declared with the fields a client may rely on; rows may carry more."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

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
