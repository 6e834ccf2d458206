"""What the terminal and a pipe get: a progress bar on a terminal only, and the full
width of every line when stdout is a file or a pipe."""

from __future__ import annotations

import json
import os
import re
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


def _events_file(path: Path, rows: int) -> Path:
    lines = ["indicator,summary,observed_at,source"]
    lines += [
        f"nuclear-threats,Threat number {n},2024-03-{1 + n % 28:02d},TASS" for n in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def on_a_terminal(*args: str, db: Path) -> tuple[str, str, int]:
    """The command with stderr on a pseudo-terminal (as a person at a terminal has it) and
    stdout a pipe: what each received, and the exit status."""
    import pty

    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    environment.update(SIGNALS_DB=str(db), TERM="xterm-256color")
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "signals", *args],
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=secondary,
    )
    os.close(secondary)
    received = bytearray()
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closes when the command ends (EIO on Linux)
            break
        if not chunk:
            break
        received += chunk
    os.close(primary)
    assert process.stdout is not None
    stdout = process.stdout.read().decode()
    process.stdout.close()
    return received.decode(errors="replace"), stdout, process.wait()


@pytest.mark.slow
def test_a_long_import_shows_a_bar_then_names_each_phase_on_a_terminal(
    db_path: Path, tmp_path: Path
) -> None:
    source = _events_file(tmp_path / "events.csv", 5000)
    terminal, stdout, status = on_a_terminal("import", str(source), db=db_path)
    assert status == 0, terminal
    assert stdout == ""
    assert "importing" in terminal and "━" in terminal  # the bar
    assert "100%" in terminal and "5,000 rows" in terminal and "rows/s" in terminal
    assert re.search(r"\d+:\d\d:\d\d", terminal)  # the time left
    # After the rows, the phases that would otherwise be seconds of silence, in order.
    assert terminal.index("importing") < terminal.index("indexing") < terminal.index("committing")
    assert terminal.index("committing") < terminal.index("inserted 5000, duplicates 0, rejected 0")


@pytest.mark.slow
def test_no_progress_beside_json_or_into_a_pipe(db_path: Path, tmp_path: Path) -> None:
    source = _events_file(tmp_path / "events.csv", 5000)
    terminal, stdout, status = on_a_terminal("import", str(source), "--json", db=db_path)
    assert status == 0, terminal
    assert json.loads(stdout)["inserted"] == 5000
    for mark in ("importing", "indexing", "committing", "rows/s", "━"):
        assert mark not in terminal
    again = _events_file(tmp_path / "more.csv", 6000)
    result = piped("import", str(again), db=db_path)
    assert result.returncode == 0
    assert result.stderr == "inserted 1000, duplicates 5000, rejected 0\n"
