"""Bad input of any kind: a clear error, the right exit code, no traceback, nothing changed."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

GARBAGE = bytes(range(256)) * 64


def assert_data_error(result) -> str:
    """Exit 1 with exactly one line on stderr, starting 'Error:'; returns that line."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert lines[0].endswith((".", "?")), lines[0]
    return lines[0]


def assert_usage_error(result) -> str:
    """Exit 2 with one line on stderr, 'Error: ...', as a data error but for the code (no
    usage lines, no box); returns stderr."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert lines[0].endswith((".", "?")), lines[0]
    assert "Usage:" not in result.stderr
    assert not set("╭╮╰╯│─") & set(result.stderr), result.stderr
    return result.stderr


@pytest.fixture
def logged(signals) -> dict:
    """A database holding one event, so a failed command has something to leave alone."""
    return signals.json(
        "log",
        "declaration-intent",
        "Putin declares readiness to negotiate",
        "--observed",
        "2024-02-20",
    )


# -- bad data: exit 1 ----------------------------------------------------------------

DATA_ERRORS = {
    "unknown-indicator": (
        ["log", "declaraton-intent", "A declaration"],
        "Did you mean declaration-intent",
    ),
    "reliability": (["log", "nuclear-threats", "A threat", "-r", "Z"], "reliability"),
    "credibility": (["log", "nuclear-threats", "A threat", "-c", "9"], "credibility"),
    "credibility-zero": (["log", "nuclear-threats", "A threat", "-c", "0"], "credibility"),
    "future": (
        [
            "log",
            "nuclear-threats",
            "A threat",
            "--observed",
            (dt.date.today() + dt.timedelta(days=10)).isoformat(),
        ],
        "future",
    ),
    "ancient": (["log", "nuclear-threats", "A threat", "--observed", "1812-06-24"], "1900"),
    "url": (["log", "nuclear-threats", "A threat", "--url", "javascript:alert(1)"], "url"),
    "url-spaces": (["log", "nuclear-threats", "A threat", "--url", "http://a b"], "url"),
    "summary-short": (["log", "nuclear-threats", "ab"], "summary: must be at least 3 characters"),
    "summary-blank": (["log", "nuclear-threats", "      "], "summary"),
    "summary-control": (["log", "nuclear-threats", "A threat\x00hidden"], "control"),
    "summary-escape": (["log", "nuclear-threats", "A threat \x1b[31mred"], "control"),
    "summary-long": (
        ["log", "nuclear-threats", "x" * 2_001],
        "summary: must be at most 2000 characters",
    ),
    "source-long": (
        ["log", "nuclear-threats", "A threat", "--source", "s" * 201],
        "source: must be at most 200 characters",
    ),
    "too-many-tags": (
        ["log", "nuclear-threats", "A threat", *[f"--tag=t{n}" for n in range(21)]],
        "tags: must be at most 20 tags (21 given)",
    ),
    "source-control": (
        ["log", "nuclear-threats", "A threat", "--source", "TA\x07SS"],
        "source",
    ),
    "tag-long": (["log", "nuclear-threats", "A threat", "--tag", "t" * 51], "tag"),
    "show-unknown": (["events", "show", "999"], "No event with id 999"),
    "edit-unknown": (["events", "edit", "999", "--status", "confirmed"], "No event with id 999"),
    "retract-unknown": (["events", "retract", "999", "--reason", "gone"], "No event with id 999"),
    "edit-unknown-indicator": (
        ["events", "edit", "1", "--indicator", "ceasefire-unilaterl"],
        "Did you mean ceasefire-unilateral",
    ),
    "edit-bad-url": (["events", "edit", "1", "--url", "not a url"], "url"),
}


@pytest.mark.parametrize("case", sorted(DATA_ERRORS))
def test_bad_data_is_one_sentence_and_exit_1(signals, logged, snapshot, case) -> None:
    args, expected = DATA_ERRORS[case]
    before = snapshot()
    line = assert_data_error(signals(*args))
    assert expected in line
    assert snapshot() == before


@pytest.mark.parametrize("case", ["unknown-indicator", "credibility", "future", "edit-unknown"])
def test_bad_data_with_json_prints_no_document(signals, logged, snapshot, case) -> None:
    args, expected = DATA_ERRORS[case]
    before = snapshot()
    line = assert_data_error(signals(*args, "--json"))
    assert expected in line
    assert snapshot() == before


def test_unknown_indicator_suggests_close_ids(signals, logged) -> None:
    line = assert_data_error(signals("log", "ceasefire", "A ceasefire was announced"))
    assert "Unknown indicator 'ceasefire'" in line
    for close in ("ceasefire-unilateral", "ceasefire-timeline", "ceasefire-verification"):
        assert close in line


def test_unknown_indicator_without_any_close_id(signals, logged) -> None:
    line = assert_data_error(signals("log", "zzzzzz", "Something happened"))
    assert line == "Error: Unknown indicator 'zzzzzz': `signals indicators` lists them."


# -- bad usage: exit 2 ---------------------------------------------------------------

USAGE_ERRORS = {
    "malformed-date": (
        ["log", "nuclear-threats", "A threat", "--observed", "2024-13-01"],
        "2024-13-01",
    ),
    "word-date": (["events", "list", "--since", "last tuesday"], "last tuesday"),
    "retract-without-reason": (["events", "retract", "1"], "--reason"),
    "edit-without-field": (["events", "edit", "1"], "at least one field"),
    "bad-status": (["log", "nuclear-threats", "A threat", "--status", "rumoured"], "rumoured"),
    "non-numeric-id": (
        ["events", "show", "one"],
        "'one' is not an event id; event ids are whole numbers",
    ),
    "non-numeric-edit-id": (["events", "edit", "1.5", "--status", "confirmed"], "'1.5' is not"),
    "non-numeric-retract-id": (["events", "retract", "#1", "--reason", "gone"], "'#1' is not"),
    "missing-summary": (["log", "nuclear-threats"], "SUMMARY"),
    "unknown-option": (["log", "nuclear-threats", "A threat", "--colour", "red"], "--colour"),
    "unknown-command": (["frobnicate"], "frobnicate"),
    "bad-export-format": (["export", "--format", "xlsx"], "xlsx"),
}


@pytest.mark.parametrize("case", sorted(USAGE_ERRORS))
def test_bad_usage_is_exit_2(signals, logged, snapshot, case) -> None:
    args, expected = USAGE_ERRORS[case]
    before = snapshot()
    stderr = assert_usage_error(signals(*args))
    assert expected.lower() in stderr.lower()
    assert snapshot() == before


# -- bad databases -------------------------------------------------------------------


def test_db_that_is_a_directory(signals, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    stderr = assert_usage_error(signals("--db", str(folder), "log", "nuclear-threats", "A threat"))
    assert "is a directory" in stderr
    assert list(folder.iterdir()) == []


def test_db_env_that_is_a_directory(signals, tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    monkeypatch.setenv("SIGNALS_DB", str(folder))
    result = signals("events", "list")
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output
    assert "is a directory" in result.stderr
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["log", "nuclear-threats", "A threat"],
        ["events", "list"],
        ["status"],
        ["db", "check"],
        ["init"],
    ],
    ids=lambda args: "-".join(args[:2]),
)
def test_db_that_is_not_sqlite(signals, tmp_path: Path, args) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(GARBAGE)
    line = assert_data_error(signals("--db", str(path), *args))
    assert "not a signals database" in line
    assert path.read_bytes() == GARBAGE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["garbage.db"]


def test_db_that_is_a_text_file(signals, tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("Dear diary,\n" * 200, encoding="utf-8")
    before = path.read_bytes()
    line = assert_data_error(signals("--db", str(path), "log", "nuclear-threats", "A threat"))
    assert "not a signals database" in line
    assert path.read_bytes() == before


def test_db_in_a_missing_directory(signals, tmp_path: Path) -> None:
    path = tmp_path / "missing" / "signals.db"
    line = assert_data_error(signals("--db", str(path), "log", "nuclear-threats", "A threat"))
    assert "does not exist" in line
    assert not path.parent.exists()


def test_read_only_db(signals, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    path = folder / "signals.db"
    assert signals("--db", str(path), "log", "nuclear-threats", "A first threat").exit_code == 0
    # Back to a single file, as a database copied from elsewhere would be.
    sqlite3.connect(path).execute("PRAGMA journal_mode = DELETE").connection.close()
    for extra in folder.glob("signals.db-*"):
        extra.unlink()
    before = path.read_bytes()
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        args = ("--db", str(path), "log", "nuclear-threats", "A second threat")
        if not (os.access(path, os.W_OK) or os.access(folder, os.W_OK)):
            result = signals(*args)
            assert "read-only" in assert_data_error(result)
        else:
            # Root ignores file modes; a child without its capabilities does not.
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                pytest.skip("running with privileges that ignore file permissions")
            child = subprocess.run(
                [
                    *(setpriv, "--inh-caps=-all", "--bounding-set=-all", "--"),
                    *(sys.executable, "-m", "signals", *args),
                ],
                capture_output=True,
                text=True,
                timeout=60,
            )
            if "setpriv:" in child.stderr:
                pytest.skip(f"cannot drop privileges here: {child.stderr.strip()}")
            assert child.returncode == 1, child.stderr
            assert child.stdout == ""
            assert "Traceback" not in child.stderr
            assert child.stderr.splitlines() == [
                f"Error: {path} is read-only: signals cannot write to it."
            ]
        assert path.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir()) == ["signals.db"]
    finally:
        folder.chmod(stat.S_IRWXU)
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.parametrize(
    "args",
    [["log", "nuclear-threats", "A threat"], ["events", "list"], ["status"], ["init"]],
    ids=lambda args: "-".join(args[:2]),
)
def test_db_from_a_newer_version_is_refused(signals, logged, snapshot, args) -> None:
    from signals.migrations import MIGRATION_SET, MIGRATIONS_TABLE

    path = Path(os.environ["SIGNALS_DB"])
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            f"INSERT INTO {MIGRATIONS_TABLE} (migration_set, name, applied_at) VALUES (?, ?, ?)",
            (MIGRATION_SET, "m999_from_the_future", "2099-01-01 00:00:00+00:00"),
        )
    connection.close()
    before = snapshot()
    line = assert_data_error(signals(*args))
    assert "newer version" in line
    assert "m999_from_the_future" in line
    assert snapshot() == before


def test_migrations_of_another_set_do_not_count_as_newer(signals, logged) -> None:
    from signals.migrations import MIGRATIONS_TABLE

    path = Path(os.environ["SIGNALS_DB"])
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            f"INSERT INTO {MIGRATIONS_TABLE} (migration_set, name, applied_at) VALUES (?, ?, ?)",
            ("some-plugin", "m001_plugin", "2024-01-01 00:00:00+00:00"),
        )
    connection.close()
    assert signals("events", "list").exit_code == 0


def test_missing_catalogue_file_is_one_sentence(signals, tmp_path: Path, snapshot) -> None:
    before = snapshot()
    line = assert_data_error(
        signals("--catalogue", str(tmp_path / "gone.toml"), "log", "nuclear-threats", "A threat")
    )
    assert "does not exist" in line
    assert snapshot() == before


def test_a_newer_database_is_left_byte_for_byte(signals, tmp_path: Path) -> None:
    """Refused before anything writes: not even the switch to WAL touches the file."""
    from signals.migrations import MIGRATION_SET, MIGRATIONS_TABLE

    path = tmp_path / "newer.db"
    assert signals("--db", str(path), "init").exit_code == 0
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = DELETE")
    with connection:
        connection.execute(
            f"INSERT INTO {MIGRATIONS_TABLE} (migration_set, name, applied_at) VALUES (?, ?, ?)",
            (MIGRATION_SET, "m999_from_the_future", "2099-01-01 00:00:00+00:00"),
        )
    connection.close()
    before = path.read_bytes()
    line = assert_data_error(signals("--db", str(path), "log", "nuclear-threats", "A threat"))
    assert "newer version" in line
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newer.db"]


def test_another_applications_database_is_left_byte_for_byte(signals, tmp_path: Path) -> None:
    """signals never adds its tables to someone else's database."""
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.execute("INSERT INTO notes VALUES ('not an event')")
    connection.close()
    before = path.read_bytes()
    for args in (["init"], ["events", "list"], ["log", "nuclear-threats", "A threat"]):
        line = assert_data_error(signals("--db", str(path), *args))
        assert "another application's SQLite database" in line
    assert path.read_bytes() == before


