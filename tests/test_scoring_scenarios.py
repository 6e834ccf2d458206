"""The article's scenarios, scored whole: through the pure scorer and through the CLI.

Eurasia Daily Monitor, vol. 21, issue 29 (February 2024): genuine intent would show as
discreet probing first, then a public commitment, then deeds; even the deeds could be a
ploy to rearm, and "ready for dialogue" rhetoric alone is not a signal.

They pin the first edition's arithmetic, so they run on the default catalogue as that
edition shipped (tests/data/kremlin-peace-signals-edition1.toml);
tests/test_default_catalogue.py states what the second edition makes of the article.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from signals.catalogue import Catalogue
from signals.evidence import Evidence
from signals.scoring import ScoreResult, State, estimative, score


@pytest.fixture(autouse=True)
def _first_edition(on_edition1: Path) -> None:
    """These scenarios pin the first edition's arithmetic (one likelihood ratio per indicator, the ceiling as a cap): they run on the default catalogue as that edition shipped."""


@pytest.fixture(scope="session")
def catalogue(edition1: Catalogue) -> Catalogue:
    return edition1


D = dt.date

# (indicator, grade, status, observed): what was said and done, in the article's order.
RHETORIC = [("rhetoric-without-action", "A1", "confirmed", D(2024, 2, 18))]
PROBING = [
    ("messenger-influencer", "A1", "confirmed", D(2024, 2, 9)),  # the Tucker Carlson interview
    ("backchannel-intelligence", "B2", "confirmed", D(2024, 3, 10)),  # SVR meets CIA, Abu Dhabi
    ("backchannel-informal", "B3", "reported", D(2024, 3, 12)),
]
DECLARATIONS = [
    ("declaration-intent", "A1", "confirmed", D(2024, 4, 10)),
    ("declaration-core-issues", "A1", "confirmed", D(2024, 4, 10)),
    ("declaration-broadcast", "A1", "confirmed", D(2024, 4, 11)),
]
DEEDS = [
    ("ceasefire-unilateral", "A1", "confirmed", D(2024, 5, 1)),
    ("ceasefire-timeline", "A1", "confirmed", D(2024, 5, 1)),
    ("ceasefire-verification", "B2", "confirmed", D(2024, 5, 5)),
    ("release-detainees", "A1", "confirmed", D(2024, 5, 10)),
]
REARMING = [("pause-to-rearm", "A1", "confirmed", D(2024, 5, 14))]

RHETORIC_AS_OF = D(2024, 2, 20)
PROBING_AS_OF = D(2024, 3, 20)
DEEDS_AS_OF = D(2024, 5, 15)

Row = tuple[str, str, str, dt.date]


def evidence(rows: list[Row]) -> list[Evidence]:
    return [
        Evidence(n, indicator, grade[0], grade[1], status, observed)
        for n, (indicator, grade, status, observed) in enumerate(rows, start=1)
    ]


def scored(catalogue: Catalogue, rows: list[Row], as_of: dt.date, **options) -> ScoreResult:  # type: ignore[no-untyped-def]
    return score(catalogue, evidence(rows), as_of, **options)


def stage_row(result: ScoreResult, stage: int):  # type: ignore[no-untyped-def]
    return next(row for row in result.headline.stages if row.stage == stage)


# -- the pure scorer ----------------------------------------------------------------------


def test_rhetoric_alone_lowers_the_estimate(catalogue: Catalogue) -> None:
    """18 February 2024, "We are ready for dialogue", blaming the West and Kyiv: recorded
    A1 (it was said) and confirmed, it is a counter-indicator, not a step toward peace."""
    result = scored(catalogue, RHETORIC, RHETORIC_AS_OF)
    headline = result.headline
    assert headline.p_genuine < catalogue.prior
    assert headline.stage == 0
    assert headline.progress == 0
    assert not headline.out_of_sequence
    assert result.indicator("rhetoric-without-action").state is State.PRESENT
    assert headline.estimative == "very unlikely"


def test_discreet_probing_only_reaches_stage_one_and_stays_unlikely(catalogue: Catalogue) -> None:
    result = scored(catalogue, PROBING, PROBING_AS_OF)
    headline = result.headline
    assert headline.stage == 1
    assert 0 < headline.progress < 100 / 3
    assert not headline.out_of_sequence
    assert stage_row(result, 1).reached
    assert not stage_row(result, 2).reached and not stage_row(result, 3).reached
    assert catalogue.prior < headline.p_genuine < 0.45
    assert headline.estimative in {"almost no chance", "very unlikely", "unlikely"}


