"""How an event is read, through the command line: variants, breaches and withdrawals,
shared observations and alternatives, in `log`, `events edit`, `import` and `export`,
and what the store hands the scorer of them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from signals.cli import prompts
from signals.store import open_store

READINGS = Path(__file__).parent / "data" / "readings-example.toml"


@pytest.fixture(autouse=True)
def on_readings(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every command reads the catalogue that declares readings."""
    monkeypatch.setenv("SIGNALS_CATALOGUE", str(READINGS))
    return READINGS


def log(signals, *args: str) -> dict:
    result = signals("log", *args, "--no-input", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def refused(signals, snapshot, code: int, *args: str) -> str:
    """The stderr of a command that must fail with `code` and change nothing."""
    before = snapshot()
    result = signals(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert snapshot() == before
    return result.stderr


@pytest.fixture
def truce(signals) -> dict:
    return log(signals, "ceasefire", "Ceasefire along the line", "--observed", "2024-03-01")


# -- variants -------------------------------------------------------------------------


def test_a_variant_is_logged_shown_and_listed(signals) -> None:
    event = log(
        signals, "ceasefire", "A truce for Easter", "--observed", "2024-03-01", "--variant", "SHORT"
    )
    assert event["variant"] == "short"
    shown = signals("events", "show", str(event["id"])).stdout
    assert "variant" in shown and "short — Short truce of days" in shown
    listed = signals("events", "list").stdout
    assert "variant" in listed and "short" in listed


def test_an_event_without_a_variant_reads_as_the_default(signals) -> None:
    event = log(signals, "routine-swap", "A swap of 100 for 100", "--observed", "2024-03-01")
    assert event["variant"] == ""
    assert "reciprocal (the default reading)" in signals("events", "show", "1").stdout
    assert "variant" not in signals("events", "list").stdout


@pytest.mark.parametrize(
    ("indicator", "variant", "reason"),
    [
        ("ceasefire", "long", "'long' is not a variant of 'ceasefire'; choose short, partial"),
        ("svr-cia-contact", "short", "indicator 'svr-cia-contact' declares no variants"),
    ],
)
def test_an_undeclared_variant_is_refused(
    signals, snapshot, truce, indicator: str, variant: str, reason: str
) -> None:
    stderr = refused(
        signals, snapshot, 1, "log", indicator, "Something", "--variant", variant, "--no-input"
    )
    assert reason in stderr


# -- breaches and withdrawals ---------------------------------------------------------


def test_a_breach_ends_an_earlier_truce(signals, truce) -> None:
    breach = log(
        signals, "ceasefire", "Shelling resumed", "--observed", "2024-03-03", "--breaks", "1"
    )
    assert (breach["variant"], breach["ends"]) == ("breach", truce["id"])
    shown = signals("events", "show", str(breach["id"])).stdout
    assert "breaks" in shown and "#1" in shown
    assert "breach of #1" in signals("events", "list").stdout


def test_a_withdrawal_ends_a_standing_position(signals) -> None:
    demand = log(signals, "talks-ultimatum", "Four regions first", "--observed", "2024-02-01")
    dropped = log(
        signals, "talks-ultimatum", "Demand dropped", "--observed", "2024-02-09", "--withdraws", "1"
    )
    assert (dropped["variant"], dropped["ends"]) == ("withdrawal", demand["id"])
    assert "withdraws" in signals("events", "show", "2").stdout


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (
            ("ceasefire", "Xyz happened", "--withdraws", "1"),
            "is broken rather than withdrawn: use --breaks",
        ),
        (("ceasefire", "Xyz happened", "--breaks", "1", "--withdraws", "1"), "not both"),
        (
            ("talks-ultimatum", "Xyz happened", "--breaks", "1"),
            "standing position, withdrawn rather than broken: use --withdraws",
        ),
    ],
)
def test_the_wrong_ending_flag_is_a_usage_error(
    signals, snapshot, truce, args: tuple[str, ...], reason: str
) -> None:
    assert reason in refused(signals, snapshot, 2, "log", *args, "--no-input")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("svr-cia-contact", "Met", "--breaks", "1"), "declares no breach or withdrawal"),
        (("ceasefire", "Broken", "--breaks", "1", "--variant", "short"), "give no variant"),
        (("ceasefire", "Broken", "--breaks", "9"), "There is no event #9 to end."),
        (("ceasefire", "Broken", "--breaks", "1", "--observed", "2024-02-01"), "after this one"),
        (("ceasefire", "Broken", "--breaks", "2"), "is filed under talks-ultimatum"),
    ],
)
def test_an_ending_that_cannot_be_is_refused(
    signals, snapshot, truce, args: tuple[str, ...], reason: str
) -> None:
    log(signals, "talks-ultimatum", "Four regions first", "--observed", "2024-02-01")
    assert reason in refused(signals, snapshot, 1, "log", *args, "--no-input")


