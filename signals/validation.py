"""What every model read from a file shares: strict fields, frozen values, kebab-case ids."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

KEBAB_CASE = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# Every number and rule of a catalogue says why, in a sentence a reader can check.
Rationale = Annotated[str, Field(min_length=10)]


class StrictModel(BaseModel):
    """A misspelt key is an error, not a silently ignored one, and a value never changes
    after it is read. Validators are built on first use: a catalogue read from the cache
    never needs them."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
