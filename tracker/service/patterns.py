"""The CX pattern library: publishing, revising and retiring patterns, who may publish, and
commitments citing them.

- The CCO publishes, revises and retires patterns, and grants or revokes a lead's right to
  publish (an event on the pattern library).
- A lead the CCO allowed publishes and revises patterns (any live one); retiring is the CCO's.
- A commitment's department (its lead or the CCO) cites and uncites live patterns.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID, uuid4, uuid5

from tracker.authorization import require_cco, require_department_writer, require_pattern_publisher
from tracker.domain import Commitment, Pattern, PatternLibrary, Plan, pattern_library_id, rules
from tracker.domain.member import LEAD
from tracker.domain.base import ID_NAMESPACE
from tracker.errors import Conflict, Invalid, NotFound
from tracker.service.base import Receipt, ServiceBase

MAX_TEXT = 8000
MAX_LINKS = 10
MAX_URL = 2000
LINK_SCHEMES = ("http", "https", "mailto")

Links = str | Iterable[dict[str, str]] | None


class PatternCommands(ServiceBase):
    def publish_pattern(
        self, actor: UUID, *, title: str, text: str, journeys: Iterable[str] = (),
        departments: Iterable[str] = (), links: Links = None, idempotency_key: str | None = None,
    ) -> Receipt:
        """Publish a pattern. With an `idempotency_key` (the form carries a new one each time it
        is shown; the demo names its patterns), the same actor publishing with the same key again
        gets the first one's receipt: the key decides the pattern's id."""
        member = self._actor(actor)
        require_pattern_publisher(member, self._publishers())
        published_id = _published_id(actor, idempotency_key)
        if published_id is not None and published_id in self.repository:
            return self._published_already(published_id)
        content = self._content(self._plan(), title, text, journeys, departments, links)
        pattern = Pattern(id=published_id or uuid4(), **content, actor=actor)  # type: ignore[call-arg]
        try:
            return self._store(pattern)
        except Conflict:
            if published_id is None:
                raise
            return self._published_already(published_id)

    def _published_already(self, pattern_id: UUID) -> Receipt:
        found = self._pattern(pattern_id)
        return Receipt(found.id, found.version, self.head())

    def revise_pattern(
        self, actor: UUID, pattern_id: UUID, *, title: str, text: str, reason: str,
        journeys: Iterable[str] = (), departments: Iterable[str] = (), links: Links = None,
        expected_version: int | None = None,
    ) -> Receipt:
        member = self._actor(actor)
        require_pattern_publisher(member, self._publishers())
        pattern = self._pattern(pattern_id)
        self._expect(pattern, expected_version)
        checked = rules.collect(  # every refused field at once, the reason's too
            content=lambda: self._content(self._plan(), title, text, journeys, departments, links,
                                          kept=pattern.current),
            reason=lambda: rules.text("reason", reason, maximum=1000))
        pattern.revise(checked["content"], checked["reason"], actor=actor)
        return self._store(pattern)

    def retire_pattern(
        self, actor: UUID, pattern_id: UUID, *, reason: str, expected_version: int | None = None,
    ) -> Receipt:
        member = self._actor(actor)
        require_cco(member, "retire patterns")
        pattern = self._pattern(pattern_id)
        self._expect(pattern, expected_version)
        pattern.retire(rules.text("reason", reason, maximum=1000), actor=actor)
        return self._store(pattern)

    def grant_pattern_publisher(self, actor: UUID, email: str) -> Receipt:
        """The CCO allows a department lead to publish and revise patterns."""
        member = self._actor(actor)
        require_cco(member, "allow leads to publish patterns")
        target = self._member_by_email(rules.email("member", email))
        if not target.active:
            raise Invalid.field("member", f"{target.email} is deactivated")
        if not any(role == LEAD for role, _ in target.grants):
            raise Invalid.field("member", f"{target.email} leads no department: only leads may be allowed")
        library = self._library(actor)
        library.grant_publisher(target.id, actor=actor)
        return self._store(library)

    def revoke_pattern_publisher(self, actor: UUID, email: str) -> Receipt:
        member = self._actor(actor)
        require_cco(member, "revoke a lead's right to publish patterns")
        target = self._member_by_email(rules.email("member", email))
        library = self._library(actor)
        library.revoke_publisher(target.id, actor=actor)
        return self._store(library)

    def cite_pattern(self, actor: UUID, commitment_id: UUID, *, pattern_id: UUID | str) -> Receipt:
        """The commitment's department cites a live pattern it applies."""
        return self._retrying(lambda: self._cite(actor, commitment_id, pattern_id, cite=True))

    def uncite_pattern(self, actor: UUID, commitment_id: UUID, *, pattern_id: UUID | str) -> Receipt:
        return self._retrying(lambda: self._cite(actor, commitment_id, pattern_id, cite=False))

    def _cite(self, actor: UUID, commitment_id: UUID, pattern_ref: UUID | str, *, cite: bool) -> Receipt:
        member = self._actor(actor)
        commitment = self._get(Commitment, commitment_id, "commitment")
        require_department_writer(member, commitment.department)
        pattern_id = _pattern_ref(pattern_ref)
        if cite:
            pattern = self._pattern_field(pattern_id)
            if pattern.retired:
                raise Invalid.field("pattern", "is retired: only live patterns can be cited")
            commitment.cite_pattern(pattern_id, actor=actor)
        else:
            commitment.uncite_pattern(pattern_id, actor=actor)
        return self._store(commitment)

    def pattern(self, pattern_id: UUID) -> dict[str, Any]:
        """A pattern's current state as plain data (the CLI and forms)."""
        p = self._pattern(pattern_id)
        return {"id": p.id, "version": p.version, "revision": p.revision, "retired": p.retired,
                **p.current}

    def pattern_publishers(self) -> set[UUID]:
        return set(self._publishers())

    # Helpers

    def _pattern(self, pattern_id: UUID) -> Pattern:
        return self._get(Pattern, pattern_id, "pattern")

    def _pattern_field(self, pattern_id: UUID) -> Pattern:
        try:
            return self._pattern(pattern_id)
        except NotFound:
            raise Invalid.field("pattern", "no such pattern in the library") from None

    def _publishers(self) -> set[UUID]:
        try:
            return set(self._get(PatternLibrary, pattern_library_id(), "pattern library").publishers)
        except NotFound:
            return set()

    def _library(self, actor: UUID) -> PatternLibrary:
        try:
            return self._get(PatternLibrary, pattern_library_id(), "pattern library")
        except NotFound:
            return PatternLibrary(actor=actor)

    def _content(
        self, plan: Plan, title: str, text: str, journeys: Iterable[str],
        departments: Iterable[str], links: Links, kept: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Checked content; a journey or department the pattern already names may stay when
        it has been retired since, a new one must be live."""
        kept = kept or {"journeys": [], "departments": []}
        return rules.collect(
            title=lambda: rules.text("title", title, minimum=3, maximum=200),
            text=lambda: rules.text("text", text, minimum=3, maximum=MAX_TEXT),
            journeys=lambda: _keys(journeys, kept["journeys"],
                                   lambda k: plan.require_journey("journeys", k)),
            departments=lambda: _keys(departments, kept["departments"],
                                      lambda k: plan.require_department("departments", k)),
            links=lambda: parse_links(links),
        )


def _keys(given: Iterable[str], kept: list[str], require: Any) -> list[str]:
    keys: list[str] = []
    for given_key in given:
        key = str(given_key).strip()
        if not key or key in keys:
            continue
        if key not in kept:
            require(key)
        keys.append(key)
    return keys


def _published_id(actor: UUID, idempotency_key: str | None) -> UUID | None:
    if not idempotency_key:
        return None
    if len(idempotency_key) > 100:
        raise Invalid.field("idempotency_key", "must be at most 100 characters")
    return uuid5(ID_NAMESPACE, f"pattern:{actor}:{idempotency_key}")


def _pattern_ref(ref: UUID | str) -> UUID:
    if isinstance(ref, UUID):
        return ref
    try:
        return UUID(str(ref).strip())
    except ValueError:
        raise Invalid.field("pattern", "no such pattern in the library") from None


def parse_links(links: Links) -> list[dict[str, str]]:
    """Links as [{"label", "url"}]: from a list of dicts, or text with one link a line
    ("Label | https://..." or just the address). Only http(s) and mailto addresses."""
    if links is None:
        return []
    if isinstance(links, str):
        items = []
        for line in links.splitlines():
            if not line.strip():
                continue
            label, bar, url = line.rpartition("|")
            items.append({"label": label.strip() if bar else "", "url": url.strip()})
    else:
        items = [{"label": str(i.get("label", "")).strip(), "url": str(i.get("url", "")).strip()}
                 for i in links]
    if len(items) > MAX_LINKS:
        raise Invalid.field("links", f"at most {MAX_LINKS} links")
    checked = []
    for item in items:
        url = check_url(item["url"])
        label = rules.optional_text("links", item["label"], maximum=200) or url
        checked.append({"label": label, "url": url})
    return checked


def check_url(url: str) -> str:
    """An absolute http(s) address with a host, or a mailto address; nothing else (no
    javascript:, data:, relative or protocol-relative links)."""
    url = rules.text("links", url, maximum=MAX_URL)
    if any(ch.isspace() or ord(ch) < 32 or ch in "<>\"'`\\" for ch in url):
        raise Invalid.field("links", f"{url[:80]!r} is not a web or mailto address")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise Invalid.field("links", f"{url[:80]!r} is not a web or mailto address") from None
    scheme = parts.scheme.lower()
    if scheme not in LINK_SCHEMES:
        raise Invalid.field("links", f"{url[:80]!r}: only http, https and mailto links")
    if scheme in ("http", "https") and not parts.hostname:
        raise Invalid.field("links", f"{url[:80]!r} names no host")
    if scheme == "mailto" and "@" not in parts.path:
        raise Invalid.field("links", f"{url[:80]!r} names no e-mail address")
    return url
