"""The Plan aggregate: vision, departments, customer journeys and KPIs with their measurements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from tracker.domain.base import ID_NAMESPACE, TrackerAggregate, topic
from tracker.errors import Invalid

DEFAULT_CHECK_IN_DAYS = 14  # a plan's check-in cadence until the CCO sets one
MAX_CHECK_IN_DAYS = 365
DIRECTIONS = ("up", "down")  # whether a higher KPI value is better ("up") or worse ("down")


@dataclass(frozen=True)
class Kpi:
    key: str
    name: str
    unit: str
    baseline: float
    target: float
    target_date: date
    direction: str


class Plan(TrackerAggregate):
    """One organisation's collaborative CX plan."""

    TOPIC = topic("plan", "Plan")
    check_in_days = DEFAULT_CHECK_IN_DAYS  # plans started before cadences existed

    class Created(TrackerAggregate.Created):
        TOPIC = topic("plan", "Created")

    @staticmethod
    def create_id(name: str = "", vision: str = "", actor: UUID | None = None) -> UUID:
        # An installation holds one plan; its id is well known.
        return plan_id()

    @event("Started", topic=topic("plan", "Started"))
    def __init__(self, name: str, vision: str, actor: UUID) -> None:
        self.name = name
        self.vision = vision
        self.vision_revision = 1
        self.departments: dict[str, str] = {}
        self.journeys: dict[str, dict[str, str]] = {}
        self.kpis: dict[str, Kpi] = {}
        self.measurements: dict[str, list[tuple[date, float]]] = {}
        self.endorsements: dict[str, int] = {}  # department -> vision revision endorsed

    @event("VisionRevised", topic=topic("plan", "VisionRevised"))
    def revise_vision(self, vision: str, actor: UUID) -> None:
        self.vision = vision
        self.vision_revision += 1

    def add_department(self, slug: str, name: str, actor: UUID) -> None:
        if slug in self.departments:
            raise Invalid.field("slug", f"department {slug!r} already exists")
        if name.casefold() in (n.casefold() for n in self.departments.values()):
            raise Invalid.field("name", f"a department is already called {name!r}")
        self._department_added(slug=slug, name=name, actor=actor)

    @event("DepartmentAdded", topic=topic("plan", "DepartmentAdded"))
    def _department_added(self, slug: str, name: str, actor: UUID) -> None:
        self.departments[slug] = name

    def endorse_vision(self, department: str, actor: UUID) -> None:
        self.require_department("department", department)
        if self.endorsements.get(department) == self.vision_revision:
            raise Invalid.field("department", "has already endorsed this version of the vision")
        self._vision_endorsed(department=department, revision=self.vision_revision, actor=actor)

    @event("VisionEndorsed", topic=topic("plan", "VisionEndorsed"))
    def _vision_endorsed(self, department: str, revision: int, actor: UUID) -> None:
        self.endorsements[department] = revision

    def define_journey(self, key: str, name: str, lead_department: str, actor: UUID) -> None:
        if key in self.journeys:
            raise Invalid.field("key", f"journey {key!r} already exists")
        self.require_department("lead_department", lead_department)
        self._journey_defined(key=key, name=name, lead_department=lead_department, actor=actor)

    @event("JourneyDefined", topic=topic("plan", "JourneyDefined"))
    def _journey_defined(self, key: str, name: str, lead_department: str, actor: UUID) -> None:
        self.journeys[key] = {"name": name, "lead_department": lead_department}

    def change_journey_lead(self, key: str, lead_department: str, actor: UUID) -> None:
        self.require_journey("key", key)
        self.require_department("lead_department", lead_department)
        if self.journeys[key]["lead_department"] == lead_department:
            raise Invalid.field("lead_department", "already leads this journey")
        self._journey_lead_changed(key=key, lead_department=lead_department, actor=actor)

    @event("JourneyLeadChanged", topic=topic("plan", "JourneyLeadChanged"))
    def _journey_lead_changed(self, key: str, lead_department: str, actor: UUID) -> None:
        self.journeys[key] = {**self.journeys[key], "lead_department": lead_department}

    def define_kpi(self, kpi: Kpi, actor: UUID) -> None:
        if kpi.key in self.kpis:
            raise Invalid.field("key", f"KPI {kpi.key!r} already exists in this plan")
        if kpi.direction not in DIRECTIONS:
            raise Invalid.field("direction", "must be 'up' or 'down'")
        self._kpi_defined(
            key=kpi.key, name=kpi.name, unit=kpi.unit, baseline=kpi.baseline,
            target=kpi.target, target_date=kpi.target_date, direction=kpi.direction, actor=actor,
        )

    @event("KpiDefined", topic=topic("plan", "KpiDefined"))
    def _kpi_defined(
        self, key: str, name: str, unit: str, baseline: float, target: float,
        target_date: date, direction: str, actor: UUID,
    ) -> None:
        self.kpis[key] = Kpi(key, name, unit, baseline, target, target_date, direction)
        self.measurements[key] = []

    def record_measurement(
        self, key: str, value: float, measured_on: date, note: str, actor: UUID
    ) -> None:
        self.require_kpi("key", key)
        self._kpi_measured(key=key, value=value, measured_on=measured_on, note=note, actor=actor)

    @event("KpiMeasured", topic=topic("plan", "KpiMeasured"))
    def _kpi_measured(
        self, key: str, value: float, measured_on: date, note: str, actor: UUID
    ) -> None:
        self.measurements[key].append((measured_on, value))

    def set_check_in_cadence(self, days: int, actor: UUID) -> None:
        """Every open commitment without its own cadence wants a progress report this often."""
        check_cadence(days)
        if days == self.check_in_days:
            raise Invalid.field("days", "is already the plan's check-in cadence")
        self._check_in_cadence_set(days=days, actor=actor)

    @event("CheckInCadenceSet", topic=topic("plan", "CheckInCadenceSet"))
    def _check_in_cadence_set(self, days: int, actor: UUID) -> None:
        self.check_in_days = days

    # Guards used by this aggregate and by the application service.

    def require_department(self, field: str, slug: str) -> None:
        if slug not in self.departments:
            raise Invalid.field(field, f"no department {slug!r} in this plan")

    def require_journey(self, field: str, key: str) -> None:
        if key not in self.journeys:
            raise Invalid.field(field, f"no journey {key!r} in this plan")

    def require_kpi(self, field: str, key: str) -> None:
        if key not in self.kpis:
            raise Invalid.field(field, f"no KPI {key!r} in this plan")


def _upcast_kpi_defined_v1_v2(state: dict[str, Any]) -> None:
    """Version 1 had no direction: a target above the baseline meant "higher is better"."""
    state["direction"] = "up" if state["target"] >= state["baseline"] else "down"


Plan.KpiDefined.class_version = 2  # type: ignore[attr-defined]
Plan.KpiDefined.upcast_v1_v2 = staticmethod(_upcast_kpi_defined_v1_v2)  # type: ignore[attr-defined]


def check_cadence(days: int) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_CHECK_IN_DAYS:
        raise Invalid.field("days", f"must be a whole number of days from 1 to {MAX_CHECK_IN_DAYS}")


def plan_id() -> UUID:
    return uuid5(ID_NAMESPACE, "plan")
