"""Mappings: read another tool's export (GDELT, ACLED, ...) as events.

A mapping is a TOML file: data, never code. It says how the file is laid out
(`[file]`), where the event date is (`[observed_at]`), how to fill the event fields
from the columns (`[fields]`, templates such as `"gdelt:{GLOBALEVENTID}"`), which
lookup tables exist (`[maps]`), reusable named conditions (`[conditions]`) and the
ordered `[[rules]]`: the first rule whose conditions hold decides the indicator (or
that the row is skipped); a row no rule matches is "not tracked". The format is
documented in docs/mappings.md.

Everything is checked and compiled once in `load_mapping`, so `Mapping.apply` costs a
few dictionary look-ups per row. Codes are compared as text: `"040"` is never `40`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import math
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from signals.catalogue import Catalogue, Credibility, Reliability, Status
from signals.errors import SignalsError

KEBAB_CASE = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SHIPPED_DIR = "mappings"

Row = dict[str, str]
Predicate = Callable[[Row], bool]
Filter = Callable[[str], str]

# Free-text fields are cut to the event model's limits rather than rejected: a long
# foreign description should not cost the row. Identifiers and URLs are never cut.
TEXT_LIMITS = {"summary": 2_000, "notes": 10_000, "location": 200, "source": 200, "analyst": 100}
TEMPLATE_FIELDS = (
    "summary",
    "source",
    "url",
    "reliability",
    "credibility",
    "status",
    "location",
    "analyst",
    "notes",
    "external_id",
)
# Control characters (other than tab and newline) are refused by the event model; in a
# foreign file they are noise, so they become spaces.
_CONTROL_TO_SPACE = {
    code: " " for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]
}


# ---------------------------------------------------------------------------
# The TOML schema
# ---------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


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


# ---------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------


def _title(value: str) -> str:
    return " ".join(word[:1].upper() + word[1:].lower() for word in value.split())


def _host(value: str) -> str:
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _url(value: str) -> str:
    lowered = value.lower()
    web = lowered.startswith(("http://", "https://")) and not any(c.isspace() for c in value)
    return value if web else ""


def _count(value: str) -> str:
    return str(sum(1 for part in value.split(";") if part.strip()))


_SLUG_KEEP = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _slug(value: str) -> str:
    cleaned = "".join(char if char in _SLUG_KEEP else " " for char in value.lower())
    return "-".join(cleaned.split())


FILTERS: dict[str, Filter] = {
    "title": _title,
    "upper": str.upper,
    "lower": str.lower,
    "host": _host,
    "url": _url,
    "count": _count,
    "slug": _slug,
}


def _map_filter(spec: MapSpec) -> Filter:
    values = dict(spec.values)
    ranges = [(r.min, r.max, r.value) for r in spec.ranges]
    default = spec.default or ""

    def lookup(value: str) -> str:
        found = values.get(value)
        if found is not None:
            return found
        if ranges:
            try:
                number = float(value)
            except ValueError:
                return default
            if math.isfinite(number):
                for low, high, result in ranges:
                    if (low is None or number >= low) and (high is None or number <= high):
                        return result
        return default

    return lookup


@dataclass(frozen=True)
class _Source:
    """One alternative inside `{...}`: a column, a variable (`@rule`) or a 'literal'."""

    column: str | None
    variable: str | None
    literal: str | None
    filters: tuple[Filter, ...]

    def value(self, row: Row, variables: dict[str, str]) -> str:
        if self.literal is not None:
            return self.literal
        if self.variable is not None:
            text = variables.get(self.variable, "")
        else:
            assert self.column is not None
            text = row.get(self.column, "").strip()
        for apply in self.filters:
            if not text:
                return ""
            text = apply(text).strip()
        return text


@dataclass(frozen=True)
class Template:
    parts: tuple[str | tuple[_Source, ...], ...]
    columns: frozenset[str]

    @property
    def constant(self) -> str | None:
        if all(isinstance(part, str) for part in self.parts):
            return "".join(part for part in self.parts if isinstance(part, str))
        return None

    def render(self, row: Row, variables: dict[str, str]) -> str:
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            for source in part:
                text = source.value(row, variables)
                if text:
                    out.append(text)
                    break
        return "".join(out).strip()


VARIABLES = ("@rule", "@indicator")


class _Problem(Exception):
    """A mapping problem found while compiling; becomes a SignalsError with the file name."""


def compile_template(text: str, filters: dict[str, Filter]) -> Template:
    """Parse `"{Actor1Name:title|Actor1Code|'someone'} met ..."` into parts, once."""
    parts: list[str | tuple[_Source, ...]] = []
    columns: set[str] = set()
    literal: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in "{}" and text[index : index + 2] == char * 2:
            literal.append(char)
            index += 2
            continue
        if char == "}":
            raise _Problem(f"template '{text}' has a '}}' with no '{{' (write '}}}}' for a brace)")
        if char != "{":
            literal.append(char)
            index += 1
            continue
        end = _placeholder_end(text, index)
        if literal:
            parts.append("".join(literal))
            literal = []
        sources = tuple(
            _compile_source(body, text, filters, columns)
            for body in _split_alternatives(text[index + 1 : end], text)
        )
        parts.append(sources)
        index = end + 1
    if literal:
        parts.append("".join(literal))
    return Template(tuple(parts), frozenset(columns))


def _placeholder_end(text: str, start: int) -> int:
    quoted = False
    for position in range(start + 1, len(text)):
        char = text[position]
        if char == "'":
            quoted = not quoted
        elif char == "}" and not quoted:
            return position
        elif char == "{" and not quoted:
            break
    raise _Problem(f"template '{text}' has a '{{' that is never closed")


def _split_alternatives(body: str, text: str) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    quoted = False
    for char in body:
        if char == "'":
            quoted = not quoted
        if char == "|" and not quoted:
            pieces.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    pieces.append("".join(current).strip())
    if any(not piece for piece in pieces):
        raise _Problem(f"template '{text}' has an empty placeholder or alternative")
    return pieces


def _compile_source(body: str, text: str, filters: dict[str, Filter], columns: set[str]) -> _Source:
    if body.startswith("'"):
        if len(body) < 2 or not body.endswith("'") or "'" in body[1:-1]:
            raise _Problem(f"template '{text}' has a badly quoted literal {body}")
        return _Source(None, None, body[1:-1], ())
    name, *filter_names = (piece.strip() for piece in body.split(":"))
    chain: list[Filter] = []
    for filter_name in filter_names:
        found = filters.get(filter_name)
        if found is None:
            known = ", ".join(sorted(filters))
            raise _Problem(
                f"template '{text}' uses '{filter_name}', which is neither a filter nor a map"
                f" (known: {known})"
            )
        chain.append(found)
    if not name:
        raise _Problem(f"template '{text}' has a placeholder with no column name")
    if name.startswith("@"):
        if name not in VARIABLES:
            raise _Problem(
                f"template '{text}' uses the unknown variable {name} (known: {', '.join(VARIABLES)})"
            )
        return _Source(None, name, None, tuple(chain))
    columns.add(name)
    return _Source(name, None, None, tuple(chain))


# ---------------------------------------------------------------------------
# Conditions
# ---------------------------------------------------------------------------


class _ConditionCompiler:
    """Turns condition specs into predicates, resolving names once and refusing cycles."""

    def __init__(self, named: dict[str, ConditionSpec]) -> None:
        self.named = named
        self.compiled: dict[str, Predicate] = {}
        self.columns: set[str] = set()
        self._stack: list[str] = []

    def group(self, specs: Iterable[ConditionSpec], kind: str) -> Predicate | None:
        predicates = tuple(self.one(spec) for spec in specs)
        if not predicates:
            return None
        if kind == "all":
            return _all_of(predicates)
        if kind == "any":
            return _any_of(predicates)
        anything = _any_of(predicates)
        return lambda row: not anything(row)

    def gates(self, specs: Iterable[ConditionSpec]) -> dict[str, frozenset[str]]:
        """Values a column must have for all of `specs` to hold (for the dispatch index).

        Only conjunctions are followed: a leaf `equals`/`in`, or a named or nested
        condition that is itself an `all` of such leaves. Anything else pins nothing."""
        pinned: dict[str, frozenset[str]] = {}
        for spec in specs:
            if spec.ref is not None:
                spec = self.named[spec.ref]  # resolved (and checked for loops) by now
            if spec.column is not None:
                values = (
                    frozenset([spec.equals])
                    if spec.equals is not None
                    else frozenset(spec.in_)
                    if spec.in_ is not None
                    else None
                )
                if values is not None:
                    pinned[spec.column] = pinned.get(spec.column, values) & values
            elif spec.all_ is not None and spec.any_ is None and spec.none is None:
                for column, values in self.gates(spec.all_).items():
                    pinned[column] = pinned.get(column, values) & values
        return pinned

    def combine(
        self, all_: list[ConditionSpec], any_: list[ConditionSpec], none: list[ConditionSpec]
    ) -> Predicate:
        parts = [
            p
            for p in (self.group(all_, "all"), self.group(any_, "any"), self.group(none, "none"))
            if p is not None
        ]
        if not parts:
            return lambda row: True
        if len(parts) == 1:
            return parts[0]
        return _all_of(tuple(parts))

    def reference(self, name: str) -> Predicate:
        if name in self.compiled:
            return self.compiled[name]
        spec = self.named.get(name)
        if spec is None:
            known = ", ".join(sorted(self.named)) or "none are defined"
            raise _Problem(f"the condition '{name}' is not defined in [conditions] ({known})")
        if name in self._stack:
            cycle = " → ".join([*self._stack[self._stack.index(name) :], name])
            raise _Problem(f"the named conditions refer to each other in a loop ({cycle})")
        self._stack.append(name)
        try:
            predicate = self.one(spec)
        finally:
            self._stack.pop()
        self.compiled[name] = predicate
        return predicate

    def one(self, spec: ConditionSpec) -> Predicate:
        if spec.ref is not None:
            return self.reference(spec.ref)
        if spec.column is None:
            return self.combine(spec.all_ or [], spec.any_ or [], spec.none or [])
        column = spec.column
        self.columns.add(column)
        if spec.equals is not None:
            expected = spec.equals
            return lambda row: row.get(column, "").strip() == expected
        if spec.in_ is not None:
            allowed = frozenset(spec.in_)
            return lambda row: row.get(column, "").strip() in allowed
        if spec.startswith is not None:
            prefixes = tuple(spec.startswith)
            return lambda row: row.get(column, "").strip().startswith(prefixes)
        if spec.contains is not None:
            needles = tuple(needle.casefold() for needle in spec.contains)
            return lambda row: _contains(row.get(column, ""), needles)
        wanted = bool(spec.empty)
        return lambda row: (not row.get(column, "").strip()) is wanted


def _all_of(predicates: tuple[Predicate, ...]) -> Predicate:
    def test(row: Row) -> bool:
        return all(predicate(row) for predicate in predicates)

    return test


def _any_of(predicates: tuple[Predicate, ...]) -> Predicate:
    def test(row: Row) -> bool:
        return any(predicate(row) for predicate in predicates)

    return test


def _contains(value: str, needles: tuple[str, ...]) -> bool:
    if not value:
        return False
    folded = value.casefold()
    return any(needle in folded for needle in needles)


# ---------------------------------------------------------------------------
# The compiled mapping
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A compiled rule: its test, and the templates a matching row is filled from."""

    name: str
    why: str
    indicator: str | None
    skip: bool
    test: Predicate
    templates: tuple[tuple[str, Template], ...]
    tags: tuple[Template, ...]
    note: Template | None
    status: str | None
    variables: dict[str, str]
    gates: dict[str, frozenset[str]]


