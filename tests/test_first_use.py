"""A new user's first commands: checking a file before there is a database, being told
when a database is made, importing what was exported, and files with extra columns."""

from __future__ import annotations

from pathlib import Path

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


def test_a_dry_run_before_init_still_reports_invalid_rows(signals, tmp_path: Path, db_path: Path) -> None:
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
    assert first.stdout.lstrip().startswith("{")  # the JSON document alone
    second = signals("--db", str(mistyped), "log", "nuclear-threats", "Another threat")
    assert "Created" not in second.stderr


def test_import_and_init_say_when_they_make_the_database(signals, tmp_path: Path) -> None:
    imported = signals("--db", str(tmp_path / "a.db"), "import", str(DEMO_CSV))
    assert f"Created a new database at {tmp_path / 'a.db'}." in imported.stderr
    made = signals("--db", str(tmp_path / "b.db"), "init")
    assert made.stderr.startswith(f"Created a new database at {tmp_path / 'b.db'}.\n")
    again = signals("--db", str(tmp_path / "b.db"), "init")
    assert "Created" not in again.stderr
