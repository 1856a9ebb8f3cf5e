"""Timestamps never run backwards along the log by more than the tolerance: checked by the
application before each write (on the real clock) and by verify, so an append after a seal
never changes the plan as of an instant inside the sealed range."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from tests.cli.support import cx, refused_cleanly
from tests.conftest import build_org
from tests.integrity.support import seal, sqlite_app
from tracker import clock
from tracker.application import CxTracker
from tracker.domain import member_id
from tracker.integrity.timeline import CLOCK_TOLERANCE, ClockBehind, latest_timestamp

SUPPORT = member_id("lead.customer-service@example.com")


def stamp(data: Path, position: int) -> datetime:
    db = sqlite3.connect(data / "events.sqlite3")
    try:
        state = db.execute("SELECT state FROM stored_events WHERE rowid = ?", (position,)).fetchone()[0]
    finally:
        db.close()
    found = re.search(rb'"timestamp":\{"_type_":"datetime_iso","_data_":"([^"]+)"', state)
    assert found, state
    return datetime.fromisoformat(found.group(1).decode())


@pytest.fixture
def live(tmp_path: Path) -> tuple[Path, UUID]:
    """A small organisation written on the real clock, with one commitment."""
    data = tmp_path / "data"
    data.mkdir()
    app = sqlite_app(data)
    with clock.skewed(timedelta(0)):
        org = build_org(app)
        commitment = org.commitment(due_date="2031-06-30")
    app.close()
    return data, commitment


def test_servers_whose_clocks_differ_slightly_write_one_log_that_verifies(live: tuple[Path, UUID]) -> None:
    data, commitment = live
    fast, slow = sqlite_app(data), sqlite_app(data)  # two servers on one store
    try:
        for step in range(6):
            with clock.skewed(timedelta(seconds=25)):  # 25 s ahead
                fast.report_progress(SUPPORT, commitment, percent=10 + step)
            with clock.skewed(timedelta(seconds=-25)):  # 25 s behind: 50 s behind the other
                slow.report_progress(SUPPORT, commitment, percent=50 + step)
    finally:
        for app in (fast, slow):
            app.close()
    seal(data)
    result = cx("verify", "--data", data)
    assert result.exit_code == 0, result.output
    last = int(re.search(r"up to position (\d+)", result.stdout).group(1))
    assert stamp(data, last) < stamp(data, last - 1)  # the log does run backwards, within the rule


def test_a_server_whose_clock_is_too_far_behind_is_refused_and_records_nothing(live: tuple[Path, UUID]) -> None:
    data, commitment = live
    app = sqlite_app(data)
    try:
        before = app.head()
        with clock.skewed(-CLOCK_TOLERANCE - timedelta(seconds=30)):
            with pytest.raises(ClockBehind, match=r"this server's clock .* s behind the latest event"):
                app.report_progress(SUPPORT, commitment, percent=40)
        assert app.head() == before
        with clock.skewed(-CLOCK_TOLERANCE + timedelta(seconds=20)):  # within the tolerance
            app.report_progress(SUPPORT, commitment, percent=40)
        assert app.head() == before + 1
    finally:
        app.close()


def test_the_command_line_refuses_a_write_from_a_clock_behind_the_log_cleanly(
        live: tuple[Path, UUID]) -> None:
    data, _ = live
    with clock.skewed(-timedelta(hours=1)):
        result = cx("user", "add", "new.person@example.com", "--name", "New Person", "--data", data,
                    "--as", "cco@example.com", "--password", "long-enough-password")
    assert refused_cleanly(result, 1), result.output
    assert "behind the latest event" in result.output and "nothing was recorded" in result.output


def test_the_latest_timestamp_is_found_behind_later_events_stamped_slightly_earlier(
        live: tuple[Path, UUID]) -> None:
    data, commitment = live
    app = sqlite_app(data)
    try:
        with clock.skewed(timedelta(seconds=40)):
            app.report_progress(SUPPORT, commitment, percent=20)
        ahead = latest_timestamp(app.recorder)
        for percent in range(21, 25):
            with clock.skewed(timedelta(seconds=-10)):
                app.report_progress(SUPPORT, commitment, percent=percent)
        assert latest_timestamp(app.recorder) == ahead  # not the last event's, which is earlier
    finally:
        app.close()


def test_an_append_after_a_seal_stamped_before_it_is_named_by_verify(live: tuple[Path, UUID]) -> None:
    """The adversary's backdated append, written into the store behind the application's back."""
    data, commitment = live
    sealed = seal(data)
    app = sqlite_app(data)
    with clock.frozen_at(stamp(data, 3) - timedelta(hours=1)):  # the frozen clock is not checked
        app.report_progress(SUPPORT, commitment, percent=99)
    app.close()
    result = cx("verify", "--data", data)
    assert result.exit_code == 1
    position = sealed["position"] + 1
    assert f"DIVERGENCE at position {position}: this event is stamped" in result.stdout
    assert "a backdated append" in result.stdout
    assert "Seal at position" in result.stdout and ": ok" in result.stdout  # the sealed past holds


def test_an_allowed_append_after_a_seal_leaves_the_plan_as_of_the_sealed_range_unchanged(
        live: tuple[Path, UUID]) -> None:
    data, commitment = live
    sealed = seal(data)
    last = stamp(data, sealed["position"])
    instant = (last - CLOCK_TOLERANCE - timedelta(seconds=1)).isoformat()
    before = cx("as-of", instant, "--format", "json", "--data", data)
    assert before.exit_code == 0, before.output
    app = sqlite_app(data)
    with clock.skewed(-(clock.now() - last) - CLOCK_TOLERANCE + timedelta(seconds=1)):
        app.report_progress(SUPPORT, commitment, percent=77)  # as early as the rule allows
    app.close()
    assert cx("verify", "--data", data).exit_code == 0
    after = cx("as-of", instant, "--format", "json", "--data", data)
    assert after.stdout == before.stdout


def test_a_server_keeps_the_latest_timestamp_and_sees_what_another_server_wrote_since(
        live: tuple[Path, UUID]) -> None:
    data, commitment = live
    this, other = sqlite_app(data), sqlite_app(data)
    try:
        with clock.skewed(timedelta(0)):  # this server now keeps the latest
            this.report_progress(SUPPORT, commitment, percent=10)
        with clock.skewed(CLOCK_TOLERANCE + timedelta(minutes=5)):  # the other one runs ahead
            other.report_progress(SUPPORT, commitment, percent=20)
        before = this.head()
        with clock.skewed(timedelta(0)), pytest.raises(ClockBehind, match="behind the latest event"):
            this.report_progress(SUPPORT, commitment, percent=30)
        assert this.head() == before
        with clock.skewed(CLOCK_TOLERANCE + timedelta(minutes=5)):
            this.report_progress(SUPPORT, commitment, percent=30)
        assert this.head() == before + 1
    finally:
        for app in (this, other):
            app.close()


def count_notifications_read(app: CxTracker, read: list[int]) -> None:
    """From now on, append to `read` how many notifications each of `app`'s log reads returns."""
    select = app.recorder.select_notifications

    def counting(*args: object, **kwargs: object) -> object:
        found = select(*args, **kwargs)  # type: ignore[arg-type]
        read.append(len(found))
        return found

    app.recorder.select_notifications = counting  # type: ignore[method-assign]


