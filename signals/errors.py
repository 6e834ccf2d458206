"""The core's own exceptions: values the CLI turns into one sentence and an exit code."""

from __future__ import annotations


class SignalsError(Exception):
    """Bad data: the user's input, file or database cannot be used as it is (exit 1)."""

    exit_code = 1


class UsageError(SignalsError):
    """Bad usage: the command was called in a way that cannot work (exit 2)."""

    exit_code = 2


class CatalogueError(SignalsError):
    """A catalogue file that does not load or does not validate."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class UnknownIndicatorError(SignalsError):
    def __init__(self, indicator_id: str, suggestions: list[str]) -> None:
        if suggestions:
            text = f"Unknown indicator '{indicator_id}'. Did you mean {', '.join(suggestions)}?"
        else:
            text = f"Unknown indicator '{indicator_id}': `signals indicators` lists them."
        super().__init__(text)
        self.indicator_id = indicator_id
        self.suggestions = suggestions


class EventNotFoundError(SignalsError):
    def __init__(self, event_id: int) -> None:
        super().__init__(f"No event with id {event_id}.")
        self.event_id = event_id


class DatabaseError(SignalsError):
    """A database file that cannot be opened, is not SQLite, or is from a newer version."""
