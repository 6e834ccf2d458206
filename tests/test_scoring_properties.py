"""Property tests of the scorer's invariants (SPEC §3, issue 3), on the pure `score()`.

Evidence lists are drawn from the default catalogue as its first edition shipped (the
scorer's first-edition invariants: one likelihood ratio per indicator, the ceiling as a
cap): unique event ids, any indicator,
any Admiralty grade A-F x 1-6, any status, observed dates in a two-year window around a
fixed as-of date (so some events lie after it). Only the retraction property goes
through the CLI, since retraction lives in the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from signals.catalogue import Kind
from signals.catalogue_loader import load_catalogue
from signals.evidence import Evidence, classify
from signals.render.documents import score_document
from signals.scoring import (
    IndicatorMemo,
    ScoreResult,
    State,
    combine,
    count_windows,
    estimative,
    score,
    score_classes,
)
from tests.conftest import EDITION1_CATALOGUE
from tests.strength import examples

CATALOGUE = load_catalogue(EDITION1_CATALOGUE)
SCORING = CATALOGUE.scoring
CEILING = CATALOGUE.catalogue.ceiling
PRIOR = CATALOGUE.prior
DISCOUNT = SCORING.corroboration_discount

AS_OF = dt.date(2024, 6, 30)
WINDOW_START = dt.date(2023, 7, 1)
WINDOW_END = dt.date(2025, 6, 30)

RELIABILITIES = "ABCDEF"
CREDIBILITIES = "123456"
STATUSES = ("reported", "confirmed", "refuted")


def ids_of(*kinds: Kind) -> list[str]:
    return [i.id for i in CATALOGUE.indicators if i.kind in kinds]


ALL_IDS = [i.id for i in CATALOGUE.indicators]
INTENT_IDS = ids_of(Kind.INTENT)
COUNTER_IDS = ids_of(Kind.COUNTER)
KIND_OF = {i.id: i.kind for i in CATALOGUE.indicators}


@pytest.fixture(autouse=True)
def _first_edition(on_edition1: Path) -> None:
    """What the CLI scores here is compared with the pure scorer on the same catalogue."""


past_dates = st.dates(min_value=WINDOW_START, max_value=AS_OF)
future_dates = st.dates(min_value=AS_OF + dt.timedelta(days=1), max_value=WINDOW_END)
window_dates = st.dates(min_value=WINDOW_START, max_value=WINDOW_END)
priors = st.floats(min_value=0.001, max_value=0.999, allow_nan=False)


def evidence_lists(
    indicators: list[str] = ALL_IDS,
    dates: st.SearchStrategy[dt.date] = window_dates,
    statuses: tuple[str, ...] = STATUSES,
    max_size: int = 25,
    strong: bool = True,
) -> st.SearchStrategy[list[Evidence]]:
    """Lists of evidence with unique event ids (not in logging order).

    With `strong`, a third of the lists also hold a fresh A1 confirmation of every intent
    indicator allowed, so that the intent cap is often reached (random, mostly stale
    evidence seldom gets there)."""
    row = st.tuples(
        st.integers(1, 10**6),
        st.sampled_from(indicators),
        st.sampled_from(RELIABILITIES),
        st.sampled_from(CREDIBILITIES),
        st.sampled_from(statuses),
        dates,
    )
    # Sizes drawn uniformly, so long lists (saturation, whole sequences) are common.
    plain = (
        st.integers(min_value=0, max_value=max_size)
        .flatmap(lambda n: st.lists(row, min_size=n, max_size=n, unique_by=lambda r: r[0]))
        .map(lambda rows: [Evidence(*r) for r in rows])
    )
    block = [
        Evidence(2 * 10**6 + n, indicator, "A", "1", "confirmed", AS_OF - dt.timedelta(days=7))
        for n, indicator in enumerate(i for i in INTENT_IDS if i in indicators)
    ]
    if not strong or not block:
        return plain
    return st.tuples(plain, st.integers(0, 2)).map(
        lambda drawn: drawn[0] + block if drawn[1] == 0 else drawn[0]
    )


def one_more(
    evidence: list[Evidence],
    indicator: str,
    reliability: str,
    credibility: str,
    status: str,
    observed_at: dt.date,
) -> list[Evidence]:
    """The list with one new event, its id unused so far."""
    new_id = max((e.event_id for e in evidence), default=0) + 1
    return [
        *evidence,
        Evidence(new_id, indicator, reliability, credibility, status, observed_at),
    ]


def p_of(result: ScoreResult) -> float:
    return result.headline.p_genuine


FAST = settings(max_examples=examples(150), deadline=None)


# -- bounds -------------------------------------------------------------------------


@FAST
@given(evidence=evidence_lists(), prior=st.none() | priors)
def test_every_figure_is_bounded(evidence: list[Evidence], prior: float | None) -> None:
    result = score(CATALOGUE, evidence, AS_OF, prior=prior)
    headline = result.headline
    assert 0 < headline.p_genuine < 1
    assert math.isfinite(headline.posterior_log_odds)
    assert 0 <= headline.progress <= 100
    assert headline.stage in {0, 1, 2, 3}
    assert headline.estimative == estimative(headline.p_genuine)
    assert headline.prior == (PRIOR if prior is None else prior)
    for indicator in result.indicators:
        assert 0 <= indicator.support <= 1
        assert 0 <= indicator.against <= 1
        assert 0 <= indicator.strength <= 1
        if indicator.kind is Kind.CONTEXT:
            assert indicator.contribution == 0
    # The headline adds up: prior + capped intent + counter.
    expected = (
        headline.prior_log_odds
        + min(headline.for_intent_log_odds, headline.intent_cap)
        + headline.against_intent_log_odds
    )
    assert math.isclose(headline.posterior_log_odds, expected, abs_tol=1e-12)


@FAST
@given(
    evidence=evidence_lists(indicators=ids_of(Kind.INTENT, Kind.CONTEXT), max_size=40),
    prior=priors,
)
def test_intent_evidence_never_makes_it_certain(evidence: list[Evidence], prior: float) -> None:
    """'Even these steps could serve to be a deceptive ploy': intent evidence alone stays
    at or below the catalogue's ceiling (or the prior, if an override sets it higher)."""
    default = score(CATALOGUE, evidence, AS_OF)
    assert p_of(default) <= CEILING + 1e-12
    assert p_of(default) < 1
    assert default.headline.estimative != "almost certain"
    overridden = score(CATALOGUE, evidence, AS_OF, prior=prior)
    assert p_of(overridden) <= max(prior, CEILING) + 1e-12


