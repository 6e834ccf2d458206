"""What an analyst says turned out true, validated at the edge like every other input."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from signals.errors import SignalsError
from signals.text import REFUSED_IN_TEXT


def _clean_note(value: object) -> object:
    """Blank is no value; a control character is refused (newlines and tabs are kept)."""
    if isinstance(value, str):
        value = value.strip() or None
        if value is not None and REFUSED_IN_TEXT.search(value):
            raise ValueError("may not hold control characters")
    return value


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


class ResolutionInput(BaseModel):
    """What an analyst says turned out true: which hypothesis held, from when, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    # Checked against the catalogue's hypotheses by the caller, which can name them.
    hypothesis: Annotated[str, BeforeValidator(_lower)] = Field(min_length=1, max_length=80)
    holds_from: dt.date
    note: Annotated[str | None, BeforeValidator(_clean_note)] = Field(
        default=None, max_length=2_000
    )
    analyst: Annotated[str | None, BeforeValidator(_clean_note)] = Field(
        default=None, max_length=100
    )


def parse_resolution(
    hypothesis: str, holds_from: dt.date, note: str | None, analyst: str | None = None
) -> ResolutionInput:
    """Validate a resolution, or say in one sentence what is wrong with it."""
    from signals.events import field_problems

    try:
        return ResolutionInput(
            hypothesis=hypothesis, holds_from=holds_from, note=note, analyst=analyst
        )
    except ValidationError as error:
        described = "; ".join(f"{name}: {reason}" for name, reason in field_problems(error))
        raise SignalsError(f"Invalid resolution: {described}.") from None
