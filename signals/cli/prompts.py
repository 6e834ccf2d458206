"""Asking a person at the terminal for the fields `signals log` was not given.

The prompts only collect answers: the event model judges them, as it judges the command
line, and a field it refuses is asked for again with its reason. Prompts and lists go to
stderr, so that `signals log --json` still prints nothing but the stored event on stdout."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

import typer

from signals.cli.context import parse_date
from signals.errors import SignalsError

if TYPE_CHECKING:
    from signals.catalogue import Catalogue, Indicator
    from signals.events import EventInput

# An asker gets the catalogue and the answers so far (its own field's among them).
Ask = Callable[["Catalogue", Mapping[str, Any]], Any]

STATUS_MEANING = {
    "reported": "seen in a report, not yet confirmed",
    "confirmed": "confirmed by other sources or by the facts",
    "refuted": "evidence that it did not happen",
}


def stdin_is_interactive() -> bool:
    """Whether someone can answer questions: tests stand in for a terminal by replacing this."""
    return sys.stdin.isatty()


class InputEnded(SignalsError):
    """Standard input closed (Ctrl-D) before every question was answered."""

    def __init__(self) -> None:
        super().__init__("Input ended before the event was complete; nothing was logged.")


def _say(text: str = "") -> None:
    sys.stderr.write(text + "\n")


def _read(prompt: str) -> str:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        _say()
        raise InputEnded
    return line.strip()


def _choose(
    prompt: str, choices: Mapping[str, str], default: str, fold: Callable[[str], str]
) -> str:
    """One of `choices` (value: meaning), listed with their meanings; Enter keeps `default`."""
    width = max(map(len, choices))
    for value, meaning in choices.items():
        _say(f"  {value:<{width}}  {meaning}")
    while True:
        answer = fold(_read(f"{prompt} [{default}]: ")) or default
        if answer in choices:
            return answer
        _say(f"Pick one of {', '.join(choices)}.")


def menu(catalogue: Catalogue) -> list[Indicator]:
    """The indicators as an analyst reads the catalogue: stage by stage, then the
    counter-indicators, then the context."""
    from signals.catalogue import Kind

    order = {Kind.INTENT: 0, Kind.COUNTER: 1, Kind.CONTEXT: 2}
    return sorted(catalogue.indicators, key=lambda i: (order[i.kind], i.stage or 0))


def _heading(catalogue: Catalogue, indicator: Indicator) -> str:
    from signals.catalogue import Kind

    if indicator.kind is Kind.COUNTER:
        return "Counter-indicators"
    if indicator.kind is Kind.CONTEXT:
        return "Context (never scored)"
    named = catalogue.catalogue.stages.get(indicator.stage or 0)
    return f"Stage {indicator.stage}: {named}" if named else f"Stage {indicator.stage}"


def ask_indicator(catalogue: Catalogue, answers: Mapping[str, Any]) -> str:
    from signals.errors import UnknownIndicatorError

    listed = menu(catalogue)
    width = max(len(i.id) for i in listed)
    heading = None
    for number, indicator in enumerate(listed, start=1):
        if _heading(catalogue, indicator) != heading:
            heading = _heading(catalogue, indicator)
            _say(heading)
        _say(f"  {number:>2}  {indicator.id:<{width}}  {indicator.title}")
        # What counts and what does not, beside each: the filing mistakes are made here.
        _say(f"      {'':<{width}}  evidence: {indicator.evidence}")
        if indicator.not_this_if:
            _say(f"      {'':<{width}}  not this if: {indicator.not_this_if}")
    while True:
        answer = _read("Indicator (number or id): ").lower()
        if not answer:
            _say("Pick an indicator by its number or its id.")
        elif answer.isdigit():
            if 1 <= int(answer) <= len(listed):
                return listed[int(answer) - 1].id
            _say(f"There is no indicator {answer}; pick 1 to {len(listed)}.")
        else:
            try:
                return catalogue.indicator(answer).id
            except UnknownIndicatorError as unknown:
                _say(str(unknown))


# What Enter keeps when an indicator declares variants but no default among them.
OWN_READING = "the indicator's own reading"


def ask_variant(catalogue: Catalogue, answers: Mapping[str, Any]) -> str | None:
    """One of the chosen indicator's variants, listed with their titles; Enter keeps the
    default reading, named. Nothing is asked of an indicator without variants."""
    indicator = catalogue.by_id.get(str(answers.get("indicator") or "").strip().lower())
    if indicator is None or not indicator.variants or answers.get("ends") is not None:
        return None
    default = indicator.default_variant
    _say(f"How did it come? ({indicator.title})")
    width = max(map(len, indicator.variants))
    for name, variant in indicator.variants.items():
        mark = " (default)" if name == default else ""
        _say(f"  {name:<{width}}  {variant.title}{mark}")
    kept = default or OWN_READING
    while True:
        answer = _read(f"Variant [{kept}]: ").lower()
        if not answer:
            return None
        if answer in indicator.variants:
            return answer
        _say(f"Pick one of {', '.join(indicator.variants)}, or Enter for {kept}.")


def ask_summary(catalogue: Catalogue, answers: Mapping[str, Any]) -> str:
    while True:
        answer = _read("Summary (what happened, in one sentence): ")
        if answer:
            return answer
        _say("The summary is needed.")


def ask_observed(catalogue: Catalogue, answers: Mapping[str, Any]) -> str:
    today = dt.date.today().isoformat()
    while True:
        answer = _read(f"Observed on (YYYY-MM-DD, today, yesterday) [{today}]: ")
        try:
            return parse_date(answer).isoformat() if answer else today
        except typer.BadParameter as problem:
            _say(problem.message)


def ask_source(catalogue: Catalogue, answers: Mapping[str, Any]) -> str | None:
    return _read("Source (who reported it; Enter to leave out): ") or None


def ask_reliability(catalogue: Catalogue, answers: Mapping[str, Any]) -> str:
    from signals.catalogue import RELIABILITY_MEANING

    _say("Source reliability:")
    return _choose("Reliability", RELIABILITY_MEANING, str(answers["reliability"]), str.upper)


def ask_credibility(catalogue: Catalogue, answers: Mapping[str, Any]) -> str:
    from signals.catalogue import CREDIBILITY_MEANING

    _say("Information credibility:")
    return _choose("Credibility", CREDIBILITY_MEANING, str(answers["credibility"]), str)


def ask_status(catalogue: Catalogue, answers: Mapping[str, Any]) -> str:
    _say("Evidence status:")
    return _choose("Status", STATUS_MEANING, str(answers["status"]), str.lower)


# In the order they are asked: what happened, then how far the source can be trusted.
ASKERS: dict[str, Ask] = {
    "indicator": ask_indicator,
    "variant": ask_variant,
    "summary": ask_summary,
    "observed_at": ask_observed,
    "source": ask_source,
    "reliability": ask_reliability,
    "credibility": ask_credibility,
    "status": ask_status,
}


def ask_for_event(
    catalogue: Catalogue, given: Mapping[str, Any], missing: Collection[str]
) -> EventInput:
    """Ask for each field in `missing`; an answer the model refuses is asked for again at
    once, after the reason it was refused. The whole event is validated at the end."""
    from signals.events import InvalidEventError, parse_event

    def refusal(answers: dict[str, Any], name: str) -> str | None:
        # The model judges the answers so far; only its word on this field counts yet.
        try:
            parse_event(answers, catalogue)
        except InvalidEventError as invalid:
            return dict(invalid.problems).get(name)
        return None

    answers = dict(given)
    for name, ask in ASKERS.items():
        if name in missing:
            answers[name] = ask(catalogue, answers)
            while (reason := refusal(answers, name)) is not None:
                _say(f"{name}: {reason}.")
                answers[name] = ask(catalogue, answers)
    while True:
        try:
            return parse_event(answers, catalogue)
        except InvalidEventError as invalid:
            refused = dict(invalid.problems)
            if not set(refused) <= set(missing) & set(ASKERS):
                raise
            for name, reason in refused.items():
                _say(f"{name}: {reason}.")
                answers[name] = ASKERS[name](catalogue, answers)
