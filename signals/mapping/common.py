"""What every stage of compiling a mapping shares: the row it reads and the problem it
raises."""

from __future__ import annotations

Row = dict[str, str]


class MappingProblem(Exception):
    """A mapping problem found while compiling; becomes a SignalsError with the file name."""