@FAST
@given(evidence=evidence_lists(max_size=40), prior=st.none() | priors)
def test_refuting_signs_of_deception_never_makes_it_certain(
    evidence: list[Evidence], prior: float | None
) -> None:
    """A sign of deception shown false argues for genuine intent, and is capped with the
    rest of what does: with every counter-indicator refuted, p stays at the ceiling."""
    counters = set(ids_of(Kind.COUNTER))
    refuted = [
        Evidence(
            e.event_id,
            e.indicator,
            e.reliability,
            e.credibility,
            "refuted" if e.indicator in counters else e.status,
            e.observed_at,
        )
        for e in evidence
    ]
    result = score(CATALOGUE, refuted, AS_OF, prior=prior)
    assert p_of(result) <= max(CEILING, PRIOR if prior is None else prior) + 1e-12
    assert result.headline.against_intent_log_odds <= 0


def test_a_refuted_step_shows_even_at_the_ceiling() -> None:
    """What argues against genuine intent is added after the cap: a refuted intent
    indicator lowers a capped probability instead of vanishing under the cap."""
    capped = [
        Evidence(n * 100 + k, indicator, "A", "1", "confirmed", AS_OF)
        for n, indicator in enumerate(INTENT_IDS[1:])
        for k in range(3)
    ]
    refuted = Evidence(9_999, INTENT_IDS[0], "A", "1", "refuted", AS_OF)
    before = score(CATALOGUE, capped, AS_OF)
    after = score(CATALOGUE, [*capped, refuted], AS_OF)
    assert before.headline.intent_capped
    assert p_of(after) < p_of(before)
    assert after.headline.against_intent_log_odds < 0


def test_a_refutation_of_a_supported_step_shows_at_the_ceiling_too() -> None:
    """An indicator with support and a refutation argues both ways: its support goes under
    the cap with the rest, its refutation after it, rather than netted away under the cap."""
    capped = [
        Evidence(n * 100 + k, indicator, "A", "1", "confirmed", AS_OF)
        for n, indicator in enumerate(INTENT_IDS)
        for k in range(3)
    ]
    refuted = Evidence(9_999, INTENT_IDS[0], "B", "2", "refuted", AS_OF)
    before = score(CATALOGUE, capped, AS_OF)
    after = score(CATALOGUE, [*capped, refuted], AS_OF)
    assert before.headline.intent_capped and after.headline.intent_capped
    assert after.indicator(INTENT_IDS[0]).support > after.indicator(INTENT_IDS[0]).against > 0
    assert p_of(after) < p_of(before)
    ratio = after.indicator(INTENT_IDS[0]).likelihood_ratio
    assert ratio is not None
    assert math.isclose(
        after.headline.against_intent_log_odds,
        -after.indicator(INTENT_IDS[0]).against * math.log(ratio),
    )