def test_db_check_finds_totals_written_around_the_triggers(signals, logged) -> None:
    assert signals("db", "check").exit_code == 0
    connection = sqlite3.connect(os.environ["SIGNALS_DB"])
    with connection:
        # As an event inserted with the sqlite3 shell leaves them: one event not counted.
        # (Totals above the events are the trace of deleted ones, which is never erased.)
        connection.execute("UPDATE evidence_totals SET events = events - 1")
    connection.close()
    result = signals("db", "check")
    assert result.exit_code == 1
    assert "kept event totals" in result.stderr
    assert "--repair-totals" in result.stderr
    repaired = signals("db", "check", "--repair-totals")
    assert repaired.exit_code == 0, repaired.stderr
    assert signals("db", "check").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["report", "--format", "json"],
        ["events", "list"],
        ["events", "show", "1"],
        ["events", "retract", "1", "--reason", "Mistaken"],
        ["export"],
        ["db", "check"],
    ],
    ids=lambda args: "-".join(args[:2]),
)
def test_a_command_that_only_reads_does_not_create_a_mistyped_database(
    signals, tmp_path: Path, args: list[str]
) -> None:
    missing = tmp_path / "sigals.db"
    line = assert_data_error(signals("--db", str(missing), *args))
    assert line == (
        f"Error: There is no database at {missing}: `signals init` creates one"
        " (or check --db and SIGNALS_DB)."
    )
    assert not missing.exists()


@pytest.mark.parametrize(
    "args",
    [["init"], ["log", "nuclear-threats", "A threat"], ["import", "-"]],
    ids=lambda args: args[0],
)
def test_a_command_that_writes_events_creates_the_database(
    signals, tmp_path: Path, args: list[str]
) -> None:
    new = tmp_path / "new.db"
    result = signals("--db", str(new), *args, input="indicator,summary,observed_at\n")
    assert result.exit_code == 0, result.stderr
    assert new.exists()
