"""The compiled mapping: rules and templates ready to turn a row into event fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from signals.catalogue import Catalogue
from signals.errors import SignalsError
from signals.mapping.common import Row
from signals.mapping.conditions import Predicate
from signals.mapping.templates import Template

# Free-text fields are cut to the event model's limits rather than rejected: a long
# foreign description should not cost the row. Identifiers and URLs are never cut.
TEXT_LIMITS = {"summary": 2_000, "notes": 10_000, "location": 200, "source": 200, "analyst": 100}
# Control characters (other than tab and newline) and line separators are refused by the event model; in a
# foreign file they are noise, so they become spaces.
_CONTROL_TO_SPACE = {
    code: " "
    for code in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]
}


@dataclass(frozen=True)
class Rule:
    """A compiled rule: its test, and the templates a matching row is filled from.

    `variables` is read per row: a plain dict behind a read-only type, since a
    MappingProxyType's `get` costs about twice a dict's."""

    name: str
    why: str
    indicator: str | None
    skip: bool
    test: Predicate
    templates: tuple[tuple[str, Template], ...]
    tags: tuple[Template, ...]
    note: Template | None
    status: str | None
    variables: Mapping[str, str]
    gates: Mapping[str, frozenset[str]]


@dataclass(frozen=True, slots=True)
class CompiledMapping:
    """A mapping compiled by `compile_mapping`, read-only: what `signals.importer` needs of a
    `RowMapping` (delimiter, columns, check_header, apply), and the rules it applies.

    `dispatch` indexes the rules by the value of `dispatch_column`, the column most rules
    pin to fixed values (e.g. EventCode): a row meets only the rules that can match its
    value there, plus the `ungated` rules (which do not pin it), in their original order.
    It is read once a row, so, like `Rule.variables`, it is a dict behind a read-only type."""

    path: Path
    name: str
    description: str
    delimiter: str | None
    columns: tuple[str, ...] | None
    encoding: str | None
    date_column: str
    date_formats: tuple[str, ...]
    rules: tuple[Rule, ...]
    required_columns: tuple[str, ...]
    dispatch_column: str | None
    dispatch: Mapping[str, tuple[Rule, ...]]
    ungated: tuple[Rule, ...]

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
        if self.dispatch_column is None:
            candidates: tuple[Rule, ...] = self.ungated
        else:
            key = row.get(self.dispatch_column, "").strip()
            candidates = self.dispatch.get(key, self.ungated)
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
        text = row.get(self.date_column, "").strip()
        if not text:
            raise ValueError(f"{self.date_column} is empty: the event has no date")
        for fmt in self.date_formats:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        formats = " or ".join(self.date_formats)
        raise ValueError(f"{self.date_column} '{text[:40]}' is not a date in the format {formats}")


def _limited(name: str, text: str) -> str:
    text = text.translate(_CONTROL_TO_SPACE)
    limit = TEXT_LIMITS.get(name)
    if limit is not None and len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text