class Mapping:
    """A loaded mapping: satisfies `signals.importer.RowMapping`."""

    def __init__(self, spec: MappingSpec, path: Path) -> None:
        self.path = path
        self.name = spec.mapping.name
        self.description = spec.mapping.description
        self.delimiter: str | None = spec.file.delimiter
        self.columns: list[str] | None = list(spec.file.columns) if spec.file.columns else None
        self.encoding: str | None = spec.file.encoding
        self._date_column = spec.observed_at.column
        self._date_formats = tuple(spec.observed_at.formats)

        filters = dict(FILTERS)
        filters.update({name: _map_filter(map_spec) for name, map_spec in spec.maps.items()})
        conditions = _ConditionCompiler(spec.conditions)
        referenced: set[str] = {self._date_column}

        def compile_fields(templates: FieldTemplates, where: str) -> dict[str, Template]:
            compiled: dict[str, Template] = {}
            for name in TEMPLATE_FIELDS:
                text = getattr(templates, name)
                if text is not None:
                    compiled[name] = _compiled(text, filters, f"{where}, field '{name}'")
                    _check_constant(name, compiled[name], f"{where}, field '{name}'")
            return compiled

        base = compile_fields(spec.fields, "[fields]")
        base_tags = tuple(
            _compiled(text, filters, "[fields], field 'tags'") for text in spec.fields.tags or []
        )
        self.rules: list[Rule] = []
        for number, rule in enumerate(spec.rules, start=1):
            where = f"rule '{rule.name}' (#{number})"
            try:
                test = conditions.combine(rule.all_, rule.any_, rule.none)
            except _Problem as problem:
                raise _Problem(f"{where}: {problem}") from None
            templates = dict(base)
            tags = base_tags
            if rule.fields is not None:
                templates.update(compile_fields(rule.fields, where))
                if rule.fields.tags is not None:
                    tags = tuple(
                        _compiled(t, filters, f"{where}, field 'tags'") for t in rule.fields.tags
                    )
            tags += tuple(_compiled(t, filters, f"{where}, tags") for t in rule.tags)
            note = _compiled(rule.note, filters, f"{where}, note") if rule.note else None
            self.rules.append(
                Rule(
                    name=rule.name,
                    why=rule.why,
                    indicator=rule.indicator,
                    skip=rule.skip,
                    test=test,
                    templates=tuple(templates.items()),
                    tags=tags,
                    note=note,
                    status=rule.status,
                    variables={"@rule": rule.name, "@indicator": rule.indicator or ""},
                    gates=conditions.gates(rule.all_),
                )
            )
            for template in (*templates.values(), *tags, *([note] if note else [])):
                referenced |= template.columns
        referenced |= conditions.columns
        optional = set(spec.file.optional_columns)
        if self.columns is not None:
            known = set(self.columns) | optional
            unknown = sorted(referenced - known)
            if unknown:
                raise _Problem(
                    f"column{'s' if len(unknown) > 1 else ''} {', '.join(repr(u) for u in unknown)}"
                    f" {'are' if len(unknown) > 1 else 'is'} used but not listed in [file] columns"
                    " (or optional_columns)"
                )
        self.required_columns: tuple[str, ...] = tuple(sorted(referenced - optional))
        self._index_rules()

    def _index_rules(self) -> None:
        """Index the rules by the column most of them pin to fixed values (e.g. EventCode).

        A row then only meets the rules that can match its value there, plus the rules
        that do not pin that column, in their original order: an untracked row costs one
        dictionary look-up instead of a test per rule."""
        counts: dict[str, int] = {}
        for rule in self.rules:
            for name in rule.gates:
                counts[name] = counts.get(name, 0) + 1
        column = max(counts, key=lambda name: counts[name]) if counts else ""
        self._dispatch_column: str | None = column or None
        self._ungated: tuple[Rule, ...] = tuple(
            rule for rule in self.rules if column not in rule.gates
        )
        values = {value for rule in self.rules for value in rule.gates.get(column, ())}
        self._dispatch: dict[str, tuple[Rule, ...]] = {
            value: tuple(
                rule
                for rule in self.rules
                if column not in rule.gates or value in rule.gates[column]
            )
            for value in values
        }

    @property
    def indicators(self) -> frozenset[str]:
        return frozenset(rule.indicator for rule in self.rules if rule.indicator)

    def check_indicators(self, catalogue: Catalogue) -> None:
        """Refuse a mapping whose rules name indicators the catalogue does not have."""
        for rule in self.rules:
            if rule.indicator and rule.indicator not in catalogue.by_id:
                suggestions = catalogue.suggest(rule.indicator)
                hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else "."
                raise SignalsError(
                    f"Mapping {self.path.name}: rule '{rule.name}' maps to '{rule.indicator}',"
                    f" which is not an indicator of catalogue '{catalogue.catalogue.id}'{hint}"
                )

    def check_header(self, header: list[str]) -> None:
        present = set(header)
        missing = [name for name in self.required_columns if name not in present]
        if missing:
            shown = ", ".join(missing[:6]) + (
                f" and {len(missing) - 6} more" if len(missing) > 6 else ""
            )
            raise SignalsError(
                f"The file lacks column{'s' if len(missing) > 1 else ''} {shown}, which the"
                f" {self.name} mapping ({self.path.name}) needs; is it the right kind of file?"
            )

    def match(self, row: Row) -> Rule | None:
        """The first rule whose conditions hold for the row, if any."""
        if self._dispatch_column is None:
            candidates: tuple[Rule, ...] = self._ungated
        else:
            key = row.get(self._dispatch_column, "").strip()
            candidates = self._dispatch.get(key, self._ungated)
        for rule in candidates:
            if rule.test(row):
                return rule
        return None

    def apply(self, row: Row) -> dict[str, Any] | None:
        rule = self.match(row)
        if rule is None or rule.skip:
            return None
        variables = rule.variables
        fields: dict[str, Any] = {"indicator": rule.indicator, "observed_at": self._date(row)}
        for name, template in rule.templates:
            text = template.render(row, variables)
            if text:
                fields[name] = _limited(name, text)
        if rule.note is not None:
            extra = rule.note.render(row, variables)
            if extra:
                notes = f"{fields['notes']} {extra}" if "notes" in fields else extra
                fields["notes"] = _limited("notes", notes)
        if rule.status is not None:
            fields["status"] = rule.status
        tags: list[str] = []
        for template in rule.tags:
            tag = template.render(row, variables).translate(_CONTROL_TO_SPACE)
            if tag and tag not in tags:
                tags.append(tag)
        if tags:
            fields["tags"] = tags
        return fields

    def _date(self, row: Row) -> dt.date:
        text = row.get(self._date_column, "").strip()
        if not text:
            raise ValueError(f"{self._date_column} is empty: the event has no date")
        for fmt in self._date_formats:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        formats = " or ".join(self._date_formats)
        raise ValueError(f"{self._date_column} '{text[:40]}' is not a date in the format {formats}")


