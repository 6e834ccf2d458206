"""The command line as a newcomer meets it: global options wherever they are typed, help
pages in the user's words ending with examples, and every mistake one line with its fix."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.cli.app import app
from signals.cli.conventions import walk
from signals.cli.examples import EXAMPLES
from signals.text import close_matches
from tests.strength import examples
from tests.test_cli_errors import assert_data_error, assert_usage_error

ROOT = typer.main.get_command(app)
COMMAND_PATHS = [path for path, _ in walk(ROOT)]
GLOBAL_AFTER = ["-q", "--db", "other.db", "--catalogue", "other.toml", "--debug"]

# -- global options after the command ---------------------------------------------


def test_quiet_after_the_command_is_quiet_before_it(signals) -> None:
    loud = signals("log", "nuclear-threats", "A first threat")
    assert loud.exit_code == 0 and "Logged event #1" in loud.stderr
    after = signals("log", "nuclear-threats", "A second threat", "-q")
    before = signals("-q", "log", "nuclear-threats", "A third threat")
    assert after.exit_code == before.exit_code == 0
    assert after.stderr == before.stderr == ""
    assert len(signals.json("events", "list")) == 3  # type: ignore[arg-type]


def test_db_after_the_command_is_the_database_used(signals, db_path, tmp_path) -> None:
    other = tmp_path / "other.db"
    assert (
        signals("log", "nuclear-threats", "A threat elsewhere", "--db", str(other)).exit_code == 0
    )
    assert other.exists() and not db_path.exists()
    listed = signals("events", "list", "--json", "--db", str(other))
    assert [event["summary"] for event in json.loads(listed.stdout)] == ["A threat elsewhere"]
    missing = tmp_path / "missing.db"
    line = assert_data_error(signals("events", "list", "--db", str(missing)))
    assert str(missing) in line


def test_catalogue_after_the_command_is_the_catalogue_read(signals, tmp_path) -> None:
    gone = tmp_path / "gone.toml"
    line = assert_data_error(signals("indicators", "--catalogue", str(gone)))
    assert "does not exist" in line
    line = assert_data_error(
        signals("indicators", "show", "nuclear-threats", "--catalogue", str(gone))
    )
    assert "does not exist" in line


def test_a_global_option_after_the_command_is_checked_as_before_it(signals, tmp_path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    for args in (
        ["--db", str(folder), "events", "list"],
        ["events", "list", "--db", str(folder)],
    ):
        assert "is a directory" in assert_usage_error(signals(*args))


def test_an_option_value_that_looks_like_q_is_a_value(signals) -> None:
    """`--notes -q` is a note, not the quiet flag: each command's own parser sees it."""
    result = signals("log", "nuclear-threats", "A threat with a note", "--notes", "-q")
    assert result.exit_code == 0, result.stderr
    assert "Logged event #1" in result.stderr
    assert signals.json("events", "show", "1")["notes"] == "-q"  # type: ignore[index]


def test_quiet_lasts_one_command_when_given_after_it(signals) -> None:
    assert signals("log", "nuclear-threats", "A quiet threat", "-q").stderr == ""
    assert "Logged event #2" in signals("log", "nuclear-threats", "A loud threat").stderr


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda path: path or "signals")
def test_every_command_takes_the_global_options_after_it(signals, path) -> None:
    result = signals(*path.split(), *GLOBAL_AFTER, "-h")
    assert result.exit_code == 0, result.stderr


TOKENS = ["nuclear-threats", "A threat logged", "--source", "TASS", "-r", "B", "--json"]
# Where `-q` may go: not between an option and its value.
BOUNDARIES = [0, 1, 2, 4, 6, 7]


