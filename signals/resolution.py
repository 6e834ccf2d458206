"""What an analyst says turned out true, validated at the edge like every other input."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from signals.text import REFUSED_IN_TEXT
from signals.validation import KEBAB_CASE


def _clean_note(value: object) -> object:
    if isinstance(value, str):
        value = value.strip() or None
        if value is not None and REFUSED_IN_TEXT.search(value):
            raise ValueError("a note may not hold control characters")
    return value


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


class ResolutionInput(BaseModel):
    """What an analyst says turned out true: which hypothesis held, from when, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    hypothesis: Annotated[str, BeforeValidator(_lower)] = Field(
        min_length=1, max_length=80, pattern=KEBAB_CASE
    )
    holds_from: dt.date
    note: Annotated[str | None, BeforeValidator(_clean_note)] = Field(
        default=None, max_length=2_000
    )