def test_the_full_sequence_in_order(catalogue: Catalogue) -> None:
    result = scored(catalogue, PROBING + DECLARATIONS + DEEDS, DEEDS_AS_OF)
    headline = result.headline
    assert headline.stage == 3
    assert not headline.out_of_sequence
    assert all(row.reached for row in headline.stages)
    assert all(math.isclose(row.credited, row.completion) for row in headline.stages)
    assert 0.8 <= headline.p_genuine <= catalogue.catalogue.ceiling + 1e-9
    assert headline.estimative == "very likely"
    for indicator, *_ in DECLARATIONS + DEEDS:
        assert result.indicator(indicator).state is State.PRESENT
    # Each step moved it up: probing < probing + declarations <= the whole sequence.
    probing = scored(catalogue, PROBING, DEEDS_AS_OF)
    declared = scored(catalogue, PROBING + DECLARATIONS, DEEDS_AS_OF)
    assert probing.headline.p_genuine < declared.headline.p_genuine <= headline.p_genuine
    assert probing.headline.progress < declared.headline.progress < headline.progress


def test_the_full_sequence_followed_by_rearming(catalogue: Catalogue) -> None:
    """'Moscow would then use the time to replenish troops and resources': a confirmed
    pause-to-rearm outweighs the declaration, and takes the estimate down clearly."""
    full = scored(catalogue, PROBING + DECLARATIONS + DEEDS, DEEDS_AS_OF)
    rearming = scored(catalogue, PROBING + DECLARATIONS + DEEDS + REARMING, DEEDS_AS_OF)
    declaration = full.indicator("declaration-intent").contribution
    assert declaration > 0
    drop = full.headline.posterior_log_odds - rearming.headline.posterior_log_odds
    assert drop > declaration
    assert -rearming.indicator("pause-to-rearm").contribution > declaration
    assert full.headline.p_genuine - rearming.headline.p_genuine > 0.2
    assert rearming.headline.estimative != "very likely"
    # Rearming says nothing about which steps were taken: the checklist stands.
    assert rearming.headline.progress == full.headline.progress
    # Without the declaration at all, the estimate would still be higher than with
    # the declaration and the rearming both.
    without_declaration = [
        row for row in PROBING + DECLARATIONS + DEEDS if row[0] != "declaration-intent"
    ]
    assert scored(catalogue, without_declaration, DEEDS_AS_OF).headline.p_genuine > (
        rearming.headline.p_genuine
    )


def test_deeds_without_probing_are_out_of_sequence(catalogue: Catalogue) -> None:
    """A declaration and deeds with no discreet probing first: flagged, and the later
    stages credited at a discount rather than in full."""
    alone = scored(catalogue, DECLARATIONS + DEEDS, DEEDS_AS_OF)
    probed = scored(catalogue, PROBING + DECLARATIONS + DEEDS, DEEDS_AS_OF)
    assert alone.headline.out_of_sequence
    assert not probed.headline.out_of_sequence
    assert alone.headline.stage == 0
    assert alone.headline.progress < probed.headline.progress
    credit = catalogue.scoring.out_of_sequence_credit
    for stage in (2, 3):
        without, with_probing = stage_row(alone, stage), stage_row(probed, stage)
        assert without.completion == with_probing.completion == 1
        assert math.isclose(with_probing.credited, 1)
        assert math.isclose(without.credited, credit)


def test_bare_deeds_are_out_of_sequence_even_after_probing(catalogue: Catalogue) -> None:
    """Deeds with neither probing nor a declaration; probing first still leaves the public
    commitment missing, so the deeds stay out of sequence, but progress is higher."""
    alone = scored(catalogue, DEEDS, DEEDS_AS_OF)
    probed = scored(catalogue, PROBING + DEEDS, DEEDS_AS_OF)
    assert alone.headline.out_of_sequence and probed.headline.out_of_sequence
    assert alone.headline.stage == 0
    assert probed.headline.stage == 1
    assert alone.headline.progress < probed.headline.progress
    credit = catalogue.scoring.out_of_sequence_credit
    assert math.isclose(stage_row(alone, 3).credited, credit * stage_row(alone, 3).completion)


