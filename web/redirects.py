"""Where a user may be sent back to after signing in or posting a form: this site only."""

from __future__ import annotations

from urllib.parse import urlsplit


def same_site_path(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None. Refuses other sites (`//host`,
    `scheme:`), backslashes (some browsers read `/\\host` as `//host`) and control characters."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
