"""The Plan aggregate: vision, departments, customer journeys and KPIs with their measurements."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from tracker.domain.base import ID_NAMESPACE, TrackerAggregate, topic
from tracker.errors import Invalid

DEFAULT_CHECK_IN_DAYS = 14  # a plan's check-in cadence until the CCO sets one
MAX_CHECK_IN_DAYS = 365
DIRECTIONS = ("up", "down")
# The roles the CCO may open the overview pages (dashboard, timeline, accountability, report)
# to or close them for; the CCO always reads them. A plan starts open to all of them.
OVERVIEW_ROLES = ("lead", "executive", "auditor")  # whether a higher KPI value is better ("up") or worse ("down")


@dataclass(frozen=True)
class Kpi:
    key: str
    name: str
    unit: str
    baseline: float
    target: float
    target_date: date
    direction: str
    department: str | None = None  # an area KPI belongs to one department; None: a CX KPI


class Plan(TrackerAggregate):
    """One organisation's collaborative CX plan."""

    TOPIC = topic("plan", "Plan")
    check_in_days = DEFAULT_CHECK_IN_DAYS  # plans started before cadences existed
    overview_readers: tuple[str, ...] = OVERVIEW_ROLES  # plans before the setting: open to all

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
        self.measurements: dict[str, dict[date, float]] = {}  # KPI -> day -> value
        self.endorsements: dict[str, int] = {}  # department -> vision revision endorsed
        self.retired: set[tuple[str, str]] = set()  # ("department" | "journey" | "kpi", key)
        self.kpi_links: set[tuple[str, str]] = set()  # (area KPI, CX KPI it moves)

    @event("VisionRevised", topic=topic("plan", "VisionRevised"))
    def revise_vision(self, vision: str, actor: UUID, reason: str = "") -> None:
        self.vision = vision
        self.vision_revision += 1

    def add_department(self, slug: str, name: str, actor: UUID) -> None:
        if slug in self.departments:
            raise Invalid.field("slug", f"department {slug!r} already exists")
        self._require_free_department_name("name", name)
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
        check_value(kpi.unit, "baseline", kpi.baseline)
        check_value(kpi.unit, "target", kpi.target)
        if kpi.department is not None:
            self.require_department("department", kpi.department)
        self._kpi_defined(
            key=kpi.key, name=kpi.name, unit=kpi.unit, baseline=kpi.baseline,
            target=kpi.target, target_date=kpi.target_date, direction=kpi.direction,
            department=kpi.department, actor=actor,
        )

    @event("KpiDefined", topic=topic("plan", "KpiDefined"))
    def _kpi_defined(
        self, key: str, name: str, unit: str, baseline: float, target: float,
        target_date: date, direction: str, department: str | None, actor: UUID,
    ) -> None:
        self.kpis[key] = Kpi(key, name, unit, baseline, target, target_date, direction, department)
        self.measurements[key] = {}

    def link_kpi(self, area_kpi: str, cx_kpi: str, reason: str, actor: UUID) -> None:
        """Declare that an area KPI (a department's) moves a CX KPI (the whole plan's)."""
        self.require_kpi("area_kpi", area_kpi)
        self.require_kpi("cx_kpi", cx_kpi)
        if self.kpis[area_kpi].department is None:
            raise Invalid.field("area_kpi", f"KPI {area_kpi!r} is a CX KPI, not a department's")
        if self.kpis[cx_kpi].department is not None:
            raise Invalid.field("cx_kpi", f"KPI {cx_kpi!r} is an area KPI, not a CX KPI")
        if (area_kpi, cx_kpi) in self.kpi_links:
            raise Invalid.field("cx_kpi", "these KPIs are already linked")
        self._kpi_linked(area_kpi=area_kpi, cx_kpi=cx_kpi, reason=reason, actor=actor)

    @event("KpiLinked", topic=topic("plan", "KpiLinked"))
    def _kpi_linked(self, area_kpi: str, cx_kpi: str, reason: str, actor: UUID) -> None:
        self.kpi_links.add((area_kpi, cx_kpi))

    def unlink_kpi(self, area_kpi: str, cx_kpi: str, reason: str, actor: UUID) -> None:
        if (area_kpi, cx_kpi) not in self.kpi_links:
            raise Invalid.field("cx_kpi", f"KPI {area_kpi!r} is not linked to {cx_kpi!r}")
        self._kpi_unlinked(area_kpi=area_kpi, cx_kpi=cx_kpi, reason=reason, actor=actor)

    @event("KpiUnlinked", topic=topic("plan", "KpiUnlinked"))
    def _kpi_unlinked(self, area_kpi: str, cx_kpi: str, reason: str, actor: UUID) -> None:
        self.kpi_links.discard((area_kpi, cx_kpi))

    def record_measurement(
        self, key: str, value: float, measured_on: date, note: str, actor: UUID
    ) -> None:
        self.require_kpi("key", key)
        check_value(self.kpis[key].unit, "value", value)
        if measured_on in self.measurements[key]:
            raise Invalid.field(
                "measured_on", "this KPI already has a measurement on this day: correct it instead"
            )
        self._kpi_measured(key=key, value=value, measured_on=measured_on, note=note, actor=actor)

    @event("KpiMeasured", topic=topic("plan", "KpiMeasured"))
    def _kpi_measured(
        self, key: str, value: float, measured_on: date, note: str, actor: UUID
    ) -> None:
        self.measurements[key][measured_on] = value

    def set_check_in_cadence(self, days: int, actor: UUID) -> None:
        """Every open commitment without its own cadence wants a progress report this often."""
        check_cadence(days)
        if days == self.check_in_days:
            raise Invalid.field("days", "is already the plan's check-in cadence")
        self._check_in_cadence_set(days=days, actor=actor)

    @event("CheckInCadenceSet", topic=topic("plan", "CheckInCadenceSet"))
    def _check_in_cadence_set(self, days: int, actor: UUID) -> None:
        self.check_in_days = days

    # Corrections and reorganisations: each one an event with its actor and reason.

    def change_overview_access(self, readers: list[str], reason: str, actor: UUID) -> None:
        """Which roles besides the CCO read the overview pages."""
        unknown = sorted(set(readers) - set(OVERVIEW_ROLES))
        if unknown:
            raise Invalid.field("readers", f"{unknown[0]!r} is not a role the overview opens to")
        if not reason:
            raise Invalid.field("reason", "a reason is required to change who reads the overview")
        chosen = [r for r in OVERVIEW_ROLES if r in readers]
        if tuple(chosen) == tuple(self.overview_readers):
            raise Invalid.field("readers", "these roles already read the overview")
        self._overview_access_changed(readers=chosen, reason=reason, actor=actor)

    @event("OverviewAccessChanged", topic=topic("plan", "OverviewAccessChanged"))
    def _overview_access_changed(self, readers: list[str], reason: str, actor: UUID) -> None:
        self.overview_readers = tuple(readers)

    def rename_department(self, slug: str, name: str, reason: str, actor: UUID) -> None:
        self.require_department("slug", slug)
        if self.departments[slug] == name:
            raise Invalid.field("name", "is already the department's name")
        if self.departments[slug].casefold() != name.casefold():
            self._require_free_department_name("name", name)
        self._department_renamed(
            slug=slug, from_name=self.departments[slug], to_name=name, reason=reason, actor=actor
        )

    @event("DepartmentRenamed", topic=topic("plan", "DepartmentRenamed"))
    def _department_renamed(
        self, slug: str, from_name: str, to_name: str, reason: str, actor: UUID
    ) -> None:
        self.departments[slug] = to_name

    def retire_department(self, slug: str, reason: str, actor: UUID) -> None:
        """Retire a department. The service checks it has no open commitments left."""
        self._check_retirable(slug)
        self._department_retired(slug=slug, reason=reason, actor=actor)

    @event("DepartmentRetired", topic=topic("plan", "DepartmentRetired"))
    def _department_retired(self, slug: str, reason: str, actor: UUID) -> None:
        self.retired.add(("department", slug))

    def merge_department(self, slug: str, into: str, reason: str, actor: UUID) -> None:
        """Merge `slug` into `into`: `slug` is retired; the service moves its open commitments."""
        self._check_retirable(slug)
        self.require_department("into", into)
        if into == slug:
            raise Invalid.field("into", "a department cannot be merged into itself")
        self._department_merged(slug=slug, into=into, reason=reason, actor=actor)

    @event("DepartmentMerged", topic=topic("plan", "DepartmentMerged"))
    def _department_merged(self, slug: str, into: str, reason: str, actor: UUID) -> None:
        self.retired.add(("department", slug))

    def _check_retirable(self, slug: str) -> None:
        self.require_department("slug", slug)
        led = [k for k, j in self.journeys.items()
               if j["lead_department"] == slug and ("journey", k) not in self.retired]
        if led:
            raise Invalid.field(
                "slug", f"leads the journey {led[0]!r}: give it another lead department first"
            )

    def rename_journey(self, key: str, name: str, reason: str, actor: UUID) -> None:
        self.require_journey("key", key)
        if self.journeys[key]["name"] == name:
            raise Invalid.field("name", "is already the journey's name")
        self._journey_renamed(
            key=key, from_name=self.journeys[key]["name"], to_name=name, reason=reason, actor=actor
        )

    @event("JourneyRenamed", topic=topic("plan", "JourneyRenamed"))
    def _journey_renamed(
        self, key: str, from_name: str, to_name: str, reason: str, actor: UUID
    ) -> None:
        self.journeys[key] = {**self.journeys[key], "name": to_name}

    def retire_journey(self, key: str, reason: str, actor: UUID) -> None:
        self.require_journey("key", key)
        self._journey_retired(key=key, reason=reason, actor=actor)

    @event("JourneyRetired", topic=topic("plan", "JourneyRetired"))
    def _journey_retired(self, key: str, reason: str, actor: UUID) -> None:
        self.retired.add(("journey", key))

    def revise_kpi(self, key: str, changes: dict[str, Any], reason: str, actor: UUID) -> None:
        """Revise a KPI's name, unit, target or target date; `changes` holds the new values."""
        self.require_kpi("key", key)
        kpi = self.kpis[key]
        unknown = set(changes) - set(REVISABLE)
        if unknown:
            raise Invalid.field(sorted(unknown)[0], "cannot be revised")
        revised = replace(kpi, **changes)
        if revised.target == revised.baseline:
            raise Invalid.field("target", "must differ from the baseline")
        if ("up" if revised.target > revised.baseline else "down") != kpi.direction:
            raise Invalid.field("target", f"must stay on the {kpi.direction} side of the baseline")
        for day, value in self.measurements[key].items():
            check_value(revised.unit, "unit", value, f"the measurement of {day} ({value:g}) ")
        diff = {f: [_plain(getattr(kpi, f)), _plain(getattr(revised, f))]
                for f in REVISABLE if getattr(kpi, f) != getattr(revised, f)}
        if not diff:
            raise Invalid.field("changes", "nothing to revise: every value is as it is")
        self._kpi_revised(key=key, changes=diff, reason=reason, actor=actor)

    @event("KpiRevised", topic=topic("plan", "KpiRevised"))
    def _kpi_revised(
        self, key: str, changes: dict[str, list[Any]], reason: str, actor: UUID
    ) -> None:
        after: dict[str, Any] = {f: (date.fromisoformat(v[1]) if f == "target_date" else v[1])
                                 for f, v in changes.items()}
        self.kpis[key] = replace(self.kpis[key], **after)

    def retire_kpi(self, key: str, reason: str, actor: UUID) -> None:
        self.require_kpi("key", key)
        self._kpi_retired(key=key, reason=reason, actor=actor)

    @event("KpiRetired", topic=topic("plan", "KpiRetired"))
    def _kpi_retired(self, key: str, reason: str, actor: UUID) -> None:
        self.retired.add(("kpi", key))

    def correct_measurement(
        self, key: str, measured_on: date, value: float, note: str, reason: str, actor: UUID
    ) -> None:
        before = self._require_measurement(key, measured_on)
        check_value(self.kpis[key].unit, "value", value)
        if value == before:
            raise Invalid.field("value", "is already the measured value")
        self._measurement_corrected(
            key=key, measured_on=measured_on, from_value=before, to_value=value, note=note,
            reason=reason, actor=actor,
        )

    @event("MeasurementCorrected", topic=topic("plan", "MeasurementCorrected"))
    def _measurement_corrected(
        self, key: str, measured_on: date, from_value: float, to_value: float, note: str,
        reason: str, actor: UUID,
    ) -> None:
        self.measurements[key][measured_on] = to_value

    def withdraw_measurement(self, key: str, measured_on: date, reason: str, actor: UUID) -> None:
        value = self._require_measurement(key, measured_on)
        self._measurement_withdrawn(
            key=key, measured_on=measured_on, value=value, reason=reason, actor=actor
        )

    @event("MeasurementWithdrawn", topic=topic("plan", "MeasurementWithdrawn"))
    def _measurement_withdrawn(
        self, key: str, measured_on: date, value: float, reason: str, actor: UUID
    ) -> None:
        del self.measurements[key][measured_on]

    # Guards used by this aggregate and by the application service. `require_*` refuses what is
    # unknown or retired (nothing new may name it); `known_*` accepts the retired too.

    def require_department(self, field: str, slug: str) -> None:
        self.known_department(field, slug)
        if ("department", slug) in self.retired:
            raise Invalid.field(field, f"department {slug!r} is retired")

    def known_department(self, field: str, slug: str) -> None:
        if slug not in self.departments:
            raise Invalid.field(field, f"no department {slug!r} in this plan")

    def require_journey(self, field: str, key: str) -> None:
        if key not in self.journeys:
            raise Invalid.field(field, f"no journey {key!r} in this plan")
        if ("journey", key) in self.retired:
            raise Invalid.field(field, f"journey {key!r} is retired")

    def require_kpi(self, field: str, key: str) -> None:
        if key not in self.kpis:
            raise Invalid.field(field, f"no KPI {key!r} in this plan")
        if ("kpi", key) in self.retired:
            raise Invalid.field(field, f"KPI {key!r} is retired")

    def is_retired(self, kind: str, key: str) -> bool:
        return (kind, key) in self.retired

    def active_departments(self) -> dict[str, str]:
        return {s: n for s, n in self.departments.items() if ("department", s) not in self.retired}

    def _require_free_department_name(self, field: str, name: str) -> None:
        if name.casefold() in (n.casefold() for n in self.active_departments().values()):
            raise Invalid.field(field, f"a department is already called {name!r}")

    def _require_measurement(self, key: str, measured_on: date) -> float:
        if key not in self.kpis:
            raise Invalid.field("key", f"no KPI {key!r} in this plan")
        if measured_on not in self.measurements[key]:
            raise Invalid.field("measured_on", f"no measurement of {key!r} on {measured_on}")
        return self.measurements[key][measured_on]