def test_a_ceasefire_a_year_old_has_lapsed_and_weighs_less(catalogue: Catalogue) -> None:
    as_of = D(2025, 5, 1)
    fresh = scored(catalogue, [("ceasefire-unilateral", "A1", "confirmed", as_of)], as_of)
    old = scored(
        catalogue,
        [("ceasefire-unilateral", "A1", "confirmed", as_of - dt.timedelta(days=365))],
        as_of,
    )
    now, then = fresh.indicator("ceasefire-unilateral"), old.indicator("ceasefire-unilateral")
    assert now.state is State.PRESENT
    assert then.state is State.LAPSED
    assert then.strength < now.strength / 10
    assert then.contribution < now.contribution
    assert old.headline.p_genuine < fresh.headline.p_genuine


def test_ten_rumours_are_not_a_confirmation(catalogue: Catalogue) -> None:
    grades = ["F6", "F6", "E6", "F5", "F4", "D4", "E5", "F6", "D5", "E4"]
    rumours = [
        ("backchannel-intelligence", grade, "reported", D(2024, 3, 1) + dt.timedelta(days=n))
        for n, grade in enumerate(grades)
    ]
    as_of = D(2024, 3, 12)
    many = scored(catalogue, rumours, as_of).indicator("backchannel-intelligence")
    one = scored(
        catalogue, [("backchannel-intelligence", "B2", "confirmed", D(2024, 3, 1))], as_of
    ).indicator("backchannel-intelligence")
    assert many.events == 10
    assert many.state is State.EMERGING
    assert one.state is State.PRESENT
    assert many.support < catalogue.scoring.present_threshold
    assert many.support < one.support / 2


def test_an_f6_report_counts_for_more_than_an_e5_one(catalogue: Catalogue) -> None:
    as_of = D(2024, 3, 12)
    rows = {grade: [("declaration-intent", grade, "reported", as_of)] for grade in ("F6", "E5")}
    f6 = scored(catalogue, rows["F6"], as_of).indicator("declaration-intent")
    e5 = scored(catalogue, rows["E5"], as_of).indicator("declaration-intent")
    assert f6.support > e5.support > 0
    assert f6.contribution > e5.contribution


def test_prior_override(catalogue: Catalogue) -> None:
    default = scored(catalogue, PROBING, PROBING_AS_OF)
    even = scored(catalogue, PROBING, PROBING_AS_OF, prior=0.5)
    assert default.headline.prior == catalogue.prior
    assert even.headline.prior == 0.5
    assert even.headline.p_genuine > default.headline.p_genuine
    assert math.isclose(scored(catalogue, [], PROBING_AS_OF, prior=0.5).headline.p_genuine, 0.5)


@pytest.mark.parametrize(
    ("probability", "words"),
    [
        (0.0001, "almost no chance"),
        (0.0449, "almost no chance"),
        (0.0499, "very unlikely"),  # shown as 5 %
        (0.05, "very unlikely"),
        (0.1949, "very unlikely"),
        (0.20, "unlikely"),
        (0.4449, "unlikely"),
        (0.4487, "roughly even chance"),  # shown as 45 %
        (0.45, "roughly even chance"),
        (0.50, "roughly even chance"),
        (0.5549, "roughly even chance"),  # shown as 55 %
        (0.5551, "likely"),
        (0.7949, "likely"),
        (0.80, "very likely"),
        (0.9449, "very likely"),
        (0.95, "almost certain"),
        (0.9999, "almost certain"),
    ],
)
def test_estimative_bands(probability: float, words: str) -> None:
    assert estimative(probability) == words


# -- through the CLI ------------------------------------------------------------------------


def log_rows(signals, rows: list[Row]) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    for n, (indicator, grade, status, observed) in enumerate(rows):
        event = signals.json(
            "log", indicator, f"scenario step {n}: {indicator}",
            "--observed", observed.isoformat(), "--reliability", grade[0],
            "--credibility", grade[1], "--status", status, "--source", "EDM",
        )  # fmt: skip
        ids.append(event["id"])
    return ids


