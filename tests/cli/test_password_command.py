"""`cx-tracker user password`: the CCO resets a member's password (ending their sessions), a member
changes their own (giving the current one), and `--link` makes a one-time set-password link."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli.support import PASSWORD, cx, open_data, refused_cleanly
from tracker.domain import member_id

CCO, LEAD = "cco@example.com", "lead@example.com"
NEW = "a brand new passphrase"


def _add_lead(installation: Path) -> None:
    result = cx("user", "add", LEAD, "--name", "Lee Lead", "--role", "lead", "--department", "it",
                "--password", PASSWORD, "--as", CCO, "--data", installation)
    assert result.exit_code == 0, result.output


def test_the_cco_resets_a_password_with_a_prompt_and_the_sessions_end(installation: Path) -> None:
    _add_lead(installation)
    app = open_data(installation)
    token = app.accounts.open_session(member_id(LEAD))
    result = cx("user", "password", LEAD, "--as", CCO, "--data", installation, input=f"{NEW}\n{NEW}\n")
    assert result.exit_code == 0, result.output
    assert "sessions have ended" in result.output and NEW not in result.output
    assert app.authenticate(LEAD, NEW) == member_id(LEAD)
    assert app.accounts.session_member(token) is None


def test_a_member_changes_their_own_with_the_current_password(installation: Path) -> None:
    _add_lead(installation)
    refused = cx("user", "password", LEAD, "--as", LEAD, "--password", NEW,
                 "--current-password", "wrong-password", "--data", installation)
    assert refused_cleanly(refused, 2) and "current_password" in refused.output
    done = cx("user", "password", LEAD, "--as", LEAD, "--password", NEW,
              "--current-password", PASSWORD, "--data", installation)
    assert done.exit_code == 0, done.output
    assert open_data(installation).authenticate(LEAD, NEW) == member_id(LEAD)


def test_a_lead_cannot_reset_the_ccos_password(installation: Path) -> None:
    _add_lead(installation)
    result = cx("user", "password", CCO, "--as", LEAD, "--password", NEW, "--data", installation)
    assert refused_cleanly(result, 1)
    assert open_data(installation).authenticate(CCO, PASSWORD) == member_id(CCO)


def test_a_link_sets_the_password_once(installation: Path) -> None:
    result = cx("user", "add", LEAD, "--name", "Lee Lead", "--link", "--as", CCO, "--data", installation)
    assert result.exit_code == 0, result.output
    token = re.search(r"/password/set/(\S+)", result.output).group(1)  # type: ignore[union-attr]
    app = open_data(installation)
    assert app.authenticate(LEAD, PASSWORD) is None
    assert app.set_password_with_link(token, NEW) == LEAD
    assert app.authenticate(LEAD, NEW) == member_id(LEAD)
    again = cx("user", "password", LEAD, "--link", "--as", CCO, "--data", installation)
    assert again.exit_code == 0 and "/password/set/" in again.output
    assert token not in again.output