def test_overwhelming_intent_evidence_stops_at_the_ceiling() -> None:
    """Twenty fresh A1 confirmations of every intent indicator: capped, not certain."""
    evidence = [
        Evidence(n * 100 + k, indicator, "A", "1", "confirmed", AS_OF)
        for n, indicator in enumerate(INTENT_IDS)
        for k in range(20)
    ]
    result = score(CATALOGUE, evidence, AS_OF)
    assert result.headline.intent_capped
    assert math.isclose(p_of(result), CEILING, abs_tol=1e-9)
    assert result.headline.estimative == "very likely"


@FAST
@given(prior=priors)
def test_without_evidence_the_probability_is_the_prior(prior: float) -> None:
    result = score(CATALOGUE, [], AS_OF, prior=prior)
    assert math.isclose(p_of(result), prior, rel_tol=1e-9)
    assert result.headline.progress == 0
    assert result.headline.stage == 0
    assert all(i.state is State.ABSENT for i in result.indicators)


# -- monotonicity ---------------------------------------------------------------------


@FAST
@given(
    evidence=evidence_lists(),
    indicator=st.sampled_from(INTENT_IDS),
    reliability=st.sampled_from(RELIABILITIES),
    credibility=st.sampled_from(CREDIBILITIES),
    status=st.sampled_from(["confirmed", "reported"]),
    observed=past_dates,
    prior=st.none() | priors,
)
def test_adding_intent_evidence_never_lowers_the_probability(
    evidence: list[Evidence],
    indicator: str,
    reliability: str,
    credibility: str,
    status: str,
    observed: dt.date,
    prior: float | None,
) -> None:
    before = score(CATALOGUE, evidence, AS_OF, prior=prior)
    more = one_more(evidence, indicator, reliability, credibility, status, observed)
    after = score(CATALOGUE, more, AS_OF, prior=prior)
    assert p_of(after) >= p_of(before)
    assert after.headline.progress >= before.headline.progress
    assert after.indicator(indicator).support >= before.indicator(indicator).support


@FAST
@given(
    evidence=evidence_lists(),
    indicator=st.sampled_from(COUNTER_IDS),
    reliability=st.sampled_from(RELIABILITIES),
    credibility=st.sampled_from(CREDIBILITIES),
    status=st.sampled_from(["confirmed", "reported"]),
    observed=past_dates,
    prior=st.none() | priors,
)
def test_adding_counter_evidence_never_raises_the_probability(
    evidence: list[Evidence],
    indicator: str,
    reliability: str,
    credibility: str,
    status: str,
    observed: dt.date,
    prior: float | None,
) -> None:
    before = score(CATALOGUE, evidence, AS_OF, prior=prior)
    more = one_more(evidence, indicator, reliability, credibility, status, observed)
    after = score(CATALOGUE, more, AS_OF, prior=prior)
    assert p_of(after) <= p_of(before)
    assert after.headline.progress == before.headline.progress


@FAST
@given(
    evidence=evidence_lists(),
    indicator=st.sampled_from(INTENT_IDS + COUNTER_IDS),
    reliability=st.sampled_from(RELIABILITIES),
    credibility=st.sampled_from(CREDIBILITIES),
    observed=past_dates,
)
def test_a_refutation_pulls_the_other_way(
    evidence: list[Evidence],
    indicator: str,
    reliability: str,
    credibility: str,
    observed: dt.date,
) -> None:
    """A refuted event is a negative indication: against intent it never raises the
    probability, against a counter-indicator it never lowers it."""
    before = score(CATALOGUE, evidence, AS_OF)
    more = one_more(evidence, indicator, reliability, credibility, "refuted", observed)
    after = score(CATALOGUE, more, AS_OF)
    if KIND_OF[indicator] is Kind.INTENT:
        assert p_of(after) <= p_of(before)
        assert after.headline.progress <= before.headline.progress
    else:
        assert p_of(after) >= p_of(before)
    assert after.indicator(indicator).against >= before.indicator(indicator).against


