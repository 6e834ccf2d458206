"""The shipped ACLED mapping, on a small synthetic export imported through the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from signals.mapping import load_mapping, shipped_mappings_dir

ACLED = shipped_mappings_dir() / "acled.toml"
HEADER = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
RUSSIA = "Military Forces of Russia (2000-)"
KREMLIN = "Government of Russia (2000-)"
UKRAINE = "Military Forces of Ukraine (2019-)"
STRATEGIC = ("Strategic developments", "Agreement")


def acled_row(
    event_id: str,
    kind: tuple[str, str],
    actor1: str,
    actor2: str,
    notes: str,
    *,
    date: str = "2024-03-01",
    source: str = "Ukrainska Pravda",
) -> dict[str, str]:
    cells = dict.fromkeys(HEADER, "")
    cells.update(
        event_id_cnty=event_id,
        event_date=date,
        year=date[-4:] if " " in date else date[:4],
        time_precision="1",
        disorder_type="Political violence",
        event_type=kind[0],
        sub_event_type=kind[1],
        actor1=actor1,
        actor2=actor2,
        iso="804",
        region="Europe",
        country="Ukraine",
        admin1="Donetsk",
        admin2="Bakhmutskyi",
        location="Bakhmut",
        latitude="48.5956",
        longitude="38.0003",
        geo_precision="1",
        source=source,
        source_scale="National",
        notes=notes,
        fatalities="0",
        timestamp="1709900000",
    )
    return cells


ROWS = [
    (
        acled_row(
            "UKR1",
            STRATEGIC,
            RUSSIA,
            UKRAINE,
            "On 1 March 2024, Russia and Ukraine exchanged 100 prisoners of war each.",
            source="Ukrainska Pravda; TASS",
        ),
        "release-detainees",
    ),
    (
        acled_row("UKR2", STRATEGIC, RUSSIA, UKRAINE, "Russia returned the bodies of 50 soldiers."),
        None,
    ),
    (
        acled_row(
            "UKR3",
            STRATEGIC,
            KREMLIN,
            "Government of Ukraine (2019-)",
            "Both sides agreed to a local ceasefire to evacuate civilians.",
            date="15 March 2024",
        ),
        "ceasefire-unilateral",
    ),
    (
        acled_row(
            "UKR4",
            STRATEGIC,
            "Government of Turkey (2014-)",
            KREMLIN,
            "The Black Sea grain initiative was extended for 60 days.",
        ),
        "backchannel-diplomatic",
    ),
    (
        acled_row(
            "UKR5",
            ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
            RUSSIA,
            UKRAINE,
            "Russian forces shelled positions despite the Easter truce.",
        ),
        "ceasefire-unilateral",
    ),
    (
        acled_row(
            "UKR6",
            ("Strategic developments", "Change to group/activity"),
            RUSSIA,
            "",
            "Russia announced a partial MOBILISATION of reservists.",
        ),
        "pause-to-rearm",
    ),
    (
        acled_row(
            "UKR7",
            ("Strategic developments", "Other"),
            RUSSIA,
            "",
            "Russian forces held tactical nuclear weapons drills in Belarus.",
        ),
        "nuclear-threats",
    ),
    (
        acled_row(
            "UKR8",
            ("Strategic developments", "Other"),
            RUSSIA,
            "",
            "Staff at the Zaporizhzhia nuclear power plant were rotated.",
        ),
        None,
    ),
    (
        acled_row(
            "UKR9",
            STRATEGIC,
            UKRAINE,
            "Government of Poland (2015-)",
            "Ukraine and Poland agreed to ease border crossings.",
        ),
        None,
    ),
    (
        acled_row(
            "UKR10",
            ("Battles", "Armed clash"),
            RUSSIA,
            UKRAINE,
            "Russian forces attacked Ukrainian positions near Bakhmut.",
        ),
        None,
    ),
]


def write_acled(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write_acled(tmp_path / "acled.csv", [row for row, _ in ROWS])


def run(signals: Any, path: Path, *options: str) -> dict[str, Any]:
    result = signals("import", str(path), "--map", "acled", "--json", *options)
    assert result.exit_code == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def events(signals: Any) -> dict[str, dict[str, Any]]:
    result = signals("export", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {event["external_id"]: event for event in json.loads(result.stdout)}


@pytest.mark.parametrize(("row", "indicator"), ROWS, ids=[row["event_id_cnty"] for row, _ in ROWS])
def test_each_rule_maps_its_events(row: dict[str, str], indicator: str | None) -> None:
    fields = load_mapping(ACLED).apply(row)
    assert (fields or {}).get("indicator") == indicator


def test_the_export_imports_the_tracked_events(signals: Any, export: Path) -> None:
    report = run(signals, export)
    tracked = {f"acled:{row['event_id_cnty']}": ind for row, ind in ROWS if ind}
    assert report["rows"] == len(ROWS)
    assert report["inserted"] == len(tracked) == 6
    assert report["not_tracked"] == len(ROWS) - len(tracked) == 4
    assert report["rejected"] == 0
    stored = events(signals)
    assert {key: event["indicator"] for key, event in stored.items()} == tracked

    exchange = stored["acled:UKR1"]
    assert exchange["summary"] == (
        "On 1 March 2024, Russia and Ukraine exchanged 100 prisoners of war each."
    )
    assert exchange["observed_at"] == "2024-03-01"
    assert exchange["source"] == "ACLED: Ukrainska Pravda; TASS"
    assert exchange["url"] is None
    assert exchange["location"] == "Bakhmut, Ukraine"
    assert (exchange["reliability"], exchange["credibility"]) == ("C", "2")
    assert exchange["tags"] == ["acled", "acled-agreement"]
    assert "date precision exact day" in exchange["notes"]
    assert "rule agreement-prisoners" in exchange["notes"]

    ceasefire = stored["acled:UKR3"]
    assert ceasefire["observed_at"] == "2024-03-15"  # "15 March 2024"
    assert ceasefire["credibility"] == "3"  # one source
    assert stored["acled:UKR5"]["status"] == "refuted"
    assert stored["acled:UKR6"]["tags"] == ["acled", "acled-change-to-group-activity"]


def test_reimporting_adds_nothing(signals: Any, export: Path) -> None:
    run(signals, export)
    again = run(signals, export)
    assert (again["inserted"], again["duplicates"], again["not_tracked"]) == (0, 6, 4)


def test_a_bad_event_date_is_rejected_naming_the_formats(signals: Any, tmp_path: Path) -> None:
    row, _ = ROWS[0]
    path = write_acled(tmp_path / "bad.csv", [{**row, "event_date": "1st of March"}])
    result = signals("import", str(path), "--map", "acled")
    assert result.exit_code == 1
    assert "event_date '1st of March' is not a date in the format %Y-%m-%d" in result.stderr


def test_a_mapped_row_the_model_refuses_shows_the_value_it_refused(
    signals: Any, tmp_path: Path
) -> None:
    """A mapped row's problem names an event field, not a column of the file: the error
    table shows the field's value as mapped."""
    row, _ = ROWS[0]
    path = write_acled(tmp_path / "future.csv", [{**row, "event_date": "2999-03-01"}])
    result = signals("import", str(path), "--map", "acled", "--json")
    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    assert (error["column"], error["value"]) == ("observed_at", "2999-03-01")


def test_an_export_missing_columns_is_refused(signals: Any, tmp_path: Path) -> None:
    path = tmp_path / "partial.csv"
    path.write_text("event_id_cnty,event_date,notes\nUKR1,2024-03-01,x\n", encoding="utf-8")
    result = signals("import", str(path), "--map", "acled")
    assert result.exit_code == 1
    assert "The file lacks columns actor1, actor2" in result.stderr
    assert "ACLED mapping (acled.toml)" in result.stderr
