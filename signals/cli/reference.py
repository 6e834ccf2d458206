"""The command reference (docs/reference.md), rendered from the same parameters `--help` reads.

Run `python -m signals.cli.reference [FILE]` (or `make docs`). The Markdown depends on no
terminal: no width, no colour, no panels, so the committed file can be compared in a test.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from typer.core import TyperGroup

TITLE = "# Command reference"
PREAMBLE = (
    "Every command, argument and option of `signals`, as its `--help` shows them."
    " This file is generated from the command line itself with `make docs`;"
    " edit the help texts in `signals/cli/`, not this file."
)

# Characters that would start Markdown or HTML in prose taken from help texts.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*<>|])")


def render_reference(root: Any, name: str = "signals") -> str:
    """The whole reference for a click command tree, as Markdown ending in one newline."""
    commands = list(_walk(root, name, parent=None))
    lines = [TITLE, "", PREAMBLE, ""]
    lines += [f"- [{ctx.command_path}](#{_anchor(ctx.command_path)})" for _, ctx in commands]
    for command, ctx in commands:
        lines += ["", *_command_section(command, ctx)]
    return "\n".join(lines) + "\n"


def _walk(command: Any, name: str, parent: Any) -> Iterator[tuple[Any, Any]]:
    """Each command with its context, depth first in the order `--help` lists them."""
    ctx = command.context_class(command, info_name=name, parent=parent, **command.context_settings)
    yield command, ctx
    if isinstance(command, TyperGroup):
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            if sub is not None and not sub.hidden:
                yield from _walk(sub, sub_name, ctx)


def _command_section(command: Any, ctx: Any) -> list[str]:
    usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
    lines = [f"## {ctx.command_path}", "", "```", usage, "```"]
    for paragraph in _paragraphs(command.help):
        lines += ["", _escape(paragraph)]
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [p for p in params if p.param_type_name == "argument"]
    options = [p for p in params if p.param_type_name == "option"]
    if arguments:
        lines += ["", "**Arguments**", "", "| argument | required | description |"]
        lines.append("|---|---|---|")
        lines += [_argument_row(p, ctx) for p in arguments]
    if options:
        lines += ["", "**Options**", "", "| option | type | default | env var | description |"]
        lines.append("|---|---|---|---|---|")
        lines += [_option_row(p, ctx) for p in options]
    if isinstance(command, TyperGroup):
        lines += ["", "**Commands**", "", "| command | description |", "|---|---|"]
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            if sub is not None and not sub.hidden:
                path = f"{ctx.command_path} {sub_name}"
                summary = _escape(_first_paragraph(sub.short_help or sub.help))
                lines.append(f"| [`{sub_name}`](#{_anchor(path)}) | {summary} |")
    if command.epilog:
        lines += ["", "**Examples**", "", "```sh", *_examples(command.epilog), "```"]
    return lines


def _examples(epilog: str) -> list[str]:
    """The help page's examples as a shell session: what each does, as a comment."""
    lines = []
    for line in epilog.splitlines()[1:]:
        text = line.strip()
        lines.append(text[2:] if text.startswith("$ ") else f"# {text.rstrip(':')}")
    return lines


def _argument_row(param: Any, ctx: Any) -> str:
    # Its name is its value's: ID, FILE, INDICATOR, as the usage line shows it.
    name = param.metavar or param.name
    if param.nargs != 1:
        name += "..."
    required = "yes" if param.required else "no"
    return f"| {_code(name)} | {required} | {_help(param)} |"


def _option_row(param: Any, ctx: Any) -> str:
    names = ", ".join(
        _code(opt) for opt in [*_ordered(param.opts), *_ordered(param.secondary_opts)]
    )
    # A flag takes no value: it is on or off.
    value_type = "flag" if param.is_flag else _code(_type(param, ctx))
    default = "*required*" if param.required else _code(_default(param, ctx))
    envvar = _code(_envvar(param))
    return f"| {names} | {value_type} | {default} | {envvar} | {_help(param)} |"


def _ordered(opts: list[str]) -> list[str]:
    """Long names first, as the help panel shows them, and sorted: click keeps the help
    option's names in a set, whose order changes from one run to the next."""
    return sorted(opts, key=lambda opt: (not opt.startswith("--"), opt))


def _type(param: Any, ctx: Any) -> str:
    """The value's type or metavar, with a numeric range, as the help panel shows it."""
    shown = param.display_type_rich(ctx=ctx) or ""
    limits = param._get_number_range_help_str()
    return f"{shown} [{limits}]" if limits else shown


def _default(param: Any, ctx: Any) -> str:
    """The default exactly as `--help` words it, or nothing when `--help` shows none."""
    value = param._extract_default_help_str(ctx=ctx)
    shown_as_text = isinstance(param.show_default, str)
    if not shown_as_text and (value is None or not (param.show_default or ctx.show_default)):
        return ""
    return str(
        param._get_default_string(ctx=ctx, show_default_is_str=shown_as_text, default_value=value)
    )


def _envvar(param: Any) -> str:
    envvar = param.envvar if getattr(param, "show_envvar", False) else None
    if envvar is None:
        return ""
    return envvar if isinstance(envvar, str) else ", ".join(envvar)


def _help(param: Any) -> str:
    return _escape(" ".join(_paragraphs(getattr(param, "help", None))))


def _paragraphs(text: str | None) -> list[str]:
    """Help text split into paragraphs, single line breaks joined, as `--help` reflows them."""
    cleaned = inspect.cleandoc(text or "").partition("\f")[0]
    return [" ".join(p.split()) for p in cleaned.split("\n\n") if p.strip()]


def _first_paragraph(text: str | None) -> str:
    paragraphs = _paragraphs(text)
    return paragraphs[0] if paragraphs else ""


def _code(text: str) -> str:
    # Inside a table even a code span needs its pipes escaped.
    return f"`{text.replace('|', chr(92) + '|')}`" if text else ""


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _anchor(heading: str) -> str:
    """The anchor GitHub and most Markdown renderers give a heading."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def main(argv: list[str]) -> int:
    import typer.main

    from signals.cli.app import app

    text = render_reference(typer.main.get_command(app))
    if not argv:
        sys.stdout.write(text)
        return 0
    if len(argv) != 1 or argv[0].startswith("-"):
        sys.stderr.write("usage: python -m signals.cli.reference [FILE]\n")
        return 2
    Path(argv[0]).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
