"""Files the CLI writes (--output, --rejects) get the mode an ordinary write would give."""

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