@FAST
@given(
    evidence=evidence_lists(indicators=[i for i in ALL_IDS if i != "pause-to-rearm"]),
    reliability=st.sampled_from(RELIABILITIES),
    credibility=st.sampled_from(CREDIBILITIES),
    observed=past_dates,
)
def test_a_confirmed_pause_to_rearm_outweighs_a_confirmed_declaration(
    evidence: list[Evidence], reliability: str, credibility: str, observed: dt.date
) -> None:
    """Whatever else is known, a declaration and a rearming pause of the same grade and
    date together leave the probability lower than neither."""
    before = score(CATALOGUE, evidence, AS_OF)
    both = one_more(evidence, "declaration-intent", reliability, credibility, "confirmed", observed)
    both = one_more(both, "pause-to-rearm", reliability, credibility, "confirmed", observed)
    after = score(CATALOGUE, both, AS_OF)
    assert p_of(after) < p_of(before)
    rearm = after.indicator("pause-to-rearm").contribution
    declaration = after.indicator("declaration-intent").contribution
    declaration_before = before.indicator("declaration-intent").contribution
    assert -rearm > declaration - declaration_before


# -- order, as-of date, age -------------------------------------------------------------


@FAST
@given(data=st.data(), evidence=evidence_lists())
def test_the_order_of_logging_does_not_matter(
    data: st.DataObject, evidence: list[Evidence]
) -> None:
    shuffled = data.draw(st.permutations(evidence))
    assert score(CATALOGUE, shuffled, AS_OF) == score(CATALOGUE, evidence, AS_OF)


@FAST
@given(
    evidence=evidence_lists(),
    later=evidence_lists(dates=future_dates, max_size=10, strong=False),
    prior=st.none() | priors,
)
def test_events_after_the_as_of_date_have_no_effect(
    evidence: list[Evidence], later: list[Evidence], prior: float | None
) -> None:
    offset = max((e.event_id for e in evidence), default=0)
    later = [dataclasses.replace(e, event_id=offset + e.event_id) for e in later]
    assert score(CATALOGUE, evidence + later, AS_OF, prior=prior) == score(
        CATALOGUE, evidence, AS_OF, prior=prior
    )


@FAST
@given(
    indicator=st.sampled_from(ALL_IDS),
    reliability=st.sampled_from(RELIABILITIES),
    credibility=st.sampled_from(CREDIBILITIES),
    status=st.sampled_from(STATUSES),
    newer=past_dates,
    days_older=st.integers(min_value=1, max_value=730),
)
def test_older_evidence_weighs_less(
    indicator: str,
    reliability: str,
    credibility: str,
    status: str,
    newer: dt.date,
    days_older: int,
) -> None:
    fresh = Evidence(1, indicator, reliability, credibility, status, newer)
    old = dataclasses.replace(fresh, observed_at=newer - dt.timedelta(days=days_older))
    scored_fresh = score(CATALOGUE, [fresh], AS_OF).indicator(indicator)
    scored_old = score(CATALOGUE, [old], AS_OF).indicator(indicator)
    if status == "refuted":
        assert scored_old.against < scored_fresh.against
    else:
        assert scored_old.support < scored_fresh.support
    assert abs(scored_old.contribution) <= abs(scored_fresh.contribution)


@FAST
@given(
    data=st.data(),
    evidence=evidence_lists(dates=past_dates),
    days_older=st.integers(min_value=1, max_value=730),
)
def test_ageing_one_event_never_strengthens_what_it_supports(
    data: st.DataObject, evidence: list[Evidence], days_older: int
) -> None:
    assume(evidence)
    index = data.draw(st.integers(0, len(evidence) - 1))
    moved = evidence[index]
    older = dataclasses.replace(
        moved, observed_at=moved.observed_at - dt.timedelta(days=days_older)
    )
    aged = [*evidence[:index], older, *evidence[index + 1 :]]
    before = score(CATALOGUE, evidence, AS_OF)
    after = score(CATALOGUE, aged, AS_OF)
    was, now = before.indicator(moved.indicator), after.indicator(moved.indicator)
    refuted = moved.status == "refuted"
    if refuted:
        assert now.against <= was.against
        assert now.support == was.support
    else:
        assert now.support <= was.support
        assert now.against == was.against
    kind = KIND_OF[moved.indicator]
    if (kind is Kind.INTENT and not refuted) or (kind is Kind.COUNTER and refuted):
        assert p_of(after) <= p_of(before)
    elif kind is not Kind.CONTEXT:
        assert p_of(after) >= p_of(before)


