"""The TOML schema of a mapping: what a mapping file may say, checked on reading."""

from __future__ import annotations

import codecs
from typing import Any, Literal, Self

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from signals.mapping.templates import FILTERS
from signals.validation import KEBAB_CASE, StrictModel


class _Strict(StrictModel):
    """A mapping's TOML spells some keys as Python cannot (`in`, `all`, `any`): those
    fields carry an alias, and are filled by either name."""

    model_config = ConfigDict(populate_by_name=True)


def _no_numbers(value: Any) -> Any:
    """Codes are text: a bare TOML number would lose its leading zeros (040 is not 40)."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, int | float) and not isinstance(item, bool):
            raise ValueError(
                f'write {item!r} as a quoted string (e.g. "040"): codes are compared as text'
            )
    return value


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class ConditionSpec(_Strict):
    """A test on one column, or a group of conditions, or a reference to a named one.

    A leaf has `column` and exactly one of `equals`, `in`, `startswith`, `contains` or
    `empty`. A group has one or more of `all`, `any`, `none` (all of which must hold).
    In a list, a plain string names a condition from `[conditions]`."""

    ref: str | None = None
    column: str | None = Field(default=None, min_length=1)
    equals: str | None = None
    in_: list[str] | None = Field(default=None, alias="in", min_length=1)
    startswith: list[str] | None = Field(default=None, min_length=1)
    contains: list[str] | None = Field(default=None, min_length=1)
    empty: bool | None = None
    all_: list[ConditionSpec] | None = Field(default=None, alias="all", min_length=1)
    any_: list[ConditionSpec] | None = Field(default=None, alias="any", min_length=1)
    none: list[ConditionSpec] | None = Field(default=None, min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _named(cls, value: Any) -> Any:
        return {"ref": value} if isinstance(value, str) else value

    @field_validator("equals", "in_", "startswith", "contains", mode="before")
    @classmethod
    def _text_values(cls, value: Any, info: ValidationInfo) -> Any:
        _no_numbers(value)
        return value if info.field_name == "equals" else _as_list(value)

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        tests = [
            name
            for name, value in (
                ("equals", self.equals),
                ("in", self.in_),
                ("startswith", self.startswith),
                ("contains", self.contains),
                ("empty", self.empty),
            )
            if value is not None
        ]
        groups = [g for g in (self.all_, self.any_, self.none) if g is not None]
        if self.ref is not None:
            if tests or groups or self.column is not None:
                raise ValueError("a named condition reference cannot carry tests")
            return self
        if self.column is not None:
            if len(tests) != 1 or groups:
                raise ValueError(
                    f"the test on column '{self.column}' needs exactly one of"
                    " equals, in, startswith, contains or empty"
                )
            return self
        if tests:
            raise ValueError(f"'{tests[0]}' needs a 'column' to test")
        if not groups:
            raise ValueError("a condition needs a column test or an all/any/none list")
        return self


class FieldTemplates(_Strict):
    """Event fields as templates over the row's columns (see docs/mappings.md)."""

    summary: str | None = None
    source: str | None = None
    url: str | None = None
    reliability: str | None = None
    credibility: str | None = None
    status: str | None = None
    location: str | None = None
    analyst: str | None = None
    notes: str | None = None
    external_id: str | None = None
    tags: list[str] | None = None


class RangeSpec(_Strict):
    min: float | None = None
    max: float | None = None
    value: str

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min is None and self.max is None:
            raise ValueError("a range needs a min, a max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"the range's min {self.min} is above its max {self.max}")
        return self


class MapSpec(_Strict):
    """A lookup table: exact `values` first, then numeric `ranges`, then `default`."""

    values: dict[str, str] = Field(default_factory=dict)
    ranges: list[RangeSpec] = Field(default_factory=list)
    default: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not self.values and not self.ranges:
            raise ValueError("a map needs 'values' or 'ranges'")
        return self


class FileSpec(_Strict):
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    encoding: str | None = None
    columns: list[str] | None = Field(default=None, min_length=1)
    optional_columns: list[str] = Field(default_factory=list)

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"'{value}' is not an encoding Python knows") from None
        return value

    @field_validator("columns")
    @classmethod
    def _unique_columns(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            seen: set[str] = set()
            for name in value:
                if not name.strip():
                    raise ValueError("a column name is empty")
                if name in seen:
                    raise ValueError(f"column '{name}' is listed twice")
                seen.add(name)
        return value


class DateSpec(_Strict):
    column: str = Field(min_length=1)
    formats: list[str] = Field(min_length=1)

    @field_validator("formats")
    @classmethod
    def _strptime_formats(cls, value: list[str]) -> list[str]:
        for fmt in value:
            if "%" not in fmt:
                raise ValueError(f"'{fmt}' is not a strptime format such as %Y-%m-%d")
        return value


class RuleSpec(_Strict):
    name: str = Field(pattern=KEBAB_CASE, max_length=60)
    why: str = Field(min_length=10)
    indicator: str | None = Field(default=None, pattern=KEBAB_CASE, max_length=80)
    skip: bool = False
    all_: list[ConditionSpec] = Field(default_factory=list, alias="all")
    any_: list[ConditionSpec] = Field(default_factory=list, alias="any")
    none: list[ConditionSpec] = Field(default_factory=list)
    status: Literal["reported", "confirmed", "refuted"] | None = None
    note: str | None = None
    tags: list[str] = Field(default_factory=list)
    fields: FieldTemplates | None = None

    @model_validator(mode="after")
    def _target(self) -> Self:
        if self.skip and self.indicator is not None:
            raise ValueError("a skip rule has no indicator")
        if not self.skip and self.indicator is None:
            raise ValueError("needs an indicator (or skip = true)")
        return self


class MappingInfo(_Strict):
    name: str = Field(min_length=1, max_length=80)
    description: str = ""


class MappingSpec(_Strict):
    mapping: MappingInfo
    file: FileSpec = Field(default_factory=FileSpec)
    observed_at: DateSpec
    fields: FieldTemplates
    maps: dict[str, MapSpec] = Field(default_factory=dict)
    conditions: dict[str, ConditionSpec] = Field(default_factory=dict)
    rules: list[RuleSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.fields.summary:
            raise ValueError("[fields] needs a summary template")
        seen: set[str] = set()
        for rule in self.rules:
            if rule.name in seen:
                raise ValueError(f"two rules are named '{rule.name}'")
            seen.add(rule.name)
        for name in self.maps:
            if name in FILTERS:
                raise ValueError(f"map '{name}' has the name of a built-in filter")
        return self
