"""Shell completion of indicator and event ids: the callbacks alone, then through the same
completion protocol a shell uses, against real databases."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from signals.catalogue import Catalogue
from signals.cli import completion
from signals.cli.app import app

GARBAGE = bytes(range(256)) * 16


def root_context(*args: str) -> typer.Context:
    """The context a completion callback receives, with the global options as typed."""
    command = typer.main.get_command(app)
    return command.make_context("signals", list(args), resilient_parsing=True)


@pytest.fixture
def events(signals, db_path: Path) -> list[int]:
    """Twelve events, the second retracted."""
    csv = db_path.parent / "events.csv"
    rows = [f"nuclear-threats,Threat number {n},2024-02-01" for n in range(1, 13)]
    csv.write_text("indicator,summary,observed_at\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert signals("import", str(csv)).exit_code == 0
    assert signals("events", "retract", "2", "--reason", "Misread the source").exit_code == 0
    return list(range(1, 13))


def complete(shell: str, line: str, **env: str):  # type: ignore[no-untyped-def]
    """Ask for completions of `line` the way the installed shell script does."""
    if shell == "bash":
        words = line.split(" ")
        variables = {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        variables = {"_TYPER_COMPLETE_ARGS": line, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    return CliRunner().invoke(
        app,
        [],
        env={"_SIGNALS_COMPLETE": f"complete_{shell}", **variables, **env},
        prog_name="signals",
    )


# -- the callbacks --------------------------------------------------------------------


def test_indicator_ids_come_with_their_titles(catalogue: Catalogue) -> None:
    offered = completion.indicator_ids(root_context(), "cease")
    assert offered == [(i.id, i.title) for i in catalogue.indicators if i.id.startswith("cease")]
    assert len(offered) == 3
    assert len(completion.indicator_ids(root_context(), "")) == len(catalogue.indicators)


def test_indicator_ids_from_the_catalogue_given_before_the_command(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    from signals.paths import default_catalogue_path

    text = default_catalogue_path().read_text(encoding="utf-8")
    custom = tmp_path / "custom.toml"
    custom.write_text(text.replace('"nuclear-threats"', '"nuclear-signalling"'), encoding="utf-8")
    offered = completion.indicator_ids(root_context("--catalogue", str(custom)), "nuclear")
    assert [value for value, _ in offered] == ["nuclear-signalling"]


def test_event_ids_newest_first_with_a_summary(events: list[int]) -> None:
    offered = completion.event_ids(root_context(), "1")
    assert [value for value, _ in offered] == ["12", "11", "10", "1"]
    assert offered[-1][1] == "nuclear-threats: Threat number 1"


def test_retracted_events_are_offered_to_show_only(events: list[int]) -> None:
    shown = [value for value, _ in completion.event_ids(root_context(), "")]
    editable = [value for value, _ in completion.current_event_ids(root_context(), "")]
    assert "2" in shown
    assert "2" not in editable
    assert sorted(shown, key=int) == [str(i) for i in events]


def test_long_summaries_are_shortened_to_one_line(signals) -> None:
    signals("log", "nuclear-threats", "word " * 40 + "\tend", "--observed", "2024-02-01")
    [(value, help_text)] = completion.event_ids(root_context(), "")
    assert value == "1"
    assert len(help_text) == completion.HELP_WIDTH
    assert help_text.endswith("…") and "\t" not in help_text


def test_many_events_offer_a_bounded_list(signals, db_path: Path) -> None:
    csv = db_path.parent / "many.csv"
    rows = [f"nuclear-threats,Threat {n},2024-02-01" for n in range(120)]
    csv.write_text("indicator,summary,observed_at\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert signals("import", str(csv)).exit_code == 0
    offered = completion.event_ids(root_context(), "")
    assert len(offered) == completion.EVENTS_OFFERED
    assert offered[0][0] == "120"


def test_what_is_not_an_id_completes_to_nothing(events: list[int]) -> None:
    assert completion.event_ids(root_context(), "x") == []
    assert completion.event_ids(root_context(), "99") == []


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "signals.db"
    assert completion.event_ids(root_context("--db", str(path)), "") == []
    assert not path.parent.exists()
    default = Path(os.environ["SIGNALS_DB"])
    assert completion.event_ids(root_context(), "") == []
    assert not default.exists()


def test_a_broken_database_completes_to_nothing(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(GARBAGE)
    assert completion.event_ids(root_context("--db", str(path)), "") == []
    assert path.read_bytes() == GARBAGE


def test_a_broken_catalogue_completes_to_nothing(tmp_path: Path, monkeypatch) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[catalogue]\nid = 'x'\n", encoding="utf-8")
    assert completion.indicator_ids(root_context("--catalogue", str(broken)), "") == []
    monkeypatch.setenv("SIGNALS_CATALOGUE", str(tmp_path / "missing.toml"))
    assert completion.indicator_ids(root_context(), "") == []


def test_callbacks_never_raise_or_print(monkeypatch, capsys, events) -> None:
    def noisy(*args: object, **kwargs: object) -> None:
        print("something went wrong")
        sys.stderr.write("and here is why\n")
        raise RuntimeError("boom")

    monkeypatch.setattr("signals.catalogue_loader.load_catalogue", noisy)
    monkeypatch.setattr("signals.store.Store.id_choices", noisy)
    assert completion.indicator_ids(root_context(), "") == []
    assert completion.event_ids(root_context(), "") == []
    assert capsys.readouterr() == ("", "")


# -- through the completion protocol ------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("signals log cease", ["ceasefire-unilateral", "ceasefire-timeline"]),
        ("signals events list --indicator decl", ["declaration-intent"]),
        ("signals events edit 1 --indicator pause", ["pause-to-rearm"]),
        ("signals export --indicator release", ["release-detainees"]),
    ],
)
def test_bash_completes_indicator_ids(line: str, expected: list[str]) -> None:
    result = complete("bash", line)
    assert result.exit_code == 0, result.output
    offered = result.stdout.split()
    assert set(expected) <= set(offered)
    assert all(value.startswith(line.rsplit(" ", 1)[1]) for value in offered)


@pytest.mark.parametrize("command", ["show", "edit", "retract"])
def test_bash_completes_event_ids(events, command: str) -> None:
    result = complete("bash", f"signals events {command} 1")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["12", "11", "10", "1"]
    everything = complete("bash", f"signals events {command} ").stdout.split()
    assert ("2" in everything) is (command == "show")


def test_zsh_shows_titles_and_summaries(events, catalogue: Catalogue) -> None:
    indicators = complete("zsh", "signals log declaration-b").stdout
    title = catalogue.by_id["declaration-broadcast"].title
    assert f'"declaration-broadcast":"{title}"' in indicators
    ids = complete("zsh", "signals events show 12").stdout
    assert '"12":"nuclear-threats\\\\: Threat number 12"' in ids


def test_fish_shows_help_after_a_tab(events) -> None:
    result = complete("fish", "signals events retract 1")
    assert result.stdout.splitlines()[0] == "12\tnuclear-threats: Threat number 12"


def test_the_database_given_before_the_command_is_read(tmp_path: Path, signals) -> None:
    other = tmp_path / "other.db"
    assert signals("--db", str(other), "log", "pause-to-rearm", "Troops regroup").exit_code == 0
    assert complete("bash", f"signals --db {other} events show ").stdout.split() == ["1"]
    assert complete("bash", "signals events show ").stdout.split() == []


def test_a_broken_database_gives_an_empty_completion_and_no_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(GARBAGE)
    result = complete("bash", "signals events show ", SIGNALS_DB=str(path))
    assert result.exit_code == 0
    assert result.stdout.strip() == ""
    assert result.stderr == ""
    assert path.read_bytes() == GARBAGE


SCRIPT = Path(sys.executable).with_name("signals")


@pytest.mark.skipif(not SCRIPT.exists(), reason="the signals script is not installed")
def test_a_real_shell_process_gets_the_completions(events, db_path: Path) -> None:
    """The installed script, as bash calls it: environment in, one id per line out."""
    env = {
        **os.environ,
        "SIGNALS_DB": str(db_path),
        "_SIGNALS_COMPLETE": "complete_bash",
        "COMP_WORDS": "signals events retract 1",
        "COMP_CWORD": "3",
    }
    child = subprocess.run(
        [str(SCRIPT)], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.split() == ["12", "11", "10", "1"]
    assert child.stderr == ""


def test_store_id_choices_matches_the_typed_prefix(events, db_path: Path) -> None:
    from signals.store import open_store

    store = open_store(db_path)
    try:
        assert store.id_choices("1", include_retracted=True, limit=2) == [
            (12, "nuclear-threats", "Threat number 12"),
            (11, "nuclear-threats", "Threat number 11"),
        ]
        assert store.id_choices("2", include_retracted=False, limit=10) == []
        assert store.id_choices("2", include_retracted=True, limit=10) == [
            (2, "nuclear-threats", "Threat number 2")
        ]
        assert store.id_choices("1%", include_retracted=True, limit=10) == []
    finally:
        store.close()


@pytest.mark.skipif(
    not SCRIPT.exists() or shutil.which("bash") is None, reason="needs bash and the script"
)
def test_bash_itself_completes_with_the_installed_script(events, db_path: Path) -> None:
    """The script `signals --show-completion bash` prints, sourced in bash, fills
    COMPREPLY as pressing Tab would."""
    shown = subprocess.run(
        [str(SCRIPT), "--show-completion", "bash"],
        capture_output=True,
        text=True,
        env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
        timeout=60,
        check=True,
    ).stdout
    session = (
        f"{shown}\n"
        'COMP_WORDS=(signals events edit "1"); COMP_CWORD=3\n'
        "_signals_completion signals\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {
        **os.environ,
        "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ['PATH']}",
        "SIGNALS_DB": str(db_path),
    }
    child = subprocess.run(
        ["bash", "--norc", "-c", session],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.split() == ["12", "11", "10", "1"]


def test_open_alert_ids_newest_first_with_what_crossed(signals, db_path: Path) -> None:
    from tests.conftest import DEMO_CSV

    assert signals("import", str(DEMO_CSV)).exit_code == 0
    assert signals("check", "--as-of", "2024-06-01").exit_code == 10
    assert signals("alerts", "ack", "1", "--note", "Seen at the brief").exit_code == 0
    offered = completion.open_alert_ids(root_context(), "")
    assert [value for value, _ in offered] == ["4", "3", "2"]
    assert offered[-1][1] == "public-commitment: Stage 2 (Public commitment) is reached."
    assert (
        completion.open_alert_ids(root_context("--db", str(db_path.parent / "none.db")), "") == []
    )
