"""Properties of `signals import`: valid files import whole; one bad row imports nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals.catalogue_loader import load_catalogue
from signals.events import parse_event
from signals.exporter import restore
from signals.paths import default_catalogue_path
from tests.strength import examples

HEADER = [
    "indicator",
    "summary",
    "observed_at",
    "source",
    "reliability",
    "credibility",
    "status",
    "tags",
]


CATALOGUE = load_catalogue(default_catalogue_path())
INDICATOR_IDS = [i.id for i in CATALOGUE.indicators]

words = st.text(
    alphabet=st.characters(
        codec="utf-8",
        categories=("L", "N", "P", "S", "Zs"),
        exclude_characters="\u2028\u2029\x85",
    ),
    min_size=3,
    max_size=60,
).filter(lambda text: len(text.strip()) >= 3)

valid_rows = st.fixed_dictionaries(
    {
        "indicator": st.sampled_from(INDICATOR_IDS),
        "summary": words,
        "observed_at": st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2024, 12, 31)),
        "source": st.one_of(st.just(""), words),
        "reliability": st.sampled_from(["", *"ABCDEF", *"abcdef"]),
        "credibility": st.sampled_from(["", *"123456"]),
        "status": st.sampled_from(["", "reported", "confirmed", "refuted", "Confirmed"]),
        "tags": st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True), max_size=3).map(
            ";".join
        ),
    }
)

invalid_rows = st.one_of(
    valid_rows.map(lambda row: {**row, "indicator": "no-such-indicator"}),
    valid_rows.map(lambda row: {**row, "summary": "ab"}),
    valid_rows.map(lambda row: {**row, "observed_at": "2024-13-01"}),
    valid_rows.map(lambda row: {**row, "observed_at": "2999-01-01"}),
    valid_rows.map(lambda row: {**row, "reliability": "Z"}),
    valid_rows.map(lambda row: {**row, "credibility": "7"}),
    valid_rows.map(lambda row: {**row, "status": "rumoured"}),
    valid_rows.map(lambda row: {**row, "summary": "bell\x07 in the summary"}),
)


def _csv(rows: list[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "observed_at": str(row["observed_at"])})
    return buffer.getvalue()


def _distinct(rows: list[dict[str, object]]) -> int:
    """How many different observations the rows are, by the import's content identity."""
    fingerprints = set()
    for row in rows:
        cells = {key: restore(str(value)) for key, value in row.items() if str(value).strip()}
        fingerprints.add(parse_event(cells, CATALOGUE).fingerprint())
    return len(fingerprints)


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    connection = sqlite3.connect(db)
    try:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        if "events" not in tables:
            return 0
        return int(connection.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        connection.close()


SETTINGS = settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(rows=st.lists(valid_rows, min_size=1, max_size=12))
def test_a_file_of_valid_rows_imports_fully(signals, rows) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "signals.db"
        path = Path(folder) / "events.csv"
        path.write_text(_csv(rows), encoding="utf-8", newline="")
        result = signals("--db", str(db), "import", str(path))
        assert result.exit_code == 0, result.stderr
        distinct = _distinct(rows)
        assert result.stderr == (
            f"inserted {distinct}, duplicates {len(rows) - distinct}, rejected 0\n"
            f"Created a new database at {db}.\n"
        )
        assert _count(db) == distinct
        again = signals("--db", str(db), "import", str(path))
        assert again.stderr == f"inserted 0, duplicates {len(rows)}, rejected 0\n"


@SETTINGS
@given(
    rows=st.lists(valid_rows, min_size=0, max_size=12),
    bad=invalid_rows,
    position=st.integers(min_value=0),
)
def test_one_invalid_row_anywhere_imports_nothing(signals, rows, bad, position) -> None:
    position %= len(rows) + 1
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "signals.db"
        path = Path(folder) / "events.csv"
        path.write_text(
            _csv([*rows[:position], bad, *rows[position:]]), encoding="utf-8", newline=""
        )
        result = signals("--db", str(db), "import", str(path))
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert f"1 of {len(rows) + 1} rows are invalid" in result.stderr
        assert f"│ {position + 2} " in result.stderr
        assert _count(db) == 0


cell_text = st.text(
    alphabet=st.sampled_from(list("ab ,;\"'\t\r\n=é")), max_size=12
) | st.sampled_from(["", " ", '"', '""', "a,b", "line\nbreak", "x\r\ny"])


@settings(max_examples=examples(300), deadline=None)
@given(
    rows=st.lists(st.lists(cell_text, min_size=3, max_size=3), max_size=12),
    terminator=st.sampled_from(["\n", "\r\n"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_rows_are_read_as_the_csv_module_reads_them(
    rows: list[list[str]], terminator: str, quoting: int
) -> None:
    """Lines without quotes are split without the csv module: the cells and the line
    numbers must be exactly what the csv module gives."""
    from signals.importer import read_cells

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=terminator, quoting=quoting)
    writer.writerow(["indicator", "summary", "observed_at"])
    writer.writerows(rows)
    text = buffer.getvalue()

    expected = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    next(reader)
    for values in reader:
        if "".join(values).strip():
            expected.append((reader.line_num, values))
    _header, cells = read_cells(io.StringIO(text, newline=""))
    assert list(cells) == expected