# -- saturation and grades ----------------------------------------------------------------


@FAST
@given(strengths=st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=50))
def test_combined_reports_never_exceed_the_strongest_over_one_minus_discount(
    strengths: list[float],
) -> None:
    combined = combine(strengths, DISCOUNT)
    assert max(strengths) - 1e-12 <= combined <= 1
    assert combined <= max(strengths) / (1 - DISCOUNT) + 1e-12


@FAST
@given(
    indicator=st.sampled_from(INTENT_IDS + COUNTER_IDS),
    reliability=st.sampled_from("DEF"),
    credibility=st.sampled_from("3456"),
    status=st.sampled_from(["reported", "confirmed"]),
    copies=st.integers(min_value=1, max_value=100),
)
def test_many_weak_reports_never_equal_one_strong_confirmation(
    indicator: str, reliability: str, credibility: str, status: str, copies: int
) -> None:
    """Ten rumours are not a confirmation: any number of reports graded D-F and 3-6, all
    fresh, stay below what one A1 confirmation gives, and never make the indicator present."""
    weak = [Evidence(k, indicator, reliability, credibility, status, AS_OF) for k in range(copies)]
    strong = [Evidence(1, indicator, "A", "1", "confirmed", AS_OF)]
    many = score(CATALOGUE, weak, AS_OF).indicator(indicator)
    one = score(CATALOGUE, strong, AS_OF).indicator(indicator)
    assert many.state is not State.PRESENT
    assert many.support < one.support / 2
    assert abs(many.contribution) < abs(one.contribution) / 2
    fewer = score(CATALOGUE, weak[:-1], AS_OF).indicator(indicator)
    assert fewer.support <= many.support


@FAST
@given(
    indicator=st.sampled_from(ALL_IDS),
    other=st.sampled_from(list(RELIABILITIES + CREDIBILITIES)),
    status=st.sampled_from(STATUSES),
    observed=past_dates,
)
def test_cannot_be_judged_counts_for_more_than_unreliable_or_improbable(
    indicator: str, other: str, status: str, observed: dt.date
) -> None:
    """F and 6 mean 'no basis to judge', not 'false': F beats E and 6 beats 5 on either
    axis whatever the other grade, so an F6 report counts for more than an E5 one."""

    def strength(reliability: str, credibility: str) -> float:
        item = Evidence(1, indicator, reliability, credibility, status, observed)
        scored = score(CATALOGUE, [item], AS_OF).indicator(indicator)
        return scored.against if status == "refuted" else scored.support

    assert strength("F", "6") > strength("E", "5")
    if other in RELIABILITIES:
        assert strength(other, "6") > strength(other, "5")
    else:
        assert strength("F", other) > strength("E", other)


# -- progress and sequence -------------------------------------------------------------------


@FAST
@given(evidence=evidence_lists(indicators=INTENT_IDS + COUNTER_IDS))
def test_out_of_sequence_exactly_when_a_stage_is_reached_before_an_earlier_one(
    evidence: list[Evidence],
) -> None:
    result = score(CATALOGUE, evidence, AS_OF)
    stages = CATALOGUE.stages()
    reached = {
        stage: any(
            i.state in (State.PRESENT, State.LAPSED)
            for i in result.indicators
            if i.kind is Kind.INTENT and i.stage == stage
        )
        for stage in stages
    }
    early = any(reached[s] and not all(reached[e] for e in stages if e < s) for s in stages)
    assert result.headline.out_of_sequence == early
    highest = 0
    for stage in stages:
        if not reached[stage]:
            break
        highest = stage
    assert result.headline.stage == highest
    # A stage seen before the earlier ones are reached is credited at a discount.
    credit = SCORING.out_of_sequence_credit
    for row in result.headline.stages:
        assert 0 <= row.credited <= row.completion <= 1
        in_order = all(reached[e] for e in stages if e < row.stage)
        expected = row.completion * (1 if in_order else credit)
        assert math.isclose(row.credited, expected, abs_tol=1e-12)
    assert math.isclose(
        result.headline.progress,
        100 * sum(row.credited for row in result.headline.stages) / len(stages),
        abs_tol=1e-9,
    )


# -- retraction, through the CLI ---------------------------------------------------------------