def test_the_kept_latest_timestamp_reads_only_the_events_written_since(
        live: tuple[Path, UUID]) -> None:
    data, commitment = live
    app = sqlite_app(data)
    read: list[int] = []
    try:
        with clock.skewed(timedelta(0)):
            app.report_progress(SUPPORT, commitment, percent=10)
            count_notifications_read(app, read)
            for percent in range(11, 31):  # a burst: every event within the tolerance of the others
                app.report_progress(SUPPORT, commitment, percent=percent)
        assert sum(read) <= 20  # one new event each (looking back from the head read far more)
        assert latest_timestamp(app.recorder) == stamp(data, app.head())
    finally:
        app.close()


def test_a_server_does_not_read_back_its_own_writes_but_reads_another_server_s(
        live: tuple[Path, UUID]) -> None:
    data, commitment = live
    this, other = sqlite_app(data), sqlite_app(data)
    read: list[int] = []
    try:
        with clock.skewed(timedelta(0)):
            this.report_progress(SUPPORT, commitment, percent=10)
            count_notifications_read(this, read)
            for percent in range(11, 16):
                this.report_progress(SUPPORT, commitment, percent=percent)
            assert read == []
        with clock.skewed(CLOCK_TOLERANCE + timedelta(minutes=5)):  # the other one runs ahead
            other.report_progress(SUPPORT, commitment, percent=20)
        with clock.skewed(timedelta(0)), pytest.raises(ClockBehind, match="behind the latest event"):
            this.report_progress(SUPPORT, commitment, percent=30)
        assert read == [1]
    finally:
        for app in (this, other):
            app.close()
