"""The README is the CLI reference: every command the `cx-tracker` group offers is documented."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from tracker.cli.main import cli

README = (Path(__file__).parent.parent / "README.md").read_text()


def command_paths(group: click.Group, prefix: str = "cx-tracker") -> list[str]:
    paths = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, path))
        else:
            paths.append(path)
    return paths


@pytest.mark.parametrize("path", command_paths(cli))
def test_every_command_is_documented_in_the_readme(path: str) -> None:
    assert f"`{path}" in README, f"{path} is missing from README.md's command table"


def test_the_command_list_is_not_empty() -> None:
    assert {"cx-tracker init", "cx-tracker serve", "cx-tracker user add"} <= set(command_paths(cli))