def test_a_retracted_event_or_an_ending_cannot_be_ended(signals, snapshot, truce) -> None:
    log(signals, "ceasefire", "Shelling resumed", "--observed", "2024-03-03", "--breaks", "1")
    stderr = refused(
        signals, snapshot, 1, "log", "ceasefire", "Again", "--breaks", "2", "--no-input"
    )
    assert "Event #2 itself ends event #1" in stderr
    assert signals("events", "retract", "1", "--reason", "Misread").exit_code == 0
    stderr = refused(
        signals, snapshot, 1, "log", "ceasefire", "Again", "--breaks", "1", "--no-input"
    )
    assert "Event #1 is retracted" in stderr


def test_an_edit_sets_a_variant_or_an_ending_and_keeps_the_old_reading(signals, truce) -> None:
    log(signals, "ceasefire", "Guns fell silent", "--observed", "2024-03-02")
    edited = signals.json("events", "edit", "2", "--variant", "partial")
    assert edited["variant"] == "partial"
    ending = signals.json("events", "edit", "2", "--breaks", "1")
    assert (ending["variant"], ending["ends"]) == ("breach", 1)
    detail = signals.json("events", "show", "2")
    assert [r["fields"]["variant"] for r in detail["revisions"]] == ["", "partial"]
    # An ending's reading follows from what it ends: another edit keeps it.
    assert signals.json("events", "edit", "2", "--notes", "Checked")["variant"] == "breach"
    # An empty text clears a field.
    assert signals.json("events", "edit", "1", "--variant", "short")["variant"] == "short"
    assert signals.json("events", "edit", "1", "--variant", "")["variant"] == ""


# -- observations and alternatives ----------------------------------------------------


def test_observation_and_alternative(signals, snapshot) -> None:
    event = log(
        signals,
        "talks-ultimatum",
        "Speech demanding four regions",
        "--observed",
        "2024-02-01",
        "--observation",
        "speech-2024-02-01",
        "--alternative",
        "nuclear-threat",
    )
    assert (event["observation"], event["alternative"]) == ("speech-2024-02-01", "nuclear-threat")
    shown = signals("events", "show", "1").stdout
    assert "speech-2024-02-01" in shown and "nuclear-threat" in shown
    stderr = refused(
        signals,
        snapshot,
        1,
        "log",
        "talks-ultimatum",
        "X",
        "--alternative",
        "talks-ultimatum",
        "--no-input",
    )
    assert "names the event's own indicator" in stderr
    stderr = refused(
        signals,
        snapshot,
        1,
        "log",
        "talks-ultimatum",
        "X",
        "--alternative",
        "nuclear-threats",
        "--no-input",
    )
    assert "did you mean nuclear-threat" in stderr


# -- what the scorer reads ------------------------------------------------------------


def test_the_store_hands_the_scorer_readings_links_and_endings(signals, db_path, truce) -> None:
    log(signals, "ceasefire", "Short truce", "--observed", "2024-03-02", "--variant", "short")
    log(signals, "ceasefire", "Shelling resumed", "--observed", "2024-03-05", "--breaks", "1")
    log(
        signals,
        "talks-ultimatum",
        "Speech",
        "--observed",
        "2024-03-02",
        "--observation",
        "s1",
        "--alternative",
        "nuclear-threat",
    )
    log(signals, "nuclear-threat", "Same speech", "--observed", "2024-03-02", "--observation", "s1")
    log(
        signals, "nuclear-threat", "Later speech", "--observed", "2024-04-02", "--observation", "s2"
    )
    store = open_store(db_path)
    try:
        day = dt.date(2024, 3, 31)
        classes = {(c.indicator, c.variant): c.events for c in store.evidence_classes([day])[day]}
        assert classes == {
            ("ceasefire", ""): 1,
            ("ceasefire", "short"): 1,
            ("ceasefire", "breach"): 1,
            ("talks-ultimatum", ""): 1,
            ("nuclear-threat", ""): 1,
        }
        assert {(e.event_id, e.variant) for e in store.evidence(day)} >= {
            (2, "short"),
            (3, "breach"),
        }
        linked = store.linked(day)
        assert [(item.event_id, item.observation, item.alternative) for item in linked] == [
            (4, "s1", "nuclear-threat"),
            (5, "s1", None),
        ]
        assert store.endings(day) == {3: 1}
        assert store.endings(dt.date(2024, 3, 4)) == {}
        assert store.drifted_totals() == 0
    finally:
        store.close()
    # An edit moves an event between classes; a retraction takes an ending away.
    assert signals("events", "edit", "2", "--variant", "partial").exit_code == 0
    assert signals("events", "retract", "3", "--reason", "Misread").exit_code == 0
    store = open_store(db_path)
    try:
        day = dt.date(2024, 3, 31)
        variants = {
            c.variant for c in store.evidence_classes([day])[day] if c.indicator == "ceasefire"
        }
        assert variants == {"", "partial"}
        assert store.endings(day) == {}
        assert store.drifted_totals() == 0
        # As it was known before the edit: the revision's variant.
        history = [e for e in store.evidence(day, history=True) if e.event_id == 2]
        assert sorted(e.variant for e in history) == ["partial", "short"]
    finally:
        store.close()


