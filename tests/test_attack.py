"""Hostile input found by attacking the product: markup in catalogues, SQL planted in a
database, interrupts, mappings that explode, control characters, a full disk, backups,
reads that would change files, and values out of range. Each is tried through the
command line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.test_cli_errors import assert_data_error

MAPPING_HEAD = """
[mapping]
name = "Hostile"

[observed_at]
column = "date"
formats = ["%Y-%m-%d"]

[fields]
summary = "{text}"
"""


def test_a_mapping_whose_conditions_expand_exponentially_is_refused(
    signals, tmp_path: Path, snapshot
) -> None:
    lines = ["[conditions]", 'c0 = { column = "text", equals = "x" }']
    lines += [f'c{i} = {{ any = ["c{i - 1}", "c{i - 1}"] }}' for i in range(1, 61)]
    mapping = tmp_path / "bomb.toml"
    mapping.write_text(
        MAPPING_HEAD.replace("[fields]", "\n".join(lines) + "\n\n[fields]")
        + '\n[[rules]]\nname = "all"\nindicator = "declaration-intent"\nwhy = "Every row in this test."\nall = ["c60"]\n',
        encoding="utf-8",
    )
    rows = tmp_path / "rows.csv"
    rows.write_text("date,text\n2024-03-01,y\n", encoding="utf-8")
    signals("init")
    before = snapshot()
    line = assert_data_error(signals("import", str(rows), "--map", str(mapping)))
    assert "tests of each row" in line
    assert snapshot() == before