def _limited(name: str, text: str) -> str:
    text = text.translate(_CONTROL_TO_SPACE)
    limit = TEXT_LIMITS.get(name)
    if limit is not None and len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text


def _compiled(text: str, filters: dict[str, Filter], where: str) -> Template:
    try:
        return compile_template(text, filters)
    except _Problem as problem:
        raise _Problem(f"{where}: {problem}") from None


_CONSTANT_CHECKS: dict[str, tuple[frozenset[str], str]] = {
    "reliability": (frozenset(r.value for r in Reliability), "a reliability grade A to F"),
    "credibility": (frozenset(c.value for c in Credibility), "a credibility grade 1 to 6"),
    "status": (frozenset(s.value for s in Status), "reported, confirmed or refuted"),
}


def _check_constant(name: str, template: Template, where: str) -> None:
    check = _CONSTANT_CHECKS.get(name)
    constant = template.constant
    if check is not None and constant is not None and constant.strip() not in check[0]:
        raise _Problem(f"{where}: '{constant}' is not {check[1]}")


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def shipped_mappings_dir() -> Path:
    from signals.paths import data_dir

    return data_dir() / SHIPPED_DIR


def resolve_mapping_path(path: Path) -> Path:
    """A file path, or the name of a shipped mapping (`gdelt`, `acled`)."""
    if path.exists() or len(path.parts) != 1:
        return path
    shipped = shipped_mappings_dir() / (
        path.name if path.suffix == ".toml" else f"{path.name}.toml"
    )
    return shipped if shipped.is_file() else path


