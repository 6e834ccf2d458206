"""The command reference in docs/ is the command line's own help, and says when it is stale."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest
import typer
import typer.main
from typer.core import TyperGroup

from signals.cli.app import app
from signals.cli.reference import main, render_reference

REFERENCE = Path(__file__).parents[1] / "docs" / "reference.md"


def current_reference() -> str:
    return render_reference(typer.main.get_command(app))


def section(text: str, path: str) -> str:
    """The part of the reference under `## path`, up to the next heading."""
    match = re.search(rf"^## {re.escape(path)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match is not None, f"no section for `{path}` in the reference"
    return match.group(1)


def command_paths(command: TyperGroup, prefix: list[str]) -> list[list[str]]:
    """Every command path of the app, walked with click's own API rather than the generator."""
    ctx = command.context_class(command, info_name=prefix[-1])
    paths = [prefix]
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if isinstance(sub, TyperGroup):
            paths += command_paths(sub, [*prefix, name])
        else:
            paths.append([*prefix, name])
    return paths


ALL_PATHS = command_paths(typer.main.get_command(app), ["signals"])  # type: ignore[arg-type]


def test_committed_reference_is_current():
    committed = REFERENCE.read_text(encoding="utf-8")
    assert committed == current_reference(), (
        "docs/reference.md no longer matches the command line's help: run `make docs`"
    )


def test_every_command_has_a_section_and_help_text():
    text = current_reference()
    assert len(ALL_PATHS) >= 18
    for path in ALL_PATHS:
        body = section(text, " ".join(path))
        prose = [line for line in body.splitlines() if line and not line.startswith(("|", "`"))]
        assert any(not line.startswith("**") for line in prose), f"{path} has no help text"


@pytest.mark.parametrize("path", ALL_PATHS, ids=lambda path: " ".join(path[1:]) or "signals")
def test_every_option_that_help_prints_is_in_the_reference(path, signals):
    result = signals(*path[1:], "--help")
    assert result.exit_code == 0, result.stderr
    # The options of the page's table; its examples may use any command's options.
    table = result.stdout.partition("Examples:")[0]
    shown = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b", table))
    assert "--help" in shown
    body = section(current_reference(), " ".join(path))
    for option in shown:
        assert f"`{option}`" in body, f"{option} of `{' '.join(path)}` is not in the reference"


def test_log_options_appear_with_their_defaults_and_env_vars():
    body = section(current_reference(), "signals log")
    root = typer.main.get_command(app)
    log = root.get_command(root.context_class(root, info_name="signals"), "log")  # type: ignore[attr-defined]
    assert log is not None
    shown = [param for param in log.params if not param.hidden]
    names = [
        param.metavar if param.param_type_name == "argument" else opt
        for param in shown
        for opt in param.opts
    ]
    assert {"--observed", "--reliability", "-r", "--credibility", "--status", "--tag"} <= set(names)
    assert {"INDICATOR", "SUMMARY"} <= set(names)
    for name in names:
        assert f"`{name}`" in body
    assert "| `--reliability`, `-r` | `A-F` | `F` |" in body
    assert "| `--analyst` | `TEXT` |  | `SIGNALS_ANALYST` |" in body
    assert "`reported\\|confirmed\\|refuted` | `reported`" in body
    assert "**Examples**" in body
    assert "\nsignals log nuclear-threats " in body


def small_app(command_help: str) -> typer.Typer:
    tool = typer.Typer()

    @tool.command(help=command_help)
    def send(
        target: Annotated[str, typer.Argument(help="Where to send it.")],
        retries: Annotated[
            int, typer.Option("--retries", "-n", envvar="TOOL_RETRIES", min=0, help="How often.")
        ] = 3,
        loud: Annotated[bool, typer.Option("--loud", help="Say <everything> | always.")] = False,
    ) -> None:
        pass

    @tool.command()
    def receive() -> None:
        """Receive a thing."""

    return tool


def test_the_reference_follows_changed_help_texts():
    before = render_reference(typer.main.get_command(small_app("Send a thing.")), "tool")
    after = render_reference(typer.main.get_command(small_app("Send it now.")), "tool")
    assert before != after
    assert "Send a thing." in before and "Send it now." in after
    assert (
        "| `--retries`, `-n` | `<int range> [x>=0]` | `3` | `TOOL_RETRIES` | How often. |" in after
    )
    assert "| `target` | yes | Where to send it. |" in after
    assert "| `--loud` | flag |  |  | Say \\<everything\\> \\| always. |" in after
    assert "```\ntool send [OPTIONS] {target}\n```" in after
    assert "## tool receive" in after and "Receive a thing." in after

    command = typer.main.get_command(small_app("Send a thing."))
    send = command.get_command(command.context_class(command, info_name="tool"), "send")  # type: ignore[attr-defined]
    retries = next(param for param in send.params if param.name == "retries")
    retries.help = "How many more tries."
    changed = render_reference(command, "tool")
    assert changed != before
    assert "How many more tries." in changed and "How often." not in changed


def test_make_docs_writes_the_reference(tmp_path):
    target = tmp_path / "reference.md"
    assert main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == current_reference()
    assert main(["--wrong"]) == 2


def test_the_cli_does_not_import_the_generator():
    code = "import sys, signals.cli.app; print('signals.cli.reference' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"
