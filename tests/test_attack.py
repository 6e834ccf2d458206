"""Hostile input found by attacking the product: markup in catalogues, SQL planted in a
database, interrupts, mappings that explode, control characters, a full disk, backups,
reads that would change files, and values out of range. Each is tried through the
command line."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

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


def _csv(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "events.csv"
    lines = ["indicator,summary,observed_at"]
    lines += [
        f"declaration-intent,Declaration number {i},2024-02-{1 + i % 28:02d}" for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(db_path: Path) -> int:
    with sqlite3.connect(db_path) as connection:
        return int(connection.execute("SELECT count(*) FROM events").fetchone()[0])


@contextmanager
def _connections(factory: type[sqlite3.Connection]) -> Iterator[None]:
    """Every connection signals opens in the block is a `factory`."""
    connect = sqlite3.connect

    def connect_with(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return connect(*args, **kwargs, factory=factory)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite3, "connect", connect_with)
        yield


class CtrlCDuringCommit(sqlite3.Connection):
    """Ctrl-C pressed while SQLite commits: Python raises it when the commit returns."""

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        cursor = super().execute(sql, *args)
        if sql == "COMMIT":
            os.kill(os.getpid(), signal.SIGINT)
        return cursor


def test_ctrl_c_during_the_commit_of_an_import_says_it_was_kept(
    signals, tmp_path: Path, db_path: Path
) -> None:
    signals("init")
    path = _csv(tmp_path, 50)
    with _connections(CtrlCDuringCommit):
        result = signals("import", str(path))
    assert result.exit_code == 130
    assert "committed" in result.stderr and "kept" in result.stderr
    assert _count(db_path) == 50


def test_ctrl_c_before_the_commit_writes_nothing_and_says_so(signals, db_path: Path) -> None:
    class CtrlCBeforeCommit(sqlite3.Connection):
        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
            if sql == "COMMIT":
                raise KeyboardInterrupt
            return super().execute(sql, *args)

    signals("init")
    with _connections(CtrlCBeforeCommit):
        result = signals("log", "declaration-intent", "A declaration", "--observed", "2024-02-20")
    assert result.exit_code == 130
    assert result.stderr == "Error: interrupted; nothing was written.\n"
    assert _count(db_path) == 0


class SmallDisk(sqlite3.Connection):
    """A disk with room for the database as it is and nothing more (SQLITE_FULL)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pages = self.execute("PRAGMA page_count").fetchone()[0]
        self.execute(f"PRAGMA max_page_count = {max(pages, 1)}")


def test_a_full_disk_says_so_and_leaves_the_database_as_it_was(
    signals, tmp_path: Path, db_path: Path, snapshot
) -> None:
    signals("init")
    before = snapshot()
    path = _csv(tmp_path, 2_000)
    with _connections(SmallDisk):
        line = assert_data_error(signals("import", str(path)))
    assert "disk is full" in line
    assert snapshot() == before
    check = signals("db", "check")
    assert check.exit_code == 0, check.stderr


def _log(signals, summary: str = "Putin declares readiness to negotiate", *options: str):  # type: ignore[no-untyped-def]
    """Log one event; `options` are signals' own (`--db`)."""
    result = signals(*options, "log", "declaration-intent", summary, "--observed", "2024-02-20")
    assert result.exit_code == 0, result.stderr
    return result


