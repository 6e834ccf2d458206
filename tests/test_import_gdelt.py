"""The shipped GDELT 2.0 mapping: its rules, and importing real GDELT rows through the CLI.

Tests that read the shared real rows (`../shared/data/gdelt/`) skip when they are absent.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from signals.mapping import load_mapping, shipped_mappings_dir

SAMPLE = Path(__file__).parents[2] / "shared" / "data" / "gdelt" / "gdelt-events-sample.csv"
GDELT = shipped_mappings_dir() / "gdelt.toml"
MAPPING = load_mapping(GDELT)
assert MAPPING.columns is not None
COLUMNS: tuple[str, ...] = MAPPING.columns
NAMES = {"RUS": "RUSSIA", "USA": "UNITED STATES", "UKR": "UKRAINE", "SYR": "SYRIA"}


@pytest.fixture
def sample() -> Path:
    if not SAMPLE.is_file():
        pytest.skip("needs the shared GDELT rows in ../shared/data/gdelt/")
    return SAMPLE


def sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# The documented rules (docs/mappings.md), restated independently of the TOML.
US_UKR = {"USA", "UKR"}
CONTACTS = {"040", "041", "042", "043", "044"}


def expected_indicator(row: dict[str, str]) -> str | None:
    code, one, two = row["EventCode"], row["Actor1CountryCode"], row["Actor2CountryCode"]
    pair = (one == "RUS" and two in US_UKR) or (one in US_UKR and two == "RUS")
    towards = one == "RUS" and two in US_UKR
    at_war = one == "RUS" and two in {"UKR", "USA", ""}
    spy = "SPY" in {row[f"Actor{n}Type{k}Code"] for n in (1, 2) for k in (1, 2, 3)}
    if code in CONTACTS | {"046"} and pair and spy:
        return "backchannel-intelligence"
    if code == "046" and pair:
        return "backchannel-diplomatic"
    if code in CONTACTS and pair:
        return "backchannel-informal"
    rules = {
        "036": ("rhetoric-without-action", towards),
        "037": ("declaration-intent", towards),
        "0356": ("declaration-intent", at_war),
        "0353": ("release-detainees", at_war),
        "0841": ("release-detainees", at_war),
        "0871": ("ceasefire-unilateral", at_war),
        "0861": ("ceasefire-verification", at_war),
        "0862": ("ceasefire-verification", at_war),
        "196": ("ceasefire-unilateral", at_war),
        "139": ("demand-kyiv-initiate", towards),
        "154": ("pause-to-rearm", one == "RUS" and two in {"UKR", "USA", "RUS", ""}),
        "1385": ("nuclear-threats", one == "RUS"),
    }
    indicator, holds = rules.get(code, (None, False))
    return indicator if holds else None


def gdelt_row(event_id: str, code: str, one: str, two: str, **extra: str) -> dict[str, str]:
    cells = dict.fromkeys(COLUMNS, "")
    cells.update(
        GLOBALEVENTID=event_id,
        SQLDATE="20240301",
        Actor1Code=one,
        Actor1Name=NAMES.get(one, ""),
        Actor1CountryCode=one,
        Actor2Code=two,
        Actor2Name=NAMES.get(two, ""),
        Actor2CountryCode=two,
        EventCode=code,
        EventBaseCode=code[:3],
        EventRootCode=code[:2],
        NumSources="1",
        NumArticles="1",
        NumMentions="1",
        ActionGeo_FullName="Kyiv, Kyyiv, Misto, Ukraine",
        DATEADDED="20240301120000",
        SOURCEURL=f"https://news.example.org/{event_id}",
    )
    cells.update(extra)
    return cells


def write_raw(path: Path, rows: list[dict[str, str]]) -> Path:
    """A raw GDELT export: tab-separated, no header, no quoting, 61 columns."""
    with path.open("w", encoding="utf-8", newline="") as out:
        for row in rows:
            out.write("\t".join(row[name] for name in COLUMNS) + "\n")
    return path


def exported(signals: Any, *options: str) -> list[dict[str, Any]]:
    result = signals(*options, "export", "--format", "json")
    assert result.exit_code == 0, result.stderr
    events: list[dict[str, Any]] = json.loads(result.stdout)
    return events


def imported(signals: Any, path: Path, *options: str) -> dict[str, Any]:
    result = signals(*options, "import", str(path), "--map", str(GDELT), "--json")
    assert result.exit_code == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


# ---------------------------------------------------------------------------
# The rules, row by row
# ---------------------------------------------------------------------------

CASES = [
    ("1", "040", "RUS", "USA", {}, "backchannel-informal"),
    ("2", "041", "UKR", "RUS", {}, "backchannel-informal"),
    ("3", "044", "RUS", "UKR", {}, "backchannel-informal"),
    ("4", "046", "RUS", "USA", {}, "backchannel-diplomatic"),
    ("5", "042", "RUS", "USA", {"Actor1Type1Code": "SPY"}, "backchannel-intelligence"),
    ("6", "046", "USA", "RUS", {"Actor2Type2Code": "SPY"}, "backchannel-intelligence"),
    ("7", "045", "RUS", "USA", {}, None),
    ("8", "040", "RUS", "SYR", {}, None),
    ("9", "040", "RUS", "RUS", {}, None),
    ("10", "036", "RUS", "UKR", {}, "rhetoric-without-action"),
    ("11", "036", "UKR", "RUS", {}, None),
    ("12", "037", "RUS", "USA", {}, "declaration-intent"),
    ("13", "0356", "RUS", "", {}, "declaration-intent"),
    ("14", "0353", "RUS", "UKR", {}, "release-detainees"),
    ("15", "0841", "RUS", "UKR", {}, "release-detainees"),
    ("16", "0841", "RUS", "RUS", {}, None),
    ("17", "0871", "RUS", "", {}, "ceasefire-unilateral"),
    ("18", "0871", "RUS", "SYR", {}, None),
    ("19", "0871", "USA", "RUS", {}, None),
    ("20", "0862", "RUS", "", {}, "ceasefire-verification"),
    ("21", "0861", "RUS", "UKR", {}, "ceasefire-verification"),
    ("22", "196", "RUS", "UKR", {}, "ceasefire-unilateral"),
    ("23", "139", "RUS", "UKR", {}, "demand-kyiv-initiate"),
    ("24", "154", "RUS", "RUS", {}, "pause-to-rearm"),
    ("25", "154", "RUS", "GEO", {}, None),
    ("26", "1385", "RUS", "GBR", {}, "nuclear-threats"),
    ("27", "1384", "RUS", "UKR", {}, None),
    ("28", "138", "RUS", "UKR", {}, None),
    ("29", "40", "RUS", "USA", {}, None),  # a code read as a number is not "040"
    ("30", "0400", "RUS", "USA", {}, None),
    ("31", "010", "RUS", "UKR", {}, None),
]


@pytest.mark.parametrize(("event_id", "code", "one", "two", "extra", "indicator"), CASES)
def test_each_documented_code_maps_to_its_indicator(
    event_id: str, code: str, one: str, two: str, extra: dict[str, str], indicator: str | None
) -> None:
    row = gdelt_row(event_id, code, one, two, **extra)
    fields = MAPPING.apply(row)
    assert (fields or {}).get("indicator") == indicator
    assert expected_indicator(row) == indicator  # the restatement agrees with the docs


def test_a_mapped_row_becomes_a_graded_machine_coded_event() -> None:
    fields = MAPPING.apply(gdelt_row("1042", "0871", "RUS", "UKR", NumSources="12"))
    assert fields is not None
    assert fields["summary"] == "Russia → Ukraine: Declare truce, ceasefire (CAMEO 0871)"
    assert fields["observed_at"].isoformat() == "2024-03-01"
    assert fields["external_id"] == "gdelt:1042"
    assert fields["url"] == "https://news.example.org/1042"
    assert fields["source"] == "news.example.org"
    assert (fields["reliability"], fields["credibility"], fields["status"]) == (
        "F",
        "2",
        "reported",
    )
    assert fields["tags"] == ["gdelt", "cameo-0871"]
    assert "declare-truce" in fields["notes"]


@pytest.mark.parametrize(
    ("sources", "credibility"), [("1", "6"), ("2", "6"), ("3", "3"), ("9", "3"), ("10", "2")]
)
def test_credibility_follows_the_number_of_sources(sources: str, credibility: str) -> None:
    fields = MAPPING.apply(gdelt_row("1", "040", "RUS", "USA", NumSources=sources))
    assert fields is not None
    assert fields["credibility"] == credibility


def test_a_non_web_source_url_is_kept_as_the_source() -> None:
    fields = MAPPING.apply(gdelt_row("1", "040", "RUS", "USA", SOURCEURL="BBC Monitoring"))
    assert fields is not None
    assert "url" not in fields
    assert fields["source"] == "BBC Monitoring"


def test_the_description_column_is_a_fallback_for_codes_outside_the_table() -> None:
    row = gdelt_row("1", "040", "RUS", "USA", CAMEOCodeDescription=" Something else ")
    fields = MAPPING.apply(row)
    assert fields is not None
    assert fields["summary"] == "Russia → United States: Consult, not specified below (CAMEO 040)"


def test_every_rule_through_the_cli(signals: Any, tmp_path: Path) -> None:
    rows = [gdelt_row(e, code, one, two, **extra) for e, code, one, two, extra, _ in CASES]
    report = imported(signals, write_raw(tmp_path / "cases.export.CSV", rows))
    expected = {f"gdelt:{e}": indicator for e, *_, indicator in CASES if indicator}
    assert report["rows"] == len(CASES)
    assert report["inserted"] == len(expected)
    assert report["not_tracked"] == len(CASES) - len(expected)
    events = exported(signals)
    assert {e["external_id"]: e["indicator"] for e in events} == expected
    statuses = {e["external_id"]: e["status"] for e in events}
    assert statuses["gdelt:22"] == "refuted"
    assert {s for k, s in statuses.items() if k != "gdelt:22"} == {"reported"}


def test_a_tracked_row_with_a_bad_date_is_rejected_with_the_reason(
    signals: Any, tmp_path: Path
) -> None:
    rows = [
        gdelt_row("1", "040", "RUS", "USA", SQLDATE="20241399"),
        gdelt_row("2", "040", "RUS", "USA"),
        gdelt_row("3", "010", "RUS", "USA", SQLDATE="garbage"),  # not tracked: not checked
        gdelt_row("4", "040", "RUS", "USA", SQLDATE="29990101"),
    ]
    path = write_raw(tmp_path / "dates.export.CSV", rows)
    assert signals("init").exit_code == 0
    result = signals("import", str(path), "--map", str(GDELT))
    assert result.exit_code == 1
    assert "SQLDATE '20241399' is not a date in the format %Y%m%d" in result.stderr
    assert "is in the future" in result.stderr
    assert exported(signals) == []
    rejects = tmp_path / "rejects.csv"
    result = signals(
        "import", str(path), "--map", str(GDELT), "--skip-invalid", "--rejects", str(rejects)
    )
    assert result.exit_code == 0, result.stderr
    assert "inserted 1, duplicates 0, rejected 2, not tracked 1" in result.stderr
    assert [e["external_id"] for e in exported(signals)] == ["gdelt:2"]


def test_a_file_that_is_not_gdelt_is_refused_naming_the_missing_columns(
    signals: Any, tmp_path: Path
) -> None:
    path = tmp_path / "other.csv"
    path.write_text("indicator,summary,observed_at\nx,y,2024-01-01\n", encoding="utf-8")
    result = signals("import", str(path), "--map", "gdelt")
    assert result.exit_code == 1
    assert "The file lacks columns" in result.stderr
    assert "GDELT 2.0 events mapping (gdelt.toml)" in result.stderr


# ---------------------------------------------------------------------------
# The shared real rows
# ---------------------------------------------------------------------------


def test_the_sample_imports_the_tracked_rows_and_nothing_else(signals: Any, sample: Path) -> None:
    rows = sample_rows()
    expected = {f"gdelt:{r['GLOBALEVENTID']}": expected_indicator(r) for r in rows}
    tracked = {key: indicator for key, indicator in expected.items() if indicator}
    # Measured on the shared sample: 2,232 rows, 34 with a Russian actor, 6 tracked
    # (three 042 Russia -> US, three 043 US -> Russia).
    assert len(rows) == 2232
    assert sum("RUS" in (r["Actor1CountryCode"], r["Actor2CountryCode"]) for r in rows) == 34
    assert Counter(tracked.values()) == {"backchannel-informal": 6}

    report = imported(signals, sample)
    assert report["rows"] == len(rows)
    assert report["inserted"] == len(tracked) == 6
    assert report["not_tracked"] == len(rows) - len(tracked) == 2226
    assert (report["rejected"], report["duplicates"]) == (0, 0)
    events = exported(signals)
    assert {e["external_id"]: e["indicator"] for e in events} == tracked


def test_reimporting_the_sample_adds_nothing(signals: Any, sample: Path) -> None:
    imported(signals, sample)
    again = imported(signals, sample)
    assert (again["inserted"], again["duplicates"], again["not_tracked"]) == (0, 6, 2226)
    assert len(exported(signals)) == 6


def test_cameo_codes_stay_text(signals: Any, sample: Path) -> None:
    imported(signals, sample)
    by_id = {e["external_id"]: e for e in exported(signals)}
    visit = by_id["gdelt:651829163"]
    assert visit["summary"] == "Russia → United States: Make a visit (CAMEO 042)"
    assert visit["tags"] == ["gdelt", "cameo-042"]
    assert "CAMEO 042 by RUS towards USA" in visit["notes"]
    assert visit["observed_at"] == "2017-05-01"
    assert visit["location"] == "Shayrat, ?ims, Syria"
    assert visit["url"] == (
        "http://endrtimes.blogspot.com/2017/05/the-wars-and-conflicts-of-this-modern.html"
    )
    assert (visit["source"], visit["reliability"], visit["credibility"]) == (
        "endrtimes.blogspot.com",
        "F",
        "6",
    )
    hosted = by_id["gdelt:651829597"]
    assert hosted["summary"] == "United States → Russia: Host a visit (CAMEO 043)"
    assert hosted["tags"] == ["gdelt", "cameo-043"]


def test_the_headerless_raw_export_imports_the_same_events(
    signals: Any, sample: Path, tmp_path: Path
) -> None:
    raw = tmp_path / "20170501000000.export.CSV"
    with sample.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        drop = header.index("CAMEOCodeDescription")
        with raw.open("w", encoding="utf-8", newline="") as out:
            for cells in reader:
                del cells[drop]
                assert len(cells) == 61
                out.write("\t".join(cells) + "\n")
    assert not raw.read_text(encoding="utf-8").startswith("GLOBALEVENTID")

    other_db = str(tmp_path / "raw.db")
    from_raw = imported(signals, raw, "--db", other_db)
    from_sample = imported(signals, sample)
    assert {k: from_raw[k] for k in ("rows", "inserted", "not_tracked", "rejected")} == {
        k: from_sample[k] for k in ("rows", "inserted", "not_tracked", "rejected")
    }

    def comparable(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        keep = ("id", "logged_at")
        return sorted(
            ({k: v for k, v in e.items() if k not in keep} for e in events),
            key=lambda e: e["external_id"],
        )

    assert comparable(exported(signals, "--db", other_db)) == comparable(exported(signals))
    again = imported(signals, raw)  # the same events, seen through the other layout
    assert (again["inserted"], again["duplicates"]) == (0, 6)
