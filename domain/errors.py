"""Errors the workflow raises; views turn them into 403/404/409 with a message."""


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; the view translates it."""
    return message


class DomainError(Exception):
    """Base class. `message` is an English msgid, translated by the view."""

    def __init__(self, message: str = "", **params):
        super().__init__(message)
        self.message = message
        self.params = params


class NotFound(DomainError):
    """The thing does not exist, or the user may not know it exists (answers 404)."""


class NotAllowed(DomainError):
    """The user's role may not take this action (answers 403)."""


class InvalidTransition(DomainError):
    """The ticket is no longer in a state that allows the action (answers 409)."""


class Conflict(DomainError):
    """Someone else changed the record since the form was loaded (answers 409)."""


class FormProblems(Conflict):
    """Fields that are wrong: `problems` maps field -> English msgid, or (msgid, params)."""

    def __init__(self, problems: dict):
        first = next(iter(problems.values()))
        super().__init__(first if isinstance(first, str) else first[0])
        self.problems = problems
