"""Output for people and for scripts: data on stdout, messages on stderr, --json wherever
data is printed, no terminal codes in a pipe or with NO_COLOR, -q for scripts, and a
traceback with --debug only for what is not the user's mistake."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from signals.cli.app import app
from signals.paths import default_catalogue_path
from tests.conftest import DEMO_CSV

ANSI = re.compile(r"\x1b\[")
# Select Graphic Rendition codes that set a colour (30-49, 90-107), as opposed to bold or dim.
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


@pytest.fixture
def demo(signals) -> None:
    result = signals("import", str(DEMO_CSV))
    assert result.exit_code == 0, result.stderr


def leaf_commands() -> list[tuple[str, typer.main.TyperCommand]]:
    """Every command a user can run, by its full name."""
    root = typer.main.get_command(app)
    found = []

    def walk(prefix: str, group) -> None:  # type: ignore[no-untyped-def]
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                # A group that runs without a sub-command (`indicators`) is one too.
                if command.invoke_without_command:
                    found.append((f"{prefix}{name}", command))
                walk(f"{prefix}{name} ", command)
            else:
                found.append((f"{prefix}{name}", command))

    walk("", root)
    return found


def test_every_command_takes_json() -> None:
    missing = [
        name
        for name, command in leaf_commands()
        if not any("--json" in param.opts for param in command.params)
    ]
    assert missing == []


def json_commands(tmp_path: Path) -> dict[str, list[str]]:
    """One call of every command with --json, each in a database holding the demo events."""
    return {
        "init": ["init"],
        "indicators": ["indicators", "--kind", "counter"],
        "indicators show": ["indicators", "show", "declaration-intent"],
        "indicators review": ["indicators", "review", "--as-of", "2024-06-30", "--weeks", "8"],
        "log": ["log", "pause-to-rearm", "Troops regroup behind the line", "-r", "B"],
        "events list": ["events", "list", "--indicator", "declaration-intent"],
        "events show": ["events", "show", "1"],
        "events edit": ["events", "edit", "1", "--notes", "Checked against a second source"],
        "events retract": ["events", "retract", "2", "--reason", "Misattributed"],
        "status": ["status", "--as-of", "2024-06-20"],
        "report": ["report", "--as-of", "2024-06-20"],
        "import": ["import", str(DEMO_CSV)],
        "export": ["export"],
        "catalogue validate": ["catalogue", "validate", str(default_catalogue_path())],
        "db check": ["db", "check"],
        "db backup": ["db", "backup", str(tmp_path / "backup.db")],
        "forecasts record": ["forecasts", "record", "--since", "2024-06-01"],
        "forecasts resolve": [
            "forecasts",
            "resolve",
            "--hypothesis",
            "ploy",
            "--from",
            "2024-06-01",
        ],
        "forecasts list": ["forecasts", "list"],
        "forecasts score": ["forecasts", "score"],
        # The first check of the demo's quiet start: nothing fires, so it exits 0.
        "check": ["check", "--as-of", "2024-01-10"],
        "alerts list": ["alerts", "list"],
        "alerts ack": ["alerts", "ack", "1", "--note", "Raised at the morning brief"],
    }


@pytest.mark.parametrize("name", sorted(json_commands(Path("."))))
def test_json_is_one_document_on_stdout_without_codes(signals, demo, tmp_path, name) -> None:
    if name == "alerts ack":
        # An alert to acknowledge: the demo's stages reached by 1 June.
        assert signals("check", "--as-of", "2024-06-01").exit_code == 10
    result = signals(*json_commands(tmp_path)[name], "--json")
    assert result.exit_code == 0, result.stderr
    json.loads(result.stdout)
    assert not ANSI.search(result.stdout)
    assert not ANSI.search(result.stderr)


def test_the_commands_checked_are_all_the_commands(tmp_path) -> None:
    assert sorted(json_commands(tmp_path)) == sorted(name for name, _ in leaf_commands())


def test_an_invalid_catalogue_is_still_a_json_document(signals, tmp_path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(
        default_catalogue_path().read_text(encoding="utf-8").replace("half_life_days = 90", "", 1),
        encoding="utf-8",
    )
    result = signals("catalogue", "validate", str(broken), "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["valid"] is False
    assert any("half_life_days" in problem for problem in document["problems"])
    assert result.stderr.startswith("Error: ")


def test_messages_go_to_stderr_and_data_to_stdout(signals, demo, tmp_path) -> None:
    logged = signals("log", "pause-to-rearm", "Troops regroup behind the line")
    assert logged.stdout == ""
    assert logged.stderr.startswith("Logged event #28")
    exported = signals("export", "--output", str(tmp_path / "out.csv"))
    assert exported.stdout == ""
    assert exported.stderr == f"Exported 28 events to {tmp_path / 'out.csv'}.\n"
    listed = signals("events", "list", "--since", "2030-01-01")
    assert (listed.stdout, listed.stderr) == ("", "No events match.\n")


# -- colour -------------------------------------------------------------------------


def run(args: list[str], db: Path, **env: str) -> subprocess.CompletedProcess[str]:
    variables = {
        key: value
        for key, value in os.environ.items()
        if key not in ("NO_COLOR", "FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS", "TERM")
    }
    return subprocess.run(
        [sys.executable, "-m", "signals", *args],
        capture_output=True,
        text=True,
        env={**variables, "SIGNALS_DB": str(db), "COLUMNS": "120", **env},
        timeout=120,
        check=False,
    )


def run_on_a_terminal(args: list[str], db: Path, **env: str) -> str:
    """What a command writes to a real (pseudo-)terminal."""
    variables = {
        key: value
        for key, value in os.environ.items()
        if key not in ("NO_COLOR", "FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS")
    }
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "signals", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env={**variables, "SIGNALS_DB": str(db), "TERM": "xterm-256color", **env},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    child.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


TABLES = [
    ["indicators"],
    ["status", "--as-of", "2024-06-20"],
    ["report", "--as-of", "2024-06-20"],
    ["events", "list"],
    ["--help"],
    ["log", "--help"],
]


@pytest.mark.parametrize("args", TABLES, ids=lambda args: " ".join(args))
def test_no_codes_in_a_pipe(demo, db_path, args) -> None:
    child = run(args, db_path)
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip()
    assert not ANSI.search(child.stdout)
    assert not ANSI.search(child.stderr)


@pytest.mark.parametrize("args", TABLES[1:3] + TABLES[4:5], ids=lambda args: " ".join(args))
def test_no_colour_on_a_terminal_with_no_color(demo, db_path, args) -> None:
    coloured = run_on_a_terminal(args, db_path)
    assert COLOUR.search(coloured), "the terminal run should show colour without NO_COLOR"
    plain = run_on_a_terminal(args, db_path, NO_COLOR="1")
    assert not COLOUR.search(plain)


@pytest.mark.parametrize(
    "args",
    [["status", "--as-of", "2024-06-20", "--json"], ["report", "--as-of", "2024-06-20", "--json"]],
    ids=lambda args: args[0],
)
def test_json_is_indented_for_a_person_and_one_line_for_a_program(demo, db_path, args) -> None:
    piped = run(args, db_path)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.count("\n") == 1
    on_a_terminal = run_on_a_terminal(args, db_path)
    assert on_a_terminal.count("\n") > 20
    assert '\n  "as_of": "2024-06-20"' in on_a_terminal.replace("\r\n", "\n")
    assert json.loads(piped.stdout) == json.loads(on_a_terminal)


# -- quiet --------------------------------------------------------------------------


def test_quiet_silences_messages(signals, tmp_path) -> None:
    for args in (
        ["init"],
        ["log", "nuclear-threats", "A threat"],
        ["events", "edit", "1", "--status", "confirmed"],
        ["import", str(DEMO_CSV)],
        ["export", "--output", str(tmp_path / "out.csv")],
        ["db", "check"],
        ["db", "backup", str(tmp_path / "backup.db")],
        ["catalogue", "validate", str(default_catalogue_path())],
        ["events", "retract", "1", "--reason", "Wrong source"],
        ["events", "list", "--since", "2030-01-01"],
    ):
        result = signals("-q", *args)
        assert result.exit_code == 0, (args, result.stderr)
        assert (result.stdout, result.stderr) == ("", ""), args


def test_quiet_keeps_the_data(signals) -> None:
    result = signals("-q", "log", "nuclear-threats", "A threat", "--json")
    assert result.stderr == ""
    assert json.loads(result.stdout)["id"] == 1
    listed = signals("-q", "events", "list")
    assert "A threat" in listed.stdout


def test_quiet_keeps_the_errors(signals, tmp_path) -> None:
    refused = signals("-q", "log", "nuclear-threat", "A threat")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: Unknown indicator 'nuclear-threat'.")
    assert signals("log", "nuclear-threats", "A threat").exit_code == 0
    custom = tmp_path / "custom.toml"
    text = default_catalogue_path().read_text(encoding="utf-8")
    custom.write_text(text.replace('"nuclear-threats"', '"nuclear-signalling"'), encoding="utf-8")
    checked = signals("-q", "--catalogue", str(custom), "db", "check")
    assert checked.exit_code == 1
    lines = checked.stderr.splitlines()
    assert lines[0] == "Error: 1 problem(s) found."
    assert "nuclear-threats" in lines[1]
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace("half_life_days = 90", "", 1), encoding="utf-8")
    invalid = signals("-q", "catalogue", "validate", str(broken))
    assert invalid.exit_code == 1
    assert invalid.stderr.startswith("Error: ")
    assert "\n  - " in invalid.stderr


def test_import_q_is_the_same_quiet(signals) -> None:
    result = signals("import", str(DEMO_CSV), "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_quiet_lasts_one_command(signals) -> None:
    signals("-q", "log", "nuclear-threats", "A threat")
    result = signals("log", "nuclear-threats", "Another threat")
    assert result.stderr == "Logged event #2: nuclear-threats (F6, reported).\n"


# -- debug --------------------------------------------------------------------------


def test_a_user_error_is_one_sentence_even_with_debug(signals, snapshot) -> None:
    assert signals("log", "nuclear-threats", "A threat").exit_code == 0
    before = snapshot()
    for args in (
        ["--debug", "log", "nuclear-threat", "A threat"],
        ["--debug", "events", "show", "7"],
        ["--debug", "log", "nuclear-threats", "ab"],
    ):
        result = signals(*args)
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert snapshot() == before


@pytest.fixture
def broken_scorer(signals, monkeypatch: pytest.MonkeyPatch) -> None:
    assert signals("init").exit_code == 0

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the scorer broke")

    monkeypatch.setattr("signals.assess.assess", fail)


def test_an_unexpected_error_without_debug_is_one_sentence(signals, broken_scorer) -> None:
    result = signals("status")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: unexpected RuntimeError: the scorer broke."
        " Run again with --debug for the traceback.\n"
    )


def test_an_unexpected_error_with_debug_is_raised(signals, broken_scorer) -> None:
    with pytest.raises(RuntimeError, match="the scorer broke"):
        signals("--debug", "status")


def test_debug_after_the_command_is_debug(signals, broken_scorer) -> None:
    with pytest.raises(RuntimeError, match="the scorer broke"):
        signals("status", "--as-of", "2024-06-20", "--debug")


def test_debug_prints_a_plain_traceback_in_a_real_process(tmp_path) -> None:
    """A standard traceback, without the local variables rich would show: notes are
    sensitive."""
    script = (
        "import sys, signals.assess\n"
        "def fail(*args, **kwargs):\n"
        "    secret = 'analyst note'\n"
        "    raise RuntimeError('the scorer broke')\n"
        "signals.assess.assess = fail\n"
        "from signals.cli.app import main\n"
        "sys.argv = ['signals', *sys.argv[1:]]\n"
        "main()\n"
    )
    env = {**os.environ, "SIGNALS_DB": str(tmp_path / "s.db")}
    subprocess.run(
        [sys.executable, "-m", "signals", "init"], env=env, check=True, capture_output=True
    )
    command = [sys.executable, "-c", script]
    plain = subprocess.run([*command, "status"], capture_output=True, text=True, env=env)
    assert plain.returncode == 1
    assert "Traceback" not in plain.stderr
    debug = subprocess.run([*command, "--debug", "status"], capture_output=True, text=True, env=env)
    assert debug.returncode == 1
    assert debug.stderr.startswith("Traceback (most recent call last):")
    assert debug.stderr.rstrip().endswith("RuntimeError: the scorer broke")
    assert "analyst note" not in debug.stderr


def test_a_closed_pipe_ends_quietly(signals, tmp_path) -> None:
    rows = [f"nuclear-threats,Threat {n} {'x' * 200},2024-02-01" for n in range(2_000)]
    csv = tmp_path / "many.csv"
    csv.write_text("indicator,summary,observed_at\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert signals("import", str(csv)).exit_code == 0
    reader = subprocess.run(
        f"'{sys.executable}' -m signals export | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        env={**os.environ, "SIGNALS_DB": os.environ["SIGNALS_DB"]},
        check=False,
    )
    assert reader.stdout.startswith("indicator,summary,observed_at")
    assert reader.stderr == ""


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`signals export | head -c 100`: no message, and the exit status a shell gives a
    command ended by SIGPIPE (141), not 1 ("bad data")."""
    import os
    import subprocess
    import sys

    rows = "".join(
        f"nuclear-threats,Threat number {n} reported at length for the test,2024-01-01\n"
        for n in range(3000)
    )
    source = tmp_path / "many.csv"
    source.write_text("indicator,summary,observed_at\n" + rows, encoding="utf-8")
    env = {**os.environ, "SIGNALS_DB": str(tmp_path / "many.db")}
    command = [sys.executable, "-m", "signals"]
    subprocess.run([*command, "import", str(source)], env=env, check=True, capture_output=True)
    for arguments in (
        ["export"],
        ["export", "--format", "ndjson"],
        ["export", "--format", "json"],
        ["events", "list", "--json", "--limit", "3000"],
    ):
        reading = subprocess.Popen(
            [*command, *arguments], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert reading.stdout is not None and reading.stderr is not None
        # A few bytes, not a line: piped JSON is one line, which would be all of it.
        reading.stdout.read(100)
        reading.stdout.close()
        assert reading.wait(timeout=60) == 141
        assert reading.stderr.read() == b""


def test_a_backup_says_what_it_holds(signals, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert signals("import", str(DEMO_CSV)).exit_code == 0
    target = tmp_path / "copy.db"
    result = signals("db", "backup", str(target))
    assert result.stderr == f"Backed up the database (27 events) to {target}.\n"
    again = signals.json("db", "backup", str(tmp_path / "again.db"))
    assert again["events"] == 27 and again["pages"] > 0
