"""`signals import` (SPEC §5): all rows or none, never the same row twice, built for scripts."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from signals import importer as importer_module
from signals.paths import data_dir
from signals.store import bulk as bulk_module

HEADER = ["indicator", "summary", "observed_at", "source", "reliability", "credibility"]
VALID_ROWS = [
    ["rhetoric-without-action", "Ready for dialogue, says Putin", "2024-02-18", "TASS", "A", "1"],
    ["backchannel-informal", "Low-level contacts in Abu Dhabi", "2024-03-01", "Reuters", "B", "3"],
    ["pause-to-rearm", "Reserves moved to the front in the lull", "2024-03-10", "ISW", "B", "2"],
    ["nuclear-threats", "Medvedev warns of nuclear response", "2024-03-12", "RIA", "A", "1"],
    ["declaration-intent", "Kremlin declares readiness to cease fire", "2024-04-02", "", "", ""],
]
INVALID_ROW = ["pause-to-rearn", "Reserves moved again", "2024-13-01", "ISW", "Z", "9"]


def csv_text(rows: list[list[str]], header: list[str] = HEADER, newline: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path.write_text(csv_text(rows, header), encoding="utf-8", newline="")
    return path


def summaries(signals) -> list[str]:
    return [event["summary"] for event in signals.json("events", "list")]


@pytest.fixture(autouse=True, params=["one process", "two processes"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every behaviour holds whether the rows are read in this process or, as for large
    files, in a second one while this one writes."""
    threshold = 10**15 if request.param == "one process" else 0
    monkeypatch.setattr(importer_module, "PARALLEL_MIN_BYTES", threshold)
    return str(request.param)


@pytest.fixture(autouse=True)
def database(signals) -> None:
    """An existing database, so that a failed import has something to leave as it was."""
    assert signals("init").exit_code == 0


@pytest.fixture
def valid_file(tmp_path: Path) -> Path:
    return write(tmp_path / "events.csv", VALID_ROWS)


def test_import_writes_every_row(signals, valid_file: Path) -> None:
    result = signals("import", str(valid_file))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "inserted 5, duplicates 0, rejected 0\n"
    events = signals.json("events", "list")
    assert [e["summary"] for e in events] == [row[1] for row in VALID_ROWS]
    assert events[0]["reliability"] == "A" and events[0]["credibility"] == "1"
    # Empty cells take the same defaults as `signals log`.
    assert (events[-1]["source"], events[-1]["reliability"], events[-1]["credibility"]) == (
        None,
        "F",
        "6",
    )
    assert len({e["logged_at"] for e in events}) == 1


def test_import_reads_every_column(signals, tmp_path: Path) -> None:
    header = [
        "external_id",
        "Indicator",
        "SUMMARY",
        "observed_at",
        "source",
        "url",
        "reliability",
        "credibility",
        "status",
        "location",
        "analyst",
        "tags",
        "notes",
    ]
    row = [
        "ext-1",
        "Ceasefire-Unilateral",
        "  Russia announces a ceasefire on all fronts ",
        "2024-05-09T10:00:00Z",
        "Kremlin.ru",
        "https://kremlin.ru/x",
        "b",
        "2",
        "Confirmed",
        "Moscow",
        "jd",
        "ceasefire; victory-day ;ceasefire",
        "Announced on Victory Day",
    ]
    assert signals("import", str(write(tmp_path / "all.csv", [row], header))).exit_code == 0
    [event] = signals.json("events", "list")
    assert {k: v for k, v in event.items() if k not in ("id", "logged_at")} == {
        "indicator": "ceasefire-unilateral",
        "summary": "Russia announces a ceasefire on all fronts",
        "observed_at": "2024-05-09",
        "source": "Kremlin.ru",
        "url": "https://kremlin.ru/x",
        "reliability": "B",
        "credibility": "2",
        "status": "confirmed",
        "location": "Moscow",
        "analyst": "jd",
        "tags": ["ceasefire", "victory-day"],
        "notes": "Announced on Victory Day",
        "external_id": "ext-1",
        "variant": "",
        "ends": None,
        "observation": None,
        "alternative": None,
        "revision": 1,
        "retracted": False,
    }