def test_the_store_says_when_a_linked_event_was_ended(signals, db_path) -> None:
    """A reading of a shared observation carries the day its first breach was observed, so
    the scorer can read the broken act as what the breach reverses; a retracted breach
    ends nothing."""
    log(signals, "ceasefire", "Truce agreed", "--observed", "2024-03-01", "--observation", "a1")
    log(signals, "nuclear-threat", "Same text", "--observed", "2024-03-01", "--observation", "a1")
    log(signals, "ceasefire", "Shelled", "--observed", "2024-03-09", "--breaks", "1")
    log(signals, "ceasefire", "Shelled again", "--observed", "2024-03-05", "--breaks", "1")

    def ended(day: dt.date) -> dict[int, dt.date | None]:
        store = open_store(db_path)
        try:
            return {item.event_id: item.ended_on for item in store.linked(day)}
        finally:
            store.close()

    assert ended(dt.date(2024, 3, 31)) == {1: dt.date(2024, 3, 5), 2: None}
    assert signals("events", "retract", "4", "--reason", "Misdated").exit_code == 0
    assert ended(dt.date(2024, 3, 31)) == {1: dt.date(2024, 3, 9), 2: None}
    assert signals("events", "retract", "3", "--reason", "Misread").exit_code == 0
    assert ended(dt.date(2024, 3, 31)) == {1: None, 2: None}


# -- import and export ----------------------------------------------------------------


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = list(dict.fromkeys(name for row in rows for name in row))
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


ROWS = [
    {
        "external_id": "t1",
        "indicator": "ceasefire",
        "summary": "Truce announced",
        "observed_at": "2024-03-01",
        "variant": "short",
    },
    {
        "external_id": "d1",
        "indicator": "talks-ultimatum",
        "summary": "Four regions first",
        "observed_at": "2024-03-01",
        "observation": "speech-1",
        "alternative": "nuclear-threat",
    },
    {
        "external_id": "",
        "indicator": "routine-swap",
        "summary": "Ordinary swap",
        "observed_at": "2024-03-02",
    },
    {
        "external_id": "b1",
        "indicator": "ceasefire",
        "summary": "Truce broken",
        "observed_at": "2024-03-04",
        "breaks": "t1",
    },
    {
        "external_id": "w1",
        "indicator": "talks-ultimatum",
        "summary": "Demand dropped",
        "observed_at": "2024-03-05",
        "withdraws": "d1",
    },
]


@pytest.mark.parametrize("parallel", ["one process", "two processes"])
def test_import_reads_readings_and_resolves_endings_in_the_file(
    signals, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: str
) -> None:
    import signals.importer as importer

    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0 if parallel == "two processes" else 10**9)
    result = signals("import", str(write_csv(tmp_path / "readings.csv", ROWS)))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == "inserted 5, duplicates 0, rejected 0"
    events = {e["external_id"]: e for e in signals.json("events", "list")}
    assert events["t1"]["variant"] == "short"
    assert (events["d1"]["observation"], events["d1"]["alternative"]) == (
        "speech-1",
        "nuclear-threat",
    )
    assert (events["b1"]["variant"], events["b1"]["ends"]) == ("breach", events["t1"]["id"])
    assert (events["w1"]["variant"], events["w1"]["ends"]) == ("withdrawal", events["d1"]["id"])
    assert events[None]["variant"] == ""


