"""The mapping engine: loading and validating mapping TOML, and turning rows into events."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from signals.catalogue import Catalogue
from signals.errors import SignalsError
from signals.events import EventInput
from signals.importer import read_cells
from signals.mapping import CompiledMapping, load_mapping, shipped_mappings_dir
from signals.mapping.compiled import TEXT_LIMITS
from signals.row_checking import as_row

BASE = """
[mapping]
name = "Test"

[observed_at]
column = "date"
formats = ["%Y-%m-%d", "%d %B %Y"]

[fields]
summary = "{text}"
"""

RULE = """
[[rules]]
name = "everything"
indicator = "declaration-intent"
why = "Every row is a declaration in this test."
"""


def write(tmp_path: Path, text: str, name: str = "test.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> CompiledMapping:
    return load_mapping(write(tmp_path, text))


def row(**cells: str) -> dict[str, str]:
    return {"date": "2024-03-01", "text": "Something happened", **cells}


# ---------------------------------------------------------------------------
# Shipped mappings
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gdelt", "acled"])
def test_shipped_mappings_load_and_name_catalogue_indicators(
    name: str, catalogue: Catalogue
) -> None:
    mapping = load_mapping(shipped_mappings_dir() / f"{name}.toml", catalogue)
    assert {rule.indicator for rule in mapping.rules if rule.indicator} <= set(catalogue.by_id)
    assert all(len(rule.why) >= 10 for rule in mapping.rules)


@pytest.mark.parametrize("given", ["gdelt", "gdelt.toml"])
def test_a_shipped_mapping_is_found_by_name(given: str) -> None:
    assert load_mapping(Path(given)).path == shipped_mappings_dir() / "gdelt.toml"


def test_every_shipped_rule_is_documented() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "mappings.md").read_text(encoding="utf-8")
    for name in ("gdelt", "acled"):
        for rule in load_mapping(Path(name)).rules:
            assert f"| {rule.name} |" in docs, rule.name


def test_text_limits_follow_the_event_model() -> None:
    for name, limit in TEXT_LIMITS.items():
        lengths = [
            getattr(item, "max_length", None) for item in EventInput.model_fields[name].metadata
        ]
        assert limit in lengths, name


# ---------------------------------------------------------------------------
# Bad mapping files: one sentence naming the place
# ---------------------------------------------------------------------------

BAD = {
    "number-codes": (
        BASE + RULE + 'all = [{ column = "code", in = [40, 41] }]\n',
        "rule 'everything' (#1), 'all[1].in': write 40 as a quoted string",
    ),
    "number-equals": (
        BASE + RULE + 'all = [{ column = "code", equals = 40 }]\n',
        "'all[1].equals': write 40 as a quoted string",
    ),
    "two-tests": (
        BASE + RULE + 'all = [{ column = "code", in = ["a"], equals = "b" }]\n',
        "the test on column 'code' needs exactly one of equals, in, startswith",
    ),
    "no-test": (
        BASE + RULE + 'all = [{ column = "code" }]\n',
        "needs exactly one of",
    ),
    "test-without-column": (
        BASE + RULE + 'all = [{ equals = "x" }]\n',
        "'equals' needs a 'column' to test",
    ),
    "undefined-condition": (
        BASE + RULE + 'all = ["russia"]\n',
        "rule 'everything' (#1): the condition 'russia' is not defined in [conditions]",
    ),
    "condition-loop": (
        BASE.replace("[fields]", '[conditions]\na = { all = ["b"] }\nb = { any = ["a"] }\n[fields]')
        + RULE
        + 'all = ["a"]\n',
        "refer to each other in a loop (a → b → a)",
    ),
    "unknown-filter": (
        BASE.replace('"{text}"', '"{text:shout}"') + RULE,
        "[fields], field 'summary': template '{text:shout}' uses 'shout', which is neither",
    ),
    "unclosed-brace": (
        BASE.replace('"{text}"', '"{text"') + RULE,
        "has a '{' that is never closed",
    ),
    "stray-brace": (
        BASE.replace('"{text}"', '"text}"') + RULE,
        "has a '}' with no '{'",
    ),
    "unknown-variable": (
        BASE.replace('"{text}"', '"{@who}"') + RULE,
        "unknown variable @who",
    ),
    "bad-reliability": (
        BASE + 'reliability = "G"\n' + RULE,
        "[fields], field 'reliability': 'G' is not a reliability grade A to F",
    ),
    "bad-rule-credibility": (
        BASE + RULE + 'fields = { credibility = "7" }\n',
        "rule 'everything' (#1), field 'credibility': '7' is not a credibility grade",
    ),
    "unknown-setting": (
        BASE + RULE + 'colour = "red"\n',
        "rule 'everything' (#1), 'colour': is not a setting a mapping knows",
    ),
    "short-why": (
        BASE + RULE.replace("Every row is a declaration in this test.", "short"),
        "rule 'everything' (#1), 'why': String should have at least 10 characters",
    ),
    "no-indicator": (
        BASE + RULE.replace('indicator = "declaration-intent"\n', ""),
        "rule 'everything' (#1): needs an indicator (or skip = true)",
    ),
    "skip-with-indicator": (
        BASE + RULE + "skip = true\n",
        "a skip rule has no indicator",
    ),
    "duplicate-rule": (BASE + RULE + RULE, "two rules are named 'everything'"),
    "no-rules": (BASE, "[rules]: is required"),
    "no-summary": (
        BASE.replace('summary = "{text}"', 'notes = "{text}"') + RULE,
        "Mapping test.toml: [fields] needs a summary template.",
    ),
    "column-not-declared": (
        BASE.replace("[observed_at]", '[file]\ncolumns = ["date"]\n[observed_at]') + RULE,
        "column 'text' is used but not listed in [file] columns",
    ),
    "unknown-encoding": (
        BASE.replace("[observed_at]", '[file]\nencoding = "klingon"\n[observed_at]') + RULE,
        "[file] 'encoding': 'klingon' is not an encoding Python knows",
    ),
    "long-delimiter": (
        BASE.replace("[observed_at]", '[file]\ndelimiter = ";;"\n[observed_at]') + RULE,
        "[file] 'delimiter'",
    ),
    "bad-date-format": (
        BASE.replace('"%d %B %Y"', '"YYYY"') + RULE,
        "'YYYY' is not a strptime format",
    ),
    "empty-map": (
        BASE + "[maps.codes]\n" + RULE,
        "[maps] 'codes': a map needs 'values' or 'ranges'",
    ),
    "map-named-like-filter": (
        BASE + '[maps.host.values]\n"a" = "b"\n' + RULE,
        "map 'host' has the name of a built-in filter",
    ),
    "bad-range": (
        BASE + '[maps.n]\nranges = [{ min = 5, max = 1, value = "x" }]\n' + RULE,
        "the range's min 5.0 is above its max 1.0",
    ),
    "bad-indicator-id": (
        BASE + RULE.replace("declaration-intent", "Declaration Intent"),
        "rule 'everything' (#1), 'indicator'",
    ),
    "not-toml": (BASE + RULE + "=\n", "is not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_mapping_is_one_clear_error(tmp_path: Path, case: str) -> None:
    text, expected = BAD[case]
    with pytest.raises(SignalsError) as caught:
        load(tmp_path, text)
    message = str(caught.value)
    assert message.startswith("Mapping test.toml")
    assert expected in message
    assert "\n" not in message


def test_a_missing_mapping_file_lists_the_shipped_ones(tmp_path: Path) -> None:
    with pytest.raises(SignalsError, match=r"does not exist \(shipped mappings: acled, gdelt\)"):
        load_mapping(tmp_path / "nothing.toml")


def test_a_mapping_naming_an_unknown_indicator_is_refused_against_the_catalogue(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    path = write(tmp_path, BASE + RULE.replace("declaration-intent", "declaration-intnet"))
    mapping = load_mapping(path)
    with pytest.raises(SignalsError, match="rule 'everything' maps to 'declaration-intnet'"):
        mapping.check_indicators(catalogue)
    with pytest.raises(SignalsError, match="did you mean declaration-intent"):
        load_mapping(path, catalogue)


def test_toml_is_data_never_code(tmp_path: Path) -> None:
    mapping = load(tmp_path, BASE.replace('"{text}"', "\"{__import__('os')}\"") + RULE)
    fields = mapping.apply(row(**{"__import__('os')": ""}))
    assert fields is not None
    assert "summary" not in fields  # an odd column name, read as a (missing) column


# ---------------------------------------------------------------------------
# Conditions and rules
# ---------------------------------------------------------------------------

CONDITIONS = (
    BASE
    + """
