"""Measure signals against baselines taken in the same run, and print medians and ratios.

    python benchmarks/run.py [--rows 1000000] [--repeat 5] [--workdir build/bench]

Every figure is a ratio against something measured on the same machine minutes apart:
SQLite's own `.import` (into a plain table, and into signals' own schema with its indexes,
of the rows signals stored), a bare Python csv + executemany loop, a bare Typer app with
as many commands as signals, and `python -c pass`. Machines are noisy; ratios travel.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GDELT_COLUMNS = 61  # of a raw GDELT 2.0 export
PYTHON = sys.executable


def timed(
    command: list[str], *, env: dict[str, str] | None = None, stdin: Path | None = None
) -> float:
    started = time.perf_counter()
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as source:
        subprocess.run(
            command,
            env=env,
            stdin=source,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=True,
        )
    return time.perf_counter() - started


def median_of(repeat: int, run) -> float:  # type: ignore[no-untyped-def]
    return statistics.median(run() for _ in range(repeat))


def fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def sqlite_shell() -> str:
    sqlite = shutil.which("sqlite3")
    if sqlite is None:
        raise SystemExit(
            "The sqlite3 command-line shell is needed (Debian: apt-get install sqlite3)."
        )
    return sqlite


def sqlite_import(csv_path: Path, db: Path, mode: str = "csv", columns: int = 0) -> float:
    """`.import` into a plain table: named by the file's header row, or, for a file without
    one, of `columns` columns made beforehand."""
    fresh(db)
    if columns:
        connection = sqlite3.connect(db)
        names = ", ".join(f"c{number}" for number in range(columns))
        connection.execute(f"CREATE TABLE events ({names})")
        connection.close()
    return timed([sqlite_shell(), str(db), f".mode {mode}", f".import {csv_path} events"])


# `.import` reads an empty cell as '' and cannot write NULL: a view whose trigger turns the
# empty cells of columns that may be NULL into NULL lets it fill signals' table as signals
# does (otherwise every event without an external id would collide in its unique index).
NULLABLE = {"source", "url", "location", "analyst", "tags", "notes", "external_id", "ends"}
NULLABLE |= {"observation", "alternative"}


def stored_rows(signals_db: Path, target: Path) -> list[str]:
    """The events signals stored, as CSV with a header, and their columns."""
    connection = sqlite3.connect(signals_db)
    try:
        cursor = connection.execute("SELECT * FROM events ORDER BY id")
        columns = [column[0] for column in cursor.description]
        with target.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            writer.writerows(cursor)
    finally:
        connection.close()
    return columns


def same_schema_import(stored: Path, columns: list[str], db: Path, signals_bin: list[str]) -> float:
    """`.import` of the rows signals stored into a new database made by signals (the same
    tables, indexes and triggers), with the page cache and sync setting of a signals import;
    only the import is timed."""
    fresh(db)
    subprocess.run([*signals_bin, "--db", str(db), "init"], check=True, capture_output=True)
    values = ", ".join(
        f"nullif(new.{column}, '')" if column in NULLABLE else f"new.{column}" for column in columns
    )
    setup = [
        "CREATE TEMP VIEW events_in AS SELECT * FROM main.events",
        f"CREATE TEMP TRIGGER events_in_row INSTEAD OF INSERT ON events_in BEGIN"
        f" INSERT INTO events ({', '.join(columns)}) VALUES ({values}); END",
    ]
    from signals.store.opening import BULK_CACHE_KIB

    return timed(
        [
            sqlite_shell(),
            str(db),
            "PRAGMA synchronous = NORMAL",
            f"PRAGMA cache_size = -{BULK_CACHE_KIB}",
            *setup,
            ".mode csv",
            f".import --skip 1 {stored} events_in",
        ]
    )


BARE_LOOP = """
import csv, sqlite3, sys
source, target = sys.argv[1], sys.argv[2]
connection = sqlite3.connect(target, isolation_level=None)
connection.execute("PRAGMA journal_mode = WAL")
with open(source, newline="", encoding="utf-8") as handle:
    reader = csv.reader(handle)
    header = next(reader)
    connection.execute(f"CREATE TABLE events ({', '.join(name + ' TEXT' for name in header)})")
    insert = f"INSERT INTO events VALUES ({', '.join('?' * len(header))})"
    connection.execute("BEGIN IMMEDIATE")
    batch = []
    for row in reader:
        batch.append(row)
        if len(batch) == 5000:
            connection.executemany(insert, batch)
            batch.clear()
    connection.executemany(insert, batch)
    connection.execute("COMMIT")
