"""`signals export` (SPEC §5): csv, json and ndjson, spreadsheet-safe, and a lossless round trip."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from signals.exporter import FORMULA_TRIGGERS, neutralise, restore

CSV_COLUMNS = [
    "indicator",
    "summary",
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
    "external_id",
]
READING_COLUMNS = ["variant", "breaks", "withdraws", "observation", "alternative"]
JSON_COLUMNS = [*CSV_COLUMNS, "variant", "ends", "observation", "alternative"]
CSV_COLUMNS = [*CSV_COLUMNS, *READING_COLUMNS]


@pytest.fixture
def logged(signals) -> list[dict]:
    """Events whose cells a spreadsheet would otherwise run, with tags and every field."""
    events = [
        signals.json(
            "log",
            "nuclear-threats",
            "=SUM(A1)",
            "--observed",
            "2024-01-01",
            "--tag",
            "formula",
            "--tag",
            "test",
        ),
        # A summary starting with "-" needs "--" so it is not read as an option.
        json.loads(
            signals(
                "log", "--json", "--observed", "2024-01-02", "pause-to-rearm", "--", "-5 km advance"
            ).stdout
        ),
        signals.json(
            "log",
            "declaration-intent",
            "Putin, in a speech: “we are ready”, says TASS\nsecond line",
            "--observed",
            "2024-02-20",
            "--source",
            "'=quoted source",
            "--url",
            "https://tass.com/politics/1?a=1&b=2",
            "-r",
            "A",
            "-c",
            "2",
            "--status",
            "confirmed",
            "--location",
            "+7 Moscow",
            "--analyst",
            "@jd",
            "--notes",
            "'plain apostrophe, not a formula",
        ),
        signals.json(
            "log", "backchannel-informal", "Contacts in Abu Dhabi", "--observed", "2024-03-01"
        ),
    ]
    signals("events", "retract", str(events[3]["id"]), "--reason", "Wrong country")
    return events[:3]


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_has_the_import_columns(signals, logged) -> None:
    result = signals("export")
    assert result.exit_code == 0
    assert result.stderr == ""
    rows = read_csv(result.stdout)
    assert result.stdout.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert len(rows) == 3
    assert rows[0]["tags"] == "formula;test"
    assert rows[2]["url"] == "https://tass.com/politics/1?a=1&b=2"
    assert rows[2]["summary"] == "Putin, in a speech: “we are ready”, says TASS\nsecond line"


def test_csv_export_neutralises_formulas(signals, logged) -> None:
    rows = read_csv(signals("export").stdout)
    assert rows[0]["summary"] == "'=SUM(A1)"
    assert rows[1]["summary"] == "'-5 km advance"
    assert rows[2]["source"] == "''=quoted source"
    assert rows[2]["location"] == "'+7 Moscow"
    assert rows[2]["analyst"] == "'@jd"
    assert rows[2]["notes"] == "'plain apostrophe, not a formula"
    for row in rows:
        for value in row.values():
            assert not value.startswith(FORMULA_TRIGGERS), value


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\tindented",
        "\rreturn",
        "'=already quoted",
        "''=twice quoted",
        "'apostrophe",
        "plain",
        "",
        "a=b",
        "'",
    ],
)
def test_neutralise_is_exactly_undone_by_restore(value: str) -> None:
    safe = neutralise(value)
    assert not safe.startswith(FORMULA_TRIGGERS)
    assert restore(safe) == value
    assert restore(value) == value or value.startswith("'")


def test_retracted_events_are_exported_only_on_request(signals, logged, tmp_path) -> None:
    assert len(read_csv(signals("export").stdout)) == 3
    kept = json.loads(signals("export", "--format", "json", "--include-retracted").stdout)
    assert len(kept) == 4
    assert [event["retracted"] for event in kept].count(True) == 1
    written = signals("export", "--output", str(tmp_path / "out.csv"))
    assert "Exported 3 events" in written.stderr
    assert "1 retracted event left out" in written.stderr


def test_a_csv_export_never_carries_retracted_events_back_in(signals, logged, snapshot) -> None:
    """`signals import` would read a retracted event back as a live one."""
    before = snapshot()
    result = signals("export", "--include-retracted")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--format json or ndjson" in result.stderr
    assert snapshot() == before


def test_json_export(signals, logged) -> None:
    result = signals("export", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document == signals.json("events", "list")
    assert document[0]["summary"] == "=SUM(A1)"
    assert document[0]["tags"] == ["formula", "test"]
    assert list(document[0]) == ["id", *JSON_COLUMNS, "logged_at", "revision", "retracted"]


def test_ndjson_export(signals, logged) -> None:
    result = signals("export", "-f", "ndjson")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert [json.loads(line) for line in lines] == signals.json("events", "list")


def test_empty_export(signals) -> None:
    assert signals("init").exit_code == 0
    assert signals("export").stdout == ",".join(CSV_COLUMNS) + "\n"
    assert json.loads(signals("export", "-f", "json").stdout) == []
    assert signals("export", "-f", "ndjson").stdout == ""


def test_export_filters(signals, logged) -> None:
    rows = read_csv(signals("export", "--indicator", "pause-to-rearm").stdout)
    assert [row["summary"] for row in rows] == ["'-5 km advance"]
    rows = read_csv(signals("export", "--since", "2024-01-02", "--until", "2024-01-31").stdout)
    assert len(rows) == 1
    refused = signals("export", "--indicator", "pause-to-rearn")
    assert refused.exit_code == 1
    assert "pause-to-rearm" in refused.stderr


@pytest.mark.parametrize("format", ["csv", "json", "ndjson"])
def test_export_to_a_file(signals, logged, tmp_path: Path, format: str) -> None:
    path = tmp_path / f"events.{format}"
    result = signals("export", "--format", format, "--output", str(path))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == (
        f"Exported 3 events to {path}; 1 retracted event left out"
        " (--include-retracted with --format json keeps them).\n"
    )
    assert path.read_text(encoding="utf-8") == signals("export", "--format", format).stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_export_to_a_missing_directory(signals, logged, tmp_path: Path) -> None:
    result = signals("export", "--output", str(tmp_path / "missing" / "events.csv"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "does not exist" in result.stderr
    assert not (tmp_path / "missing").exists()


def test_round_trip_through_a_new_database(signals, logged, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    assert signals("export", "-o", str(first)).exit_code == 0
    other = tmp_path / "other.db"
    result = signals("--db", str(other), "import", str(first))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"inserted 3, duplicates 0, rejected 0\nCreated a new database at {other}.\n"
    )
    second = tmp_path / "second.csv"
    assert signals("--db", str(other), "export", "-o", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()

    def content(events: list[dict]) -> list[dict]:
        return [{k: e[k] for k in JSON_COLUMNS} for e in events]

    assert content(signals.json("--db", str(other), "events", "list")) == content(
        signals.json("events", "list")
    )
    # And importing the export back into the original adds nothing.
    assert signals("import", str(first)).stderr == "inserted 0, duplicates 3, rejected 0\n"


def test_round_trip_of_the_demo_data(signals, tmp_path: Path) -> None:
    from signals.paths import data_dir

    demo = data_dir() / "demo" / "events.csv"
    assert signals("import", str(demo)).exit_code == 0
    exported = signals("export").stdout
    assert len(read_csv(exported)) == 27
    path = tmp_path / "demo-export.csv"
    path.write_text(exported, encoding="utf-8")
    other = tmp_path / "other.db"
    assert signals("--db", str(other), "import", str(path)).exit_code == 0
    assert signals("--db", str(other), "export").stdout == exported
