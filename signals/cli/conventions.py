"""What every command shares on the command line, applied once to the whole command tree.

- The global options (`--db`, `--catalogue`, `-q`, `--debug`) are understood wherever
  they are typed: before the command, as `signals -q log ...`, or after it, as
  `signals log ... -q`. Each command gets a hidden copy of the top level's own option,
  so the value is parsed and checked the same way, and means the same thing.
- A value is named in the user's words (DATE, FILE, ID, TEXT, or the choices), a flag by
  nothing, and arguments read the same way in every usage line: `ID` when required,
  `[INDICATOR]` when it may be left out.
- A paragraph of help is one paragraph, however its source text was wrapped.
- Every help page ends with examples (signals/cli/examples.py)."""

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from signals.cli.examples import EXAMPLES

GLOBAL_OPTIONS = ("db", "catalogue", "quiet", "debug")


def prepare(root: Any) -> None:
    """Apply the conventions to `root` (the top-level group) and everything under it."""
    shared = [p for p in root.params if p.name in GLOBAL_OPTIONS]
    for path, command in walk(root):
        if command is not root:
            command.params.extend(_hidden_copy(param) for param in shared)
        for param in command.params:
            name_value(param)
        command.get_help_option = _help_option_of(command)
        command.parse_args = _parsing_in_context(command)
        command.help = reflow(command.help)
        examples = EXAMPLES.get(path)
        if examples:
            command.epilog = examples_text(examples)


def walk(command: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Each command with its path below the top level ('' for the top, 'events edit')."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, f"{path} {name}".strip())


def examples_text(examples: tuple[tuple[str, str], ...]) -> str:
    lines = ["Examples:"]
    for what, line in examples:
        lines += [f"  {what}:", f"    $ {line}"]
    return "\n".join(lines)


def reflow(text: str | None) -> str | None:
    """Help text with each paragraph on one line: help pages keep a single line break of
    the source, which then breaks a sentence in the middle of the terminal."""
    if not text:
        return text
    import inspect

    body, cut, rest = inspect.cleandoc(text).partition("\f")
    paragraphs = [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]
    return "\n\n".join(paragraphs) + cut + rest


def _hidden_copy(param: Any) -> Any:
    clone = copy.copy(param)
    clone.hidden = True
    clone.expose_value = False
    # Only what is typed after the command; the environment is read once, at the top.
    clone.envvar = None
    clone.is_eager = False
    clone.callback = _set_global
    return clone


def _set_global(ctx: Any, param: Any, value: Any) -> Any:
    if value is None or value is False or getattr(ctx, "resilient_parsing", False):
        return value
    from signals.cli.context import session
    from signals.cli.output import set_quiet

    current = session(ctx)
    if param.name == "quiet":
        set_quiet(True)
    elif param.name == "debug":
        current.debug = True
    elif param.name == "db":
        current.db_path = Path(value)
    elif param.name == "catalogue":
        current.catalogue_path = Path(value)
    return value


def name_value(param: Any) -> None:
    """Name the value a parameter takes as help and usage lines show it.

    Typer shows the Python type (`<str>`, `<list[str]>`, even `<bool>` on a flag), which
    says nothing to the person typing the command; an explicit metavar is kept as given."""
    if param.param_type_name == "argument":
        param.metavar = (param.metavar or param.name).upper()
        param.display_type_rich = _no_type
        param.get_usage_pieces = _usage_piece(param)
        if hasattr(param, "type"):
            # Typer before 0.29 shows an argument's type beside its name, asking the
            # click type, which may be shared by every parameter of that type.
            param.type = copy.copy(param.type)
            param.type.get_metavar = _no_metavar
        return
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        param.display_type_rich = _no_type
        return
    if param.metavar is None:
        param.metavar = value_name(param)


def _help_option_of(command: Any) -> Any:
    """The command's `-h`, a flag like any other: it is made only when first asked for."""
    made = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = made(ctx)
        if option is not None:
            option.display_type_rich = _no_type
        return option

    return get_help_option


def _parsing_in_context(command: Any) -> Any:
    """The command's parser, whose errors name the command they come from: the parser
    raises some (an option left without its value) knowing no command."""
    parse = command.parse_args

    def parse_args(ctx: Any, args: list[str]) -> Any:
        try:
            return parse(ctx, args)
        except Exception as problem:
            if getattr(problem, "ctx", False) is None:
                problem.ctx = ctx  # type: ignore[attr-defined]
            raise

    return parse_args


def _no_type(ctx: Any = None) -> None:
    return None


def _no_metavar(param: Any = None, ctx: Any = None) -> str:
    return ""


def _usage_piece(param: Any) -> Any:
    def pieces(ctx: Any = None) -> list[str]:
        name = param.metavar + ("..." if param.nargs != 1 else "")
        return [name if param.required else f"[{name}]"]

    return pieces


def value_name(param: Any) -> str:
    """DATE, FILE, NUMBER or TEXT, or the choices themselves (`table|markdown|json`)."""
    choices = choices_of(param)
    if choices:
        return "|".join(choices)
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    kind = getattr(getattr(param, "type", None), "name", "")
    if annotation is Path or getattr(descriptor, "is_path", False) or kind in ("path", "file"):
        return "FILE"
    if annotation in (int, float) or kind in ("integer", "float"):
        return "NUMBER"
    return "TEXT"


def choices_of(param: Any) -> list[str]:
    """The values a parameter accepts, if it is a choice (as typer or click declare it)."""
    descriptor = getattr(param, "type_descriptor", None)
    choices = getattr(descriptor, "choices", None) if getattr(descriptor, "is_choice", 0) else None
    if choices is None:
        choices = getattr(getattr(param, "type", None), "choices", None)
    return [str(choice) for choice in choices or ()]
