"""The CCO's side of the story: set-up, people joining and leaving, the vision, KPI measurements."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

from tracker.demo import catalogue as cat
from tracker.demo.phrases import KPI_NOTES_SUFFIX
from tracker.demo.timeline import Action, Cast, Timeline

CCO = cat.CCO_PERSON.email
JOURNEY_LEAD_CHANGE_DAY = 37
VISION_REVISION_DAY = 84
HIRE_DAY = 116       # a Friday: the new Sales hire is registered
DEPARTURE_DAY = 130  # a Friday, two weeks later: the leaver is deactivated
REVISED_VISION_ENDORSERS = 7  # of ten departments; the rest have not got round to it yet
MEASUREMENT_DAYS = (30, 60, 88, 121, 150, 179)  # working days about a month apart


def plan_setup(timeline: Timeline, password: str) -> None:
    cal = timeline.calendar
    rng = cal.rng
    p = cat.CCO_PERSON
    timeline.add(cal.at(0, 8, 45), lambda c: c.app.initialise(
        plan_name=cat.PLAN_NAME, vision=cat.VISION, email=p.email, name=p.name, password=password))
    for i, (slug, name) in enumerate(cat.DEPARTMENTS):
        timeline.add(cal.at(0, 9, 2 + i), _act("add_department", slug, name))
    for i, person in enumerate(cat.HEADS):
        timeline.add(cal.at(0, 9, 30 + 2 * i), _register(person, password))
    for i, person in enumerate(cat.STAFF):
        timeline.add(cal.at(1, 10, 3 * i), _register(person, password))
    for i, (key, name, lead) in enumerate(cat.JOURNEYS):
        timeline.add(cal.at(1, 14, 5 * i), _act("define_journey", key, name, lead))
    for i, kpi in enumerate(cat.KPIS):
        timeline.add(cal.at(2, 10, 4 * i), _define_kpi(kpi, cal.today))
    for slug, _ in cat.DEPARTMENTS:
        day = cal.day(rng.randint(3, 12))
        timeline.add(cal.instant(day), _endorse(slug))
    key, lead = cat.JOURNEY_LEAD_CHANGE
    timeline.add(cal.at(JOURNEY_LEAD_CHANGE_DAY, 11, 20), _act("change_journey_lead", key, lead))
    timeline.add(cal.at(VISION_REVISION_DAY, 9, 15),
                 lambda c: c.app.revise_vision(c.member(CCO), cat.REVISED_VISION))
    endorsers = rng.sample([slug for slug, _ in cat.DEPARTMENTS], REVISED_VISION_ENDORSERS)
    for slug in endorsers:
        day = cal.day(VISION_REVISION_DAY + rng.randint(1, 26))
        timeline.add(cal.instant(day), _endorse(slug))
    timeline.add(cal.at(HIRE_DAY, 9, 40), _register(cat.NEW_HIRE, password))
    timeline.add(cal.at(DEPARTURE_DAY, 16, 30), lambda c: c.app.deactivate_member(
        c.member(CCO), email=cat.LEAVER, reason=cat.LEAVER_REASON))
    _plan_measurements(timeline, rng)


def _plan_measurements(timeline: Timeline, rng: Random) -> None:
    """One measurement per KPI at the end of each month of the story."""
    cal = timeline.calendar
    for month, offset in enumerate(MEASUREMENT_DAYS, start=1):
        for i, kpi in enumerate(cat.KPIS):
            share = kpi.path[month - 1] + rng.uniform(-0.03, 0.03)
            value = round(kpi.baseline + (kpi.target - kpi.baseline) * share, kpi.decimals)
            note = kpi.note.format(n=rng.randint(*kpi.sample))
            if month in KPI_NOTES_SUFFIX:
                note += ". " + KPI_NOTES_SUFFIX[month]
            timeline.add(cal.at(offset, 15, 10 + 3 * i),
                         _measure(kpi.key, value, cal.day(offset), note))


def _act(command: str, *args: str) -> Action:
    """One of the CCO's plan commands with positional arguments."""
    return lambda c: getattr(c.app, command)(c.member(CCO), *args)


def _register(person: cat.Person, password: str) -> Action:
    def act(c: Cast) -> object:
        return c.app.register_member(
            c.member(CCO), email=person.email, name=person.name, password=password,
            role=person.role, department=person.department)
    return act


def _define_kpi(k: cat.KpiSpec, today: date) -> Action:
    return lambda c: c.app.define_kpi(
        c.member(CCO), key=k.key, name=k.name, unit=k.unit, baseline=k.baseline, target=k.target,
        target_date=_target_date(today, k.months_to_target), direction=k.direction)


def _measure(key: str, value: float, on: date, note: str) -> Action:
    return lambda c: c.app.record_measurement(
        c.member(CCO), key=key, value=value, measured_on=on, note=note)


def _endorse(slug: str) -> Action:
    return lambda c: c.app.endorse_vision(c.member(cat.head_of(slug)), slug)


def _target_date(today: date, months: int) -> date:
    """The last day of the month `months` months after today's."""
    year, month = divmod(today.month - 1 + months + 1, 12)
    return date(today.year + year, month + 1, 1) - timedelta(days=1)