def status(signals, as_of: dt.date, *options: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return signals.json("status", "--as-of", as_of.isoformat(), *options)


def by_id(document: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {indicator["id"]: indicator for indicator in document["indicators"]}


def test_cli_rhetoric_alone(signals, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    log_rows(signals, RHETORIC)
    document = status(signals, RHETORIC_AS_OF)
    assert document["as_of"] == "2024-02-20"
    assert document["score"]["p_genuine"] < document["score"]["prior"] == catalogue.prior
    assert document["score"]["stage"] == 0
    assert document["score"]["progress"] == 0
    assert document["score"]["estimative"] == "very unlikely"
    rhetoric = by_id(document)["rhetoric-without-action"]
    assert rhetoric["state"] == "present"
    assert rhetoric["events"] == 1
    assert rhetoric["last_observed"] == "2024-02-18"
    assert rhetoric["contribution"] < 0


def test_cli_full_sequence_then_rearming(signals, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    log_rows(signals, PROBING + DECLARATIONS + DEEDS)
    full = status(signals, DEEDS_AS_OF)
    assert full["score"]["stage"] == 3
    assert full["score"]["out_of_sequence"] is False
    assert 0.8 <= full["score"]["p_genuine"] <= catalogue.catalogue.ceiling
    assert full["score"]["estimative"] == "very likely"
    # The CLI shows what the pure scorer computes.
    pure = scored(catalogue, PROBING + DECLARATIONS + DEEDS, DEEDS_AS_OF)
    assert full["score"]["p_genuine"] == pytest.approx(pure.headline.p_genuine, abs=1e-4)
    assert full["score"]["progress"] == pytest.approx(pure.headline.progress, abs=0.05)

    log_rows(signals, REARMING)
    rearmed = status(signals, DEEDS_AS_OF)
    declaration = by_id(full)["declaration-intent"]["contribution"]
    drop = full["score"]["log_odds"]["posterior"] - rearmed["score"]["log_odds"]["posterior"]
    assert drop > declaration > 0
    assert full["score"]["p_genuine"] - rearmed["score"]["p_genuine"] > 0.2
    assert by_id(rearmed)["pause-to-rearm"]["state"] == "present"
    assert rearmed["score"]["progress"] == full["score"]["progress"]


def test_cli_deeds_without_probing(signals) -> None:  # type: ignore[no-untyped-def]
    log_rows(signals, DECLARATIONS + DEEDS)
    alone = status(signals, DEEDS_AS_OF)
    assert alone["score"]["out_of_sequence"] is True
    assert alone["score"]["stage"] == 0
    log_rows(signals, PROBING)
    probed = status(signals, DEEDS_AS_OF)
    assert probed["score"]["out_of_sequence"] is False
    assert probed["score"]["stage"] == 3
    assert alone["score"]["progress"] < probed["score"]["progress"]


def test_cli_as_known_leaves_out_what_was_logged_later(signals) -> None:  # type: ignore[no-untyped-def]
    """logged_at is set by the tool (UTC, now): an event observed in the past but logged
    today was not known yesterday."""
    today = dt.datetime.now(dt.UTC).date()
    yesterday = today - dt.timedelta(days=1)
    observed = today - dt.timedelta(days=10)
    log_rows(signals, [("declaration-intent", "A1", "confirmed", observed)])

    def events(*options: str) -> int:
        return by_id(status(signals, *options))["declaration-intent"]["events"]

    assert events(yesterday) == 1
    assert events(today, "--as-known") == 1
    assert events(yesterday, "--as-known") == 0
    known_then = status(signals, yesterday, "--as-known")
    assert known_then["as_known"] is True
    assert known_then["score"]["p_genuine"] == known_then["score"]["prior"]
    assert status(signals, yesterday)["score"]["p_genuine"] > known_then["score"]["p_genuine"]


def test_cli_prior_override(signals, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    assert signals("init").exit_code == 0
    default = status(signals, PROBING_AS_OF)
    assert default["score"]["prior"] == catalogue.prior
    even = status(signals, PROBING_AS_OF, "--prior", "0.5")
    assert even["score"]["prior"] == 0.5
    assert even["score"]["p_genuine"] == 0.5
    assert even["score"]["estimative"] == "roughly even chance"
    log_rows(signals, PROBING)
    assert status(signals, PROBING_AS_OF, "--prior", "0.5")["score"]["p_genuine"] > 0.5
