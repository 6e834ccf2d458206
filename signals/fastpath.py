"""The fast path of an import: clean rows straight into table rows, the model kept for the rest."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from signals.catalogue import Catalogue, Credibility, Reliability, Status
from signals.events import (
    BASE_FIELDS,
    CONTROL_CHARACTERS,
    EARLIEST_DATE,
    FILE_COLUMNS,
    TAG_MAX_LENGTH,
    URL_PATTERN,
    EventInput,
)
from signals.identity import fingerprint

# An export puts an apostrophe before a cell a spreadsheet would run as a formula.
_starts_with_apostrophe = operator.methodcaller("startswith", "'")
# A file's columns of an event's reading: a row that fills any of them goes to the model.
_READING_COLUMNS = tuple(name for name in FILE_COLUMNS if name not in BASE_FIELDS)
_BASE_WIDTH = len(BASE_FIELDS)


def _plain(joined: str, cells: Iterable[str]) -> bool:
    """No control character and no cell led by an apostrophe; the cheap tests on the
    joined text settle most rows before the dearer ones run."""
    if not joined.isprintable() and CONTROL_CHARACTERS.search(joined):
        return False
    return "'" not in joined or not any(map(_starts_with_apostrophe, cells))


def _length_bounds(name: str) -> tuple[int, int]:
    """A field's length limits, read from the model so the rule is written once."""
    low, high = 0, EventInput.model_config.get("str_max_length") or 10_000
    for constraint in EventInput.model_fields[name].metadata:
        low = getattr(constraint, "min_length", low)
        high = getattr(constraint, "max_length", high)
    return low, high


class FastRows:
    """Turns the common, clean row straight into a table row, without building a model.

    It is conservative: it accepts only what `EventInput` certainly accepts, with the
    same result, and returns None for anything else so that the model decides (and
    words the error): a row with a reading (a variant, an ending, an observation or an
    alternative) among them. The model stays the one source of the rules; this only saves
    its cost on rows that need none of its judgement."""

    _RELIABILITY = frozenset(member.value for member in Reliability)
    _CREDIBILITY = frozenset(member.value for member in Credibility)
    _STATUS = frozenset(member.value for member in Status)

    def __init__(self, catalogue: Catalogue, today: dt.date | None = None) -> None:
        self.indicators = frozenset(catalogue.by_id)
        latest = (today or dt.date.today()) + dt.timedelta(days=1)
        self.latest = latest.isoformat()
        self.earliest = EARLIEST_DATE.isoformat()
        self.longest = {name: _length_bounds(name)[1] for name in BASE_FIELDS}
        self.longest["tags"] = _length_bounds("notes")[1]  # tags are checked one by one
        self.longest_in_order = tuple(self.longest[name] for name in BASE_FIELDS)
        self.shortest_summary = _length_bounds("summary")[0]
        self.max_tags = _length_bounds("tags")[1]
        self.longest_tag = TAG_MAX_LENGTH
        # Dates repeat across rows: each distinct one is judged once.
        self.dates: dict[str, bool] = {}

    def row(self, fields: dict[str, Any]) -> tuple[Any, ...] | None:
        """The row in `PLAIN_ORDER`, or None when the model must judge."""
        values = fields.values()
        try:
            if not all(values) or not self._clean(values, map(self.longest.__getitem__, fields)):
                return None
        except (KeyError, TypeError):  # a field the model does not know, or not text
            return None
        return self._complete(*map(fields.get, BASE_FIELDS))

    def taker(self, header: Sequence[str]) -> Callable[[Sequence[str]], tuple[str, ...]]:
        """For a CSV of these (lower-case) columns: a row's cells in `BASE_FIELDS` order,
        with an empty cell for each column the file does not have, then the cells of the
        reading columns it has (see `cells`)."""
        positions = [header.index(name) if name in header else len(header) for name in BASE_FIELDS]
        positions += [header.index(name) for name in _READING_COLUMNS if name in header]
        take = operator.itemgetter(*positions)
        return lambda values: take((*values, ""))

    def cells(
        self, values: Sequence[str], take: Callable[[Sequence[str]], tuple[str, ...]]
    ) -> tuple[Any, ...] | None:
        """`row` for a CSV row as read, without building a dict of its cells: what `row`
        returns for its non-empty cells by column (an empty cell is not given)."""
        cells = take(values)
        if len(cells) > _BASE_WIDTH:
            if any(cells[_BASE_WIDTH:]):
                return None
            cells = cells[:_BASE_WIDTH]
        if not self._clean(cells, self.longest_in_order):
            return None
        return self._complete(*[cell or None for cell in cells])

    def _clean(self, values: Collection[str], longest: Iterable[int]) -> bool:
        # Each check runs over all cells in C: the common clean row costs microseconds.
        return (
            all(map(operator.eq, map(str.strip, values), values))
            and _plain("".join(values), values)
            and all(map(operator.le, map(len, values), longest))
        )

    def _complete(
        self,
        indicator: str | None,
        summary: str | None,
        observed: str | None,
        source: str | None,
        url: str | None,
        reliability: str | None,
        credibility: str | None,
        status: str | None,
        location: str | None,
        analyst: str | None,
        tags: str | None,
        notes: str | None,
        external_id: str | None,
    ) -> tuple[Any, ...] | None:
        if indicator not in self.indicators or summary is None or observed is None:
            return None
        if len(summary) < self.shortest_summary or not self._date(observed):
            return None
        # Every given cell is non-empty here, so `or` supplies exactly the model's defaults.
        reliability = reliability or Reliability.F.value
        credibility = credibility or Credibility.CANNOT_JUDGE.value
        status = status or Status.REPORTED.value
        if (
            reliability not in self._RELIABILITY
            or credibility not in self._CREDIBILITY
            or status not in self._STATUS
        ):
            return None
        if url is not None and not URL_PATTERN.match(url):
            return None
        if tags is not None and not self._tags(tags):
            return None
        return (
            indicator,
            summary,
            observed,
            source,
            url,
            reliability,
            credibility,
            status,
            location,
            analyst,
            tags,
            notes,
            external_id,
            fingerprint(indicator, summary, observed, source, url),
        )

    def _date(self, observed: str) -> bool:
        known = self.dates.get(observed)
        if known is None:
            known = self.dates[observed] = self._canonical_date(observed)
        return known

    def _canonical_date(self, observed: str) -> bool:
        if len(observed) != 10 or not self.earliest <= observed <= self.latest:
            return False
        try:
            # Other ISO forms of ten characters (2024-W01-1) parse too: only the canonical
            # form is stored as given.
            return dt.date.fromisoformat(observed).isoformat() == observed
        except ValueError:
            return False

    def _tags(self, text: str) -> bool:
        parts = text.split(";")
        return (
            len(parts) <= self.max_tags
            and len(set(parts)) == len(parts)
            and all(parts)
            and all(map(operator.eq, map(str.strip, parts), parts))
            and max(map(len, parts)) <= self.longest_tag
        )
