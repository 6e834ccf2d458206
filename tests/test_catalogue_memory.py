"""A database remembers which catalogues its events were logged against, and says so when a
command runs with another one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from signals.paths import data_dir, default_catalogue_path
from tests.conftest import EDITION1_CATALOGUE

OTHER = data_dir() / "catalogues" / "offensive-preparation.toml"
# The default catalogue's version as shipped, and the next one.
SHIPPED = int(
    re.search(r"^version = (\d+)$", default_catalogue_path().read_text(encoding="utf-8"), re.M)[1]  # type: ignore[index]
)
NEXT = SHIPPED + 1
MISMATCH = (
    f"Warning: This database's events were logged against catalogue 'kremlin-peace-signals' v{SHIPPED};"
    " you are using 'offensive-preparation' v1 (--catalogue / SIGNALS_CATALOGUE).\n"
)
NEWER = (
    f"Note: This database's events were last logged against v{SHIPPED} of catalogue"
    f" 'kremlin-peace-signals'; you are using v{NEXT}.\n"
)


@pytest.fixture
def next_version(tmp_path: Path) -> Path:
    """The default catalogue, as its next version would ship."""
    text = default_catalogue_path().read_text(encoding="utf-8")
    assert f"\nversion = {SHIPPED}\n" in text
    path = tmp_path / f"kremlin-peace-signals-v{NEXT}.toml"
    path.write_text(
        text.replace(f"\nversion = {SHIPPED}\n", f"\nversion = {NEXT}\n", 1), encoding="utf-8"
    )
    return path


@pytest.fixture
def logged(signals) -> None:
    result = signals(
        "log", "nuclear-threats", "Medvedev threatens a strike", "--observed", "2024-03-01"
    )
    assert result.exit_code == 0, result.stderr


def used(signals) -> list[tuple[str, int]]:
    """The catalogues `db check` reports, most recently used first (it finds problems, and
    exits 1, when events point at indicators the catalogue in use does not have)."""
    checked = json.loads(signals("db", "check", "--json").stdout)
    return [(entry["id"], entry["version"]) for entry in checked["catalogues"]]


def test_another_catalogue_is_warned_of_without_touching_the_data(signals, logged) -> None:
    result = signals("--catalogue", str(OTHER), "status", "--json", "--as-of", "2024-03-02")
    assert result.exit_code == 0
    assert result.stderr == MISMATCH
    document = json.loads(result.stdout)
    assert document["as_of"] == "2024-03-02"
    assert {indicator["id"] for indicator in document["indicators"]} >= {"force-concentration"}


def test_a_stray_event_under_another_catalogue_is_named_as_such(signals, logged) -> None:
    """The warning follows which catalogues the events were logged against, not only the
    last one: back on the usual catalogue after one stray event, the stray is named."""
    stray = signals("--catalogue", str(OTHER), "log", "forces-to-attack-positions", "Camps emptied")
    assert stray.exit_code == 0
    assert stray.stderr.startswith(MISMATCH)
    back = signals("status", "--json", "--as-of", "2024-03-02")
    assert back.exit_code == 0
    assert back.stderr == (
        "Warning: This database also has events logged against 'offensive-preparation' v1;"
        " 'kremlin-peace-signals' scores only the events of its own indicators.\n"
    )


def test_the_same_catalogue_is_not_warned_of(signals, logged) -> None:
    result = signals("status", "--json")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_an_empty_database_warns_of_nothing(signals) -> None:
    assert signals("init").exit_code == 0
    result = signals("--catalogue", str(OTHER), "status", "--json")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_another_version_gets_a_note(signals, logged, next_version) -> None:
    result = signals("--catalogue", str(next_version), "status", "--json")
    assert result.exit_code == 0
    assert result.stderr == NEWER
    json.loads(result.stdout)


def test_quiet_silences_the_note_but_not_the_warning(signals, logged, next_version) -> None:
    """-q leaves only data and errors; a warning that the catalogue does not match the
    database is about whether that data can be trusted, so it is shown like an error. The
    note on another version of the same catalogue is only information, and -q drops it."""
    result = signals("-q", "--catalogue", str(OTHER), "status", "--json")
    assert result.exit_code == 0
    assert result.stderr == MISMATCH
    result = signals("-q", "--catalogue", str(next_version), "status", "--json")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_commands_that_read_no_catalogue_warn_of_nothing(signals, logged) -> None:
    result = signals("--catalogue", str(OTHER), "events", "list", "--json")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_log_edit_and_import_record_the_catalogue(signals, tmp_path, logged, next_version) -> None:
    assert used(signals) == [("kremlin-peace-signals", SHIPPED)]

    edited = signals(
        "--catalogue", str(next_version), "events", "edit", "1", "--status", "confirmed"
    )
    assert edited.exit_code == 0, edited.stderr
    assert edited.stderr == NEWER + "Event #1 is now at revision 2.\n"
    assert used(signals) == [("kremlin-peace-signals", NEXT), ("kremlin-peace-signals", SHIPPED)]
    # Once events are logged against version 3, it is the one the database expects.
    assert signals("--catalogue", str(next_version), "status").stderr == ""

    csv_file = tmp_path / "build-up.csv"
    csv_file.write_text(
        "indicator,summary,observed_at\n"
        "force-concentration,Battalion groups massing near the border,2024-03-02\n",
        encoding="utf-8",
    )
    imported = signals("--catalogue", str(OTHER), "import", str(csv_file))
    assert imported.exit_code == 0, imported.stderr
    assert used(signals)[0] == ("offensive-preparation", 1)
    assert len(used(signals)) == 3
    result = signals("--catalogue", str(next_version), "status", "--json")
    assert result.stderr == (
        "Warning: This database also has events logged against 'offensive-preparation' v1;"
        " 'kremlin-peace-signals' scores only the events of its own indicators.\n"
    )


def test_writes_that_do_not_happen_record_nothing(signals, tmp_path, logged) -> None:
    valid = "force-concentration,Battalion groups massing near the border,2024-03-02\n"
    csv_file = tmp_path / "build-up.csv"
    csv_file.write_text("indicator,summary,observed_at\n" + valid, encoding="utf-8")
    rehearsed = signals("--catalogue", str(OTHER), "import", "--dry-run", str(csv_file))
    assert rehearsed.exit_code == 0, rehearsed.stderr
    csv_file.write_text(
        "indicator,summary,observed_at\n" + valid + "force-concentration,Tanks,not a date\n",
        encoding="utf-8",
    )
    refused = signals("--catalogue", str(OTHER), "import", str(csv_file))
    assert refused.exit_code == 1

    assert used(signals) == [("kremlin-peace-signals", SHIPPED)]


def test_db_check_says_which_catalogues_events_were_logged_against(signals, logged) -> None:
    result = signals("db", "check")
    assert result.exit_code == 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("logged against:")]
    assert len(lines) == 1
    assert lines[0].startswith(f"logged against: catalogue 'kremlin-peace-signals' v{SHIPPED} (")


def test_a_database_of_the_first_edition_gets_a_note_under_the_second(signals) -> None:
    """Events logged against the default catalogue's first edition are read by the second
    (the ids are the same); the note says the scores now come from another version."""
    first = signals(
        "--catalogue", str(EDITION1_CATALOGUE), "log", "nuclear-threats", "A threat",
        "--observed", "2024-03-01",
    )  # fmt: skip
    assert first.exit_code == 0, first.stderr
    result = signals("status", "--json", "--as-of", "2024-03-02")
    assert result.exit_code == 0
    assert result.stderr == (
        "Note: This database's events were last logged against v1 of catalogue"
        f" 'kremlin-peace-signals'; you are using v{SHIPPED}.\n"
    )
    document = json.loads(result.stdout)
    assert {i["id"]: i["events"] for i in document["indicators"]}["nuclear-threats"] == 1
