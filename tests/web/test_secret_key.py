"""The installation's secret key (signing sessions and CSRF tokens): made once, kept private,
and the same for every server process, even those that start at the same moment."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.waiting import HANG, start_together
from web.settings import _secret_key

REPO = Path(__file__).resolve().parents[2]
READ_KEY = """
import sys, time
from pathlib import Path
from web.settings import _secret_key
print("ready", flush=True)
start = float(sys.stdin.readline())
while time.time() < start:
    pass
print(_secret_key(Path(sys.argv[1])))
"""


def test_the_key_is_made_once_private_and_then_reused(tmp_path: Path) -> None:
    key = _secret_key(tmp_path)

    assert len(key) == 64 and int(key, 16) >= 0
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600
    assert _secret_key(tmp_path) == key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]  # no scratch file left


@pytest.mark.slow  # spawns processes
def test_server_processes_starting_together_share_one_complete_key(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for round_ in range(3):
        data = tmp_path / f"data-{round_}"
        data.mkdir()
        readers = [
            subprocess.Popen([sys.executable, "-c", READ_KEY, str(data)], cwd=REPO, env=env,
                             text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
            for _ in range(6)
        ]
        try:
            start_together(readers)
            results = [r.communicate(timeout=HANG) for r in readers]
        finally:
            for r in readers:
                if r.poll() is None:
                    r.kill()
                r.communicate()

        assert [r.returncode for r in readers] == [0] * 6, [err for _, err in results]
        keys = {out.strip() for out, _ in results}
        assert len(keys) == 1 and len(keys.pop()) == 64
        assert sorted(p.name for p in data.iterdir()) == ["secret_key"]


def test_an_emptied_key_file_is_refused_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("")

    with pytest.raises(RuntimeError, match="secret_key is empty"):
        _secret_key(tmp_path)