@settings(max_examples=examples(12), deadline=None)
@given(where=st.sampled_from(BOUNDARIES))
def test_quiet_anywhere_after_the_command_is_the_same(where: int) -> None:
    from typer.testing import CliRunner

    args = ["log", *TOKENS[:where], "-q", *TOKENS[where:]]
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "here.db")
        result = CliRunner().invoke(app, ["--db", db, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert '"source": "TASS"' in result.stdout


# -- help pages ---------------------------------------------------------------------


def help_page(signals, path: str) -> str:
    result = signals(*path.split(), "--help")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def value_shown(page: str, opts: list[str]) -> str:
    """The first word after an option's names in its row of the help page."""
    long = next(opt for opt in opts if opt.startswith("--"))
    row = next(line for line in page.splitlines() if re.search(rf"│\s+(\*\s+)?{long}\s", line))
    words = row.strip("│ *").split()
    return next(word for word in words if word not in opts)


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda path: path or "signals")
def test_help_names_values_in_words_and_ends_with_an_example(signals, path) -> None:
    page = help_page(signals, path)
    assert not re.search(r"<[a-z]", page), page  # no <bool>, <str>, <list[str]>, <file>
    command = dict(walk(ROOT))[path]
    for param in command.params:
        if param.hidden or param.param_type_name != "option":
            continue
        shown = value_shown(page, param.opts)
        if param.is_flag:  # a flag's names are followed by its help, not by a value
            assert shown == param.help.split()[0], (param.opts, shown)
        else:
            assert shown == param.metavar.split()[0], (param.opts, shown)
            assert shown == shown.upper() or "|" in shown or shown == "YYYY-Www", shown
    assert value_shown(page, ["--help", "-h"]) == "Show"
    usage = next(line for line in page.splitlines() if "Usage:" in line)
    assert "{" not in usage and "}" not in usage
    for word in re.findall(r"\[?([A-Za-z]+)\]?", usage.split("[OPTIONS]", 1)[-1]):
        assert word.isupper(), usage
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    assert "Examples:" in lines
    assert lines[-1].startswith("$ signals"), lines[-1]


def test_every_command_has_examples_and_every_example_is_its_command() -> None:
    assert set(EXAMPLES) == set(COMMAND_PATHS)
    for path, shown in EXAMPLES.items():
        for _, line in shown:
            words = shlex.split(line)
            assert words[0] == "signals"
            assert " ".join(words[1:]).startswith(path), (path, line)
            assert "[" not in line  # would be read as markup by the help page


@pytest.mark.parametrize(
    "line", sorted({line for examples in EXAMPLES.values() for _, line in examples})
)
def test_every_example_parses(signals, line: str) -> None:
    """Every option an example names exists: with -h the line is parsed, then help shown."""
    result = signals(*shlex.split(line)[1:], "-h")
    assert result.exit_code == 0, result.stderr


def test_log_help_keeps_a_paragraph_on_one_line(signals) -> None:
    page = help_page(signals, "log")
    assert "asked for: the indicator from a list, the summary, the date and the grades." in page


def test_help_shows_the_values_an_option_takes(signals) -> None:
    page = help_page(signals, "log")
    assert re.search(r"--observed\s+DATE\s", page)
    assert re.search(r"--reliability\s+-r\s+A-F\s", page)
    assert re.search(r"--status\s+reported\|confirmed\|refuted\s", page)
    assert re.search(r"--tag\s+TEXT\s", page)
    assert "Usage: signals log [OPTIONS] [INDICATOR] [SUMMARY]" in page
    assert "Usage: signals events edit [OPTIONS] ID" in help_page(signals, "events edit")
    assert "Usage: signals db backup [OPTIONS] FILE" in help_page(signals, "db backup")
    assert "Usage: signals catalogue validate [OPTIONS] FILE" in help_page(
        signals, "catalogue validate"
    )


# -- one error style ------------------------------------------------------------------


def test_an_unknown_format_names_the_formats(signals) -> None:
    stderr = assert_usage_error(signals("report", "--format", "pdf"))
    assert stderr == (
        "Error: Unknown format 'pdf': choose one of table, markdown, json, html, svg, chart.\n"
    )
    assert "Value error" not in stderr


def test_an_unknown_option_suggests_only_close_options(signals) -> None:
    assert assert_usage_error(signals("events", "edit", "1", "--bogus")) == (
        "Error: signals events edit has no option --bogus: `signals events edit -h` lists them.\n"
    )
    assert assert_usage_error(signals("events", "edit", "1", "--jsn")) == (
        "Error: signals events edit has no option --jsn; did you mean --json?\n"
    )
    stderr = assert_usage_error(signals("log", "nuclear-threats", "A threat", "--colour", "red"))
    assert "did you mean" not in stderr
    stderr = assert_usage_error(signals("log", "nuclear-threats", "A threat", "--obs", "today"))
    assert "did you mean --observed or --observation?" in stderr  # the closer first


def test_an_unknown_indicator_suggests_the_close_one_first(signals) -> None:
    signals("log", "nuclear-threats", "A threat")
    for args in (
        ["log", "nuclear-threat", "A threat"],
        ["events", "list", "--indicator", "nuclear-threat"],
    ):
        line = assert_data_error(signals(*args))
        assert line.endswith("Did you mean nuclear-threats?"), line
        assert "scenario-stalemate" not in line


def test_a_missing_argument_shows_the_command(signals) -> None:
    assert assert_usage_error(signals("events", "show")) == (
        "Error: Missing ID: the command is `signals events show [OPTIONS] ID`.\n"
    )


def test_an_unknown_command_points_to_the_list(signals) -> None:
    assert assert_usage_error(signals("frobnicate")) == (
        "Error: signals has no command 'frobnicate': `signals -h` lists them.\n"
    )
    assert assert_usage_error(signals("reprot")) == (
        "Error: signals has no command 'reprot'; did you mean report?\n"
    )
    assert assert_usage_error(signals("events", "lst")) == (
        "Error: signals events has no command 'lst'; did you mean list?\n"
    )


USAGE_SENTENCES = {
    ("events", "retract", "1"): "Missing --reason TEXT: `signals events retract` needs it.",
    ("log", "nuclear-threats", "A threat", "--db"): "--db needs a value: --db FILE.",
    ("events", "list", "--since"): "--since needs a value: --since DATE.",
    ("log", "nuclear-threats", "A threat", "-r"): "-r needs a value: -r A-F.",
    ("events", "list", "--json=yes"): "--json is a flag and takes no value: give it alone.",
    ("log", "nuclear-threats", "A", "threat"): (
        "signals log got more arguments than it takes (threat): quote a text that holds"
        ' spaces, as in "A threat was made".'
    ),
    ("indicators", "--kind", "threat"): (
        "Unknown kind 'threat': choose one of intent, counter, context."
    ),
    ("log", "nuclear-threats", "A threat", "--status", "rumoured"): (
        "Unknown status 'rumoured': choose one of reported, confirmed, refuted."
    ),
}


@pytest.mark.parametrize("args", sorted(USAGE_SENTENCES), ids=" ".join)
def test_usage_errors_say_the_fix(signals, args) -> None:
    assert assert_usage_error(signals(*args)) == f"Error: {USAGE_SENTENCES[args]}\n"


@pytest.mark.slow
def test_a_usage_error_is_one_line_in_a_real_process(tmp_path: Path) -> None:
    """Outside the test runner too, where a terminal-wide box was drawn before."""
    child = subprocess.run(
        [sys.executable, "-m", "signals", "--db", str(tmp_path / "x.db"), "report", "-f", "pdf"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "80"},
    )
    assert child.returncode == 2
    assert child.stdout == ""
    assert child.stderr.splitlines() == [
        "Error: Unknown format 'pdf': choose one of table, markdown, json, html, svg, chart."
    ]


# -- close matches ------------------------------------------------------------------

NAMES = st.lists(st.from_regex(r"[a-z]{2,8}(-[a-z]{2,8}){0,2}", fullmatch=True), max_size=12)


@settings(max_examples=examples(200))
@given(typed=st.text(max_size=20), names=NAMES)
def test_close_matches_are_among_the_names_best_first(typed: str, names: list[str]) -> None:
    found = close_matches(typed, names)
    assert len(found) <= 3
    assert set(found) <= set(names)
    assert len(set(found)) == len(found)


@settings(max_examples=examples(200))
@given(names=NAMES, pick=st.integers(min_value=0))
def test_a_name_typed_exactly_is_offered_first(names: list[str], pick: int) -> None:
    if names:
        name = names[pick % len(names)]
        assert close_matches(name, names)[0] == name


@settings(max_examples=examples(200))
@given(name=st.from_regex(r"[a-z]{6,12}", fullmatch=True), cut=st.integers(min_value=1))
def test_a_name_missing_one_letter_is_found(name: str, cut: int) -> None:
    typo = name[: cut % len(name)] + name[cut % len(name) + 1 :]
    assert name in close_matches(typo, [name, "zzzz-qqqq"])


@settings(max_examples=examples(200))
@given(a=st.text(max_size=12), b=st.text(max_size=12))
def test_edit_distance_is_a_count_of_letters(a: str, b: str) -> None:
    from signals.text import edit_distance

    distance = edit_distance(a, b)
    assert distance == edit_distance(b, a)
    assert abs(len(a) - len(b)) <= distance <= max(len(a), len(b))
    assert (distance == 0) == (a == b)
    assert edit_distance(a, a + b) == len(b)


# -- the README's quick start -----------------------------------------------------------

README = Path(__file__).parents[1] / "README.md"
MAKEFILE = Path(__file__).parents[1] / "Makefile"


def test_readme_quick_start_runs_as_written_after_make_demo(signals, tmp_path, monkeypatch):
    """The commands after `make demo` run `.venv/bin/signals`, where `make demo` installs
    it, or plain `signals` once the README has said to activate the environment."""
    from tests.conftest import DEMO_CSV

    makefile = MAKEFILE.read_text(encoding="utf-8")
    assert "VENV ?= .venv" in makefile and "BIN := $(VENV)/bin" in makefile
    demo = makefile[makefile.index("\ndemo:") :].split("\n\n", 1)[0]
    assert "$(BIN)/signals --db $(DEMO_DB) import data/demo/events.csv" in demo
    assert "DEMO_DB := build/demo.db" in makefile

    text = README.read_text(encoding="utf-8")
    quick = text[text.index("## Quick start") : text.index("## Commands")]
    blocks = re.findall(r"```sh\n(.*?)```", quick, re.S)
    assert "make demo" in blocks[0]
    lines = [line for block in blocks[1:] for line in block.strip().splitlines()]
    assert lines, "no commands to run after make demo"
    assert ".venv/bin/signals" in quick and "source .venv/bin/activate" in quick

    monkeypatch.chdir(tmp_path)
    (tmp_path / "build").mkdir()
    assert signals("--db", "build/demo.db", "import", str(DEMO_CSV), "-q").exit_code == 0
    activated = False
    for line in lines:
        words = shlex.split(line.split("#", 1)[0])
        if words == ["source", ".venv/bin/activate"]:
            activated = True
            continue
        assert words[0] == ".venv/bin/signals" or (activated and words[0] == "signals"), line
        result = signals(*words[1:])
        assert result.exit_code == 0, (line, result.stderr)
        assert result.stdout, line
