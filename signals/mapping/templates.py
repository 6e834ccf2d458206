"""Templates: event fields written over a row's columns, e.g. `"gdelt:{GLOBALEVENTID}"`,
parsed once into parts, with the built-in filters and the mapping's lookup tables."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from signals.mapping.common import MappingProblem, Row

if TYPE_CHECKING:
    from signals.mapping.schema import MapSpec

Filter = Callable[[str], str]


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


def map_filter(spec: MapSpec) -> Filter:
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

    def value(self, row: Row, variables: Mapping[str, str]) -> str:
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

    def render(self, row: Row, variables: Mapping[str, str]) -> str:
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
            raise MappingProblem(
                f"template '{text}' has a '}}' with no '{{' (write '}}}}' for a brace)"
            )
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
    raise MappingProblem(f"template '{text}' has a '{{' that is never closed")


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
        raise MappingProblem(f"template '{text}' has an empty placeholder or alternative")
    return pieces


def _compile_source(body: str, text: str, filters: dict[str, Filter], columns: set[str]) -> _Source:
    if body.startswith("'"):
        if len(body) < 2 or not body.endswith("'") or "'" in body[1:-1]:
            raise MappingProblem(f"template '{text}' has a badly quoted literal {body}")
        return _Source(None, None, body[1:-1], ())
    name, *filter_names = (piece.strip() for piece in body.split(":"))
    chain: list[Filter] = []
    for filter_name in filter_names:
        found = filters.get(filter_name)
        if found is None:
            known = ", ".join(sorted(filters))
            raise MappingProblem(
                f"template '{text}' uses '{filter_name}', which is neither a filter nor a map"
                f" (known: {known})"
            )
        chain.append(found)
    if not name:
        raise MappingProblem(f"template '{text}' has a placeholder with no column name")
    if name.startswith("@"):
        if name not in VARIABLES:
            raise MappingProblem(
                f"template '{text}' uses the unknown variable {name} (known: {', '.join(VARIABLES)})"
            )
        return _Source(None, name, None, tuple(chain))
    columns.add(name)
    return _Source(name, None, None, tuple(chain))
