"""`signals status`: the SPEC §6 JSON contract, the table, and `--explain` that adds up."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pytest

from signals.catalogue import Catalogue
from signals.paths import data_dir
from signals.scoring import State, combine


@pytest.fixture(autouse=True)
def _first_edition(on_edition1: Path) -> None:
    """`--explain` and the contract's figures are checked against the first edition's arithmetic (ln of one likelihood ratio per indicator, the cap): the module runs on the default catalogue as that edition shipped."""


@pytest.fixture(scope="session")
def catalogue(edition1: Catalogue) -> Catalogue:
    return edition1


DEMO_CSV = data_dir() / "demo" / "events.csv"
DEMO_AS_OF = "2024-06-20"
ESTIMATIVE_WORDS = {
    "almost no chance",
    "very unlikely",
    "unlikely",
    "roughly even chance",
    "likely",
    "very likely",
    "almost certain",
}
SCORE_KEYS = {"progress", "stage", "p_genuine", "prior", "estimative", "out_of_sequence"}
INDICATOR_KEYS = {
    "id",
    "kind",
    "stage",
    "state",
    "strength",
    "contribution",
    "events",
    "last_observed",
}

LOGGED = [
    ("backchannel-intelligence", "B", "2", "confirmed", "2024-03-10"),
    ("backchannel-intelligence", "F", "6", "reported", "2024-03-14"),
    ("declaration-intent", "A", "1", "refuted", "2024-04-02"),
    ("pause-to-rearm", "C", "3", "reported", "2024-04-20"),
    ("western-politics-shift", "B", "2", "reported", "2024-01-16"),
    ("release-detainees", "A", "1", "confirmed", "2024-07-01"),  # after the as-of date
]
AS_OF = "2024-05-01"


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def log_events(signals) -> None:  # type: ignore[no-untyped-def]
    for n, (indicator, reliability, credibility, status, observed) in enumerate(LOGGED):
        result = signals(
            "log", indicator, f"status test event {n}", "--observed", observed,
            "-r", reliability, "-c", credibility, "--status", status,
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr


def check_contract(document: dict, catalogue: Catalogue, as_of: str) -> None:  # type: ignore[type-arg]
    assert {"as_of", "score", "indicators"} <= set(document)
    assert document["as_of"] == as_of
    score = document["score"]
    assert set(score) >= SCORE_KEYS
    assert is_number(score["progress"]) and 0 <= score["progress"] <= 100
    assert type(score["stage"]) is int and 0 <= score["stage"] <= 3
    assert is_number(score["p_genuine"]) and 0 < score["p_genuine"] < 1
    assert is_number(score["prior"]) and 0 < score["prior"] < 1
    assert score["estimative"] in ESTIMATIVE_WORDS
    assert type(score["out_of_sequence"]) is bool
    indicators = document["indicators"]
    assert isinstance(indicators, list)
    assert [i["id"] for i in indicators] == [i.id for i in catalogue.indicators]
    states = {state.value for state in State}
    for row, spec in zip(indicators, catalogue.indicators, strict=True):
        assert set(row) >= INDICATOR_KEYS
        assert row["kind"] == spec.kind.value
        assert row["stage"] == spec.stage
        assert row["state"] in states
        assert is_number(row["strength"]) and 0 <= row["strength"] <= 1
        assert is_number(row["contribution"]) and math.isfinite(row["contribution"])
        if spec.kind.value == "context":
            assert row["contribution"] == 0
        assert type(row["events"]) is int and row["events"] >= 0
        if row["events"] == 0:
            assert row["last_observed"] is None
            assert row["state"] == "absent"
        else:
            assert isinstance(row["last_observed"], str)
            assert dt.date.fromisoformat(row["last_observed"]).isoformat() == row["last_observed"]
            assert row["last_observed"] <= as_of


def test_status_json_on_an_empty_database(signals, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    assert signals("init").exit_code == 0
    document = signals.json("status", "--as-of", AS_OF)
    check_contract(document, catalogue, AS_OF)
    assert document["score"]["p_genuine"] == document["score"]["prior"] == catalogue.prior
    assert document["score"]["progress"] == 0
    assert document["score"]["stage"] == 0
    assert document["score"]["out_of_sequence"] is False
    assert all(row["events"] == 0 for row in document["indicators"])


def test_status_json_follows_the_spec(signals, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    log_events(signals)
    result = signals("status", "--as-of", AS_OF, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.lstrip().startswith("{")
    document = signals.json("status", "--as-of", AS_OF)
    check_contract(document, catalogue, AS_OF)
    rows = {row["id"]: row for row in document["indicators"]}

    intelligence = rows["backchannel-intelligence"]
    assert intelligence["events"] == 2
    assert intelligence["last_observed"] == "2024-03-14"
    assert intelligence["contribution"] > 0
    declaration = rows["declaration-intent"]
    assert declaration["state"] == "refuted"
    assert declaration["strength"] > 0
    assert declaration["contribution"] < 0
    assert rows["pause-to-rearm"]["contribution"] < 0
    assert rows["western-politics-shift"]["events"] == 1
    assert rows["western-politics-shift"]["contribution"] == 0
    # Observed after the as-of date: not counted.
    assert rows["release-detainees"]["events"] == 0
    assert rows["release-detainees"]["last_observed"] is None
    logged = {indicator for indicator, *_ in LOGGED if _[-1] <= AS_OF}
    for row in document["indicators"]:
        assert (row["events"] > 0) == (row["id"] in logged)


def test_status_json_is_the_default_date_today(signals, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    assert signals("init").exit_code == 0
    document = signals.json("status")
    check_contract(document, catalogue, dt.date.today().isoformat())


@pytest.fixture
def demo(signals):  # type: ignore[no-untyped-def]
    result = signals("import", str(DEMO_CSV))
    assert result.exit_code == 0, result.stderr
    return signals


def test_status_table_on_the_demo_data(demo, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    result = demo("status", "--as-of", DEMO_AS_OF)
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    for stage in catalogue.stages():
        assert f"Stage {stage} — {catalogue.stage_name(stage)}" in text
    assert "Counter-indicators" in text
    assert "Context (never scored)" in text
    assert DEMO_AS_OF in text
    score = demo.json("status", "--as-of", DEMO_AS_OF)["score"]
    low, high = score["range"]
    headline = (
        f"Progress {score['progress']:.0f}/100 · stage {score['stage']} of"
        f" {len(catalogue.stages())} · P(genuine) {100 * score['p_genuine']:.0f} %"
        f" ({100 * low:.0f}–{100 * high:.0f} %), {score['estimative']},"
        f" {score['confidence']} confidence (prior {100 * score['prior']:.0f}%)"
    )
    assert headline in " ".join(text.split())
    for indicator in catalogue.indicators:
        assert indicator.id in text


EVENT_LINE = re.compile(
    r"^\s+#(?P<id>\d+) (?P<grade>[A-F][1-6]) (?P<status>\w+)\s+(?P<observed>\d{4}-\d\d-\d\d)"
    r" age\s+(?P<age>-?\d+) d: (?P<r>[\d.]+) × (?P<c>[\d.]+) × (?P<s>[\d.]+) = (?P<base>[\d.]+)"
    r" × decay (?P<decay>[\d.]+) = (?P<strength>[\d.]+)(?P<rest>.*)$"
)
HEADER_LINE = re.compile(r"^(?P<id>[a-z0-9-]+) \((?P<kind>\w+), half-life (?P<half>\d+) d\)$")
TOTAL_LINE = re.compile(
    r"^\s+support (?P<support>[\d.]+), against (?P<against>[\d.]+), if fresh [\d.]+ → (?P<state>\w+)"
    r"(?:; \([\d.]+ − [\d.]+\) × ln (?P<ratio>[\d.]+) = (?P<contribution>[+-][\d.]+))?$"
)
DISCOUNT = re.compile(r"each further one at (?P<discount>[\d.]+)×")
POSTERIOR = re.compile(
    r"= (?P<posterior>[+-][\d.]+) → p = 1 / \(1 \+ e\^(?P<negated>[+-][\d.]+)\) = (?P<p>[\d.]+)"
    r" \((?P<words>[a-z ]+)\)"
)
PRIOR_LINE = re.compile(r"prior (?P<prior>[\d.]+) → log-odds (?P<log_odds>[+-][\d.]+)")
INTENT_LINE = re.compile(
    r"\+ for genuine intent (?P<intent>[+-][\d.]+).* → (?P<capped>[+-][\d.]+)$"
)
COUNTER_LINE = re.compile(r"^\s+\+ against genuine intent (?P<counter>[+-][\d.]+)$")


def parse_explanation(text: str) -> tuple[float, dict[str, dict]]:  # type: ignore[type-arg]
    """The discount and, per indicator, its half-life, events and totals as printed."""
    discount = float(DISCOUNT.search(text)["discount"])  # type: ignore[index]
    indicators: dict[str, dict] = {}  # type: ignore[type-arg]
    current: dict | None = None  # type: ignore[type-arg]
    for line in text.splitlines():
        if header := HEADER_LINE.match(line):
            current = {"half": int(header["half"]), "kind": header["kind"], "events": []}
            indicators[header["id"]] = current
        elif current is not None and (event := EVENT_LINE.match(line)):
            current["events"].append(event.groupdict())
        elif current is not None and (total := TOTAL_LINE.match(line)):
            current.update(total.groupdict())
            current = None
    return discount, indicators


def test_explain_reproduces_every_contribution_and_the_probability(  # type: ignore[no-untyped-def]
    demo, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # one explanation line per line, never wrapped
    result = demo("status", "--as-of", DEMO_AS_OF, "--explain")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    document = demo.json("status", "--as-of", DEMO_AS_OF)
    rows = {row["id"]: row for row in document["indicators"]}
    discount, explained = parse_explanation(text)
    assert discount == catalogue.scoring.corroboration_discount

    scored = [row["id"] for row in document["indicators"] if row["events"]]
    assert sorted(explained) == sorted(scored)
    checked = 0
    for indicator_id, shown in explained.items():
        spec = catalogue.by_id[indicator_id]
        assert shown["half"] == spec.half_life_days
        assert shown["events"], indicator_id
        supporting, against = [], []
        for event in shown["events"]:
            weights = catalogue.scoring
            r, c = event["grade"]
            assert float(event["r"]) == weights.reliability[r].weight  # type: ignore[index]
            assert float(event["c"]) == weights.credibility[c].weight  # type: ignore[index]
            assert float(event["s"]) == weights.status[event["status"]].weight  # type: ignore[index]
            base = float(event["r"]) * float(event["c"]) * float(event["s"])
            decay = 0.5 ** (int(event["age"]) / shown["half"])
            age = (
                dt.date.fromisoformat(DEMO_AS_OF) - dt.date.fromisoformat(event["observed"])
            ).days
            assert int(event["age"]) == age
            assert abs(base - float(event["base"])) < 0.0006
            assert abs(decay - float(event["decay"])) < 0.0006
            assert abs(base * decay - float(event["strength"])) < 0.0006
            is_against = "(against)" in event["rest"]
            assert is_against == (event["status"] == "refuted")
            (against if is_against else supporting).append(base * decay)
        support = combine(supporting, discount)
        opposed = combine(against, discount)
        assert abs(support - float(shown["support"])) < 0.0006
        assert abs(opposed - float(shown["against"])) < 0.0006
        assert shown["state"] == rows[indicator_id]["state"]
        if spec.likelihood_ratio is None:
            assert shown["contribution"] is None
            continue
        assert float(shown["ratio"]) == spec.likelihood_ratio
        contribution = (support - opposed) * math.log(float(shown["ratio"]))
        assert abs(contribution - float(shown["contribution"])) < 0.001
        assert abs(contribution - rows[indicator_id]["contribution"]) < 0.001
        checked += 1
    assert checked >= 5

    # The headline: prior + capped for + against = posterior, and p from it.
    prior = PRIOR_LINE.search(text)
    intent = next(m for line in text.splitlines() if (m := INTENT_LINE.search(line)))
    counter = next(m for line in text.splitlines() if (m := COUNTER_LINE.match(line)))
    posterior = POSTERIOR.search(text)
    assert prior and posterior
    assert float(prior["prior"]) == pytest.approx(document["score"]["prior"])
    prior_log_odds = math.log(float(prior["prior"]) / (1 - float(prior["prior"])))
    assert abs(prior_log_odds - float(prior["log_odds"])) < 0.001
    # What argues for genuine intent is summed before the cap, what argues against after.
    intents = sum(rows[i]["contribution"] for i in explained if rows[i]["contribution"] > 0)
    counters = sum(rows[i]["contribution"] for i in explained if rows[i]["contribution"] < 0)
    assert abs(intents - float(intent["intent"])) < 0.002
    assert abs(counters - float(counter["counter"])) < 0.002
    total = float(prior["log_odds"]) + float(intent["capped"]) + float(counter["counter"])
    assert abs(total - float(posterior["posterior"])) < 0.002
    assert float(posterior["negated"]) == -float(posterior["posterior"])
    p = 1 / (1 + math.exp(-float(posterior["posterior"])))
    assert abs(p - float(posterior["p"])) < 0.001
    assert abs(float(posterior["p"]) - document["score"]["p_genuine"]) < 0.0001
    assert posterior["words"] == document["score"]["estimative"]


@pytest.mark.parametrize("columns", ["80", "120"])
def test_every_figure_shows_in_full_on_a_narrow_terminal(  # type: ignore[no-untyped-def]
    demo, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    """An 80-column terminal (or a pipe) keeps the numbers and drops the titles instead."""
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", columns)
    text = demo("status", "--as-of", DEMO_AS_OF).stdout
    assert max(cell_len(line) for line in text.splitlines()) <= int(columns)
    assert "…" not in text
    for row in demo.json("status", "--as-of", DEMO_AS_OF)["indicators"]:
        if row["events"]:
            line = next(line for line in text.splitlines() if f" {row['id']} " in line)
            assert f"{row['strength']:.2f}" in line, line
            assert f" {row['events']} " in line, line
    listed = demo("events", "list").stdout
    assert max(cell_len(line) for line in listed.splitlines()) <= int(columns)
    # Summaries wrap rather than being cut: every word of the first one is there.
    first = demo.json("events", "list")[0]["summary"]
    assert all(word in listed for word in first.split())


def test_explain_shows_both_sides_of_an_indicator_with_support_and_a_refutation(  # type: ignore[no-untyped-def]
    signals, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    for status, grade in (("confirmed", ("A", "1")), ("refuted", ("B", "2"))):
        logged = signals(
            "log", "declaration-intent", f"Declaration {status}", "--observed", AS_OF,
            "-r", grade[0], "-c", grade[1], "--status", status,
        )  # fmt: skip
        assert logged.exit_code == 0, logged.stderr
    row = next(
        r
        for r in signals.json("status", "--as-of", AS_OF, "--explain")["indicators"]  # type: ignore[index]
        if r["id"] == "declaration-intent"
    )
    ln = math.log(catalogue.by_id["declaration-intent"].likelihood_ratio or 0)
    text = signals("status", "--as-of", AS_OF, "--explain").stdout
    assert (
        f"; {row['support']:.3f} × ln 2.5 = {row['support'] * ln:+.3f}"
        f" and −{row['against']:.3f} × ln 2.5 = {-row['against'] * ln:+.3f}"
    ) in text
    headline = signals.json("status", "--as-of", AS_OF)["score"]  # type: ignore[index]
    assert headline["log_odds"]["against_intent"] == pytest.approx(-row["against"] * ln, abs=1e-3)
