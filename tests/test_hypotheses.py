"""Competing hypotheses: the worked example by hand, and the invariants of the posterior.

The worked example's figures are the scoring design's own, computed by hand before the
code existed: prior weights 9/1/26/27/27 (genuine, imitation, ploy, coercive, frozen),
a broken truce .1/.4/.4/.2/.2, a talks offer tied to an ultimatum .2/.4/.4/.8/.4, a
routine swap .5 each, an imitable SVR-CIA rumour .4/.4/.1/.1/.1 at half strength:
weights 18/16/208/216/108 of 566.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from signals.catalogue_loader import load_catalogue
from signals.confidence import Level, _consistency, assess_confidence, headline_words
from signals.evidence import Evidence
from signals.hypotheses import (
    IMITATION,
    HypothesisSpace,
    Reading,
    hypothesis_space,
    is_tied,
    leader_of,
    parts,
    posterior,
    ranked,
    tied_at_the_top,
)
from signals.matrix import build_matrix, mark
from signals.render.hypotheses import matrix_view
from signals.scoring import score
from tests.strength import examples

WORKED = load_catalogue(Path(__file__).parent / "data" / "worked-example.toml")
DAY = dt.date(2024, 6, 30)


def worked_events() -> list[Evidence]:
    return [
        Evidence(1, "truce-broken", "A", "1", "confirmed", DAY),
        Evidence(2, "talks-ultimatum", "A", "1", "confirmed", DAY),
        Evidence(3, "routine-swap", "A", "1", "confirmed", DAY),
        # One half-life old: strength 0.5, as the example reads the rumour.
        Evidence(4, "svr-cia-contact", "A", "1", "confirmed", DAY - dt.timedelta(days=30)),
    ]


def test_the_worked_example_gives_the_figures_worked_by_hand() -> None:
    result = score(WORKED, worked_events(), DAY)
    shown = result.headline.hypotheses
    assert shown["genuine"] == pytest.approx(18 / 566)
    assert shown["ploy"] == pytest.approx((208 + 16) / 566)
    assert shown["coercive"] == pytest.approx(216 / 566)
    assert shown["frozen"] == pytest.approx(108 / 566)
    assert result.headline.posterior is not None
    assert result.headline.posterior.imitation == pytest.approx(16 / 566)
    assert result.headline.p_genuine == shown["genuine"]


def test_the_worked_example_range_and_confidence() -> None:
    result = score(WORKED, worked_events(), DAY)
    origins = {1: "ISW", 2: "TASS", 3: "Reuters", 4: "Wall Street Journal"}
    confidence = assess_confidence(WORKED, hypothesis_space(WORKED), result, origins)
    # By hand: strengths x2 gives 9*0.4^... = 0.87 %; the truce left out gives 7.6 %.
    assert confidence.low == pytest.approx(0.00875, abs=5e-5)
    assert confidence.high == pytest.approx(0.0763, abs=5e-4)
    assert confidence.low <= result.headline.p_genuine <= confidence.high
    assert confidence.level is Level.MODERATE
    assert confidence.robustness.level is Level.HIGH
    assert confidence.consistency.level is Level.MODERATE
    assert {c.event_id for c in confidence.hangs_on} >= {1, 2}
    words = headline_words(result.headline.p_genuine, confidence)
    assert words == "P(genuine) 3 % (1–8 %), almost no chance, moderate confidence"


def test_the_routine_swap_moves_nothing_and_the_matrix_says_so() -> None:
    without = score(WORKED, [e for e in worked_events() if e.event_id != 3], DAY)
    with_swap = score(WORKED, worked_events(), DAY)
    assert with_swap.headline.hypotheses == pytest.approx(without.headline.hypotheses)
    matrix = build_matrix(hypothesis_space(WORKED), with_swap)
    swap = next(r for r in matrix.rows if r.indicator == "routine-swap")
    assert swap.diagnosticity == 0
    assert [mark(c) for c in swap.cells] == ["C"] * 4


def test_the_matrix_ranks_ploy_and_coercive_as_a_tie_and_names_what_contradicts_ploy() -> None:
    matrix = build_matrix(hypothesis_space(WORKED), score(WORKED, worked_events(), DAY))
    assert [r.id for r in matrix.ranked] == ["ploy", "coercive", "frozen", "genuine"]
    assert matrix.ranked[1].tied_with_leader
    assert not matrix.ranked[2].tied_with_leader
    assert matrix.most_against_leader is not None
    assert matrix.most_against_leader.indicator in {"talks-ultimatum", "svr-cia-contact"}
    assert matrix.inconsistency["ploy"] == pytest.approx(math.log(0.5) + 0.5 * math.log(0.25))
    # Genuine falls below its prior, so there is no deception check to prompt.
    assert matrix.prompts == ()
    assert matrix.assumptions and matrix.assumptions[0].hypothesis == "ploy"


def test_a_tied_leader_is_named_as_one_of_those_tied() -> None:
    """Ploy (39.6 %) and coercive (38.2 %) are tied: what the matrix says of ploy says
    so. By hand, each has the same against it: ploy ln(.4/.8) for the ultimatum and
    ½ ln(.1/.4) for the rumour, coercive ln(.2/.4) for the broken truce and the same
    rumour, -1.39 each."""
    result = score(WORKED, worked_events(), DAY)
    matrix = build_matrix(hypothesis_space(WORKED), result)
    console = Console(width=200, record=True, file=io.StringIO())
    for part in matrix_view(matrix):
        console.print(part)
    text = " ".join(console.export_text().split())
    assert "Most against ploy (tied with coercive):" in text
    assert "Key assumptions of ploy (tied with coercive)" in text
    confidence = assess_confidence(WORKED, hypothesis_space(WORKED), result)
    assert confidence.consistency.why == (
        "ploy and coercive each have -1.39 of evidence against them to explain away"
    )


def test_under_a_tie_the_consistency_is_that_of_the_best_explained() -> None:
    """Ploy and frozen tied on the worked example's evidence: frozen explains the truce,
    the ultimatum and the rumour worse (ln .5 three times, -2.08) than ploy (-1.39)."""
    space = hypothesis_space(WORKED)
    result = score(WORKED, worked_events(), DAY)
    shown = {"ploy": 0.40, "frozen": 0.38, "coercive": 0.10, "genuine": 0.12}
    reason = _consistency(space, shown, result.indicators)
    assert reason.why == (
        "of those tied, ploy has -1.39 of evidence against it to explain away; frozen more"
    )
    assert reason.level is Level.MODERATE


@pytest.mark.parametrize(
    ("shared", "leading", "ending"),
    [
        (False, ("ploy",), "ploy would fall to 20%"),
        (True, ("ploy",), "ploy would fall to 20%, and ploy would lead alone"),
        (True, ("coercive",), "ploy would fall to 20%, and coercive would lead"),
        (
            False,
            ("coercive", "frozen"),
            "ploy would fall to 20%, and coercive and frozen would be tied",
        ),
        (True, ("coercive", "ploy"), "ploy would fall to 20%, and coercive and ploy would be tied"),
    ],
)
def test_a_key_assumption_says_whether_one_would_lead_or_several_tie(
    shared: bool, leading: tuple[str, ...], ending: str
) -> None:
    """On the worked example ploy shares the lead with coercive; without the tie, it
    leads alone."""
    matrix = build_matrix(hypothesis_space(WORKED), score(WORKED, worked_events(), DAY))
    assert [r.id for r in matrix.leading] == ["ploy", "coercive"]
    if not shared:
        alone = tuple(replace(r, tied_with_leader=False) for r in matrix.ranked)
        matrix = replace(matrix, ranked=alone)
    assumption = replace(
        matrix.assumptions[0],
        posterior_if_seen=0.2,
        new_leader=leading[0],
        leading_if_seen=leading,
    )
    console = Console(width=400, record=True, file=io.StringIO())
    for part in matrix_view(replace(matrix, assumptions=(assumption,))):
        console.print(part)
    line = next(x for x in console.export_text().splitlines() if "would fall to" in x)
    assert line.rstrip().endswith(f"is confirmed: {ending}")


def test_a_lead_of_exactly_the_margin_is_a_lead_however_the_subtraction_rounds() -> None:
    # 0.38 - 0.33 is 0.04999999999999999 in floating point, 0.40 - 0.35 is 0.05000000000000004.
    for top, second in ((0.38, 0.33), (0.40, 0.35), (0.55, 0.50)):
        assert not is_tied(top, second)
        assert tied_at_the_top({"a": top, "b": second, "c": 1 - top - second}) == ["a"]
    assert tied_at_the_top({"a": 0.38, "b": 0.3301, "c": 0.2899}) == ["a", "b"]


posteriors = st.dictionaries(
    st.sampled_from(["genuine", "frozen", "ploy", "coercive", "other"]),
    # Shares that are level to the last bit or two, as a split prior leaves them.
    st.sampled_from([0.1, 0.2, 0.25, 0.3, 0.3 - 2**-54, 0.3 + 2**-53, 0.33, 0.38]),
    min_size=2,
)


@given(posteriors, st.randoms())
def test_the_ranking_is_by_posterior_then_id_whatever_the_order_given(
    shown: dict[str, float], random
) -> None:  # type: ignore[no-untyped-def]
    order = ranked(shown)
    names = list(shown)
    random.shuffle(names)
    assert ranked({h: shown[h] for h in names}) == order
    for first, second in pairwise(order):
        if abs(shown[first] - shown[second]) < 1e-9:
            assert first < second
        else:
            assert shown[first] > shown[second]
    tied = tied_at_the_top(shown)
    assert leader_of(shown) == tied[0] == order[0]
    assert tied == order[: len(tied)]


def test_no_evidence_gives_the_prior_and_low_confidence() -> None:
    result = score(WORKED, [], DAY)
    assert result.headline.p_genuine == pytest.approx(0.10)
    confidence = assess_confidence(WORKED, hypothesis_space(WORKED), result)
    assert confidence.level is Level.LOW
    assert confidence.basis.level is Level.LOW


# -- invariants ----------------------------------------------------------------

likelihood = st.floats(min_value=0.05, max_value=1.0)
strength = st.floats(min_value=0.0, max_value=1.0)


@st.composite
def spaces(draw: st.DrawFn) -> HypothesisSpace:
    count = draw(st.integers(min_value=2, max_value=5))
    raw = draw(st.lists(st.floats(0.05, 1.0), min_size=count, max_size=count))
    priors = tuple(p / sum(raw) for p in raw)
    indicators = draw(st.integers(min_value=1, max_value=6))
    rows = {
        f"i{n}": tuple(
            math.log(v) for v in draw(st.lists(likelihood, min_size=count, max_size=count))
        )
        for n in range(indicators)
    }
    ids = tuple(f"h{n}" for n in range(count))
    return HypothesisSpace(
        ids=ids,
        titles=ids,
        priors=priors,
        headline=0,
        shown_as=tuple(range(count)),
        shown=ids,
        shown_titles=ids,
        rows=rows,
        refuted_rows={},
        imitable=frozenset(),
        ceiling=0.9,
    )


def _readings(space: HypothesisSpace, strengths: list[float]) -> list[Reading]:
    return [Reading(name, s, 0.0) for name, s in zip(sorted(space.rows), strengths, strict=False)]


@settings(max_examples=examples(150))
@given(spaces(), st.lists(strength, min_size=6, max_size=6), st.randoms())
def test_posteriors_sum_to_one_and_do_not_depend_on_order(space, strengths, random) -> None:
    readings = _readings(space, strengths)
    weighed = posterior(space, parts(space, readings))
    assert sum(weighed.probabilities) == pytest.approx(1)
    shuffled = list(readings)
    random.shuffle(shuffled)
    again = posterior(space, parts(space, shuffled))
    assert again.probabilities == pytest.approx(weighed.probabilities, rel=1e-9, abs=1e-12)
    assert posterior(space, parts(space, readings)) == weighed


@settings(max_examples=examples(150))
@given(spaces(), st.lists(strength, min_size=6, max_size=6), strength, likelihood)
def test_evidence_equally_likely_under_every_hypothesis_moves_nothing(
    space, strengths, s, value
) -> None:
    flat = replace(space, rows={**space.rows, "flat": (math.log(value),) * len(space.ids)})
    readings = _readings(flat, strengths)
    before = posterior(flat, parts(flat, readings))
    after = posterior(flat, parts(flat, [*readings, Reading("flat", s, 0.0)]))
    assert after.probabilities == pytest.approx(before.probabilities, rel=1e-9, abs=1e-12)


@settings(max_examples=examples(200))
@given(spaces(), st.lists(strength, min_size=6, max_size=6), strength, st.data())
def test_evidence_likelier_under_h_than_under_every_other_never_lowers_h(
    space, strengths, s, data
) -> None:
    target = data.draw(st.integers(0, len(space.ids) - 1))
    others = data.draw(st.lists(likelihood, min_size=len(space.ids), max_size=len(space.ids)))
    row = [math.log(v) for v in others]
    row[target] = max(row) + data.draw(st.floats(0.0, 1.0))
    favouring = replace(space, rows={**space.rows, "favouring": tuple(row)})
    readings = _readings(favouring, strengths)
    before = posterior(favouring, parts(favouring, readings)).probabilities[target]
    after = posterior(
        favouring, parts(favouring, [*readings, Reading("favouring", s, 0.0)])
    ).probabilities[target]
    assert after >= before - 1e-12


@settings(max_examples=examples(150))
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6))
def test_imitable_evidence_alone_keeps_genuine_at_or_below_the_ceiling(strengths) -> None:
    space = hypothesis_space(WORKED)
    assert space.ids[-1] == IMITATION
    # The only imitable indicator, logged as often and as strongly as hypothesis likes.
    readings = [Reading("svr-cia-contact", s * 20, 0.0) for s in strengths]
    weighed = posterior(space, parts(space, readings))
    assert weighed.headline <= WORKED.catalogue.ceiling + 1e-12


@settings(max_examples=examples(150))
@given(
    st.floats(0.01, 0.99),
    st.lists(st.tuples(st.floats(0.05, 20.0), strength), min_size=0, max_size=6),
)
def test_two_hypotheses_without_a_cap_are_the_first_edition_sum(prior, evidence) -> None:
    rows = {f"i{n}": (math.log(ratio), 0.0) for n, (ratio, _s) in enumerate(evidence)}
    space = HypothesisSpace(
        ids=("genuine", "other"),
        titles=("genuine", "other"),
        priors=(prior, 1 - prior),
        headline=0,
        shown_as=(0, 1),
        shown=("genuine", "other"),
        shown_titles=("genuine", "other"),
        rows=rows,
        refuted_rows={},
        imitable=frozenset(),
        ceiling=0.99,
    )
    readings = [Reading(f"i{n}", s, 0.0) for n, (_ratio, s) in enumerate(evidence)]
    log_odds = math.log(prior / (1 - prior)) + sum(s * math.log(r) for r, s in evidence)
    expected = 1 / (1 + math.exp(-log_odds))
    assert posterior(space, parts(space, readings)).headline == pytest.approx(expected)


def test_the_actors_own_channels_are_named_by_whole_words(catalogue) -> None:  # type: ignore[no-untyped-def]
    info = catalogue.catalogue
    assert info.adversary_controlled("TASS")
    assert info.adversary_controlled("rt.com, quoting Lavrov")
    assert info.adversary_controlled("Smotrim.ru")
    assert not info.adversary_controlled("Reuters")
    assert not info.adversary_controlled("Report by ISW")


def test_three_origins_all_the_actors_own_are_no_basis_for_high_confidence(catalogue) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2024, 6, 30)
    events = [
        Evidence(1, "declaration-intent", "A", "1", "confirmed", day),
        Evidence(2, "declaration-broadcast", "A", "1", "confirmed", day),
        Evidence(3, "rhetoric-without-action", "A", "1", "confirmed", day),
    ]
    result = score(catalogue, events, day)
    space = hypothesis_space(catalogue)
    own = assess_confidence(catalogue, space, result, {1: "TASS", 2: "Rossiya-1", 3: "kremlin.ru"})
    assert own.basis.level is Level.MODERATE
    mixed = assess_confidence(catalogue, space, result, {1: "TASS", 2: "Reuters", 3: "kremlin.ru"})
    assert mixed.basis.level is Level.HIGH
    unknown = assess_confidence(catalogue, space, result, {})
    assert unknown.basis.level is Level.LOW