def test_an_ending_may_name_an_event_on_record_by_id(signals, tmp_path: Path, truce) -> None:
    rows = [
        {"indicator": "ceasefire", "summary": "Broken", "observed_at": "2024-03-02", "breaks": "1"}
    ]
    assert signals("import", str(write_csv(tmp_path / "b.csv", rows))).exit_code == 0
    assert signals.json("events", "show", "2")["ends"] == 1


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ({"breaks": "t1", "withdraws": "t1"}, "withdraws", "is given with breaks"),
        ({"breaks": "nowhere"}, "breaks", "names no event on record or earlier in the file"),
        ({"withdraws": "t1"}, "withdraws", "broken rather than withdrawn: use breaks"),
        ({"breaks": "t1", "observed_at": "2024-02-01"}, "breaks", "after this one"),
        ({"variant": "long"}, "variant", "'long' is not a variant of 'ceasefire'"),
    ],
)
def test_an_invalid_reading_is_an_invalid_row(
    signals, snapshot, tmp_path: Path, row: dict[str, str], column: str, reason: str
) -> None:
    bad = {
        "external_id": "x",
        "indicator": "ceasefire",
        "summary": "Bad row",
        "observed_at": "2024-03-04",
        **row,
    }
    path = write_csv(tmp_path / "bad.csv", [ROWS[0], bad])
    assert signals("init").exit_code == 0
    before = snapshot()
    result = signals("import", str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert snapshot() == before
    rejects = tmp_path / "rejects.csv"
    result = signals("import", str(path), "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 0, result.stderr
    assert "inserted 1" in result.stderr
    [rejected] = list(csv.DictReader(io.StringIO(rejects.read_text(encoding="utf-8"))))
    assert column in rejected["reason"] and reason in rejected["reason"]


def test_an_export_reimports_to_the_same_readings(signals, tmp_path: Path) -> None:
    assert signals("import", str(write_csv(tmp_path / "in.csv", ROWS))).exit_code == 0
    log(signals, "ceasefire", "Logged truce", "--observed", "2024-03-06")
    log(signals, "ceasefire", "Logged breach", "--observed", "2024-03-07", "--breaks", "6")
    exported = tmp_path / "out.csv"
    assert signals("export", "-o", str(exported)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))
    by_summary = {row["summary"]: row for row in rows}
    assert by_summary["Truce broken"]["breaks"] == "t1"
    assert by_summary["Demand dropped"]["withdraws"] == "d1"
    assert by_summary["Logged breach"]["breaks"] == "6"
    assert by_summary["Truce broken"]["variant"] == "breach"
    other = tmp_path / "other.db"
    result = signals("--db", str(other), "import", str(exported))
    assert result.exit_code == 0, result.stderr

    def content(events: list[dict]) -> list[tuple]:
        return [
            (e["summary"], e["variant"], e["ends"], e["observation"], e["alternative"])
            for e in events
        ]

    assert content(signals.json("--db", str(other), "events", "list")) == content(
        signals.json("events", "list")
    )
    assert signals("import", str(exported)).stderr == "inserted 0, duplicates 7, rejected 0\n"


# -- the interactive log and indicators show ------------------------------------------


def test_interactive_log_offers_the_variants_and_what_counts(
    signals, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prompts, "stdin_is_interactive", lambda: True)
    answers = "ceasefire\npartial\nA partial truce\n2024-03-01\n\n\n\n\n"
    result = signals("log", "--json", input=answers)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["variant"] == "partial"
    assert "short    Short truce of days" in result.stderr
    assert "evidence: An official announcement of a ceasefire" in result.stderr
    assert "not this if: A local pause arranged by commanders" in result.stderr
    answers = "routine-swap\n\nA swap\n2024-03-01\n\n\n\n\n"
    result = signals("log", "--json", input=answers)
    assert result.exit_code == 0, result.stderr
    assert "Variant [reciprocal]" in result.stderr
    assert "reciprocal  Routine reciprocal exchange (default)" in result.stderr
    assert json.loads(result.stdout)["variant"] == ""


def test_indicators_show(signals) -> None:
    result = signals("indicators", "show", "ceasefire")
    assert result.exit_code == 0, result.stderr
    for text in (
        "Ceasefire announced",
        "not this if",
        "P(evidence | hypothesis)",
        "breach",
        "short",
        "Partial truce",
        "half-life",
        "imitable",
    ):
        assert text in result.stdout, text
    document = signals.json("indicators", "show", "talks-ultimatum")
    assert document["standing"] is True
    assert document["ending"] == "withdrawal"
    assert document["withdrawal_likelihoods"]["genuine"] == 0.6
    assert signals.json("indicators", "show", "routine-swap")["default_reading"] == "reciprocal"
    unknown = signals("indicators", "show", "cease-fire")
    assert unknown.exit_code == 1
    assert "Did you mean ceasefire" in unknown.stderr


def test_indicators_alone_still_lists(signals) -> None:
    listed = signals.json("indicators", "--kind", "intent")
    assert {i["id"] for i in listed} == {
        "ceasefire",
        "routine-swap",
        "svr-cia-contact",
        "observers-admitted",
    }
    assert "ceasefire" in signals("indicators").stdout
