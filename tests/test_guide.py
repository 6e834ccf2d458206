"""The user guide's commands parse against the real command line, so a rename breaks a test."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.core import TyperGroup
from typer.exceptions import TyperException

from signals.cli.app import app

GUIDE = Path(__file__).parents[1] / "docs" / "guide.md"

# Where a shell line stops being the signals command: pipes, redirections, other commands.
SHELL_OPERATORS = {"|", "||", "&&", ";", ">", ">>", "<", "2>", "&"}

# What the guide teaches: each of these must appear in one of its shell blocks.
TAUGHT = [
    "init",
    "indicators",
    "log",
    "status",
    "report",
    "import",
    "export",
    "events list",
    "events show",
    "events edit",
    "events retract",
    "catalogue validate",
    "db check",
    "db backup",
    "forecasts record",
    "forecasts resolve",
    "forecasts list",
    "forecasts score",
    "indicators review",
    "check",
    "alerts list",
    "alerts ack",
]


def shell_lines(markdown: str) -> list[str]:
    """The command lines of the ```sh blocks, with backslash continuations joined."""
    lines: list[str] = []
    for block in re.findall(r"^```(?:sh|bash|shell|console)\n(.*?)^```", markdown, re.S | re.M):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                lines.append(line.strip().removeprefix("$ "))
    return lines


def signals_arguments(line: str) -> list[str] | None:
    """The arguments after `signals` on a shell line, or None if the line runs something else."""
    # A command substitution stands for a value the shell computes; in the guide, a date.
    words = shlex.split(re.sub(r"\$\([^)]*\)", "2024-06-21", line), comments=True)
    while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
        words.pop(0)
    if not words or words[0] != "signals":
        return None
    end = next((i for i, word in enumerate(words) if word in SHELL_OPERATORS), len(words))
    return words[1:end]


def parse_only_cli() -> Any:
    """The real command tree with every command's body removed: parsing, types, choices and
    required arguments are checked exactly as when the command runs, and nothing is done."""
    root = typer.main.get_command(app)

    def strip(command: Any) -> None:
        command.callback = lambda **_: None
        if isinstance(command, TyperGroup):
            for sub in command.commands.values():
                strip(sub)

    strip(root)
    return root


def problem_with(arguments: list[str]) -> str | None:
    """Why these arguments would not parse, or None if they would."""
    try:
        code = parse_only_cli().main(arguments, prog_name="signals", standalone_mode=False)
    except TyperException as problem:
        return problem.format_message()
    if code not in (None, 0):
        return f"exit status {code}"
    return None


def command_path(arguments: list[str]) -> str:
    """The sub-command names at the start of the arguments, after any global options."""
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    group: Any = root
    path: list[str] = []
    words = iter(arguments)
    for word in words:
        if word.startswith("-"):
            if word in ("--db", "--catalogue"):
                next(words, None)
            continue
        sub = group.commands.get(word)
        if sub is None:
            break
        path.append(word)
        if not isinstance(sub, TyperGroup):
            break
        group = sub
    return " ".join(path)


GUIDE_COMMANDS = [
    arguments
    for line in shell_lines(GUIDE.read_text(encoding="utf-8"))
    if (arguments := signals_arguments(line)) is not None
]


def test_the_guide_has_commands_to_check():
    assert len(GUIDE_COMMANDS) >= 40


@pytest.mark.parametrize("arguments", GUIDE_COMMANDS, ids=" ".join)
def test_each_command_in_the_guide_parses(arguments, capsys):
    assert problem_with(arguments) is None, (
        f"docs/guide.md: `signals {shlex.join(arguments)}` no longer parses:"
        f" {problem_with(arguments)}"
    )


def test_the_guide_teaches_every_command():
    shown = {command_path(arguments) for arguments in GUIDE_COMMANDS}
    missing = [path for path in TAUGHT if path not in shown]
    assert not missing, f"docs/guide.md shows no example of: {', '.join(missing)}"


@pytest.mark.parametrize(
    "line",
    [
        "signals evnts list",
        "signals log declaration-intent 'x' --observd 2024-05-14",
        "signals log declaration-intent 'x' 'y'",
        "signals log declaration-intent 'x' --status rumoured",
        "signals status --as-of 14/05/2024",
        "signals report --week 2024-25",
        "signals events retract 12",
        "signals --dbfile x.db status",
        "SIGNALS_DB=x.db signals db backup a.db b.db | tee log",
    ],
)
def test_a_broken_command_is_caught(line, capsys):
    arguments = signals_arguments(line)
    assert arguments is not None
    assert problem_with(arguments) is not None


def test_lines_are_read_as_the_shell_reads_them():
    markdown = (
        "Text `signals not-checked` outside a block.\n"
        "```sh\n"
        "# a comment\n"
        "export SIGNALS_DB=~/x.db\n"
        "signals log declaration-intent 'Said it' \\\n"
        "    --observed 2024-05-14 -r A   # graded A\n"
        "signals db backup ~/b/signals-$(date +%F).db > out.txt\n"
        "```\n"
        "```toml\n"
        "signals = 'not a command'\n"
        "```\n"
    )
    commands = [signals_arguments(line) for line in shell_lines(markdown)]
    assert commands == [
        None,
        ["log", "declaration-intent", "Said it", "--observed", "2024-05-14", "-r", "A"],
        ["db", "backup", "~/b/signals-2024-06-21.db"],
    ]
    assert command_path(["--db", "x.db", "events", "edit", "3"]) == "events edit"


def heading_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown file."""
    headings = re.findall(r"^#+ (.+)$", markdown, re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_the_guide_links_to_files_and_headings_that_exist():
    links = re.findall(r"\]\(([^)#:]*)(?:#([^)]*))?\)", GUIDE.read_text(encoding="utf-8"))
    assert len(links) >= 10
    for target, anchor in links:
        path = GUIDE.parent / target if target else GUIDE
        assert path.is_file(), f"docs/guide.md links to {target}, which does not exist"
        if anchor:
            assert anchor in heading_anchors(path.read_text(encoding="utf-8")), (
                f"docs/guide.md links to {target}#{anchor}, a heading that does not exist"
            )
