"""Compiling: a validated mapping spec, checked and turned once into a `CompiledMapping`."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from signals.catalogue import Credibility, Reliability, Status
from signals.mapping.common import MappingProblem
from signals.mapping.compiled import CompiledMapping, Rule
from signals.mapping.conditions import ConditionCompiler
from signals.mapping.schema import FieldTemplates, MappingSpec, RuleSpec
from signals.mapping.templates import FILTERS, Filter, Template, compile_template, map_filter

# The single-text fields a template fills, in the schema's order (tags are a list).
TEMPLATE_FIELDS = tuple(name for name in FieldTemplates.model_fields if name != "tags")
_CONSTANT_CHECKS: dict[str, tuple[frozenset[str], str]] = {
    "reliability": (frozenset(r.value for r in Reliability), "a reliability grade A to F"),
    "credibility": (frozenset(c.value for c in Credibility), "a credibility grade 1 to 6"),
    "status": (frozenset(s.value for s in Status), "reported, confirmed or refuted"),
}


def compile_mapping(spec: MappingSpec, path: Path) -> CompiledMapping:
    """Check what the schema cannot (templates, filters, condition names, columns) and
    compile every rule once; a problem raises MappingProblem."""
    filters = dict(FILTERS)
    filters.update({name: map_filter(map_spec) for name, map_spec in spec.maps.items()})
    conditions = ConditionCompiler(spec.conditions)
    base = _compile_fields(spec.fields, filters, "[fields]")
    base_tags = tuple(
        _compiled(text, filters, "[fields], field 'tags'") for text in spec.fields.tags or []
    )
    rules = tuple(
        _compile_rule(rule, f"rule '{rule.name}' (#{number})", conditions, filters, base, base_tags)
        for number, rule in enumerate(spec.rules, start=1)
    )
    referenced = {spec.observed_at.column, *conditions.columns}
    for rule in rules:
        for template in (*(template for _, template in rule.templates), *rule.tags):
            referenced |= template.columns
        if rule.note is not None:
            referenced |= rule.note.columns
    columns = tuple(spec.file.columns) if spec.file.columns else None
    optional = set(spec.file.optional_columns)
    if columns is not None:
        _check_listed(referenced, set(columns) | optional)
    dispatch_column, dispatch, ungated = _index(rules)
    return CompiledMapping(
        path=path,
        name=spec.mapping.name,
        description=spec.mapping.description,
        delimiter=spec.file.delimiter,
        columns=columns,
        encoding=spec.file.encoding,
        date_column=spec.observed_at.column,
        date_formats=tuple(spec.observed_at.formats),
        rules=rules,
        required_columns=tuple(sorted(referenced - optional)),
        dispatch_column=dispatch_column,
        dispatch=dispatch,
        ungated=ungated,
    )


def _compile_rule(
    rule: RuleSpec,
    where: str,
    conditions: ConditionCompiler,
    filters: dict[str, Filter],
    base: dict[str, Template],
    base_tags: tuple[Template, ...],
) -> Rule:
    try:
        test = conditions.combine(rule.all_, rule.any_, rule.none)
    except MappingProblem as problem:
        raise MappingProblem(f"{where}: {problem}") from None
    templates = dict(base)
    tags = base_tags
    if rule.fields is not None:
        templates.update(_compile_fields(rule.fields, filters, where))
        if rule.fields.tags is not None:
            tags = tuple(_compiled(t, filters, f"{where}, field 'tags'") for t in rule.fields.tags)
    tags += tuple(_compiled(t, filters, f"{where}, tags") for t in rule.tags)
    return Rule(
        name=rule.name,
        why=rule.why,
        indicator=rule.indicator,
        skip=rule.skip,
        test=test,
        templates=tuple(templates.items()),
        tags=tags,
        note=_compiled(rule.note, filters, f"{where}, note") if rule.note else None,
        status=rule.status,
        variables={"@rule": rule.name, "@indicator": rule.indicator or ""},
        gates=MappingProxyType(conditions.gates(rule.all_)),
    )


def _compile_fields(
    templates: FieldTemplates, filters: dict[str, Filter], where: str
) -> dict[str, Template]:
    compiled: dict[str, Template] = {}
    for name in TEMPLATE_FIELDS:
        text = getattr(templates, name)
        if text is not None:
            compiled[name] = _compiled(text, filters, f"{where}, field '{name}'")
            _check_constant(name, compiled[name], f"{where}, field '{name}'")
    return compiled


def _compiled(text: str, filters: dict[str, Filter], where: str) -> Template:
    try:
        return compile_template(text, filters)
    except MappingProblem as problem:
        raise MappingProblem(f"{where}: {problem}") from None


def _check_constant(name: str, template: Template, where: str) -> None:
    check = _CONSTANT_CHECKS.get(name)
    constant = template.constant
    if check is not None and constant is not None and constant.strip() not in check[0]:
        raise MappingProblem(f"{where}: '{constant}' is not {check[1]}")


def _check_listed(referenced: set[str], known: set[str]) -> None:
    unknown = sorted(referenced - known)
    if unknown:
        raise MappingProblem(
            f"column{'s' if len(unknown) > 1 else ''} {', '.join(repr(u) for u in unknown)}"
            f" {'are' if len(unknown) > 1 else 'is'} used but not listed in [file] columns"
            " (or optional_columns)"
        )


def _index(
    rules: tuple[Rule, ...],
) -> tuple[str | None, dict[str, tuple[Rule, ...]], tuple[Rule, ...]]:
    """Index the rules by the column most of them pin to fixed values (e.g. EventCode).

    A row then only meets the rules that can match its value there, plus the rules
    that do not pin that column, in their original order: an untracked row costs one
    dictionary look-up instead of a test per rule. Returns the column (None if no rule
    pins one), the rules for each value, and the rules for any other value."""
    counts: dict[str, int] = {}
    for rule in rules:
        for name in rule.gates:
            counts[name] = counts.get(name, 0) + 1
    column = max(counts, key=lambda name: counts[name]) if counts else ""
    ungated = tuple(rule for rule in rules if column not in rule.gates)
    values = {value for rule in rules for value in rule.gates.get(column, ())}
    dispatch = {
        value: tuple(
            rule for rule in rules if column not in rule.gates or value in rule.gates[column]
        )
        for value in values
    }
    return column or None, dispatch, ungated
