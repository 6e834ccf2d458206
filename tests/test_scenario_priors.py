"""The scenario table: while a scenario the article sets out is reported, its row of the
catalogue's table sets the priors, weighed by how strongly it is reported now. Through
the command line on the default catalogue, and the mixing itself as a property."""

from __future__ import annotations

import datetime as dt
import json
import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.catalogue import Kind
from signals.catalogue_loader import load_catalogue
from signals.paths import default_catalogue_path
from signals.scenarios import scenario_priors
from tests.strength import examples

AS_OF = "2024-06-30"
DECLARED = {"genuine": 0.1, "frozen": 0.3, "ploy": 0.3, "coercive": 0.3}
A1 = ("-r", "A", "-c", "1", "--status", "confirmed")


def log(signals, indicator: str, observed: str, *args: str) -> int:  # type: ignore[no-untyped-def]
    result = signals(
        "log", indicator, f"{indicator} on {observed}", "--observed", observed, *A1,
        "--no-input", "--json", *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return int(json.loads(result.stdout)["id"])


def score(signals, *args: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return signals.json("status", "--as-of", AS_OF, *args)  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def database(signals) -> None:  # type: ignore[no-untyped-def]
    assert signals("init").exit_code == 0


def test_with_no_scenario_reported_the_priors_are_the_catalogues(signals) -> None:  # type: ignore[no-untyped-def]
    log(signals, "elite-uncertainty", "2024-06-20")
    document = score(signals)["score"]
    assert document["priors"] == pytest.approx(DECLARED)
    assert document["scenarios"] == {}
    assert document["hypotheses"] == pytest.approx(DECLARED, abs=1e-4)


def test_a_reported_stalemate_moves_the_priors_towards_its_row(signals) -> None:  # type: ignore[no-untyped-def]
    event = log(signals, "scenario-stalemate", "2024-06-20")
    document = score(signals, "--explain")
    weight = document["score"]["scenarios"]["scenario-stalemate"]
    support = next(i for i in document["indicators"] if i["id"] == "scenario-stalemate")
    assert 0 < weight == pytest.approx(support["support"], abs=1e-4)
    row = {"genuine": 0.1, "frozen": 0.5, "ploy": 0.2, "coercive": 0.2}
    expected = {h: (1 - weight) * DECLARED[h] + weight * row[h] for h in DECLARED}
    assert document["score"]["priors"] == pytest.approx(expected, abs=1e-4)
    # Nothing else on record: the posterior is the priors, and frozen leads.
    assert document["score"]["hypotheses"] == pytest.approx(expected, abs=1e-3)
    (rule,) = [r for r in document["rules_fired"] if r["rule"] == "scenario"]
    assert rule["indicator"] == "scenario-stalemate" and rule["events"] == [event]
    assert "true stalemate" in rule["rationale"]
    text = " ".join(signals("status", "--as-of", AS_OF, "--explain").stdout.split())
    assert "scenario: scenario-stalemate is reported now" in text


def test_a_scenario_fades_with_its_report(signals) -> None:  # type: ignore[no-untyped-def]
    log(signals, "scenario-russian-defeat", "2024-06-20")
    fresh = signals.json("status", "--as-of", "2024-06-21")["score"]
    later = signals.json("status", "--as-of", "2024-12-31")["score"]
    assert fresh["priors"]["coercive"] > later["priors"]["coercive"] > DECLARED["coercive"]


def test_an_explicit_prior_still_sets_the_headline(signals) -> None:  # type: ignore[no-untyped-def]
    log(signals, "scenario-russian-overstretch", "2024-06-20")
    document = score(signals, "--prior", "0.2")["score"]
    assert document["prior"] == pytest.approx(0.2)
    assert document["priors"]["genuine"] == pytest.approx(0.2)
    assert sum(document["priors"].values()) == pytest.approx(1, abs=1e-3)
    # The scenario's lean survives the override: ploy above the others.
    others = [document["priors"][h] for h in ("frozen", "coercive")]
    assert document["priors"]["ploy"] > max(others)


def _table_text() -> str:
    return default_catalogue_path().read_text(encoding="utf-8")


def _row(text: str, indicator: str, replacement: str) -> str:
    pattern = rf'(indicator = "{indicator}"\n)priors = .*\n'
    changed, count = re.subn(pattern, rf"\g<1>{replacement}\n", text)
    assert count == 1
    return changed


BROKEN = {
    "unknown-indicator": (
        lambda text: text.replace(
            'indicator = "scenario-stalemate"\npriors', 'indicator = "scenario-peace"\npriors'
        ),
        "no indicator 'scenario-peace'",
    ),
    "scored-indicator": (
        lambda text: text.replace(
            'indicator = "scenario-stalemate"\npriors', 'indicator = "nuclear-threats"\npriors'
        ),
        "'nuclear-threats' is counter",
    ),
    "missing-hypothesis": (
        lambda text: _row(
            text, "scenario-stalemate", "priors = { genuine = 0.1, frozen = 0.6, ploy = 0.3 }"
        ),
        "give a prior for each hypothesis",
    ),
    "not-summing-to-one": (
        lambda text: _row(
            text,
            "scenario-stalemate",
            "priors = { genuine = 0.1, frozen = 0.6, ploy = 0.2, coercive = 0.2 }",
        ),
        "sum to 1.1, not 1",
    ),
    "repeated": (
        lambda text: text.replace(
            'indicator = "scenario-russian-defeat"\npriors',
            'indicator = "scenario-stalemate"\npriors',
        ),
        "scenario-stalemate more than once",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_validate_refuses_a_broken_scenario_table(signals, tmp_path: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    breaker, expected = BROKEN[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(breaker(_table_text()), encoding="utf-8")
    result = signals("catalogue", "validate", str(path))
    assert result.exit_code == 1, result.stdout
    assert "Traceback" not in result.output
    assert expected in result.stderr


CATALOGUE = load_catalogue(default_catalogue_path())
CONTEXT = [i.id for i in CATALOGUE.indicators if i.kind is Kind.CONTEXT]


@settings(max_examples=examples(200), deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(CONTEXT), st.floats(0, 1)), max_size=6, unique_by=lambda x: x[0]
    )
)
def test_the_mixed_priors_are_a_distribution_between_their_rows(support) -> None:  # type: ignore[no-untyped-def]
    mixed = scenario_priors(CATALOGUE, support)
    table = {row.indicator for row in CATALOGUE.scenario_priors}
    if not any(i in table and s > 0 for i, s in support):
        assert mixed is None
        return
    assert mixed is not None
    assert sum(mixed.priors.values()) == pytest.approx(1)
    assert 0 <= mixed.declared_weight <= 1
    assert sum(w.weight for w in mixed.scenarios) + mixed.declared_weight == pytest.approx(1)
    rows = [DECLARED, *(w.priors for w in mixed.scenarios)]
    for hypothesis, prior in mixed.priors.items():
        assert min(r[hypothesis] for r in rows) - 1e-12 <= prior
        assert prior <= max(r[hypothesis] for r in rows) + 1e-12


def test_every_brief_says_which_scenario_set_the_priors(signals, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log(signals, "scenario-stalemate", "2024-06-20")
    note = "Priors set by the scenario table: scenario-stalemate (weight"
    assert note in " ".join(signals("status", "--as-of", AS_OF).stdout.split())
    markdown = signals("report", "--as-of", AS_OF, "--format", "markdown").stdout
    assert note in markdown
    frozen = next(line for line in markdown.splitlines() if line.startswith("| **frozen**"))
    prior = score(signals)["score"]["priors"]["frozen"]
    assert frozen.endswith(f"| {100 * prior:.0f}% |") and prior > DECLARED["frozen"]
    html = signals("report", "--as-of", AS_OF, "--format", "html").stdout
    assert note in html


def test_no_brief_mentions_the_table_when_no_scenario_is_reported(signals) -> None:  # type: ignore[no-untyped-def]
    log(signals, "declaration-intent", "2024-06-20")
    assert "scenario table" not in signals("status", "--as-of", AS_OF).stdout
    assert "scenario table" not in signals("report", "--as-of", AS_OF, "--format", "html").stdout


def test_a_denied_scenario_sets_no_priors(signals) -> None:  # type: ignore[no-untyped-def]
    result = signals(
        "log", "scenario-stalemate", "A stalemate, says one analyst", "--observed", "2024-06-01",
        "-r", "C", "-c", "3", "--status", "reported", "--no-input",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert score(signals)["score"]["scenarios"] != {}
    log(signals, "scenario-stalemate", "2024-06-20", "--status", "refuted")
    document = score(signals)["score"]
    assert document["scenarios"] == {}
    assert document["priors"] == pytest.approx(DECLARED)


def test_a_scenario_fades_without_a_step(signals) -> None:  # type: ignore[no-untyped-def]
    """Decay alone returns the priors to the catalogue's: from one day to the next they
    move a little, three half-lives on (where an expired step once fell) as anywhere, and
    where the report fades below the emerging threshold by at most that threshold's share."""
    log(signals, "scenario-stalemate", "2024-01-01")  # half-life 150 days

    def frozen(days: int) -> float:
        day = dt.date(2024, 1, 1) + dt.timedelta(days=days)
        prior = signals.json("status", "--as-of", day.isoformat())["score"]["priors"]["frozen"]
        return float(prior)

    for around in (450, 845):
        priors = [frozen(days) for days in range(around - 3, around + 4)]
        steps = [earlier - later for earlier, later in pairwise(priors)]
        assert all(0 <= step < 0.005 for step in steps), (around, priors)
    assert frozen(450) > DECLARED["frozen"]
    assert frozen(1200) == pytest.approx(DECLARED["frozen"])


def test_the_range_leaves_each_scenario_out(signals) -> None:  # type: ignore[no-untyped-def]
    scenario = log(signals, "scenario-russian-defeat", "2024-06-20")
    log(signals, "declaration-intent", "2024-06-20")
    document = score(signals)["score"]
    without = next(change for change in document["hangs_on"] if change["event_id"] == scenario)
    assert without["change"] == "without the scenario-russian-defeat scenario"
    assert without["p_genuine"] > document["p_genuine"]
    assert document["range"][1] >= without["p_genuine"] - 1e-4


def test_a_forecast_is_measured_against_the_catalogues_own_priors(signals) -> None:  # type: ignore[no-untyped-def]
    """The reference a forecast must beat is the prior alone: a scenario on record is
    evidence, and the kept priors are the catalogue's."""
    today = dt.date.today()
    log(signals, "scenario-russian-defeat", (today - dt.timedelta(days=3)).isoformat())
    report = signals.json("report")
    assert report["score"]["priors"] != pytest.approx(DECLARED)  # type: ignore[index]
    (kept,) = signals.json("forecasts", "list")["forecasts"]  # type: ignore[index]
    assert kept["as_of"] == today.isoformat()
    assert kept["priors"] == pytest.approx(DECLARED)


def test_indicators_show_gives_a_scenarios_row(signals) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(signals("indicators", "show", "scenario-stalemate").stdout.split())
    assert "sets the priors while reported, weighed by its support: genuine 10%, frozen 50%" in text
    document = signals.json("indicators", "show", "scenario-stalemate")
    assert document["scenario_priors"]["priors"] == pytest.approx(  # type: ignore[index]
        {"genuine": 0.1, "frozen": 0.5, "ploy": 0.2, "coercive": 0.2}
    )
    assert "scenario_priors" not in signals.json("indicators", "show", "elite-uncertainty")  # type: ignore[operator]
    assert "sets the priors" not in signals("indicators", "show", "elite-uncertainty").stdout


SCENARIOS = [row.indicator for row in CATALOGUE.scenario_priors]


@settings(max_examples=examples(100), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(CONTEXT),
            st.sampled_from("ABCDEF"),
            st.sampled_from("123456"),
            st.sampled_from(("reported", "confirmed", "refuted")),
            st.integers(min_value=0, max_value=1500),
        ),
        max_size=8,
    )
)
def test_context_alone_gives_the_priors_it_sets_and_nothing_more(rows) -> None:  # type: ignore[no-untyped-def]
    """No scored evidence gives the prior: with only context on record the posterior is
    exactly the priors the scenarios set, and those lie between the catalogue's own and
    the rows of the scenarios reported."""
    from signals.evidence import Evidence
    from signals.scoring import score

    day = dt.date(2024, 6, 30)
    record = [
        Evidence(n + 1, indicator, r, c, status, day - dt.timedelta(days=age))
        for n, (indicator, r, c, status, age) in enumerate(rows)
    ]
    headline = score(CATALOGUE, record, day).headline
    assert headline.hypotheses == pytest.approx(headline.priors, abs=1e-9)
    assert headline.p_genuine == pytest.approx(headline.priors["genuine"], abs=1e-9)
    rows_reported = [
        DECLARED,
        *(CATALOGUE.scenario_row(s.indicator).priors for s in headline.scenarios),
    ]  # type: ignore[union-attr]
    for hypothesis, prior in headline.priors.items():
        assert min(r[hypothesis] for r in rows_reported) - 1e-9 <= prior
        assert prior <= max(r[hypothesis] for r in rows_reported) + 1e-9
    if not any(indicator in SCENARIOS for indicator, *_ in rows):
        assert headline.priors == pytest.approx(DECLARED) and headline.scenarios == ()


def test_the_trend_marks_the_week_a_scenario_moved_the_priors(signals) -> None:  # type: ignore[no-untyped-def]
    log(signals, "declaration-intent", "2024-05-01")
    rout = log(signals, "scenario-russian-defeat", "2024-06-12")
    moves = signals.json("report", "--as-of", AS_OF)["trend_moves"]  # type: ignore[index]
    (move,) = [m for m in moves if m["indicator"] == "scenario-russian-defeat"]
    assert move["week"] == "2024-W24"
    assert move["log_odds_change"] < 0 and move["p_genuine_change"] < 0
    assert move["events"] == [rout]