[conditions]
russian = { column = "actor", startswith = ["Military Forces of Russia", "Government of Russia"] }
ceasefire_words = { column = "notes", contains = ["ceasefire", "truce"] }

[[rules]]
name = "skip-bodies"
skip = true
all = [{ column = "code", equals = "900" }]
why = "Documented choice: code 900 is deliberately not tracked."

[[rules]]
name = "consult"
indicator = "backchannel-informal"
all = [{ column = "code", in = ["040", "041"] }, "russian"]
none = [{ column = "secret", equals = "no" }]
why = "Consultations by Russian actors are backchannel contacts."
note = "Rule {@rule} for {@indicator}."

[[rules]]
name = "violation"
indicator = "ceasefire-unilateral"
status = "refuted"
all = ["russian"]
any = ["ceasefire_words", { column = "code", equals = "196" }]
why = "Fighting during a ceasefire refutes the ceasefire."
tags = ["violation"]

[[rules]]
name = "empty-target"
indicator = "pause-to-rearm"
all = [{ column = "code", equals = "154" }, { column = "target", empty = true }]
why = "Mobilisation aimed at nobody in particular."
"""
)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"code": "040", "actor": "Military Forces of Russia (2000-)"}, "backchannel-informal"),
        ({"code": "041", "actor": "Government of Russia (2000-)"}, "backchannel-informal"),
        ({"code": " 040 ", "actor": "Government of Russia"}, "backchannel-informal"),
        ({"code": "40", "actor": "Government of Russia"}, None),  # codes are text
        ({"code": "0400", "actor": "Government of Russia"}, None),
        ({"code": "040", "actor": "Military Forces of Ukraine"}, None),
        ({"code": "040", "actor": "military forces of russia"}, None),  # startswith is exact
        ({"code": "040", "actor": "Government of Russia", "secret": "no"}, None),  # none
        ({"code": "040", "actor": "Government of Russia", "secret": "yes"}, "backchannel-informal"),
        ({"code": "900", "actor": "Government of Russia"}, None),  # skipped
        (
            {"code": "190", "actor": "Government of Russia", "notes": "Despite the TRUCE"},
            "ceasefire-unilateral",
        ),
        ({"code": "196", "actor": "Government of Russia"}, "ceasefire-unilateral"),
        ({"code": "190", "actor": "Government of Russia", "notes": "shelling"}, None),
        ({"code": "154", "target": ""}, "pause-to-rearm"),
        ({"code": "154", "target": "  "}, "pause-to-rearm"),
        ({"code": "154"}, "pause-to-rearm"),  # a missing column reads as empty
        ({"code": "154", "target": "UKR"}, None),
    ],
)
def test_the_first_matching_rule_decides(
    tmp_path: Path, cells: dict[str, str], expected: str | None
) -> None:
    mapping = load(tmp_path, CONDITIONS)
    fields = mapping.apply(row(**cells))
    assert (fields or {}).get("indicator") == expected


def test_the_rule_index_gives_the_same_answers_as_trying_every_rule(tmp_path: Path) -> None:
    mapping = load(tmp_path, CONDITIONS)
    actors = ["Government of Russia", "Military Forces of Ukraine", ""]
    codes = ["040", "041", "40", "154", "190", "196", "900", "", "999"]
    for code in codes:
        for actor in actors:
            for notes in ["truce agreed", "nothing"]:
                for target in ["", "UKR"]:
                    cells = row(code=code, actor=actor, notes=notes, target=target)
                    naive = next((rule for rule in mapping.rules if rule.test(cells)), None)
                    assert mapping.match(cells) is naive


def test_a_matching_rule_fills_status_notes_and_tags(tmp_path: Path) -> None:
    text = CONDITIONS.replace(
        'summary = "{text}"',
        'summary = "{text}"\nnotes = "Base note."\ntags = ["test", "code-{code}"]',
    )
    mapping = load(tmp_path, text)
    consult = mapping.apply(row(code="040", actor="Government of Russia"))
    assert consult is not None
    assert consult["notes"] == "Base note. Rule consult for backchannel-informal."
    assert consult["tags"] == ["test", "code-040"]
    assert "status" not in consult
    violation = mapping.apply(row(code="196", actor="Government of Russia"))
    assert violation is not None
    assert violation["status"] == "refuted"
    assert violation["tags"] == ["test", "code-196", "violation"]


def test_rule_fields_replace_the_base_templates(tmp_path: Path) -> None:
    text = (
        BASE
        + 'credibility = "6"\ntags = ["base"]\n'
        + RULE
        + 'fields = { credibility = "3", summary = "Rule summary: {text}", tags = ["own"] }\n'
    )
    fields = load(tmp_path, text).apply(row())
    assert fields is not None
    assert fields["credibility"] == "3"
    assert fields["summary"] == "Rule summary: Something happened"
    assert fields["tags"] == ["own"]


def test_a_rule_without_conditions_matches_every_row(tmp_path: Path) -> None:
    fields = load(tmp_path, BASE + RULE).apply({"date": "2024-01-02", "text": "Hello"})
    assert fields == {
        "indicator": "declaration-intent",
        "observed_at": dt.date(2024, 1, 2),
        "summary": "Hello",
    }


# ---------------------------------------------------------------------------
# Templates, filters and maps
# ---------------------------------------------------------------------------

TEMPLATES = (
    BASE.replace(
        'summary = "{text}"',
        """summary = "{name:title|code|'someone'} said {{hello}} to {other:upper|'nobody'}"
