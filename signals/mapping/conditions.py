"""Conditions: the tests a rule makes on a row, compiled once into predicates."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from signals.mapping.common import MappingProblem, Row
from signals.mapping.schema import ConditionSpec

Predicate = Callable[[Row], bool]

# Named conditions may refer to each other; a rule is tested as the tree they expand to.
# Two references to the previous condition at each of sixty levels make 2^60 tests per
# row from a 2 kB file: a mapping whose rules expand past this many tests is refused.
MOST_TESTS_PER_ROW = 10_000


class ConditionCompiler:
    """Turns condition specs into predicates, resolving names once and refusing cycles."""

    def __init__(self, named: dict[str, ConditionSpec]) -> None:
        self.named = named
        self.compiled: dict[str, Predicate] = {}
        self.columns: set[str] = set()
        self._stack: list[str] = []
        self._tests: dict[str, int] = {}

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
        tests = sum(self.tests(spec) for spec in (*all_, *any_, *none))
        if tests > MOST_TESTS_PER_ROW:
            raise MappingProblem(
                f"the conditions expand to {_at_most(tests)} tests of each row (named"
                " conditions used many times over, each within the next);"
                f" at most {MOST_TESTS_PER_ROW:,} are allowed"
            )
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
            raise MappingProblem(f"the condition '{name}' is not defined in [conditions] ({known})")
        if name in self._stack:
            cycle = " → ".join([*self._stack[self._stack.index(name) :], name])
            raise MappingProblem(f"the named conditions refer to each other in a loop ({cycle})")
        self._stack.append(name)
        try:
            predicate = self.one(spec)
        finally:
            self._stack.pop()
        self.compiled[name] = predicate
        return predicate

    def tests(self, spec: ConditionSpec) -> int:
        """How many column tests `spec` makes of a row at most, its references expanded;
        counted once per name (after `reference` has checked it for loops)."""
        if spec.ref is not None:
            if spec.ref not in self._tests:
                self.reference(spec.ref)
                self._tests[spec.ref] = self.tests(self.named[spec.ref])
            return self._tests[spec.ref]
        if spec.column is not None:
            return 1
        return sum(
            self.tests(part)
            for part in (*(spec.all_ or []), *(spec.any_ or []), *(spec.none or []))
        )

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


def _at_most(tests: int) -> str:
    return f"{tests:,}" if tests < 10**12 else f"about 10^{len(str(tests)) - 1}"


def _contains(value: str, needles: tuple[str, ...]) -> bool:
    if not value:
        return False
    folded = value.casefold()
    return any(needle in folded for needle in needles)
