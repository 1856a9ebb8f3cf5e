"""The few named errors the application service raises. The web layer maps them to HTTP."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a command can be refused with; nothing has been recorded."""


class NotFound(DomainError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} not found: {key}")
        self.what = what
        self.key = key


class NotAllowed(DomainError):
    """The acting member may not do this."""


class Invalid(DomainError):
    """Bad input: one message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = dict(errors)

    @classmethod
    def field(cls, name: str, message: str) -> Invalid:
        return cls({name: message})


class Conflict(DomainError):
    """Someone else changed it first. Nothing was recorded; reload and try again."""

    def __init__(self, message: str = "someone else changed this first; reload and try again") -> None:
        super().__init__(message)
