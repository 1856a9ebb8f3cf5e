"""`cx-tracker token create|list|revoke --as EMAIL`."""

from __future__ import annotations

from pathlib import Path

from tests.cli.support import cx, open_data

CCO = ("--as", "cco@example.com")


def test_a_token_created_on_the_command_line_is_printed_once_listed_and_revocable(
    installation: Path,
) -> None:
    made = cx("token", "create", "--name", "survey tool", "--scope", "read-write", "--days", "7",
              "--data", installation, *CCO)
    assert made.exit_code == 0, made.output
    secret = made.output.splitlines()[0]
    assert secret.startswith("cxt_")
    app = open_data(installation)
    used = app.use_token(secret)
    app.close()
    assert used is not None and used.may_write
    listed = cx("token", "list", "--data", installation, *CCO)
    assert used.token_id in listed.output and "read-write" in listed.output
    assert secret not in listed.output and "active" in listed.output
    revoked = cx("token", "revoke", used.token_id, "--data", installation, *CCO)
    assert revoked.exit_code == 0, revoked.output
    assert "revoked" in cx("token", "list", "--data", installation, *CCO).output
    app = open_data(installation)
    assert app.use_token(secret) is None
    app.close()


def test_revoking_an_unknown_token_is_bad_input(installation: Path) -> None:
    result = cx("token", "revoke", "deadbeef", "--data", installation, *CCO)
    assert result.exit_code == 2 and "token not found" in result.output