source = "{link:url:host|link|'The Source'}"
url = "{link:url}"
credibility = "{sources:count:credibility|'6'}"
reliability = "{grade:grades}"
location = "{place}"
tags = ["{kind:slug}", "{kind:slug}", "{empty}"]
external_id = "test:{id}"
""",
    )
    + """
[maps.credibility]
ranges = [{ min = 3, value = "2" }, { min = 1, max = 2, value = "3" }]

[maps.grades]
values = { "good" = "B", "bad" = "E" }
default = "F"
"""
    + RULE
)


@pytest.mark.parametrize(
    ("cells", "field", "expected"),
    [
        ({"name": "VLADIMIR PUTIN"}, "summary", "Vladimir Putin said {hello} to nobody"),
        ({"name": "", "code": "RUSGOV"}, "summary", "RUSGOV said {hello} to nobody"),
        ({"other": "kyiv"}, "summary", "someone said {hello} to KYIV"),
        ({"link": "https://www.bbc.co.uk/news/1"}, "source", "bbc.co.uk"),
        ({"link": "https://www.bbc.co.uk/news/1"}, "url", "https://www.bbc.co.uk/news/1"),
        ({"link": "BBC Monitoring"}, "source", "BBC Monitoring"),
        ({"link": "BBC Monitoring"}, "url", None),
        ({}, "source", "The Source"),
        ({"sources": "Reuters; TASS; Meduza"}, "credibility", "2"),
        ({"sources": "Reuters;TASS"}, "credibility", "3"),
        ({"sources": "Reuters"}, "credibility", "3"),
        ({"sources": ""}, "credibility", "6"),
        ({"grade": "good"}, "reliability", "B"),
        ({"grade": "GOOD"}, "reliability", "F"),  # map keys are exact text
        ({"grade": ""}, "reliability", None),  # an empty cell is never looked up
        ({"place": "   "}, "location", None),
        ({"kind": "Change to group/activity"}, "tags", ["change-to-group-activity"]),
        ({"id": "UKR123"}, "external_id", "test:UKR123"),
        ({"id": ""}, "external_id", "test:"),
    ],
)
def test_templates_filters_and_maps(
    tmp_path: Path, cells: dict[str, str], field: str, expected: object
) -> None:
    fields = load(tmp_path, TEMPLATES).apply(row(**cells))
    assert fields is not None
    assert fields.get(field) == expected


def test_range_maps_read_numbers_and_ignore_text(tmp_path: Path) -> None:
    text = (
        BASE.replace('summary = "{text}"', 'summary = "{text}"\ncredibility = "{n:cred|\'6\'}"')
        + '[maps.cred]\nranges = [{ min = 10, value = "2" }, { min = 3, max = 9, value = "3" }]\n'
        + RULE
    )
    mapping = load(tmp_path, text)
    expected = {"10": "2", "250": "2", "9": "3", "3.0": "3", "2": "6", "many": "6", "nan": "6"}
    for value, credibility in expected.items():
        fields = mapping.apply(row(n=value))
        assert fields is not None
        assert fields["credibility"] == credibility, value


def test_long_free_text_is_cut_to_the_model_limit(tmp_path: Path) -> None:
    mapping = load(tmp_path, BASE.replace('"{text}"', '"{text}"\nlocation = "{text}"') + RULE)
    fields = mapping.apply(row(text="x" * 5000))
    assert fields is not None
    assert len(fields["summary"]) == 2000
    assert fields["summary"].endswith("…")
    assert len(fields["location"]) == 200


def test_control_characters_in_cells_become_spaces(tmp_path: Path) -> None:
    fields = load(tmp_path, BASE + RULE).apply(row(text="bad\x00cell\x1b here"))
    assert fields is not None
    assert fields["summary"] == "bad cell  here"


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2024-03-01", dt.date(2024, 3, 1)), ("15 March 2022", dt.date(2022, 3, 15))],
)
def test_dates_are_read_with_the_formats_in_order(
    tmp_path: Path, text: str, expected: dt.date
) -> None:
    fields = load(tmp_path, BASE + RULE).apply(row(date=text))
    assert fields is not None
    assert fields["observed_at"] == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-13-01", "date '2024-13-01' is not a date in the format %Y-%m-%d or %d %B %Y"),
        ("", "date is empty: the event has no date"),
    ],
)
def test_a_matched_row_with_a_bad_date_is_a_value_error(
    tmp_path: Path, text: str, reason: str
) -> None:
    with pytest.raises(ValueError) as caught:
        load(tmp_path, BASE + RULE).apply(row(date=text))
    assert str(caught.value) == reason


def test_an_untracked_row_is_not_checked_for_a_date(tmp_path: Path) -> None:
    mapping = load(tmp_path, BASE + RULE + 'all = [{ column = "code", equals = "1" }]\n')
    assert mapping.apply(row(date="garbage", code="2")) is None


# ---------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------

HEADERLESS = BASE.replace(
    "[observed_at]",
    '[file]\ncolumns = ["id", "date", "text"]\noptional_columns = ["extra"]\n[observed_at]',
) + RULE.replace("why =", 'all = [{ column = "id", empty = false }]\nwhy =')


def test_check_header_names_the_missing_columns(tmp_path: Path) -> None:
    mapping = load(tmp_path, BASE + RULE + 'all = [{ column = "code", equals = "1" }]\n')
    mapping.check_header(["code", "date", "text", "other"])
    with pytest.raises(SignalsError) as caught:
        mapping.check_header(["date", "other"])
    assert str(caught.value) == (
        "The file lacks columns code, text, which the Test mapping (test.toml) needs;"
        " is it the right kind of file?"
    )


@pytest.mark.parametrize(
    ("text", "header"),
    [
        ("7,2024-03-01,Hello\n8,2024-03-02,World\n", ["id", "date", "text"]),
        ("id,date,text\n7,2024-03-01,Hello\n8,2024-03-02,World\n", ["id", "date", "text"]),
        (
            "id\tdate\textra\ttext\n7\t2024-03-01\tx\tHello\n8\t2024-03-02\ty\tWorld\n",
            ["id", "date", "extra", "text"],
        ),
        ("7\t2024-03-01\tHello\r\n8\t2024-03-02\tWorld\r\n", ["id", "date", "text"]),
    ],
)
def test_a_mapping_with_columns_reads_files_with_and_without_a_header(
    tmp_path: Path, text: str, header: list[str]
) -> None:
    mapping = load(tmp_path, HEADERLESS)
    found, rows = read_cells(io.StringIO(text, newline=""), mapping)
    assert found == header
    events = [mapping.apply(as_row(found, cells)) for _line, cells in rows]
    assert [e["summary"] for e in events if e] == ["Hello", "World"]


def test_a_file_of_another_kind_fails_the_header_check(tmp_path: Path) -> None:
    mapping = load(tmp_path, HEADERLESS)
    with pytest.raises(SignalsError, match="The file lacks columns date, id, text"):
        read_cells(io.StringIO("a,b\n1,2\n", newline=""), mapping)