def test_a_backup_keeps_the_mode_of_the_database(signals, tmp_path: Path, db_path: Path) -> None:
    _log(signals)
    db_path.chmod(0o600)
    target = tmp_path / "backup.db"
    assert signals("db", "backup", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_backup_never_deletes_a_database_named_like_its_partial_file(
    signals, tmp_path: Path
) -> None:
    live = tmp_path / ".weekly.db.partial"
    assert signals("--db", str(live), "init").exit_code == 0
    assert signals("--db", str(live), "log", "declaration-intent", "A declaration").exit_code == 0
    result = signals("--db", str(live), "db", "backup", str(tmp_path / "weekly.db"))
    assert result.exit_code == 0, result.stderr
    assert live.exists()
    assert _count(live) == 1
    assert _count(tmp_path / "weekly.db") == 1


def test_a_backup_counts_the_events_it_copied(
    signals, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _log(signals)
    from signals.store.checks import Checks

    copy_to = Checks.copy_to

    def copy_then_another_logs(self: Checks, target: Path, progress: Any) -> int:
        copied = copy_to(self, target, progress)
        # Another analyst commits once the snapshot is taken.
        other = signals(
            "log", "declaration-intent", "Another declaration", "--observed", "2024-02-21"
        )
        assert other.exit_code == 0
        return copied

    monkeypatch.setattr(Checks, "copy_to", copy_then_another_logs)
    document = signals.json("db", "backup", str(tmp_path / "backup.db"))
    assert document["events"] == 1  # type: ignore[index]
    assert _count(tmp_path / "backup.db") == 1


def test_a_read_command_leaves_an_empty_file_empty(signals, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    line = assert_data_error(signals("--db", str(empty), "status"))
    assert "not a signals database" in line
    assert empty.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def test_a_read_command_keeps_the_journal_mode_of_a_database_it_fails_to_read(
    signals, db_path: Path
) -> None:
    _log(signals)
    with sqlite3.connect(db_path) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
    assert signals("events", "show", "99").exit_code == 1
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_database_the_reader_cannot_write_is_read(signals) -> None:
    """Run as another user when the tests run as root, who may write any file."""
    directory = Path(tempfile.mkdtemp(prefix="signals-shared-"))
    directory.chmod(0o755)
    database = directory / "signals.db"
    _log(signals, "A declaration", "--db", str(database))
    database.chmod(0o444)
    directory.chmod(0o555)
    command = [sys.executable, "-m", "signals", "--db", str(database), "events", "list", "--json"]
    if os.geteuid() == 0:
        other_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        # A checkout in a directory only root may enter (mktemp -d makes one) keeps the
        # other user from importing signals at all: then there is nothing to test.
        reachable = subprocess.run(
            [*other_user, sys.executable, "-c", "import signals"], capture_output=True, cwd="/"
        )
        if reachable.returncode != 0:
            directory.chmod(0o755)
            shutil.rmtree(directory)
            pytest.skip("another user cannot import signals from this checkout")
        command = [*other_user, *command]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd="/")
        assert result.returncode == 0, result.stderr
        assert [event["summary"] for event in json.loads(result.stdout)] == ["A declaration"]
        assert sorted(p.name for p in directory.iterdir()) == ["signals.db"]
    finally:
        directory.chmod(0o755)
        shutil.rmtree(directory)


PLANTED = {
    "a trigger that retracts each new rearming event": [
        "CREATE TRIGGER hide AFTER INSERT ON events WHEN new.indicator = 'pause-to-rearm'"
        " BEGIN INSERT INTO retractions VALUES (new.id, 'hidden', '2024-01-01T00:00:00Z', NULL);"
        " END"
    ],
    "a view in place of the retractions": [
        "PRAGMA foreign_keys = OFF",
        "DROP TABLE retractions",
        "CREATE VIEW retractions AS SELECT id AS event_id, 'x' AS reason,"
        " logged_at AS retracted_at, NULL AS analyst FROM events WHERE 0",
    ],
    "the no-delete trigger dropped": ["DROP TRIGGER events_no_delete"],
    "an index of its own": ["CREATE INDEX mine ON events (summary)"],
}


@pytest.mark.parametrize("planted", PLANTED, ids=list(PLANTED))
def test_a_database_with_planted_sql_fails_the_check_and_is_not_written(
    signals, db_path: Path, planted: str, snapshot
) -> None:
    _log(signals)
    connection = sqlite3.connect(db_path, isolation_level=None)
    for statement in PLANTED[planted]:
        connection.execute(statement)
    connection.close()
    check = signals("db", "check")
    assert check.exit_code == 1
    assert "signals" in check.stderr and "schema:" in check.stderr
    before = snapshot()
    result = signals("log", "pause-to-rearm", "Reinforcements massing", "--observed", "2024-06-18")
    line = assert_data_error(result)
    assert "schema signals did not make" in line
    assert snapshot() == before
    assert_data_error(signals("db", "check", "--repair-totals"))


def test_repairing_the_totals_keeps_the_trace_of_deleted_events(
    signals, db_path: Path, snapshot
) -> None:
    _log(signals)
    _log(signals, "A second declaration")
    connection = sqlite3.connect(db_path, isolation_level=None)
    trigger = connection.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'events_no_delete'"
    ).fetchone()[0]
    connection.execute("DROP TRIGGER events_no_delete")
    connection.execute("DELETE FROM events WHERE id = 2")
    connection.execute(trigger)
    connection.close()
    check = signals("db", "check")
    assert check.exit_code == 1 and "deleted around signals" in check.stderr
    before = snapshot()
    line = assert_data_error(signals("db", "check", "--repair-totals"))
    assert "deleted around signals" in line
    assert snapshot() == before


def _hostile_catalogue(tmp_path: Path, **replacements: str) -> Path:
    from signals.paths import default_catalogue_path

    text = default_catalogue_path().read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _toml(text: str) -> str:
    """`text` as a TOML basic string's contents."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


MARKUP = {
    '1 = "Discreet probing"': '1 = "Discreet [/] probing <script>alert(0)</script>"',
    'title = "Low-level informal contacts"': 'title = "[link=javascript:alert(1)]X[/link]"',
    'evidence = "Credible reports of discreet': 'evidence = "'
    + _toml('[link="><img src=x onerror=alert(2)>]Y[/link] <script>alert(3)</script> ')
    + "Credible reports of discreet",
}


def _live_markup(page: str) -> list[str]:
    """What in an HTML page a browser would act on beyond the brief's own markup: script
    or image elements, event handlers, and links anywhere but the web."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("script", "img", "iframe", "object", "embed"):
                found.append(tag)
            for name, value in attrs:
                if name.startswith("on"):
                    found.append(f"{tag} {name}")
                if name in ("href", "src") and not (value or "").startswith(("http", "#")):
                    found.append(f"{tag} {name}={value}")

    Parser().feed(page)
    return found


def test_catalogue_text_is_never_markup(signals, tmp_path: Path) -> None:
    catalogue = _hostile_catalogue(tmp_path, **MARKUP)
    assert signals("catalogue", "validate", str(catalogue)).exit_code == 0
    signals("init")
    with_it = ("--catalogue", str(catalogue))
    status = signals(*with_it, "status")
    assert status.exit_code == 0, status.stderr
    assert "Discreet [/] probing" in status.stdout
    indicators = signals(*with_it, "indicators")
    assert "[link=javascript:alert(1)]X[/link]" in indicators.stdout
    html = signals(*with_it, "report", "--as-of", "2024-02-21", "--format", "html")
    assert html.exit_code == 0, html.stderr
    # The brief shows catalogue text as text: escaped, never a tag, a link or a handler.
    assert "[link=javascript:alert(1)]X[/link]" in html.stdout
    assert _live_markup(html.stdout) == []
    assert "[/] probing" in html.stdout
    markdown = signals(*with_it, "report", "--as-of", "2024-02-21", "--format", "markdown")
    assert markdown.exit_code == 0, markdown.stderr
    assert not re.search(r"(?<!\\)<(script|img)", markdown.stdout)
    assert "](javascript" not in markdown.stdout


def test_control_characters_in_a_catalogue_are_refused(signals, tmp_path: Path) -> None:
    catalogue = _hostile_catalogue(
        tmp_path, **{'title = "Low-level informal contacts"': 'title = "Low\\r# level \\u001b[31m"'}
    )
    result = signals("catalogue", "validate", str(catalogue))
    assert result.exit_code == 1
    assert "indicator 'backchannel-informal', field 'title': contains control characters" in (
        result.stderr
    )
    assert "\x1b" not in result.stderr and "\r" not in result.stderr


FORGED = "Harmless\r# P(genuine intent) 95%"


def test_a_carriage_return_or_line_separator_in_an_event_is_refused(signals, snapshot) -> None:
    signals("init")
    before = snapshot()
    for summary in (FORGED, "Harmless\u2028# Heading", "Harmless\x85# Heading", "\x1b[2J"):
        line = assert_data_error(signals("log", "declaration-intent", summary))
        assert "control characters" in line
    assert snapshot() == before


def test_text_planted_in_a_database_is_never_markup_nor_terminal_codes(
    signals, db_path: Path
) -> None:
    _log(signals)
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "UPDATE events SET summary = ?, source = ?, indicator = ?",
            (FORGED + "\x1b[31m\u2028## Forged", "[bold]src\x9b31m", "x`<script>alert(1)</script>"),
        )
    markdown = signals("report", "--as-of", "2024-02-21", "--format", "markdown")
    assert markdown.exit_code == 0, markdown.stderr
    assert not re.search(r"(?<!\\)<script", markdown.stdout)
    for forbidden in ("\r", "\x1b", "\u2028", "\x9b"):
        assert forbidden not in markdown.stdout
    assert not [line for line in markdown.stdout.splitlines() if line.startswith("# P(")]
    assert not [line for line in markdown.stdout.splitlines() if line.startswith("## Forged")]
    for command in (
        ["events", "list"],
        ["events", "show", "1"],
        ["report", "--as-of", "2024-02-21"],
    ):
        result = signals(*command)
        assert result.exit_code == 0, result.stderr
        for forbidden in ("\r", "\x1b", "\u2028", "\x9b"):
            assert forbidden not in result.stdout, command
        assert "[bold]src" in result.stdout or command[0] == "report"
    listed = signals("events", "list", "--json")
    assert "\x9b" not in listed.stdout and "\u2028" not in listed.stdout
    assert json.loads(listed.stdout)[0]["summary"].endswith("\u2028## Forged")
    html = signals("report", "--as-of", "2024-02-21", "--format", "html")
    assert _live_markup(html.stdout) == [] and "\x1b" not in html.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--as-of", "9999-12-31"],
        ["report", "--as-of", "0001-01-01"],
        ["status", "--as-of", "9999-12-31"],
        ["report", "--week", "9999-W52"],
        ["events", "show", "99999999999999999999"],
        ["events", "retract", "99999999999999999999", "--reason", "Out of range"],
        ["events", "edit", "99999999999999999999", "--status", "confirmed"],
    ],
    ids=lambda args: "-".join(args),
)
def test_values_out_of_range_are_usage_errors(signals, args: list[str], snapshot) -> None:
    from tests.test_cli_errors import assert_usage_error

    _log(signals)
    before = snapshot()
    assert_usage_error(signals(*args))
    assert snapshot() == before


def test_a_file_read_in_the_wrong_encoding_is_one_sentence(signals, tmp_path: Path) -> None:
    path = _csv(tmp_path, 1)
    line = assert_data_error(signals("import", str(path), "--encoding", "utf-16"))
    assert "encoding" in line


DEEP = "a = " + "[" * 5000 + "]" * 5000 + "\n"


@pytest.mark.parametrize("kind", ["catalogue", "mapping"])
@pytest.mark.parametrize("content", ["deep", "endless", "large"])
def test_hostile_settings_files_are_refused_in_one_sentence(
    signals, tmp_path: Path, kind: str, content: str
) -> None:
    if content == "endless":
        path = Path("/dev/zero")
    else:
        path = tmp_path / f"{content}.toml"
        path.write_text(DEEP if content == "deep" else "# padding\n" * 200_000, encoding="utf-8")
    if kind == "catalogue":
        result = signals("catalogue", "validate", str(path))
    else:
        result = signals("import", str(_csv(tmp_path, 1)), "--map", str(path))
    line = assert_data_error(result)
    assert ("too deeply" if content == "deep" else "larger than") in line
