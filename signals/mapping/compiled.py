"""The compiled mapping: rules and templates ready to turn a row into event fields."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from signals.catalogue import Catalogue, Credibility, Reliability, Status
from signals.errors import SignalsError
from signals.mapping.common import MappingProblem, Row
from signals.mapping.conditions import ConditionCompiler, Predicate
from signals.mapping.schema import FieldTemplates, MappingSpec
from signals.mapping.templates import FILTERS, Filter, Template, compile_template, map_filter

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
        filters.update({name: map_filter(map_spec) for name, map_spec in spec.maps.items()})
        conditions = ConditionCompiler(spec.conditions)
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
            except MappingProblem as problem:
                raise MappingProblem(f"{where}: {problem}") from None
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
                raise MappingProblem(
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
    except MappingProblem as problem:
        raise MappingProblem(f"{where}: {problem}") from None


_CONSTANT_CHECKS: dict[str, tuple[frozenset[str], str]] = {
    "reliability": (frozenset(r.value for r in Reliability), "a reliability grade A to F"),
    "credibility": (frozenset(c.value for c in Credibility), "a credibility grade 1 to 6"),
    "status": (frozenset(s.value for s in Status), "reported, confirmed or refuted"),
}


def _check_constant(name: str, template: Template, where: str) -> None:
    check = _CONSTANT_CHECKS.get(name)
    constant = template.constant
    if check is not None and constant is not None and constant.strip() not in check[0]:
        raise MappingProblem(f"{where}: '{constant}' is not {check[1]}")
