"""A new user's first commands: checking a file before there is a database, being told
when a database is made, importing what was exported, and files with extra columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DEMO_CSV


def test_a_dry_run_checks_a_file_before_init_and_makes_no_database(
    signals, tmp_path: Path, db_path: Path
) -> None:
    result = signals("import", str(DEMO_CSV), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "dry run: would insert 27, duplicates 0, rejected 0" in result.stderr
    assert f"there is no database at {db_path} yet" in result.stderr
    assert not db_path.exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_a_dry_run_before_init_still_reports_invalid_rows(
    signals, tmp_path: Path, db_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,summary,observed_at\nnuclear-threat,A threat,2024-03-01\n")
    result = signals("import", str(bad), "--dry-run")
    assert result.exit_code == 1
    assert "nuclear-threats" in result.stderr  # the catalogue's suggestion
    assert not db_path.exists()


def test_a_dry_run_with_json_prints_only_the_document_on_stdout(signals, db_path: Path) -> None:
    document = signals.json("import", str(DEMO_CSV), "--dry-run")
    assert document["inserted"] == 27  # type: ignore[index]
    assert not db_path.exists()


def test_a_command_that_makes_a_database_says_so_once(signals, tmp_path: Path) -> None:
    mistyped = tmp_path / "sigals.db"
    first = signals("--db", str(mistyped), "log", "nuclear-threats", "A threat", "--json")
    assert first.exit_code == 0, first.stderr
    assert first.stderr.splitlines() == [f"Created a new database at {mistyped}."]
    assert json.loads(first.stdout)["id"] == 1  # the JSON document alone
    second = signals("--db", str(mistyped), "log", "nuclear-threats", "Another threat")
    assert second.stderr == "Logged event #2: nuclear-threats (F6, reported).\n"


def test_a_command_that_fails_leaves_no_new_database_behind(signals, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,summary,observed_at\nnuclear-threat,A threat,2024-03-01\n")
    mistyped = tmp_path / "sigals.db"
    result = signals("--db", str(mistyped), "import", str(bad))
    assert result.exit_code == 1
    assert "Created" not in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bad.csv"]


def test_import_and_init_say_when_they_make_the_database(signals, tmp_path: Path) -> None:
    imported = signals("--db", str(tmp_path / "a.db"), "import", str(DEMO_CSV))
    assert imported.stderr.splitlines() == [
        "inserted 27, duplicates 0, rejected 0",
        f"Created a new database at {tmp_path / 'a.db'}.",
    ]
    made = signals("--db", str(tmp_path / "b.db"), "init")
    assert made.stderr.startswith(f"Created a new database at {tmp_path / 'b.db'}.\n")
    again = signals("--db", str(tmp_path / "b.db"), "init")
    assert "Created" not in again.stderr


# `import` reads what `export` writes, in every format.

SEED = """indicator,summary,observed_at,source,reliability,credibility,tags,notes,external_id,variant,breaks,withdraws,observation,alternative
ceasefire-unilateral,Christmas truce declared,2024-01-05,TASS,A,2,truce;winter,"=two lines
of notes",truce-1,short,,,,
ceasefire-unilateral,Shelling resumes in Kherson,2024-01-07,Reuters,B,2,,,,,truce-1,,,
ceasefire-unilateral,Easter truce declared,2024-03-30,TASS,A,2,,,truce-2,,,,,
ceasefire-unilateral,Easter truce broken,2024-03-31,ISW,B,3,,,,,truce-2,,,
demand-kyiv-initiate,Kyiv must ask first,2024-02-18,TASS,A,1,,,demand-1,,,,,
demand-kyiv-initiate,Demand dropped,2024-04-01,RIA,B,2,,,,,,demand-1,,
declaration-intent,Ready for talks,2024-04-02,TASS,A,2,,'-not a formula,,conditional,,,speech-1,
backchannel-informal,Envoy meets officials,2024-04-02,Reuters,B,3,,,,,,,speech-1,backchannel-diplomatic
"""
CONTENT = ["indicator", "summary", "observed_at", "source", "url", "reliability", "credibility",
           "status", "location", "analyst", "tags", "notes", "external_id", "variant",
           "observation", "alternative"]  # fmt: skip


def _content(signals, *db: str) -> list[dict]:
    events = signals.json(*db, "events", "list")
    by_id = {event["id"]: event for event in events}

    def ended(event: dict) -> object:
        # Ids differ between databases: an ended event is known by its summary.
        return by_id[event["ends"]]["summary"] if event["ends"] else None

    return [{**{k: e[k] for k in CONTENT}, "ends": ended(e)} for e in events]


@pytest.mark.parametrize("format", ["csv", "json", "ndjson"])
def test_an_export_imports_into_a_new_database_as_it_was(
    signals, tmp_path: Path, format: str
) -> None:
    seed = tmp_path / "seed.csv"
    seed.write_text(SEED, encoding="utf-8")
    seeded = signals("import", str(seed))
    assert seeded.exit_code == 0, seeded.stderr
    exported = tmp_path / f"events.{format}"
    assert signals("export", "--format", format, "-o", str(exported)).exit_code == 0
    other = tmp_path / "other.db"
    result = signals("--db", str(other), "import", str(exported))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == "inserted 8, duplicates 0, rejected 0"
    assert _content(signals, "--db", str(other)) == _content(signals)
    assert signals("import", str(exported)).stderr == "inserted 0, duplicates 8, rejected 0\n"


def test_a_json_export_with_retracted_events_leaves_them_out(signals, tmp_path: Path) -> None:
    assert signals("import", str(DEMO_CSV)).exit_code == 0
    assert signals("events", "retract", "3", "--reason", "Wrong country").exit_code == 0
    exported = tmp_path / "all.json"
    assert (
        signals("export", "--include-retracted", "-f", "json", "-o", str(exported)).exit_code == 0
    )
    other = tmp_path / "other.db"
    document = signals.json("--db", str(other), "import", str(exported))
    assert (document["inserted"], document["retracted"]) == (26, 1)  # type: ignore[index]
    summaries = [event["summary"] for event in signals.json("--db", str(other), "events", "list")]
    assert signals.json("events", "show", "3")["summary"] not in summaries  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[{"indicator": "nuclear-threats"', "Line 1: the JSON is malformed"),
        ("[1, 2]", "Line 1: each item of a JSON file of events is an object"),
        ('[{"indicator": "nuclear-threats", "summary": ["a"]}]', "summary is a JSON list"),
        ('{"indicator": "nuclear-threats"}\n{oops}\n', "Line 2: the JSON is malformed"),
        ('[\n{"indicator": "nuclear-threats"}\n] extra', "Line 3: the file goes on after"),
    ],
)
def test_a_malformed_json_file_is_refused_in_one_sentence(
    signals, tmp_path: Path, snapshot, text: str, said: str
) -> None:
    assert signals("init").exit_code == 0
    before = snapshot()
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    result = signals("import", str(path))
    assert result.exit_code == 1
    assert said in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert snapshot() == before


def test_a_json_row_error_names_the_line_its_event_begins_on(signals, tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text(
        '[\n  {"indicator": "nuclear-threats", "summary": "A threat", "observed_at": "2024-1-2"},\n'
        '  {\n    "indicator": "nuclear-threat",\n    "summary": "B threat",\n'
        '    "observed_at": "2024-01-03"\n  }\n]\n',
        encoding="utf-8",
    )
    document = signals("import", str(path), "--json")
    assert document.exit_code == 1
    errors = json.loads(document.stdout)["errors"]
    assert [(error["line"], error["column"]) for error in errors] == [(3, "indicator")]


# One extra column no longer rejects the whole file, when the person says so.


def test_an_unknown_column_is_refused_naming_the_flag_that_ignores_it(
    signals, tmp_path: Path
) -> None:
    path = tmp_path / "extra.csv"
    path.write_text(
        "indicator,confidence,summary,observed_at,Remarks\n"
        "nuclear-threats,high,A threat,2024-03-01,x\n"
        "pause-to-rearm,low,Reserves move,2024-03-02,y\n",
        encoding="utf-8",
    )
    assert signals("init").exit_code == 0
    refused = signals("import", str(path))
    assert refused.exit_code == 1
    assert "Unknown columns 'confidence', 'Remarks'" in refused.stderr
    assert "--ignore-unknown" in refused.stderr
    result = signals("import", str(path), "--ignore-unknown")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines.count("Ignored the columns 'confidence', 'Remarks' (--ignore-unknown).") == 1
    assert lines[-1] == "inserted 2, duplicates 0, rejected 0"
    events = signals.json("events", "list")
    assert [(e["indicator"], e["summary"]) for e in events] == [  # type: ignore[union-attr]
        ("nuclear-threats", "A threat"),
        ("pause-to-rearm", "Reserves move"),
    ]


def test_ignore_unknown_reads_json_fields_too_and_names_them_once(signals, tmp_path: Path) -> None:
    path = tmp_path / "extra.ndjson"
    rows = [
        {"indicator": "nuclear-threats", "summary": f"Threat {n}", "observed_at": "2024-03-01",
         "confidence": "high"}
        for n in range(3)
    ]  # fmt: skip
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    refused = signals("import", str(path))
    assert "Unknown column 'confidence' on line 1" in refused.stderr
    assert "--ignore-unknown" in refused.stderr
    document = signals("import", str(path), "--ignore-unknown", "--json")
    assert document.exit_code == 0, document.stderr
    assert json.loads(document.stdout)["ignored_columns"] == ["confidence"]
    assert document.stderr.count("confidence") == 1


def test_an_ignored_column_leaves_the_rest_of_a_row_checked(signals, tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    path.write_text(
        "indicator,summary,extra,observed_at\nnuclear-threats,A threat,1,2024-13-01\n",
        encoding="utf-8",
    )
    result = signals("import", str(path), "--ignore-unknown")
    assert result.exit_code == 1
    assert "Ignored the column 'extra'" in result.stderr
    assert "there is no month 13" in " ".join(result.stderr.split())


# Corrections carry a reason and an author, as retractions do.


def test_an_edit_keeps_its_reason_and_author_and_show_lists_them(
    signals, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert signals("log", "nuclear-threats", "A threat", "--observed", "2024-03-01").exit_code == 0
    first = signals(
        "events", "edit", "1", "--status", "confirmed",
        "--reason", "TASS confirmed it on the record", "--by", "jdoe",
    )  # fmt: skip
    assert first.exit_code == 0, first.stderr
    monkeypatch.setenv("SIGNALS_ANALYST", "ann")  # as for `retract`, the analyst by default
    assert signals("events", "edit", "1", "--source", "RIA").exit_code == 0
    shown = signals.json("events", "show", "1")
    edits = [{k: v for k, v in e.items() if k != "edited_at"} for e in shown["edits"]]  # type: ignore[index]
    assert edits == [
        {"revision": 2, "reason": "TASS confirmed it on the record", "analyst": "jdoe"},
        {"revision": 3, "reason": None, "analyst": "ann"},
    ]
    text = signals("events", "show", "1").stdout
    assert "Corrections" in text
    assert "TASS confirmed it on the record" in text and "jdoe" in text
    assert "(no reason given)" in text and "ann" in text
    # --analyst still changes who logged the event, not who corrected it.
    assert shown["analyst"] is None  # type: ignore[index]


def test_a_blank_reason_is_refused_and_changes_nothing(signals, snapshot) -> None:
    assert signals("log", "nuclear-threats", "A threat", "--observed", "2024-03-01").exit_code == 0
    before = snapshot()
    result = signals("events", "edit", "1", "--status", "confirmed", "--reason", "  ")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: The reason for an edit cannot be blank; leave --reason out instead.\n"
    )
    assert snapshot() == before
