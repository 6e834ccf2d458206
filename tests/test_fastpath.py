"""The import fast path never disagrees with the model it stands in for."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from signals.catalogue_loader import load_catalogue
from signals.errors import SignalsError
from signals.events import FILE_COLUMNS, PLAIN_ORDER, READING_FIELDS, parse_event
from signals.fastpath import FastRows
from signals.paths import default_catalogue_path
from tests.strength import examples

CATALOGUE = load_catalogue(default_catalogue_path())
TODAY = dt.date(2026, 1, 15)
FAST = FastRows(CATALOGUE, TODAY)

tricky_text = st.sampled_from(
    [
        "",
        " ",
        "ok",
        "Talks in Abu Dhabi",
        " padded ",
        "tab\there",
        "bell\x07",
        "x" * 2_001,
        "line\nbreak",
        "Ünïcödé — “quotes”",
        "=SUM(A1)",
        "'=SUM(A1)",
        "Putin's envoy",
        "no\xa0break",
        "para\u2028graph",
        "\u200bzero width",
        "a;b",
        "a; b",
        "a;;b",
        "dup;dup",
        "t" * 51,
    ]
) | st.text(max_size=40)
maybe = lambda strategy: st.none() | strategy  # noqa: E731
fields = st.fixed_dictionaries(
    {
        "indicator": st.sampled_from(
            [*CATALOGUE.by_id, "Declaration-Intent", " pause-to-rearm", "nope"]
        ),
        "summary": tricky_text,
        "observed_at": st.sampled_from(
            [
                "2024-05-01",
                "2024-5-1",
                "20240501",
                "2024-02-30",
                "1899-12-31",
                "2026-01-16",
                "2026-01-17",
                "2024-05-01T10:00",
                " 2024-05-01",
            ]
        )
        | st.dates().map(str),
    },
    optional={
        "source": maybe(tricky_text),
        "url": maybe(
            st.sampled_from(
                ["https://tass.com/", "ftp://x", "http://a b", "https://x.org/" + "p" * 1990]
            )
        ),
        "reliability": st.sampled_from(["A", "F", "a", "Z", ""]),
        "credibility": st.sampled_from(["1", "6", "7", " 2", ""]),
        "status": st.sampled_from(["reported", "confirmed", "refuted", "Refuted", "nope"]),
        "location": maybe(tricky_text),
        "analyst": maybe(tricky_text),
        "tags": maybe(tricky_text),
        "notes": maybe(tricky_text),
        "external_id": maybe(tricky_text),
    },
)


@settings(max_examples=examples(1500), deadline=None)
@given(fields)
def test_fast_path_agrees_with_the_model(row):
    fast = FAST.row(row)
    try:
        model = parse_event(row, CATALOGUE, TODAY).values()
    except SignalsError:
        model = None
    if fast is not None:
        assert model == fast
    assert len(PLAIN_ORDER) == 14


def test_fast_path_takes_the_common_row():
    row = {
        "indicator": "declaration-intent",
        "summary": "Kremlin declares readiness to negotiate",
        "observed_at": "2024-05-14",
        "source": "TASS",
        "url": "https://tass.com/",
        "reliability": "A",
        "credibility": "1",
        "status": "confirmed",
        "tags": "official;wire",
    }
    assert FAST.row(row) == parse_event(row, CATALOGUE, TODAY).values()


cell = (
    st.just("")
    | tricky_text
    | st.sampled_from(
        ["declaration-intent", "2024-05-01", "A", "1", "confirmed", "https://tass.com/", "a;b"]
    )
)


@st.composite
def csv_rows(draw):  # type: ignore[no-untyped-def]
    """A header (the required columns and some others, in any order) and one row."""
    optional = draw(st.lists(st.sampled_from(FILE_COLUMNS[3:]), unique=True))
    header = draw(st.permutations(["indicator", "summary", "observed_at", *optional]))
    values = draw(st.lists(cell, min_size=len(header), max_size=len(header)))
    if draw(st.booleans()):  # mostly plausible rows, so that many pass
        plausible = {"indicator": "declaration-intent", "observed_at": "2024-05-01"}
        values = [plausible.get(name, value) for name, value in zip(header, values, strict=True)]
    return header, values


@settings(max_examples=examples(1500), deadline=None)
@given(csv_rows())
def test_reading_cells_in_place_agrees_with_the_row_of_given_cells(header_and_values) -> None:  # type: ignore[no-untyped-def]
    """An import reads a row's cells where they stand; it must decide as `row` does for
    the row's non-empty cells by column, which agrees with the model (above)."""
    header, values = header_and_values
    given_cells = {name: value for name, value in zip(header, values, strict=True) if value}
    assert FAST.cells(values, FAST.taker(header)) == FAST.row(given_cells)


@settings(max_examples=examples(300), deadline=None)
@given(csv_rows(), st.sampled_from([c for c in FILE_COLUMNS if c not in PLAIN_ORDER]))
def test_a_row_with_a_reading_goes_to_the_model(header_and_values, column: str) -> None:  # type: ignore[no-untyped-def]
    """A variant, an ending, an observation or an alternative is the model's to judge: the
    fast path writes only rows whose reading columns are empty."""
    header, values = header_and_values
    if column in header:
        values = [*values]
        values[header.index(column)] = "short"
    else:
        header, values = [*header, column], [*values, "short"]
    assert FAST.cells(values, FAST.taker(header)) is None
    assert FAST.row(dict(zip(header, values, strict=True))) is None


def test_an_ordinary_row_of_the_model_is_as_short_as_the_fast_paths() -> None:
    row = {"indicator": "declaration-intent", "summary": "Talks", "observed_at": "2024-05-01"}
    assert len(parse_event(row, CATALOGUE, TODAY).values()) == len(PLAIN_ORDER)
    assert set(READING_FIELDS) <= set(FILE_COLUMNS) | {"ends"}
