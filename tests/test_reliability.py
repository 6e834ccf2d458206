"""Concurrent analysts, killed imports and live backups, through real processes."""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

WRITERS = 4
EVENTS_PER_WRITER = 100


def run(*args: str, db: Path, check: bool = True, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "SIGNALS_DB": str(db)}
    result = subprocess.run(
        [sys.executable, "-m", "signals", *args], env=env, capture_output=True, text=True, **kwargs
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


WRITER_SCRIPT = """
import sys
from typer.testing import CliRunner
from signals.cli.app import app

writer, count = sys.argv[1], int(sys.argv[2])
runner = CliRunner()
for n in range(count):
    result = runner.invoke(app, ["log", "declaration-intent", f"writer {writer} event {n}",
                                 "--observed", "2024-05-01", "-r", "B", "-c", "2"])
    if result.exit_code != 0:
        sys.stderr.write(result.output)
        sys.exit(1)
"""


def test_concurrent_writers_lose_nothing(db_path: Path):
    """Four processes logging 100 events each, at once: exactly 400 events, no lock errors.

    Each process runs the real `log` command a hundred times in a loop (a fresh process per
    event would measure interpreter start-up, not contention)."""
    run("init", db=db_path)
    env = {**os.environ, "SIGNALS_DB": str(db_path)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER_SCRIPT, str(writer), str(EVENTS_PER_WRITER)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for writer in range(WRITERS)
    ]
    for process in processes:
        _, error = process.communicate(timeout=300)
        assert process.returncode == 0, error
    connection = sqlite3.connect(db_path)
    count = connection.execute("SELECT count(*) FROM events").fetchone()[0]
    distinct = connection.execute("SELECT count(DISTINCT summary) FROM events").fetchone()[0]
    connection.close()
    assert count == distinct == WRITERS * EVENTS_PER_WRITER
    assert run("db", "check", db=db_path).returncode == 0


def write_large_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["indicator", "summary", "observed_at", "reliability", "credibility", "external_id"]
        )
        for n in range(rows):
            writer.writerow(
                [
                    "pause-to-rearm",
                    f"Reinforcements observed at depot {n} " + "x" * 200,
                    f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
                    "C",
                    "3",
                    f"kill-{n}",
                ]
            )


def test_killed_import_leaves_all_or_nothing(tmp_path: Path):
    """SIGKILL an import at random moments of its run, ten times: every time the database
    passes `db check` and holds all of the file's rows or none of them."""
    rows = 20_000
    source = tmp_path / "large.csv"
    write_large_csv(source, rows)
    base = tmp_path / "base.db"
    run("log", "declaration-intent", "Before the import", "--observed", "2024-01-01", db=base)

    timing = tmp_path / "timing.db"
    shutil.copy(base, timing)
    started = time.perf_counter()
    run("import", str(source), "-q", db=timing)
    duration = time.perf_counter() - started

    chance = random.Random(20240218)
    outcomes = []
    for attempt in range(10):
        db = tmp_path / f"killed-{attempt}.db"
        shutil.copy(base, db)
        process = subprocess.Popen(
            [sys.executable, "-m", "signals", "import", str(source), "-q"],
            env={**os.environ, "SIGNALS_DB": str(db)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(chance.uniform(0.05, 1.0) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert run("db", "check", db=db).returncode == 0
        connection = sqlite3.connect(db)
        imported = connection.execute(
            "SELECT count(*) FROM events WHERE external_id LIKE 'kill-%'"
        ).fetchone()[0]
        before = connection.execute(
            "SELECT count(*) FROM events WHERE external_id IS NULL"
        ).fetchone()[0]
        connection.close()
        assert imported in (0, rows)
        assert before == 1
        outcomes.append(imported)
    # Most kills land mid-import; a run where every kill came too late proves nothing.
    assert outcomes.count(0) >= 5, outcomes


def test_backup_while_another_process_writes(db_path: Path, tmp_path: Path):
    run("init", db=db_path)
    source = tmp_path / "many.csv"
    write_large_csv(source, 20_000)
    env = {**os.environ, "SIGNALS_DB": str(db_path)}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT, "bk", "60"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    importer = subprocess.Popen(
        [sys.executable, "-m", "signals", "import", str(source), "-q"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    backups = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        for n in range(3):
            target = tmp_path / f"backup-{n}.db"
            future = pool.submit(run, "db", "backup", str(target), db=db_path)
            future.result(timeout=120)
            backups.append(target)
            time.sleep(0.3)
    for process in (writer, importer):
        _, error = process.communicate(timeout=300)
        assert process.returncode == 0, error
    for target in backups:
        assert run("--db", str(target), "db", "check", db=target).returncode == 0
        connection = sqlite3.connect(target)
        count = connection.execute("SELECT count(*) FROM events").fetchone()[0]
        imported = connection.execute(
            "SELECT count(*) FROM events WHERE external_id LIKE 'kill-%'"
        ).fetchone()[0]
        connection.close()
        assert imported in (0, 20_000)
        assert count >= imported


def test_a_backup_finishes_while_another_analyst_keeps_committing(
    db_path: Path, tmp_path: Path
) -> None:
    """A stepwise copy starts again after every commit of another process, so on a busy
    database it only ever finished once the others stopped. The writer here commits until
    told to stop, up to a bound; the backup must end before the writer reaches it."""
    run("init", db=db_path)
    source = tmp_path / "many.csv"
    write_large_csv(source, 30_000)
    run("import", str(source), "-q", db=db_path)
    bound = 2_000
    script = (
        "import sqlite3, sys, time\n"
        "connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)\n"
        "stop = sys.argv[2]\n"
        f"for number in range({bound}):\n"
        "    connection.execute('INSERT INTO catalogues VALUES (?, 1, ?, ?)', (f'busy-{number}', '', ''))\n"
        "    if __import__('os').path.exists(stop): break\n"
        "    time.sleep(0.005)\n"
        "print(number)\n"
    )
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", script, str(db_path), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)  # the writer is committing by now
    target = tmp_path / "busy-backup.db"
    run("db", "backup", str(target), db=db_path)
    stop.touch()
    committed, error = writer.communicate(timeout=300)
    assert writer.returncode == 0, error
    assert int(committed) < bound - 1
    assert run("--db", str(target), "db", "check", db=target).returncode == 0


def test_backup_refuses_to_overwrite_without_force(db_path: Path, tmp_path: Path):
    run("init", db=db_path)
    target = tmp_path / "backup.db"
    target.write_text("precious")
    result = run("db", "backup", str(target), db=db_path, check=False)
    assert result.returncode == 1
    assert "--force" in result.stderr
    assert target.read_text() == "precious"
    run("db", "backup", str(target), "--force", db=db_path)
    assert sqlite3.connect(target).execute("SELECT count(*) FROM events").fetchone() == (0,)


def test_db_check_finds_events_outside_the_catalogue(db_path: Path):
    run("log", "declaration-intent", "A declaration", "--observed", "2024-05-01", db=db_path)
    connection = sqlite3.connect(db_path)
    connection.execute("UPDATE events SET indicator = 'not-in-catalogue'")
    connection.commit()
    connection.close()
    result = run("db", "check", db=db_path, check=False)
    assert result.returncode == 1
    assert "not-in-catalogue" in result.stderr
