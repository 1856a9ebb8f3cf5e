"""`cx-tracker remind` as cron runs it: dry run lists, a run sends once, exit 0, progress on stderr."""

from __future__ import annotations

from typing import ClassVar

from click.testing import CliRunner

from tests.nudges.conftest import Handler, Installation
from tracker.cli.main import cli
from tracker.mail import SmtpSettings

AT = "2026-03-20T09:00:00+00:00"


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), env=env)


def test_a_dry_run_lists_what_it_would_send_and_records_nothing(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    head = installation.org.app.head()
    result = run("remind", "--data", str(installation.data), "--dry-run", "--at", AT,
                 env={"CX_TRACKER_SMTP_URL": f"smtp://127.0.0.1:{settings.port}"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and sum("lead.customer-service@example.com" in line for line in lines) == 3
    assert "Would send: check_in 1, executive_digest 1, help_requested 1, overdue 1" in result.stderr
    assert handler.received == [] and installation.org.app.head() == head


def test_a_run_sends_by_smtp_and_a_second_run_sends_nothing(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    env = {"CX_TRACKER_SMTP_URL": f"smtp://127.0.0.1:{settings.port}",
           "CX_TRACKER_MAIL_FROM": "plan@example.com", "CX_TRACKER_BASE_URL": "https://cx.example"}
    first = run("remind", "--data", str(installation.data), "--at", AT, env=env)
    assert first.exit_code == 0, first.stderr
    assert "4 e-mailed, 0 to the outbox, 0 failed" in first.stderr
    assert {str(m.message["From"]) for m in handler.received} == {"plan@example.com"}
    second = run("remind", "--data", str(installation.data), "--at", AT, env=env)
    assert second.exit_code == 0 and "Recorded: nothing" in second.stderr
    assert len(handler.received) == 4


def test_a_bad_instant_or_smtp_url_is_refused_as_bad_input(installation: Installation) -> None:
    assert run("remind", "--data", str(installation.data), "--at", "2026-03-20").exit_code == 2
    bad = run("remind", "--data", str(installation.data), env={"CX_TRACKER_SMTP_URL": "http://x"})
    assert bad.exit_code == 2 and "CX_TRACKER_SMTP_URL" in bad.stderr


def test_the_schedule_runs_reminders_until_stopped(installation: Installation, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading

    from projections.reminders import cli as remind_cli

    runs = []
    done = threading.Event()

    def fake_run(data, at, **kwargs):  # type: ignore[no-untyped-def]
        runs.append(data.path)
        if len(runs) >= 2:
            done.set()
        return _Outcome()

    class _Outcome:
        issued: ClassVar[dict[str, int]] = {}

    monkeypatch.setattr(remind_cli, "run_once", fake_run)
    stop = threading.Event()
    thread = remind_cli.start_schedule(str(installation.data), 0.0001, stop)
    assert done.wait(timeout=60)
    stop.set()
    thread.join(timeout=60)
    assert not thread.is_alive() and runs[0] == installation.data