CLI_AS_OF = dt.date(2024, 6, 30)


@st.composite
def logged_events(draw: st.DrawFn) -> list[tuple[str, str, str, str, dt.date]]:
    size = draw(st.integers(min_value=2, max_value=5))
    return [
        (
            draw(st.sampled_from(ALL_IDS)),
            draw(st.sampled_from(RELIABILITIES)),
            draw(st.sampled_from(CREDIBILITIES)),
            draw(st.sampled_from(STATUSES)),
            draw(st.dates(min_value=dt.date(2024, 1, 1), max_value=CLI_AS_OF)),
        )
        for _ in range(size)
    ]


def _log_all(signals, db: Path, events: list[tuple[str, str, str, str, dt.date]]) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    for n, (indicator, reliability, credibility, status, observed) in enumerate(events):
        result = signals(
            "--db", str(db), "log", indicator, f"event number {n}",
            "--observed", observed.isoformat(), "-r", reliability, "-c", credibility,
            "--status", status, "--json",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        ids.append(json.loads(result.stdout)["id"])
    return ids


def _status(signals, db: Path) -> dict:  # type: ignore[no-untyped-def, type-arg]
    result = signals("--db", str(db), "status", "--as-of", CLI_AS_OF.isoformat(), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@settings(
    max_examples=examples(8),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(events=logged_events(), data=st.data())
def test_retracting_an_event_restores_the_score_without_it(
    signals,  # type: ignore[no-untyped-def]
    events: list[tuple[str, str, str, str, dt.date]],
    data: st.DataObject,
) -> None:
    gone = data.draw(st.integers(0, len(events) - 1))
    with tempfile.TemporaryDirectory() as folder:
        logged = Path(folder) / "logged.db"
        fresh = Path(folder) / "fresh.db"
        ids = _log_all(signals, logged, events)
        before = _status(signals, logged)
        retracted = signals(
            "--db", str(logged), "events", "retract", str(ids[gone]), "--reason", "withdrawn"
        )
        assert retracted.exit_code == 0, retracted.stderr
        after = _status(signals, logged)
        _log_all(signals, fresh, events[:gone] + events[gone + 1 :])
        never = _status(signals, fresh)
    # Which events the range hangs on is named by id, and ids differ between the databases.
    assert _without(after["score"], "hangs_on") == _without(never["score"], "hangs_on")
    assert after["indicators"] == never["indicators"]
    for mine, theirs in zip(after["indicators"], never["indicators"], strict=True):
        for key in ("state", "strength", "contribution", "events"):
            assert mine[key] == theirs[key]
    # The retracted event stopped counting: its indicator lost one event.
    indicator = events[gone][0]
    count = {i["id"]: i["events"] for i in before["indicators"]}[indicator]
    assert {i["id"]: i["events"] for i in after["indicators"]}[indicator] == count - 1
    # And the CLI agrees with the pure scorer on the evidence without it.
    kept = [
        Evidence(n, ind, r, c, s, observed)
        for n, (ind, r, c, s, observed) in enumerate(events)
        if n != gone
    ]
    pure = json.loads(json.dumps(score_document(score(CATALOGUE, kept, CLI_AS_OF), CATALOGUE)))
    # The pure scorer states no confidence: that needs the events' sources from the store.
    assert _without(after["score"], *CONFIDENCE_KEYS) == pure["score"]
    assert after["indicators"] == pure["indicators"]


CONFIDENCE_KEYS = ("confidence", "range", "confidence_reasons", "hangs_on")


def _without(document: dict[str, object], *keys: str) -> dict[str, object]:
    return {key: value for key, value in document.items() if key not in keys}


@FAST
@given(evidence=evidence_lists(), left_out=st.sampled_from(sorted(INTENT_IDS)))
def test_a_memo_of_indicator_scores_changes_no_figure(
    evidence: list[Evidence], left_out: str
) -> None:
    """Scoring a day with an indicator's classes left out, then whole, with one memo:
    each is the scoring without it."""
    classes = classify(evidence, AS_OF, None)
    counts = count_windows(CATALOGUE, evidence, AS_OF, None)
    without = [c for c in classes if c.indicator != left_out]
    memo: IndicatorMemo = {}
    for part in (without, classes, without):
        assert score_classes(
            CATALOGUE, part, AS_OF, window_counts=counts, memo=memo
        ) == score_classes(CATALOGUE, part, AS_OF, window_counts=counts)
