"""Files the CLI writes (--output, --rejects): the mode an ordinary write would give, and
never in place of the database, the catalogue or the file being imported."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

AS_OF = "2024-03-15"


@pytest.fixture(params=[0o022, 0o027, 0o077])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield int(request.param)
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def database(signals) -> None:
    assert signals("init").exit_code == 0


@pytest.mark.parametrize(
    "command",
    [
        ["report", "--as-of", AS_OF, "--format", "markdown"],
        ["export"],
        ["export", "--format", "json"],
    ],
)
def test_an_output_file_has_the_mode_the_umask_gives(
    signals, tmp_path: Path, umask: int, command: list[str]
) -> None:
    target = tmp_path / "brief.out"
    assert signals(*command, "--output", str(target)).exit_code == 0
    assert mode(target) == 0o666 & ~umask


def test_a_rejects_file_has_the_mode_the_umask_gives(signals, tmp_path: Path, umask: int) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "indicator,summary,observed_at\nno-such-indicator,Something happened,2024-03-01\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    result = signals("import", str(path), "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 0
    assert mode(rejects) == 0o666 & ~umask


def test_an_existing_file_keeps_its_mode_when_written_again(
    signals, tmp_path: Path, umask: int
) -> None:
    target = tmp_path / "brief.md"
    target.write_text("an older brief\n", encoding="utf-8")
    target.chmod(0o640)
    result = signals("report", "--as-of", AS_OF, "--format", "markdown", "-o", str(target))
    assert result.exit_code == 0
    assert mode(target) == 0o640
    assert target.read_text(encoding="utf-8") != "an older brief\n"


def write_commands(tmp_path: Path) -> list[list[str]]:
    source = tmp_path / "events.csv"
    if not source.exists():
        source.write_text(
            "indicator,summary,observed_at\nno-such-indicator,Something happened,2024-03-01\n",
            encoding="utf-8",
        )
    return [
        ["report", "--as-of", AS_OF, "--format", "markdown", "--output"],
        ["export", "--output"],
        ["export", "--format", "json", "--output"],
        ["import", str(source), "--skip-invalid", "--rejects"],
    ]


def kept_files(db_path: Path) -> list[tuple[str, Path]]:
    from signals.paths import default_catalogue_path

    return [
        ("is the database", db_path),
        ("is part of the database", Path(f"{db_path}-wal")),
        ("is the catalogue", default_catalogue_path()),
    ]


@pytest.mark.parametrize("command", range(4), ids=["report", "export", "export-json", "rejects"])
@pytest.mark.parametrize("kept", range(3), ids=["database", "wal", "catalogue"])
def test_nothing_is_written_over_the_files_a_command_works_from(
    signals, db_path: Path, tmp_path: Path, command: int, kept: int
) -> None:
    assert signals("log", "declaration-intent", "A statement", "--observed", AS_OF).exit_code == 0
    words, target = kept_files(db_path)[kept]
    before = target.read_bytes() if target.exists() else None
    result = signals(*write_commands(tmp_path)[command], str(target))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {target} {words}: write to another file."
    assert (target.read_bytes() if target.exists() else None) == before
    assert signals("db", "check").exit_code == 0
    assert len(signals.json("events", "list")) == 1  # type: ignore[arg-type]


def test_a_rejects_file_is_never_the_file_being_imported(signals, tmp_path: Path) -> None:
    source = tmp_path / "events.csv"
    command = write_commands(tmp_path)[3]
    before = source.read_bytes()
    result = signals(*command, str(source))
    assert result.exit_code == 2
    assert "is the file being imported" in result.stderr
    assert source.read_bytes() == before


def test_nothing_is_written_over_another_sqlite_database(
    signals, db_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    other.write_bytes(db_path.read_bytes())
    for command in write_commands(tmp_path):
        result = signals(*command, str(other))
        assert result.exit_code == 2
        assert (
            result.stderr.strip() == f"Error: {other} is a SQLite database: write to another file."
        )
    assert other.read_bytes() == db_path.read_bytes()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("command", range(4), ids=["report", "export", "export-json", "rejects"])
def test_a_pipe_or_device_is_refused_rather_than_replaced_or_waited_on(
    signals, tmp_path: Path, command: int
) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    result = signals(*write_commands(tmp_path)[command], str(pipe))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: {pipe} is not a regular file: write to a file, or leave out the option to print."
    )
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
