"""`cx-tracker init` and `cx-tracker user ...`: exit 0 done, 1 refused, 2 bad input."""

from __future__ import annotations

from pathlib import Path

from tests.cli.support import PASSWORD, cx, open_data, refused_cleanly

CCO = ("--as", "cco@example.com")


def add_lead(data: Path, email: str = "lead.it@example.com", department: str = "it") -> None:
    result = cx("user", "add", email, "--name", "Ivan It", "--role", "lead", "--department",
                department, "--password", PASSWORD, "--data", data, *CCO)
    assert result.exit_code == 0, result.output


def listing(data: Path) -> str:
    result = cx("user", "list", "--data", data)
    assert result.exit_code == 0, result.output
    return result.output


# init


def test_init_creates_an_installation_whose_first_member_is_the_cco(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = cx("init", "--data", data, "--plan", "Acme CX plan", "--email", "Cara@Example.com",
                "--name", "Cara Cole", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "Sign in as cara@example.com (Chief Customer Officer)" in result.output
    assert (data / "events.sqlite3").exists() and (data / "accounts.sqlite3").exists()
    assert "cara@example.com" in listing(data) and "cco" in listing(data)
    app = open_data(data)
    assert app.authenticate("cara@example.com", PASSWORD) is not None
    app.close()


def test_init_prompts_for_the_password_twice_when_it_is_not_given(tmp_path: Path) -> None:
    result = cx("init", "--data", tmp_path / "data", "--plan", "Acme CX plan", "--email",
                "cco@example.com", "--name", "Cara Cole", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output


def test_init_refuses_a_data_dir_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "notes.txt").write_text("mine")
    result = cx("init", "--data", tmp_path / "data", "--plan", "Acme", "--email", "cco@example.com",
                "--name", "Cara Cole", "--password", PASSWORD)
    assert refused_cleanly(result, 1)
    assert "is not empty" in result.output
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["notes.txt"]


def test_init_refuses_a_data_path_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("mine")
    result = cx("init", "--data", tmp_path / "data", "--plan", "Acme", "--email", "cco@example.com",
                "--name", "Cara Cole", "--password", PASSWORD)
    assert refused_cleanly(result, 1)
    assert "is not a directory" in result.output
    assert (tmp_path / "data").read_text() == "mine"


def test_init_with_a_missing_parent_dir_explains_the_problem_without_a_traceback(tmp_path: Path) -> None:
    data = tmp_path / "no-such-parent" / "data"
    result = cx("init", "--data", data, "--plan", "Acme", "--email", "cco@example.com",
                "--name", "Cara Cole", "--password", PASSWORD)
    assert refused_cleanly(result, 1)
    assert "its parent" in result.output and "does not exist" in result.output
    assert not data.parent.exists()


def test_init_with_a_bad_email_is_bad_input(tmp_path: Path) -> None:
    result = cx("init", "--data", tmp_path / "data", "--plan", "Acme", "--email", "not-an-email",
                "--name", "Cara Cole", "--password", PASSWORD)
    assert refused_cleanly(result, 2)
    assert "email: must be an e-mail address" in result.output


def test_init_with_a_short_password_is_bad_input(tmp_path: Path) -> None:
    result = cx("init", "--data", tmp_path / "data", "--plan", "Acme", "--email", "cco@example.com",
                "--name", "Cara Cole", "--password", "short")
    assert refused_cleanly(result, 2)
    assert "password: must be at least 8 characters" in result.output


def test_commands_on_a_data_dir_without_an_installation_are_refused(tmp_path: Path) -> None:
    result = cx("user", "list", "--data", tmp_path / "nothing-here")
    assert refused_cleanly(result, 1)
    assert "no installation" in result.output and "cx-tracker init" in result.output


# user add


def test_the_cco_adds_a_lead_who_is_listed_with_their_department(installation: Path) -> None:
    result = cx("user", "add", "Lead.IT@example.com", "--name", "Ivan It", "--role", "lead",
                "--department", "it", "--password", PASSWORD, "--data", installation, *CCO)
    assert result.exit_code == 0, result.output
    assert "Added lead.it@example.com as lead of it." in result.output
    assert "lead.it@example.com" in listing(installation)
    assert "lead:it" in listing(installation)


def test_the_acting_member_can_come_from_the_environment(installation: Path) -> None:
    result = cx("user", "add", "ceo@example.com", "--name", "Eve Exec", "--role", "executive",
                "--password", PASSWORD, "--data", installation, env={"CX_TRACKER_AS": "cco@example.com"})
    assert result.exit_code == 0, result.output


def test_user_add_with_a_bad_email_is_bad_input(installation: Path) -> None:
    result = cx("user", "add", "nobody-at-example", "--name", "No Body", "--password", PASSWORD,
                "--data", installation, *CCO)
    assert refused_cleanly(result, 2)
    assert "email: must be an e-mail address" in result.output


def test_user_add_of_an_existing_member_is_bad_input(installation: Path) -> None:
    add_lead(installation)
    result = cx("user", "add", "lead.it@example.com", "--name", "Ivan Again", "--password",
                PASSWORD, "--data", installation, *CCO)
    assert refused_cleanly(result, 2)
    assert "already exists" in result.output


def test_user_add_as_lead_of_an_unknown_department_is_bad_input(installation: Path) -> None:
    result = cx("user", "add", "x@example.com", "--name", "X Y", "--role", "lead", "--department",
                "legal", "--password", PASSWORD, "--data", installation, *CCO)
    assert refused_cleanly(result, 2)
    assert "no department 'legal'" in result.output


def test_an_unknown_role_is_bad_input(installation: Path) -> None:
    result = cx("user", "add", "x@example.com", "--name", "X Y", "--role", "boss", "--password",
                PASSWORD, "--data", installation, *CCO)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_a_lead_may_not_add_members(installation: Path) -> None:
    add_lead(installation)
    result = cx("user", "add", "friend@example.com", "--name", "A Friend", "--password", PASSWORD,
                "--data", installation, "--as", "lead.it@example.com")
    assert refused_cleanly(result, 1)
    assert "only the Chief Customer Officer may register members" in result.output
    assert "friend@example.com" not in listing(installation)


def test_an_unknown_acting_member_is_refused(installation: Path) -> None:
    result = cx("user", "add", "friend@example.com", "--name", "A Friend", "--password", PASSWORD,
                "--data", installation, "--as", "stranger@example.com")
    assert refused_cleanly(result, 1)
    assert "no member 'stranger@example.com'" in result.output


# user grant / revoke


def test_the_cco_grants_and_revokes_a_role(installation: Path) -> None:
    add_lead(installation)
    result = cx("user", "grant", "lead.it@example.com", "lead", "--department", "customer-service",
                "--data", installation, *CCO)
    assert result.exit_code == 0, result.output
    assert "lead:it, lead:customer-service" in listing(installation)
    result = cx("user", "revoke", "lead.it@example.com", "lead", "--department", "it",
                "--data", installation, *CCO)
    assert result.exit_code == 0, result.output
    assert "Revoked lead of it from lead.it@example.com." in result.output
    assert "lead:it," not in listing(installation)


def test_granting_a_lead_role_without_a_department_is_bad_input(installation: Path) -> None:
    add_lead(installation)
    result = cx("user", "grant", "lead.it@example.com", "lead", "--data", installation, *CCO)
    assert refused_cleanly(result, 2)
    assert "department: a lead's role names their department" in result.output


def test_granting_a_role_to_an_unknown_member_is_bad_input(installation: Path) -> None:
    result = cx("user", "grant", "ghost@example.com", "auditor", "--data", installation, *CCO)
    assert refused_cleanly(result, 2)
    assert "member not found" in result.output


def test_revoking_a_role_that_is_not_held_is_bad_input(installation: Path) -> None:
    add_lead(installation)
    result = cx("user", "revoke", "lead.it@example.com", "auditor", "--data", installation, *CCO)
    assert refused_cleanly(result, 2)
    assert "role: is not held" in result.output


def test_a_lead_may_not_grant_roles(installation: Path) -> None:
    add_lead(installation)
    result = cx("user", "grant", "lead.it@example.com", "cco", "--data", installation,
                "--as", "lead.it@example.com")
    assert refused_cleanly(result, 1)
    assert "cco" not in listing(installation).split("lead.it@example.com")[1].splitlines()[0]


# user deactivate


def test_the_cco_deactivates_a_member_who_is_then_listed_as_deactivated(installation: Path) -> None:
    add_lead(installation)
    result = cx("user", "deactivate", "lead.it@example.com", "--reason", "Left the company",
                "--data", installation, *CCO)
    assert result.exit_code == 0, result.output
    assert "Deactivated lead.it@example.com." in result.output
    line = next(row for row in listing(installation).splitlines() if row.startswith("lead.it@example.com"))
    assert line.endswith("(deactivated)")
    app = open_data(installation)
    assert app.authenticate("lead.it@example.com", PASSWORD) is None
    app.close()


def test_a_deactivated_members_commands_are_refused(installation: Path) -> None:
    result = cx("user", "add", "cco2@example.com", "--name", "Second Cco", "--role", "cco",
                "--password", PASSWORD, "--data", installation, *CCO)
    assert result.exit_code == 0, result.output
    result = cx("user", "deactivate", "cco2@example.com", "--reason", "Interim role ended",
                "--data", installation, *CCO)
    assert result.exit_code == 0, result.output
    for command in (
        ("user", "add", "friend@example.com", "--name", "A Friend", "--password", PASSWORD),
        ("user", "grant", "cco@example.com", "auditor"),
        ("user", "deactivate", "cco@example.com", "--reason", "Revenge"),
    ):
        result = cx(*command, "--data", installation, "--as", "cco2@example.com")
        assert refused_cleanly(result, 1), command
        assert "deactivated" in result.output


def test_the_cco_cannot_deactivate_themselves(installation: Path) -> None:
    result = cx("user", "deactivate", "cco@example.com", "--reason", "Tired", "--data",
                installation, *CCO)
    assert refused_cleanly(result, 1)
    assert "cannot deactivate themselves" in result.output


def test_deactivating_requires_a_reason(installation: Path) -> None:
    add_lead(installation)
    result = cx("user", "deactivate", "lead.it@example.com", "--data", installation, *CCO)
    assert result.exit_code == 2
    assert "--reason" in result.output