def load_mapping(path: Path, catalogue: Catalogue | None = None) -> Mapping:
    """Read, validate and compile a mapping file; any problem is one SignalsError."""
    resolved = resolve_mapping_path(path)
    try:
        raw = tomllib.loads(resolved.read_text(encoding="utf-8"))
    except FileNotFoundError:
        shipped = ", ".join(sorted(p.stem for p in shipped_mappings_dir().glob("*.toml")))
        raise SignalsError(
            f"Mapping file {path} does not exist (shipped mappings: {shipped or 'none'})."
        ) from None
    except IsADirectoryError:
        raise SignalsError(f"Mapping {path} is a directory, not a TOML file.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SignalsError(f"Cannot read mapping {path}: {error}.") from None
    except tomllib.TOMLDecodeError as error:
        raise SignalsError(f"Mapping {resolved.name} is not valid TOML: {error}.") from None
    try:
        spec = MappingSpec.model_validate(raw)
    except ValidationError as error:
        raise SignalsError(f"Mapping {resolved.name}: {_describe(raw, error)}.") from None
    try:
        mapping = Mapping(spec, resolved)
    except _Problem as problem:
        raise SignalsError(f"Mapping {resolved.name}: {problem}.") from None
    if catalogue is not None:
        mapping.check_indicators(catalogue)
    return mapping


def _describe(raw: dict[str, Any], error: ValidationError) -> str:
    """The first validation problem, placed by rule name rather than list index."""
    errors = error.errors()
    first = errors[0]
    loc = [part for part in first["loc"] if not (isinstance(part, str) and "[" in part)]
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "missing":
        message = "is required"
    elif first["type"] == "extra_forbidden":
        message = "is not a setting a mapping knows (see docs/mappings.md)"
    where = _where(raw, loc)
    more = len(errors) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{where}: {message}{suffix}" if where else f"{message}{suffix}"


def _where(raw: dict[str, Any], loc: list[int | str]) -> str:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = raw.get("rules")
        entry = rules[loc[1]] if isinstance(rules, list) and loc[1] < len(rules) else {}
        name = entry.get("name") if isinstance(entry, dict) else None
        label = f"rule '{name}' (#{loc[1] + 1})" if name else f"rule #{loc[1] + 1}"
        rest = _dotted(loc[2:])
        return f"{label}, '{rest}'" if rest else label
    if len(loc) >= 1 and isinstance(loc[0], str):
        section = f"[{loc[0]}]"
        rest = _dotted(loc[1:])
        return f"{section} '{rest}'" if rest else section
    return ""


def _dotted(parts: list[int | str]) -> str:
    names = {"all_": "all", "any_": "any", "in_": "in"}
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + names.get(part, part)
    return text
