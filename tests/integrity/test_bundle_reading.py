"""Every command that reads a bundle verifies it first and refuses a broken one, naming the
first divergence; --no-verify replays it anyway, never with a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.support import cx, refused_cleanly
from tests.integrity.support import seal

INSTANT = "2026-11-01"


@pytest.fixture
def bundle(demo: Path, tmp_path: Path) -> Path:
    seal(demo)
    path = tmp_path / "bundle.jsonl"
    result = cx("export", path, "--data", demo)
    assert result.exit_code == 0, result.output
    return path


def rewrite(bundle: Path, change) -> Path:  # type: ignore[no-untyped-def]
    lines = bundle.read_bytes().split(b"\n")
    out = bundle.with_name("changed.jsonl")
    out.write_bytes(b"\n".join(change(lines)))
    return out


def renumbered_swap(lines: list[bytes], a: int, b: int) -> list[bytes]:
    """Swap records a and b and give each the other's position, so positions still ascend."""
    ra, rb = json.loads(lines[a]), json.loads(lines[b])
    ra["position"], rb["position"] = rb["position"], ra["position"]
    lines = list(lines)
    lines[a], lines[b] = json.dumps(rb).encode(), json.dumps(ra).encode()
    return lines


def test_as_of_a_sound_bundle_prints_the_plan(bundle: Path) -> None:
    result = cx("as-of", INSTANT, "--bundle", bundle)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()


def test_as_of_refuses_a_bundle_with_a_changed_record_naming_it(bundle: Path) -> None:
    def change(lines: list[bytes]) -> list[bytes]:
        lines[40] = lines[40].replace(b'"timestamp"', b'"timestamp" ', 1).replace(b"2026", b"2025", 1)
        return lines

    broken = rewrite(bundle, change)
    result = cx("as-of", INSTANT, "--bundle", broken)
    assert refused_cleanly(result, 1), result.output
    assert "does not verify: first divergence at position 40" in result.output
    assert "--no-verify" in result.output and result.stdout == ""


@pytest.mark.parametrize(("a", "b"), [(100, 101), (30, 300)])
def test_a_reordered_bundle_is_refused_and_replayed_without_a_traceback_when_asked(
        bundle: Path, a: int, b: int) -> None:
    broken = rewrite(bundle, lambda lines: renumbered_swap(lines, a, b))
    result = cx("as-of", INSTANT, "--bundle", broken)
    assert refused_cleanly(result, 1), result.output
    assert f"first divergence at position {a}" in result.output
    unchecked = cx("as-of", INSTANT, "--bundle", broken, "--no-verify")
    assert unchecked.exit_code in (0, 1) and "Traceback" not in unchecked.output
    assert unchecked.exception is None or isinstance(unchecked.exception, SystemExit)


def test_no_verify_replays_a_bundle_whose_seal_was_edited(bundle: Path) -> None:
    def change(lines: list[bytes]) -> list[bytes]:
        last = [i for i, line in enumerate(lines) if line.startswith(b'{"seal"')][-1]
        seal_line = json.loads(lines[last])
        seal_line["seal"]["chain"] = "0" * 64
        lines[last] = json.dumps(seal_line).encode()
        return lines

    broken = rewrite(bundle, change)
    refused = cx("as-of", INSTANT, "--bundle", broken)
    assert refused_cleanly(refused, 1) and "its seal at position" in refused.output
    replayed = cx("as-of", INSTANT, "--bundle", broken, "--no-verify")
    assert replayed.exit_code == 0, replayed.output
    assert replayed.stdout == cx("as-of", INSTANT, "--bundle", bundle).stdout


def test_no_verify_goes_with_a_bundle_only(demo: Path) -> None:
    result = cx("as-of", INSTANT, "--no-verify", "--data", demo)
    assert refused_cleanly(result, 2) and "--no-verify goes with --bundle" in result.output


@pytest.mark.parametrize("line", [1, 2, 57, 200])
@pytest.mark.parametrize("command", ["verify", "as-of"])
def test_invalid_utf8_is_reported_at_its_own_line(bundle: Path, line: int, command: str) -> None:
    def change(lines: list[bytes]) -> list[bytes]:
        lines[line - 1] = lines[line - 1][:20] + b"\xff\xfe" + lines[line - 1][20:]
        return lines

    broken = rewrite(bundle, change)
    args = ["verify", "--bundle", broken] if command == "verify" else ["as-of", INSTANT, "--bundle", broken]
    result = cx(*args)
    assert refused_cleanly(result, 2), result.output
    assert f"{broken}, line {line}: not UTF-8 text (byte 21 of the line)" in result.output


def test_a_bundle_recording_an_event_twice_is_refused_when_replayed_unverified(bundle: Path) -> None:
    def change(lines: list[bytes]) -> list[bytes]:
        twin = json.loads(lines[50])
        twin["position"] = json.loads(lines[51])["position"]
        return [*lines[:51], json.dumps(twin).encode(), *lines[52:]]

    broken = rewrite(bundle, change)
    assert refused_cleanly(cx("as-of", INSTANT, "--bundle", broken), 1)
    result = cx("as-of", INSTANT, "--bundle", broken, "--no-verify")
    assert refused_cleanly(result, 2), result.output
    assert "records an event twice" in result.output
