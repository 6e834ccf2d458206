"""A usage error as one sentence with its fix, in the style of every other error.

The parser's own messages name the mistake in its terms ("Value error, 'pdf' is not one
of ...", "Possible options: ..."); these say it in the user's, on one line."""

import re
from collections.abc import Iterable
from typing import Any

from signals.cli.conventions import choices_of
from signals.text import close_matches


def sentence(problem: Any) -> str:
    """The sentence for a usage error raised while the command line was parsed."""
    kinds = {cls.__name__ for cls in type(problem).__mro__}
    ctx = getattr(problem, "ctx", None)
    command = ctx.command_path if ctx is not None else "signals"
    if "NoSuchOption" in kinds:
        return _no_such_option(problem.option_name, ctx, command)
    if "MissingParameter" in kinds and getattr(problem, "param", None) is not None:
        param = problem.param
        if param.param_type_name == "argument" and ctx is not None:
            usage = " ".join([command, *ctx.command.collect_usage_pieces(ctx)])
            return f"Missing {param.metavar}: the command is `{usage}`."
        return f"Missing {_with_value(param)}: `{command}` needs it."
    if "BadParameter" in kinds and getattr(problem, "param", None) is not None:
        return _bad_choice(problem) or _plain(
            f"Invalid value for {_named(problem.param)}: {problem.message}"
        )
    text = str(problem.format_message())
    unknown = _NO_SUCH_COMMAND.match(text)
    if unknown is not None and ctx is not None:
        names = getattr(ctx.command, "commands", {})
        return _suggest(command, "command", f"'{unknown['name']}'", unknown["name"], names)
    valueless = _NEEDS_VALUE.match(text)
    if valueless is not None:
        option = valueless["option"]
        params = ctx.command.get_params(ctx) if ctx is not None else []
        param = next((p for p in params if option in p.opts), None)
        shown = _with_value(param, option) if param is not None else option
        return f"{option} needs a value: {shown}."
    flag = _TAKES_NO_VALUE.match(text)
    if flag is not None:
        return f"{flag['option']} is a flag and takes no value: give it alone."
    extra = _EXTRA.match(text)
    if extra is not None:
        return (
            f"{command} got more arguments than it takes ({extra['words']}):"
            ' quote a text that holds spaces, as in "A threat was made".'
        )
    return _plain(text)


_NO_SUCH_COMMAND = re.compile(r"^No such command '(?P<name>.*?)'")
_NEEDS_VALUE = re.compile(r"^Option '(?P<option>[^']+)' requires an argument")
_TAKES_NO_VALUE = re.compile(r"^Option '(?P<option>[^']+)' does not take a value")
_EXTRA = re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<words>.*)\)")


def _with_value(param: Any, option: str | None = None) -> str:
    """An option as it is typed, with the value it takes: `--reason TEXT`."""
    name = option or _named(param)
    if param.param_type_name == "argument" or getattr(param, "is_flag", False):
        return name
    return f"{name} {param.metavar or 'TEXT'}"


def _suggest(command: str, what: str, shown: str, typed: str, names: Iterable[str]) -> str:
    close = close_matches(typed, names)
    if close:
        return f"{command} has no {what} {shown}; did you mean {' or '.join(close)}?"
    return f"{command} has no {what} {shown}: `{command} -h` lists them."


def _no_such_option(option: str, ctx: Any, command: str) -> str:
    names = []
    if ctx is not None:
        for param in ctx.command.get_params(ctx):
            names += [*param.opts, *param.secondary_opts]
    long = [name for name in names if name.startswith("--")]
    return _suggest(command, "option", option, option, long)


_NOT_ONE_OF = re.compile(r"^(?:Value error, )?'?(?P<value>.*?)'? is not one of")


def _bad_choice(problem: Any) -> str | None:
    """'Unknown format 'pdf': choose one of table, markdown, ...' for a value outside a
    choice, instead of the parser's words."""
    choices = choices_of(problem.param)
    found = _NOT_ONE_OF.match(str(problem.message))
    if not choices or found is None:
        return None
    what = (problem.param.name or "value").replace("_", " ")
    return f"Unknown {what} '{found['value']}': choose one of {', '.join(choices)}."


def _named(param: Any) -> str:
    """An option by its long name, an argument by its metavar, as the help page shows it."""
    if param.param_type_name == "argument":
        return str(param.metavar or param.name).upper()
    long = [opt for opt in param.opts if opt.startswith("--")]
    return str((long or param.opts)[0])


def _plain(text: str) -> str:
    """The parser's message as one sentence, without the validation library's prefix."""
    text = text.replace("Value error, ", "").replace(": Input should be", ": it should be")
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."