# -- atomicity ------------------------------------------------------------------------


@pytest.mark.parametrize("position", [0, 2, 5])
def test_one_invalid_row_anywhere_imports_nothing(
    signals, tmp_path: Path, snapshot, position: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches, so valid rows before the bad one have already reached the database.
    monkeypatch.setattr(importer_module, "BATCH_SIZE", 2)
    signals.json("log", "nuclear-threats", "An event logged before", "--observed", "2024-01-01")
    rows = [*VALID_ROWS]
    rows.insert(position, INVALID_ROW)
    path = write(tmp_path / "bad.csv", rows)
    before = snapshot()
    result = signals("import", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.output
    line = position + 2
    stderr = result.stderr
    for heading in ("line", "column", "value", "reason"):
        assert heading in stderr
    assert f"│ {line}" in stderr
    for column, value in (("indicator", "pause-to-rearn"), ("observed_at", "2024-13-01")):
        assert column in stderr and value in stderr
    assert "reliability" in stderr and "credibility" in stderr
    assert "did you mean pause-to-rearm" in stderr
    assert stderr.splitlines()[-1] == (
        "Error: 1 of 6 rows are invalid; nothing was imported"
        " (use --skip-invalid to import the valid rows)."
    )
    assert snapshot() == before


def test_the_error_table_shows_cells_as_text(signals, tmp_path: Path, snapshot) -> None:
    """Cells that look like rich markup or carry terminal codes are shown, not obeyed."""
    rows = [
        ["[/bold]", "Markup in the indicator", "2024-01-01", "", "", ""],
        ["nuclear-threats", "Clear \x1b[2J\x1b]0;owned\x07 screen", "2024-01-01", "", "", ""],
    ]
    path = write(tmp_path / "hostile.csv", rows)
    before = snapshot()
    result = signals("import", str(path))
    assert result.exit_code == 1
    assert "unexpected" not in result.stderr
    assert "[/bold]" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\\x1b[2J" in result.stderr
    assert snapshot() == before


def test_every_invalid_row_is_reported(signals, tmp_path: Path, snapshot) -> None:
    rows = [
        VALID_ROWS[0],
        ["nuclear-threats", "ab", "2024-01-01", "", "", ""],
        ["nuclear-threats", "A threat", "", "", "", ""],
        ["nuclear-threats", "A threat", "2024-01-01", "", "A"],
        VALID_ROWS[1],
    ]
    path = write(tmp_path / "bad.csv", rows)
    before = snapshot()
    result = signals("import", str(path), "--json")
    assert result.exit_code == 1
    outcome = json.loads(result.stdout)
    assert (outcome["rejected"], outcome["written"]) == (3, False)
    assert [error["line"] for error in outcome["errors"]] == [3, 4, 5]
    assert "3 of 5 rows are invalid" in result.stderr
    assert "cells for" in result.stderr
    assert snapshot() == before


def test_skip_invalid_writes_the_valid_rows_and_rejects_the_rest(signals, tmp_path: Path) -> None:
    rows = [*VALID_ROWS[:2], INVALID_ROW, *VALID_ROWS[2:]]
    path = write(tmp_path / "mixed.csv", rows)
    rejects = tmp_path / "rejects.csv"
    result = signals("import", str(path), "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "inserted 5, duplicates 0, rejected 1"
    assert "pause-to-rearn" in result.stderr  # the table of problems is still shown
    assert summaries(signals) == [row[1] for row in VALID_ROWS]
    with rejects.open(encoding="utf-8", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert len(rejected) == 1
    assert list(rejected[0]) == ["line", *HEADER, "reason"]
    assert rejected[0]["line"] == "4"
    assert dict(zip(HEADER, INVALID_ROW, strict=True)).items() <= rejected[0].items()
    reason = rejected[0]["reason"]
    for field in ("indicator", "observed_at", "reliability", "credibility"):
        assert field in reason


def test_rejects_file_keeps_its_columns_after_a_row_of_the_wrong_width(
    signals, tmp_path: Path
) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(
        csv_text([["nuclear-threats", "Too", "many", "cells", "here", "A", "1"], INVALID_ROW]),
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    result = signals("import", str(path), "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 0
    with rejects.open(encoding="utf-8", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert [row["line"] for row in rejected] == ["2", "3"]
    assert list(rejected[0]) == ["line", *HEADER, "reason"]
    assert "7 cells for 6 columns" in rejected[0]["reason"]
    assert rejected[0]["summary"] == "Too"
    assert [rejected[1][column] for column in HEADER] == INVALID_ROW


def test_rejects_file_can_be_fixed_and_reimported_as_it_is(signals, tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.csv", [VALID_ROWS[0], INVALID_ROW, VALID_ROWS[1]])
    rejects = tmp_path / "rejects.csv"
    result = signals("import", str(path), "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 0
    with rejects.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert list(records[0]) == ["line", *HEADER, "reason"]
    fixed = {"indicator": "pause-to-rearm", "observed_at": "2024-03-01"}
    fixed |= {"reliability": "B", "credibility": "2"}
    with rejects.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(record | fixed for record in records)

    result = signals("import", str(rejects))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "inserted 1, duplicates 0, rejected 0"
    assert summaries(signals) == [VALID_ROWS[0][1], VALID_ROWS[1][1], INVALID_ROW[1]]
    assert signals.json("events", "list")[-1]["indicator"] == "pause-to-rearm"


@pytest.mark.parametrize(
    "header",
    [
        [*HEADER, "reason"],
        ["line", *HEADER],
        [HEADER[0], "line", *HEADER[1:], "reason"],
        ["line", *HEADER[:-1], "reason", HEADER[-1]],
    ],
)
def test_line_and_reason_are_ignored_only_as_a_rejects_file_has_them(
    signals, tmp_path: Path, snapshot, header: list[str]
) -> None:
    before = snapshot()
    path = tmp_path / "other.csv"
    path.write_text(
        csv_text([_cells_for(header, row) for row in VALID_ROWS], header), encoding="utf-8"
    )
    result = signals("import", str(path))
    assert result.exit_code == 1
    assert "Unknown column" in result.stderr
    unknown = [name for name in ("line", "reason") if name in header]
    assert all(repr(name) in result.stderr for name in unknown)
    assert snapshot() == before


def _cells_for(header: list[str], row: list[str]) -> list[str]:
    values = dict(zip(HEADER, row, strict=True)) | {"line": "2", "reason": "summary: too short"}
    return [values[name] for name in header]


def test_rejects_without_skip_invalid_is_a_usage_error(signals, valid_file, snapshot) -> None:
    before = snapshot()
    result = signals("import", str(valid_file), "--rejects", "r.csv")
    assert result.exit_code == 2
    assert "--skip-invalid" in result.stderr
    assert snapshot() == before


# -- idempotence and identity ------------------------------------------------------------


def test_reimport_adds_nothing(signals, valid_file: Path) -> None:
    assert signals("import", str(valid_file)).exit_code == 0
    again = signals("import", str(valid_file))
    assert again.exit_code == 0
    assert again.stderr == "inserted 0, duplicates 5, rejected 0\n"
    assert len(summaries(signals)) == 5


@pytest.mark.parametrize(
    "correction",
    [
        ["--summary", "Low-level contacts in Abu Dhabi, confirmed by two officials"],
        ["--observed", "2024-03-02"],
        ["--source", "Reuters and AP", "--indicator", "backchannel-intelligence"],
    ],
    ids=["summary", "date", "source-and-indicator"],
)
def test_reimport_does_not_bring_back_what_was_corrected(
    signals, tmp_path: Path, correction: list[str]
) -> None:
    source = write(tmp_path / "events.csv", VALID_ROWS)
    assert signals("import", str(source)).exit_code == 0
    [corrected] = [e for e in summaries(signals) if e.startswith("Low-level")]
    event_id = next(
        e["id"]
        for e in signals.json("events", "list")  # type: ignore[union-attr]
        if e["summary"] == corrected
    )
    assert signals("events", "edit", str(event_id), *correction).exit_code == 0
    again = signals("import", str(source))
    assert again.stderr == "inserted 0, duplicates 5, rejected 0\n"
    assert len(summaries(signals)) == 5
    # A corrected event's later revision, imported as a new row, is known too.
    assert signals("events", "edit", str(event_id), "--notes", "checked").exit_code == 0
    assert signals("import", str(source)).stderr == "inserted 0, duplicates 5, rejected 0\n"


def test_reimport_with_new_rows_adds_only_those(signals, tmp_path: Path) -> None:
    signals("import", str(write(tmp_path / "a.csv", VALID_ROWS[:3])))
    result = signals("import", str(write(tmp_path / "b.csv", VALID_ROWS)))
    assert result.stderr == "inserted 2, duplicates 3, rejected 0\n"


def test_duplicates_within_one_file_are_counted(signals, tmp_path: Path) -> None:
    result = signals("import", str(write(tmp_path / "twice.csv", [*VALID_ROWS, VALID_ROWS[0]])))
    assert result.stderr == "inserted 5, duplicates 1, rejected 0\n"


def test_a_logged_event_is_a_duplicate_of_the_same_content(signals, tmp_path: Path) -> None:
    row = VALID_ROWS[0]
    signals.json("log", row[0], row[1], "--observed", row[2], "--source", row[3])
    result = signals("import", str(write(tmp_path / "one.csv", [row])))
    assert result.stderr == "inserted 0, duplicates 1, rejected 0\n"


def test_content_fingerprint_ignores_grades_case_and_spacing(signals, tmp_path: Path) -> None:
    signals("import", str(write(tmp_path / "a.csv", [VALID_ROWS[0]])))
    regraded = [
        VALID_ROWS[0][0],
        "  ready for   DIALOGUE, says putin",
        "2024-02-18",
        "tass",
        "C",
        "3",
    ]
    result = signals("import", str(write(tmp_path / "b.csv", [regraded])))
    assert result.stderr == "inserted 0, duplicates 1, rejected 0\n"
    other_day = [*VALID_ROWS[0][:2], "2024-02-19", *VALID_ROWS[0][3:]]
    result = signals("import", str(write(tmp_path / "c.csv", [other_day])))
    assert result.stderr == "inserted 1, duplicates 0, rejected 0\n"


def test_external_id_is_the_identity_of_a_row(signals, tmp_path: Path) -> None:
    header = [*HEADER, "external_id"]
    first = [*VALID_ROWS[0], "acled-1"]
    signals("import", str(write(tmp_path / "a.csv", [first], header)))
    # Same external id, different content: the same row, already imported.
    changed = [VALID_ROWS[0][0], "A rewritten summary", *VALID_ROWS[0][2:], "acled-1"]
    result = signals("import", str(write(tmp_path / "b.csv", [changed], header)))
    assert result.stderr == "inserted 0, duplicates 1, rejected 0\n"
    # Same content, another external id: another row.
    other = [*VALID_ROWS[0], "acled-2"]
    result = signals("import", str(write(tmp_path / "c.csv", [other], header)))
    assert result.stderr == "inserted 1, duplicates 0, rejected 0\n"
    # Same content without an external id: not the same as either identified row.
    result = signals("import", str(write(tmp_path / "d.csv", [VALID_ROWS[0]])))
    assert result.stderr == "inserted 1, duplicates 0, rejected 0\n"
    assert sorted(str(e["external_id"]) for e in signals.json("events", "list")) == [
        "None",
        "acled-1",
        "acled-2",
    ]


# -- encodings and line endings ----------------------------------------------------------


def test_utf8_with_bom(signals, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text([VALID_ROWS[0]]).encode("utf-8"))
    result = signals("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert summaries(signals) == [VALID_ROWS[0][1]]


def test_utf8_non_ascii(signals, tmp_path: Path) -> None:
    row = ["nuclear-threats", "Медведев: «ядерный ответ» — café ✓", "2024-01-01", "", "", ""]
    path = write(tmp_path / "utf8.csv", [row])
    assert signals("import", str(path)).exit_code == 0
    assert summaries(signals) == [row[1]]


def test_cp1252_file_needs_encoding(signals, tmp_path: Path, snapshot) -> None:
    row = ["nuclear-threats", "Threat reported in a café – “serious”", "2024-03-01", "", "", ""]
    path = tmp_path / "cp1252.csv"
    path.write_bytes(csv_text([VALID_ROWS[0], row]).encode("cp1252"))
    before = snapshot()
    result = signals("import", str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and "--encoding" in line and "UTF-8" in line
    assert "near line 3;" in line
    assert snapshot() == before

    result = signals("import", str(path), "--encoding", "cp1252")
    assert result.exit_code == 0, result.stderr
    assert summaries(signals) == [VALID_ROWS[0][1], row[1]]


def test_latin1_bytes_late_in_a_long_file(signals, tmp_path: Path, snapshot) -> None:
    """The bad byte comes after many good lines: still an error, and nothing written."""
    rows = [
        ["nuclear-threats", f"Threat number {n}", "2024-01-01", "", "", ""] for n in range(3_000)
    ]
    text = csv_text(rows).encode("utf-8") + b"nuclear-threats,Caf\xe9 threat,2024-01-02,,,\n"
    path = tmp_path / "late.csv"
    path.write_bytes(text)
    before = snapshot()
    result = signals("import", str(path))
    assert result.exit_code == 1
    assert "--encoding" in result.stderr
    assert "Traceback" not in result.output
    assert "near line 3002;" in result.stderr
    assert snapshot() == before


def test_unknown_encoding_is_a_usage_error(signals, valid_file, snapshot) -> None:
    before = snapshot()
    result = signals("import", str(valid_file), "--encoding", "klingon")
    assert result.exit_code == 2
    assert "klingon" in result.stderr
    assert snapshot() == before


def test_mixed_line_endings(signals, tmp_path: Path) -> None:
    lines = csv_text(VALID_ROWS).splitlines()
    text = lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r\n" + "\n".join(lines[3:]) + "\r\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(text.encode("utf-8"))
    result = signals("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert summaries(signals) == [row[1] for row in VALID_ROWS]


def test_quoted_newlines_stay_in_the_cell(signals, tmp_path: Path) -> None:
    header = [*HEADER, "notes"]
    row = [*VALID_ROWS[0], "first line\r\nsecond line"]
    path = write(tmp_path / "multiline.csv", [row, [*VALID_ROWS[1], ""]], header)
    assert signals("import", str(path)).exit_code == 0
    events = signals.json("events", "list")
    assert "second line" in events[0]["notes"]
    assert len(events) == 2


def test_a_huge_field_is_rejected_by_the_model(signals, tmp_path: Path, snapshot) -> None:
    header = [*HEADER, "notes"]
    path = write(tmp_path / "huge.csv", [[*VALID_ROWS[0], "x" * 200_000]], header)
    before = snapshot()
    result = signals("import", str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "notes" in result.stderr and "10000 characters" in result.stderr
    assert snapshot() == before


def test_tab_separated_file(signals, tmp_path: Path) -> None:
    path = tmp_path / "events.tsv"
    path.write_text(
        "\n".join("\t".join(row) for row in [HEADER, *VALID_ROWS]) + "\n", encoding="utf-8"
    )
    assert signals("import", str(path)).exit_code == 0
    assert len(summaries(signals)) == 5


def test_semicolon_separated_file_as_spreadsheets_save_it(signals, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "indicator;summary;observed_at;reliability;tags\n"
        'pause-to-rearm;Reserves moved up, 40,000 men in all;2024-03-10;B;"ukraine;east"\n',
        encoding="utf-8",
    )
    assert signals("import", str(path)).exit_code == 0
    [event] = signals.json("events", "list")  # type: ignore[misc]
    assert event["summary"] == "Reserves moved up, 40,000 men in all"
    assert (event["reliability"], event["tags"]) == ("B", ["ukraine", "east"])


# -- standard input, dry run, output modes -----------------------------------------------


def test_import_from_stdin(signals) -> None:
    result = signals("import", "-", input=csv_text(VALID_ROWS))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "inserted 5, duplicates 0, rejected 0\n"
    assert len(summaries(signals)) == 5


def test_dry_run_writes_nothing_but_reports(signals, valid_file: Path, snapshot) -> None:
    signals.json("log", "nuclear-threats", "Something logged earlier", "--observed", "2024-01-01")
    before = snapshot()
    result = signals("import", str(valid_file), "--dry-run")
    assert result.exit_code == 0
    assert result.stderr == "dry run: would insert 5, duplicates 0, rejected 0\n"
    assert snapshot() == before


def test_dry_run_reports_invalid_rows(signals, tmp_path: Path, snapshot) -> None:
    path = write(tmp_path / "bad.csv", [*VALID_ROWS, INVALID_ROW])
    before = snapshot()
    result = signals("import", str(path), "--dry-run")
    assert result.exit_code == 1
    assert "pause-to-rearn" in result.stderr
    assert snapshot() == before


def test_dry_run_with_rejects_writes_only_the_rejects(signals, tmp_path: Path, snapshot) -> None:
    path = write(tmp_path / "bad.csv", [*VALID_ROWS, INVALID_ROW])
    rejects = tmp_path / "rejects.csv"
    before = snapshot()
    result = signals("import", str(path), "--dry-run", "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "dry run: would insert 5, duplicates 0, rejected 1"
    assert snapshot() == before
    assert "pause-to-rearn" in rejects.read_text(encoding="utf-8")


def test_a_rehearsal_stopped_by_invalid_rows_still_writes_the_rejects(
    signals, tmp_path: Path, snapshot
) -> None:
    path = write(tmp_path / "bad.csv", [*VALID_ROWS, INVALID_ROW])
    rejects = tmp_path / "rejects.csv"
    before = snapshot()
    result = signals("import", str(path), "--dry-run", "--rejects", str(rejects))
    assert result.exit_code == 1
    assert "nothing was imported" in result.stderr
    assert snapshot() == before
    assert rejects.read_text(encoding="utf-8").splitlines()[1].startswith("7,pause-to-rearn,")


def test_a_rehearsal_never_creates_a_database(signals, valid_file: Path, tmp_path: Path) -> None:
    missing = tmp_path / "new.db"
    result = signals("--db", str(missing), "import", str(valid_file), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert f"there is no database at {missing} yet" in result.stderr
    assert "would insert 5" in result.stderr
    assert not missing.exists()
    assert not list(tmp_path.glob("new.db*"))


def test_quiet_prints_nothing_on_success(signals, valid_file: Path) -> None:
    result = signals("import", str(valid_file), "-q")
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""
    assert len(summaries(signals)) == 5


def test_quiet_still_prints_errors(signals, tmp_path: Path) -> None:
    result = signals("import", str(write(tmp_path / "bad.csv", [INVALID_ROW])), "-q")
    assert result.exit_code == 1
    assert "Error:" in result.stderr


@pytest.mark.parametrize(
    ("options", "exit_code", "outcome", "first_error_line"),
    [
        (["--skip-invalid"], 0, (7, 5, 1, True), 8),
        ([], 1, (7, 0, 0, False), 8),  # stopped by the invalid row: the outcome all the same
    ],
    ids=["skip-invalid", "refused"],
)
def test_json_outcome(
    signals,
    tmp_path: Path,
    options: list[str],
    exit_code: int,
    outcome: tuple[int, int, int, bool],
    first_error_line: int,
) -> None:
    path = write(tmp_path / "mixed.csv", [*VALID_ROWS, VALID_ROWS[0], INVALID_ROW])
    result = signals("import", str(path), *options, "--json")
    assert result.exit_code == exit_code
    document = json.loads(result.stdout)
    rows, inserted, duplicates, written = outcome
    assert {k: v for k, v in document.items() if k != "errors"} == {
        "rows": rows,
        "inserted": inserted,
        "duplicates": duplicates,
        "rejected": 1,
        "not_tracked": 0,
        "retracted": 0,
        "ignored_columns": [],
        "dry_run": False,
        "written": written,
    }
    error = {"line": first_error_line, "column": "indicator", "value": "pause-to-rearn"}
    assert error.items() <= document["errors"][0].items()
    if not written:
        assert "nothing was imported" in result.stderr
        assert summaries(signals) == []


# -- files that are not event CSVs -----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "empty"),
        ("\n\n", "empty"),
        (
            "indicator,summary,observed_at,colour\nnuclear-threats,A threat,2024-01-01,red\n",
            "colour",
        ),
        ("indicator,summary\nnuclear-threats,A threat\n", "observed_at"),
        ("indicator,summary,observed_at,Summary\n", "more than once"),
    ],
    ids=["empty", "blank-lines", "unknown-column", "missing-column", "duplicate-column"],
)
def test_a_file_that_is_not_an_event_csv(signals, tmp_path: Path, snapshot, content, expected):
    path = tmp_path / "odd.csv"
    path.write_text(content, encoding="utf-8")
    before = snapshot()
    result = signals("import", str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and expected in line
    assert snapshot() == before


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_an_input_that_cannot_be_read(signals, tmp_path: Path, snapshot, kind) -> None:
    path = tmp_path / "input.csv"
    if kind == "directory":
        path.mkdir()
    before = snapshot()
    result = signals("import", str(path))
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and str(path) in line
    assert snapshot() == before


def test_the_demo_csv_imports_27_rows(signals) -> None:
    demo = data_dir() / "demo" / "events.csv"
    result = signals("import", str(demo))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "inserted 27, duplicates 0, rejected 0\n"
    assert len(signals.json("events", "list")) == 27
    assert signals("import", str(demo)).stderr == "inserted 0, duplicates 27, rejected 0\n"


def test_an_import_leaves_the_query_planner_current_statistics(signals, valid_file: Path) -> None:
    """Stale statistics (an empty table's) send the report's queries down slow plans."""
    import sqlite3

    assert signals("import", str(valid_file)).exit_code == 0
    connection = sqlite3.connect(os.environ["SIGNALS_DB"])
    try:
        stat = connection.execute(
            "SELECT stat FROM sqlite_stat1 WHERE idx = 'events_evidence'"
        ).fetchone()
    finally:
        connection.close()
    assert stat is not None and stat[0].split()[0] == str(len(VALID_ROWS))


@pytest.mark.parametrize("rows", [VALID_ROWS, [*VALID_ROWS, INVALID_ROW]], ids=["whole", "aborted"])
def test_an_import_that_outgrows_the_table_leaves_every_index_as_it_was(
    signals, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[list[str]]
) -> None:
    """Past a size, an import drops the indexes it would update in random order and
    builds them once at its end; the schema must come out the same, or not change."""
    import sqlite3

    monkeypatch.setattr(importer_module, "BATCH_SIZE", 2)
    monkeypatch.setattr(bulk_module, "DEFER_INDEXES_AFTER", 2)

    def schema() -> list[tuple[str, str]]:
        connection = sqlite3.connect(os.environ["SIGNALS_DB"])
        try:
            return connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
            ).fetchall()
        finally:
            connection.close()

    before = schema()
    assert {"events_evidence", "events_observed"} <= {name for name, _ in before}
    result = signals("import", str(write(tmp_path / "many.csv", rows)))
    assert schema() == before
    assert result.exit_code == (0 if rows == VALID_ROWS else 1)
    assert len(summaries(signals)) == (len(VALID_ROWS) if rows == VALID_ROWS else 0)
    assert signals("db", "check").exit_code == 0
