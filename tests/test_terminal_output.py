"""What the terminal and a pipe get: a progress bar on a terminal only, and the full
width of every line when stdout is a file or a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_CSV

LONG_SUMMARY = (
    "Kremlin spokesman says talks could resume within weeks if the other side accepts the"
    " current line of contact as the basis, according to three officials briefed on the"
    " exchange in Istanbul"
)


def piped(*args: str, db: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The command with stdout and stderr both pipes, and no COLUMNS to go by."""
    environment = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    environment.update(SIGNALS_DB=str(db), **env)
    return subprocess.run(
        [sys.executable, "-m", "signals", *args],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_piped_output_is_never_wrapped(db_path: Path) -> None:
    assert piped("import", str(DEMO_CSV), db=db_path).returncode == 0
    logged = piped(
        "log", "backchannel-diplomatic", LONG_SUMMARY, "--observed", "2024-05-01", db=db_path
    )
    assert logged.returncode == 0, logged.stderr
    listed = piped("events", "list", db=db_path)
    assert listed.returncode == 0, listed.stderr
    assert any(LONG_SUMMARY in line for line in listed.stdout.splitlines())
    explained = piped("status", "--explain", "--as-of", "2024-06-20", db=db_path)
    assert explained.returncode == 0, explained.stderr
    lines = explained.stdout.splitlines()
    headline = next(line for line in lines if line.startswith("Progress"))
    assert headline.rstrip().endswith(")"), headline  # its confidence and prior on one line
    assert max(map(len, lines)) > 80
    # A figure is never split across lines: every stage heading ends with its credit.
    stages = [line.rstrip() for line in lines if line.startswith("Stage ")]
    assert stages and all(line.endswith("credited)") for line in stages), stages


@pytest.mark.slow
def test_columns_still_sets_the_width_of_piped_output(db_path: Path) -> None:
    assert piped("import", str(DEMO_CSV), db=db_path).returncode == 0
    narrow = piped("status", "--explain", db=db_path, COLUMNS="60")
    assert max(map(len, narrow.stdout.splitlines())) <= 60
