"""Signed one-click unsubscribe links: who, and which kind of notice (or every kind)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from uuid import UUID

from tracker.errors import Invalid

ALL = "all"


def _mac(key: str, payload: str) -> str:
    digest = hmac.new(key.encode(), b"unsubscribe:" + payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def sign(key: str, member_id: UUID, kind: str | None) -> str:
    payload = f"{member_id}:{kind or ALL}"
    encoded = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    return f"{encoded}.{_mac(key, payload)}"


def verify(key: str, token: str) -> tuple[UUID, str | None]:
    """The member and kind (None: every kind) a token names; Invalid when forged or garbled."""
    try:
        encoded, mac = token.split(".", 1)
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        member, kind = payload.split(":", 1)
        ident = UUID(member)
    except (ValueError, UnicodeDecodeError):
        raise Invalid.field("token", "this unsubscribe link is not valid") from None
    if not hmac.compare_digest(mac, _mac(key, payload)):
        raise Invalid.field("token", "this unsubscribe link is not valid")
    return ident, None if kind == ALL else kind
