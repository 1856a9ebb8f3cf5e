"""Personal access token commands: a member makes, lists and revokes their own tokens for the
REST API; the CCO may revoke anyone's. Nothing here enters the event log (tokens are secrets)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from tracker import clock
from tracker.authorization import is_cco
from tracker.domain import rules
from tracker.errors import Invalid, NotAllowed, NotFound
from tracker.service.base import ServiceBase
from tracker.tokens import READ_WRITE, SCOPES, TokenStore

DEFAULT_DAYS, MAX_DAYS = 90, 366


@dataclass(frozen=True)
class TokenUse:
    """Who a valid bearer token acts for, and what it may do."""

    member_id: UUID
    token_id: str
    scope: str

    @property
    def may_write(self) -> bool:
        return self.scope == READ_WRITE


class TokenCommands(ServiceBase):
    _token_store: TokenStore | None = None

    @property
    def tokens(self) -> TokenStore:
        """The token store (in memory unless `attach_tokens` gave one)."""
        if self._token_store is None:
            self._token_store = TokenStore(":memory:")
        return self._token_store

    def attach_tokens(self, store: TokenStore) -> None:
        self._token_store = store

    def close(self) -> None:
        super().close()
        if self._token_store is not None:
            self._token_store.close()

    def create_token(
        self, actor: UUID, *, name: str, scope: str, days: int | str = DEFAULT_DAYS
    ) -> dict[str, Any]:
        """A new token of the acting member. The answer holds the secret `token`: show it once."""
        self._actor(actor)
        values = rules.collect(
            name=lambda: rules.text("name", name, maximum=100),
            scope=lambda: _scope(scope),
            days=lambda: _days(days),
        )
        secret, info = self.tokens.add(
            actor, values["name"], values["scope"], clock.now() + timedelta(days=values["days"])
        )
        return {**info.as_dict(clock.now()), "token": secret}

    def list_tokens(self, actor: UUID) -> list[dict[str, Any]]:
        """The acting member's tokens, oldest first, without their secrets."""
        self._actor(actor)
        now = clock.now()
        return [t.as_dict(now) for t in self.tokens.of_member(actor)]

    def revoke_token(self, actor: UUID, token_id: str) -> None:
        """Revoke one of your own tokens (the CCO: anyone's). Revoking twice changes nothing."""
        member = self._actor(actor)
        found = self.tokens.get(token_id.strip())
        if found is None or (found.member_id != actor and not is_cco(member)):
            raise NotFound("token", token_id)  # another member's token is not even confirmed
        self.tokens.revoke(found.token_id)

    def use_token(self, secret: str) -> TokenUse | None:
        """Who a bearer token acts for, when it is valid and its member active; else None."""
        found = self.tokens.use(secret)
        if found is None:
            return None
        try:
            self._actor(found.member_id)
        except NotAllowed:  # deactivated (or gone): the token stops working with them
            return None
        return TokenUse(found.member_id, found.token_id, found.scope)


def _scope(scope: str) -> str:
    if scope not in SCOPES:
        raise Invalid.field("scope", f"must be one of {', '.join(SCOPES)}")
    return scope


def _days(days: int | str) -> int:
    return rules.whole_number("days", days, minimum=1, maximum=MAX_DAYS)