def _upcast_kpi_defined_v1_v2(state: dict[str, Any]) -> None:
    """Version 1 had no direction: a target above the baseline meant "higher is better"."""
    state["direction"] = "up" if state["target"] >= state["baseline"] else "down"


def _upcast_kpi_defined_v2_v3(state: dict[str, Any]) -> None:
    """Version 2 had no department: every KPI was a CX KPI of the whole plan."""
    state["department"] = None


def _upcast_vision_revised_v1_v2(state: dict[str, Any]) -> None:
    """Version 1 recorded no reason for a revised vision."""
    state["reason"] = ""


Plan.VisionRevised.class_version = 2  # type: ignore[attr-defined]
Plan.VisionRevised.upcast_v1_v2 = staticmethod(_upcast_vision_revised_v1_v2)  # type: ignore[attr-defined]
Plan.KpiDefined.class_version = 3  # type: ignore[attr-defined]
Plan.KpiDefined.upcast_v1_v2 = staticmethod(_upcast_kpi_defined_v1_v2)  # type: ignore[attr-defined]
Plan.KpiDefined.upcast_v2_v3 = staticmethod(_upcast_kpi_defined_v2_v3)  # type: ignore[attr-defined]


def check_cadence(days: int) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_CHECK_IN_DAYS:
        raise Invalid.field("days", f"must be a whole number of days from 1 to {MAX_CHECK_IN_DAYS}")
REVISABLE = ("name", "unit", "target", "target_date")
PERCENT_UNITS = ("%", "percent", "percentage")


def is_percentage(unit: str) -> bool:
    """A unit such as "%", "% satisfied" or "percent": its values lie within 0..100."""
    words = unit.strip().lower().split()
    return bool(words) and (words[0] in PERCENT_UNITS or words[0].startswith("%"))


def check_value(unit: str, field: str, value: float, subject: str = "") -> None:
    if is_percentage(unit) and not 0 <= value <= 100:
        raise Invalid.field(field, f"{subject}must be a percentage from 0 to 100 ({unit})")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def plan_id() -> UUID:
    return uuid5(ID_NAMESPACE, "plan")
