"""`signals log` asks for what it was not given, on a terminal only, and stores what the
event model accepts: the prompts collect, the model judges."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from signals.cli import prompts

TODAY = dt.date.today().isoformat()


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard input stands in for a person at a terminal."""
    monkeypatch.setattr(prompts, "stdin_is_interactive", lambda: True)


def answers(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines)


def stored(signals, event_id: int) -> dict:
    return signals.json("events", "show", str(event_id))


def menu_number(catalogue, indicator_id: str) -> str:
    return str([i.id for i in prompts.menu(catalogue)].index(indicator_id) + 1)


def test_pick_by_number_with_every_answer_given(signals, terminal, catalogue) -> None:
    result = signals(
        "log",
        "--json",
        input=answers(
            menu_number(catalogue, "pause-to-rearm"),
            "Reserves moved to the front during the pause",
            "2024-03-02",
            "ISW",
            "b",
            "2",
            "confirmed",
        ),
    )
    assert result.exit_code == 0, result.stderr
    event = stored(signals, 1)
    assert {k: event[k] for k in ("indicator", "summary", "observed_at", "source")} == {
        "indicator": "pause-to-rearm",
        "summary": "Reserves moved to the front during the pause",
        "observed_at": "2024-03-02",
        "source": "ISW",
    }
    assert (event["reliability"], event["credibility"], event["status"]) == ("B", "2", "confirmed")