"""


def bare_loop(csv_path: Path, db: Path) -> float:
    fresh(db)
    return timed([PYTHON, "-c", BARE_LOOP, str(csv_path), str(db)])


PEAK = """
import resource, sys
from signals.cli.app import main
sys.argv = ["signals", *sys.argv[1:]]
try:
    main()
finally:
    # The import reads rows in a second process: its peak counts too.
    writer = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open({out!r}, "w") as handle:
        handle.write(f"{{writer}} {{reader}}")
"""


def signals_import(
    csv_path: Path, db: Path, workdir: Path, *options: str
) -> tuple[float, float, float]:
    """Wall time and the peak memory (MB) of the writing and the reading process of
    `signals import` into a new database."""
    fresh(db)
    peak_file = workdir / "peak.txt"
    env = {**os.environ, "SIGNALS_DB": str(db)}
    seconds = timed(
        [PYTHON, "-c", PEAK.format(out=str(peak_file)), "import", str(csv_path), "-q", *options],
        env=env,
    )
    writer, reader = (int(kib) / 1024 for kib in peak_file.read_text().split())
    return seconds, writer, reader


def forget_trend_days(db: Path) -> None:
    """Drop the trend days reports kept, as a change to the record under them would."""
    connection = sqlite3.connect(db)
    try:
        with connection:
            connection.execute("DELETE FROM trend_days")
    finally:
        connection.close()


def bare_typer_app(path: Path, commands: int) -> Path:
    """A Typer app with as many commands (and options) as signals, doing nothing."""
    lines = ["from typing import Annotated", "import typer", "app = typer.Typer()"]
    for number in range(commands):
        lines += [
            f"@app.command('c{number}')",
            f"def c{number}(name: Annotated[str, typer.Argument()] = '', flag: Annotated[bool, typer.Option()] = False) -> None:",
            "    'A command.'",
            "    typer.echo(name)",
        ]
    lines += ["if __name__ == '__main__':", "    app()"]
    path.write_text("\n".join(lines) + "\n")
    return path


def count_commands() -> int:
    from signals.cli.app import app

    def walk(typer_app) -> int:  # type: ignore[no-untyped-def]
        total = len(typer_app.registered_commands)
        for group in typer_app.registered_groups:
            total += walk(group.typer_instance)
        return total

    return walk(app)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--import-repeat", type=int, default=3)
    parser.add_argument("--gdelt-rows", type=int, help="(default: as many as --rows)")
    parser.add_argument("--workdir", type=Path, default=Path("build/bench"))
    options = parser.parse_args()
    workdir = options.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    # A catalogue cache of the run's own, filled by its first command, as a user's would be.
    shutil.rmtree(workdir / "cache", ignore_errors=True)
    os.environ["SIGNALS_CACHE"] = str(workdir / "cache")
    rows = options.rows
    csv_path = workdir / f"events-{rows}.csv"
    if not csv_path.exists():
        print(f"generating {rows:,} events …", file=sys.stderr)
        subprocess.run([PYTHON, str(HERE / "generate.py"), str(rows), str(csv_path)], check=True)
    size_mb = csv_path.stat().st_size / 1e6
    results: dict[str, float] = {}

    signals_bin = (
        [str(Path(PYTHON).with_name("signals"))]
        if Path(PYTHON).with_name("signals").exists()
        else [PYTHON, "-m", "signals"]
    )
    print("importing …", file=sys.stderr)
    imports = options.import_repeat
    results["sqlite3 .import"] = median_of(
        imports, lambda: sqlite_import(csv_path, workdir / "plain.db")
    )
    results["python csv + executemany"] = median_of(
        imports, lambda: bare_loop(csv_path, workdir / "loop.db")
    )
    signals_db = workdir / "signals.db"
    runs = [signals_import(csv_path, signals_db, workdir) for _ in range(imports)]
    results["signals import"] = statistics.median(run[0] for run in runs)
    writer_mb = max(run[1] for run in runs)
    reader_mb = max(run[2] for run in runs)
    stored = workdir / f"stored-{rows}.csv"
    columns = stored_rows(signals_db, stored)
    results["sqlite3 .import, same schema"] = median_of(
        imports, lambda: same_schema_import(stored, columns, workdir / "same.db", signals_bin)
    )

    print("importing GDELT …", file=sys.stderr)
    gdelt_rows = options.gdelt_rows or rows
    gdelt_path = workdir / f"gdelt-{gdelt_rows}.export.CSV"
    if not gdelt_path.exists():
        subprocess.run(
            [PYTHON, str(HERE / "generate.py"), "--gdelt", str(gdelt_rows), str(gdelt_path)],
            check=True,
        )
    gdelt_mb = gdelt_path.stat().st_size / 1e6
    results["sqlite3 .import, GDELT"] = median_of(
        imports,
        lambda: sqlite_import(
            gdelt_path, workdir / "gdelt-plain.db", mode="tabs", columns=GDELT_COLUMNS
        ),
    )
    gdelt_runs = [
        signals_import(gdelt_path, workdir / "gdelt.db", workdir, "--map", "gdelt")
        for _ in range(imports)
    ]
    results["signals import --map gdelt"] = statistics.median(run[0] for run in gdelt_runs)
    gdelt_writer_mb = max(run[1] for run in gdelt_runs)
    gdelt_reader_mb = max(run[2] for run in gdelt_runs)

    print("starting up …", file=sys.stderr)
    # An installed package has its bytecode compiled; a checkout may not (or may be
    # run with PYTHONDONTWRITEBYTECODE), and compiling on every start is not start-up.
    import signals

    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", str(Path(signals.__file__).parent)],
        check=True,
        capture_output=True,
    )
    bare = bare_typer_app(workdir / "bare_typer.py", count_commands())
    small = {**os.environ, "SIGNALS_DB": str(fresh(workdir / "small.db"))}
    empty = {**os.environ, "SIGNALS_DB": str(fresh(workdir / "empty.db"))}
    for database in (small, empty):
        subprocess.run(
            [PYTHON, "-m", "signals", "init"], env=database, check=True, capture_output=True
        )
    # Start-ups and scores are taken in turns, so that a busy moment of the machine falls
    # on all of them alike rather than on one, and their ratios hold.
    counter = iter(range(10**6))
    million = {**os.environ, "SIGNALS_DB": str(signals_db)}
    as_of = ["--as-of", "2025-12-31", "--json"]
    commands = {
        "python -c pass": ([PYTHON, "-c", "pass"], None),
        "bare typer --help": ([PYTHON, str(bare), "--help"], None),
        "signals --help": ([*signals_bin, "--help"], small),
        "signals log": (
            [
                *signals_bin,
                "log",
                "declaration-intent",
                "Benchmark event {}",
                "--observed",
                "2024-05-01",
            ],
            small,
        ),
        "signals status": ([*signals_bin, "status", *as_of], million),
        # A report shows the trend's past days as the one before it kept them (see
        # signals.trend_days); the first report after a change to them scores every day.
        "signals report": ([*signals_bin, "report", *as_of], million),
        "signals report, every day scored": ([*signals_bin, "report", *as_of], million),
        # The HTML brief: the same report, plus the templates and the chart.
        "signals report html": (
            [*signals_bin, "report", "--as-of", "2025-12-31", "--format", "html"],
            million,
        ),
        "signals report, empty": ([*signals_bin, "report", *as_of], empty),
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    subprocess.run(commands["signals report"][0], env=million, check=True, capture_output=True)
    for _ in range(options.repeat * 4):
        for name, (command, env) in commands.items():
            number = next(counter)
            if name == "signals report, every day scored":
                forget_trend_days(signals_db)
            samples[name].append(timed([part.format(number) for part in command], env=env))
    results.update({name: statistics.median(times) for name, times in samples.items()})

    rate = {
        name: rows / results[name]
        for name in (
            "sqlite3 .import",
            "sqlite3 .import, same schema",
            "python csv + executemany",
            "signals import",
        )
    }
    gdelt_rate = {
        name: gdelt_rows / results[name]
        for name in ("sqlite3 .import, GDELT", "signals import --map gdelt")
    }
    plain = rate["sqlite3 .import"]
    table = [
        ("import: sqlite3 .import (plain table)", f"{plain:,.0f} rows/s", "1.00"),
        (
            "import: sqlite3 .import, signals' schema",
            f"{rate['sqlite3 .import, same schema']:,.0f} rows/s",
            f"{rate['sqlite3 .import, same schema'] / plain:.2f}",
        ),
        (
            "import: python csv + executemany",
            f"{rate['python csv + executemany']:,.0f} rows/s",
            f"{rate['python csv + executemany'] / plain:.2f}",
        ),
        (
            "import: signals (validated, deduplicated)",
            f"{rate['signals import']:,.0f} rows/s",
            f"{rate['signals import'] / plain:.2f}; "
            f"{rate['signals import'] / rate['sqlite3 .import, same schema']:.2f} × same schema",
        ),
        (
            "import: signals peak memory",
            f"{writer_mb + reader_mb:,.0f} MB",
            f"writer {writer_mb:,.0f} + reader {reader_mb:,.0f}",
        ),
        (
            f"GDELT: sqlite3 .import ({gdelt_rows:,} raw rows)",
            f"{gdelt_rate['sqlite3 .import, GDELT']:,.0f} rows/s",
            "1.00",
        ),
        (
            "GDELT: signals import --map gdelt",
            f"{gdelt_rate['signals import --map gdelt']:,.0f} rows/s",
            f"{gdelt_rate['signals import --map gdelt'] / gdelt_rate['sqlite3 .import, GDELT']:.2f}",
        ),
        (
            "GDELT: signals peak memory",
            f"{gdelt_writer_mb + gdelt_reader_mb:,.0f} MB",
            f"writer {gdelt_writer_mb:,.0f} + reader {gdelt_reader_mb:,.0f}",
        ),
        (
            "status --json on the imported DB",
            f"{results['signals status']:.3f} s",
            f"{results['signals status'] / results['bare typer --help']:.2f} × bare Typer",
        ),
        (
            "report --json on the imported DB (past days kept)",
            f"{results['signals report']:.3f} s",
            f"{results['signals report'] / results['bare typer --help']:.2f} × bare Typer",
        ),
        (
            "report --json, every day scored",
            f"{results['signals report, every day scored']:.3f} s",
            f"{results['signals report, every day scored'] / results['bare typer --help']:.2f}"
            " × bare Typer",
        ),
        (
            "report --format html on the imported DB",
            f"{results['signals report html']:.3f} s",
            f"{results['signals report html'] / results['bare typer --help']:.2f} × bare Typer",
        ),
        (
            "report --json on an empty DB",
            f"{results['signals report, empty']:.3f} s",
            f"{results['signals report, empty'] / results['bare typer --help']:.2f} × bare Typer",
        ),
        ("start: python -c pass", f"{1000 * results['python -c pass']:.0f} ms", "1.00"),
        (
            "start: bare Typer app --help",
            f"{1000 * results['bare typer --help']:.0f} ms",
            f"{results['bare typer --help'] / results['python -c pass']:.2f}",
        ),
        (
            "start: signals --help",
            f"{1000 * results['signals --help']:.0f} ms",
            f"{results['signals --help'] / results['bare typer --help']:.2f} × bare Typer",
        ),
        (
            "start: signals log",
            f"{1000 * results['signals log']:.0f} ms",
            f"{results['signals log'] / results['bare typer --help']:.2f} × bare Typer",
        ),
    ]
    print(
        f"\nsignals benchmarks — {rows:,} events, {size_mb:,.0f} MB CSV; GDELT {gdelt_rows:,} rows,"
        f" {gdelt_mb:,.0f} MB; {platform.machine()},"
        f" {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    width = max(len(name) for name, _, _ in table)
    print(f"{'measure'.ljust(width)}  {'median':>16}  ratio")
    for name, value, ratio in table:
        print(f"{name.ljust(width)}  {value:>16}  {ratio}")
    (workdir / "results.json").write_text(
        json.dumps(
            {
                "rows": rows,
                "seconds": results,
                "peak_mb": {"writer": writer_mb, "reader": reader_mb},
                "gdelt_rows": gdelt_rows,
                "gdelt_peak_mb": {"writer": gdelt_writer_mb, "reader": gdelt_reader_mb},
                "csv_mb": size_mb,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    csv.field_size_limit(1 << 24)
    main()
