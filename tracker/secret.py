"""The installation's secret key: one random key per data directory (or $CX_TRACKER_SECRET_KEY),
shared by the web UI's sessions and the signed links in e-mails."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

SECRET_ENV = "CX_TRACKER_SECRET_KEY"
SECRET_FILE = "secret_key"


def installation_key(data_dir: Path) -> str:
    """The key from the environment, else `secret_key` in the data directory (created once,
    readable only by its owner, linked into place so two processes never see a half file)."""
    from_env = os.environ.get(SECRET_ENV)
    if from_env:
        return from_env
    path = data_dir / SECRET_FILE
    if not path.exists():
        fd, scratch = tempfile.mkstemp(prefix=".secret_key.", dir=data_dir)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
            os.link(scratch, path)
        except FileExistsError:
            pass  # another process created it just now
        finally:
            os.unlink(scratch)
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it (signing everyone out) or restore it")
    return key