def test_prompts_go_to_stderr_and_stdout_holds_only_the_event(signals, terminal) -> None:
    result = signals(
        "log", "--json", input=answers("nuclear-threats", "A threat", "", "", "", "", "")
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.lstrip().startswith("{")
    assert signals.json("events", "show", "1")["id"] == 1
    assert "Indicator (number or id)" in result.stderr


def test_the_list_shows_titles_by_stage_and_kind(signals, terminal, catalogue) -> None:
    result = signals("log", input=answers("nuclear-threats", "A threat", "", "", "", "", ""))
    lines = result.stderr.splitlines()
    stage_one = lines.index("Stage 1: Discreet probing")
    counter = lines.index("Counter-indicators")
    assert stage_one < lines.index("Stage 2: Public commitment") < counter
    title = catalogue.by_id["backchannel-informal"].title
    assert lines[stage_one + 1].split() == ["1", "backchannel-informal", *title.split()]


def test_pick_by_id_and_accept_the_defaults(signals, terminal) -> None:
    result = signals(
        "log",
        # The declaration has variants: Enter keeps its own reading.
        input=answers(
            "Declaration-Intent", "", "Putin says he is ready to talk", "", "", "", "", ""
        ),
    )
    assert result.exit_code == 0, result.stderr
    assert "Logged event #1: declaration-intent (F6, reported)." in result.stderr
    event = stored(signals, 1)
    assert event["observed_at"] == TODAY
    assert event["source"] is None
    assert (event["reliability"], event["credibility"], event["status"]) == ("F", "6", "reported")


def test_a_typo_is_asked_again_with_did_you_mean(signals, terminal) -> None:
    result = signals(
        "log",
        input=answers(
            "ceasefire-unilaterl",
            "99",
            "",
            "ceasefire-unilateral",
            "",
            "Guns fall silent",
            *[""] * 5,
        ),
    )
    assert result.exit_code == 0, result.stderr
    assert "Unknown indicator 'ceasefire-unilaterl'. Did you mean ceasefire-unilateral" in (
        result.stderr
    )
    assert "There is no indicator 99; pick 1 to 25." in result.stderr
    assert "Pick an indicator by its number or its id." in result.stderr
    assert stored(signals, 1)["indicator"] == "ceasefire-unilateral"


def test_grades_answered_after_a_wrong_one(signals, terminal) -> None:
    result = signals(
        "log",
        input=answers(
            "nuclear-threats", "A threat", "", "", "G", "a", "0", "1", "maybe", "refuted"
        ),
    )
    assert result.exit_code == 0, result.stderr
    for meaning in ("A  completely reliable", "F  reliability cannot be judged"):
        assert meaning in result.stderr
    for meaning in ("1  confirmed by other sources", "6  truth cannot be judged"):
        assert meaning in result.stderr
    assert "Pick one of A, B, C, D, E, F." in result.stderr
    assert "Pick one of 1, 2, 3, 4, 5, 6." in result.stderr
    assert "Pick one of reported, confirmed, refuted." in result.stderr
    event = stored(signals, 1)
    assert (event["reliability"], event["credibility"], event["status"]) == ("A", "1", "refuted")


def test_dates_use_the_same_parser_as_observed(signals, terminal) -> None:
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    result = signals(
        "log",
        input=answers("nuclear-threats", "A threat", "last tuesday", "yesterday", *[""] * 4),
    )
    assert result.exit_code == 0, result.stderr
    assert "'last tuesday' is not a date; write it as YYYY-MM-DD" in result.stderr
    assert stored(signals, 1)["observed_at"] == yesterday


def test_what_the_model_refuses_is_asked_again_at_once(signals, terminal) -> None:
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    result = signals(
        "log",
        input=answers("nuclear-threats", "ab", "A real threat", future, TODAY, "", "", "", ""),
    )
    assert result.exit_code == 0, result.stderr
    said = result.stderr
    # Each refused answer is asked again before the next question, not after the last.
    assert (
        said.index("summary: must be at least 3 characters.")
        < said.index("observed_at: is in the future")
        < said.index("Source reliability:")
    )
    event = stored(signals, 1)
    assert (event["summary"], event["observed_at"]) == ("A real threat", TODAY)


def test_only_what_was_left_out_is_asked(signals, terminal) -> None:
    result = signals(
        "log",
        "nuclear-threats",
        "--observed",
        "2024-02-01",
        "-r",
        "C",
        "--status",
        "confirmed",
        "--source",
        "Reuters",
        input=answers("Medvedev threatens nuclear strikes", "3"),
    )
    assert result.exit_code == 0, result.stderr
    assert "Indicator (number or id)" not in result.stderr
    for not_asked in ("Observed on", "Reliability [", "Status [", "Source ("):
        assert not_asked not in result.stderr
    assert "Credibility [6]" in result.stderr
    event = stored(signals, 1)
    assert event["summary"] == "Medvedev threatens nuclear strikes"
    assert (event["observed_at"], event["source"]) == ("2024-02-01", "Reuters")
    assert (event["reliability"], event["credibility"], event["status"]) == ("C", "3", "confirmed")


def test_a_default_value_given_on_the_command_line_is_not_asked(signals, terminal) -> None:
    result = signals(
        "log", "nuclear-threats", "-r", "F", "-c", "6", input=answers("A threat", *[""] * 3)
    )
    assert result.exit_code == 0, result.stderr
    assert "Reliability [" not in result.stderr and "Credibility [" not in result.stderr


def test_an_unknown_indicator_given_is_refused_before_any_question(
    signals, terminal, snapshot
) -> None:
    before = snapshot()
    result = signals("log", "nuclear-threat", input=answers("A threat"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Unknown indicator 'nuclear-threat'. Did you mean")
    assert result.stderr.count("\n") == 1
    assert snapshot() == before


@pytest.mark.parametrize("args", [["log"], ["log", "nuclear-threats"], ["log", "--json"]])
def test_no_prompt_when_stdin_is_not_a_terminal(signals, snapshot, args) -> None:
    before = snapshot()
    result = signals(*args, input=answers("nuclear-threats", "A threat", *[""] * 5))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Indicator (number or id)" not in result.stderr
    assert "Summary (" not in result.stderr
    assert "asked for only on a terminal, without --no-input." in result.stderr
    assert snapshot() == before


def test_no_prompt_with_no_input(signals, terminal, snapshot) -> None:
    before = snapshot()
    result = signals("log", "--no-input", input=answers("nuclear-threats", "A threat"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Missing arguments 'INDICATOR' and 'SUMMARY': they are asked for only" in result.stderr
    assert "Indicator (number or id)" not in result.stderr
    assert snapshot() == before


@pytest.mark.parametrize("given", range(8))
def test_end_of_input_aborts_with_nothing_written(signals, terminal, snapshot, given) -> None:
    """Ctrl-D after any number of answers: one sentence, exit 1, nothing stored."""
    full = ["nuclear-threats", "A threat", "", "", "", "", "", ""]
    before = snapshot()
    result = signals("log", input=answers(*full[:given]))
    if given >= 7:
        assert result.exit_code == 0
        return
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "Error: Input ended before the event was complete; nothing was logged."
    )
    assert snapshot() == before


def test_a_real_process_without_a_terminal_never_waits(tmp_path: Path) -> None:
    """A script that forgets an argument fails at once, even with stdin left open."""
    env = {**os.environ, "SIGNALS_DB": str(tmp_path / "s.db")}
    child = subprocess.run(
        [sys.executable, "-m", "signals", "log", "nuclear-threats"],
        stdin=subprocess.PIPE,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert child.returncode == 2
    assert "'SUMMARY'" in child.stderr
    assert not (tmp_path / "s.db").exists()
