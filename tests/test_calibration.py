"""The record's arithmetic, pure: Brier scores, the calibration table, which forecasts
count and which resolution scores them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signals.calibration import (
    binary_brier,
    brier,
    calibration,
    outcome,
    score_record,
    weekly,
)
from signals.forecasts import Forecast, Resolution, in_force, superseded

HYPOTHESES = ("genuine", "frozen", "ploy", "coercive")


@st.composite
def distributions(draw: st.DrawFn) -> dict[str, float]:
    """A probability for each hypothesis, summing to 1."""
    weights = draw(
        st.lists(
            st.floats(min_value=0, max_value=1, allow_nan=False),
            min_size=len(HYPOTHESES),
            max_size=len(HYPOTHESES),
        ).filter(lambda w: sum(w) > 1e-6)
    )
    total = sum(weights)
    return {h: w / total for h, w in zip(HYPOTHESES, weights, strict=True)}


def forecast(
    day: dt.date,
    hypotheses: dict[str, float],
    *,
    catalogue: str = "kremlin",
    version: int = 1,
    priors: dict[str, float] | None = None,
) -> Forecast:
    return Forecast(
        catalogue_id=catalogue,
        catalogue_version=version,
        as_of=day,
        headline="genuine",
        p_headline=hypotheses["genuine"],
        low=hypotheses["genuine"],
        high=hypotheses["genuine"],
        confidence="low",
        hypotheses=hypotheses,
        priors=priors or {"genuine": 0.1, "frozen": 0.3, "ploy": 0.3, "coercive": 0.3},
        issued_at=f"{day}T12:00:00Z",
        issued_by="report",
    )


def resolution(
    number: int, hypothesis: str, holds_from: dt.date, catalogue: str = "kremlin"
) -> Resolution:
    return Resolution(number, catalogue, hypothesis, holds_from, None, None, "2025-01-01T00:00:00Z")


@given(distributions(), st.sampled_from(HYPOTHESES))
def test_the_brier_score_over_all_hypotheses_is_between_0_and_2(stated, held) -> None:
    assert 0 <= brier(stated, held) <= 2 + 1e-12


@given(st.sampled_from(HYPOTHESES))
def test_a_certain_right_forecast_scores_0_and_a_certain_wrong_one_2(held) -> None:
    right = {h: 1.0 if h == held else 0.0 for h in HYPOTHESES}
    assert brier(right, held) == 0
    wrong = next(h for h in HYPOTHESES if h != held)
    assert brier({h: 1.0 if h == wrong else 0.0 for h in HYPOTHESES}, held) == 2


@given(distributions(), st.sampled_from(HYPOTHESES))
def test_more_on_what_held_never_scores_worse(stated, held) -> None:
    """Moving probability from the others to what held improves (lowers) the score."""
    moved = {h: p / 2 for h, p in stated.items() if h != held}
    moved[held] = stated[held] + sum(moved.values())
    assert brier(moved, held) <= brier(stated, held) + 1e-12


def test_a_hypothesis_the_forecast_did_not_name_counts_as_stated_at_0() -> None:
    assert brier({"genuine": 0.25, "other": 0.75}, "frozen") == pytest.approx(0.25**2 + 0.75**2 + 1)


@given(st.floats(min_value=0, max_value=1), st.booleans())
def test_the_binary_score_is_between_0_and_1(probability, happened) -> None:
    score = binary_brier(probability, happened)
    assert 0 <= score <= 1
    assert binary_brier(1.0 if happened else 0.0, happened) == 0


@given(
    st.lists(st.tuples(st.floats(min_value=0, max_value=1), st.booleans()), max_size=60),
    st.integers(min_value=2, max_value=20),
)
def test_the_calibration_table_bins_every_probability_once(pairs, bins) -> None:
    table = calibration(pairs, bins)
    assert len(table) == bins
    assert sum(row.count for row in table) == len(pairs)
    assert table[0].low == 0 and table[-1].high == 1
    for row in table:
        if row.count == 0:
            assert row.mean_stated is None and row.observed is None
            continue
        assert row.mean_stated is not None and row.observed is not None
        assert row.low - 1e-12 <= row.mean_stated <= row.high + 1e-12
        assert 0 <= row.observed <= 1
    assert sum(row.observed * row.count for row in table if row.observed is not None) == (
        pytest.approx(sum(happened for _, happened in pairs))
    )


def test_calibration_counts_by_hand() -> None:
    table = calibration([(0.05, False), (0.08, True), (0.95, True), (1.0, True)], 10)
    assert (table[0].count, table[0].mean_stated, table[0].observed) == (2, 0.065, 0.5)
    # 1.0 falls in the last bin, which is closed.
    assert (table[9].count, table[9].observed) == (2, 1.0)


def test_each_catalogue_week_counts_once_by_its_last_forecast() -> None:
    flat = dict.fromkeys(HYPOTHESES, 0.25)
    monday, friday = dt.date(2024, 6, 17), dt.date(2024, 6, 21)
    kept = weekly(
        [
            forecast(monday, flat),
            forecast(friday, flat),
            forecast(friday, flat, version=2),
            forecast(friday, flat, catalogue="other"),
            forecast(monday + dt.timedelta(weeks=1), flat),
        ]
    )
    assert [(f.catalogue_id, f.as_of, f.catalogue_version) for f in kept] == [
        ("kremlin", friday, 2),
        ("other", friday, 1),
        ("kremlin", monday + dt.timedelta(weeks=1), 1),
    ]


def test_the_resolution_in_force_is_the_latest_before_the_day_and_a_correction_wins() -> None:
    timeline = [
        resolution(1, "frozen", dt.date(2024, 1, 1)),
        resolution(2, "ploy", dt.date(2024, 6, 1)),
        resolution(3, "coercive", dt.date(2024, 1, 1)),  # corrects the first
    ]
    assert in_force(timeline, dt.date(2023, 12, 31)) is None
    assert in_force(timeline, dt.date(2024, 3, 1)) == timeline[2]
    assert in_force(timeline, dt.date(2024, 6, 1)) == timeline[1]
    assert superseded(timeline) == {1}


def test_the_record_is_scored_against_the_resolution_of_its_own_catalogue_and_day() -> None:
    early = forecast(
        dt.date(2024, 1, 7), {"genuine": 0.1, "frozen": 0.2, "ploy": 0.6, "coercive": 0.1}
    )
    late = forecast(
        dt.date(2024, 7, 7), {"genuine": 0.5, "frozen": 0.3, "ploy": 0.1, "coercive": 0.1}
    )
    unresolved = forecast(dt.date(2023, 7, 2), dict.fromkeys(HYPOTHESES, 0.25))
    elsewhere = forecast(dt.date(2024, 7, 7), dict.fromkeys(HYPOTHESES, 0.25), catalogue="other")
    timeline = [
        resolution(1, "ploy", dt.date(2024, 1, 1)),
        resolution(2, "genuine", dt.date(2024, 7, 1)),
    ]

    score = score_record([early, late, unresolved, elsewhere], timeline)

    assert [(o.forecast.as_of, o.held) for o in score.outcomes] == [
        (dt.date(2024, 1, 7), "ploy"),
        (dt.date(2024, 7, 7), "genuine"),
    ]
    first = 0.1**2 + 0.2**2 + 0.4**2 + 0.1**2
    second = 0.5**2 + 0.3**2 + 0.1**2 + 0.1**2
    assert score.overall.brier == pytest.approx((first + second) / 2)
    assert score.overall.brier_headline == pytest.approx((0.1**2 + 0.5**2) / 2)
    assert (score.overall.forecasts, score.overall.resolved) == (4, 2)
    by_catalogue = {s.catalogue_id: s for s in score.catalogues}
    assert by_catalogue["other"].resolved == 0 and by_catalogue["other"].brier is None
    # Eight stated probabilities, two of which held.
    assert sum(row.count for row in score.calibration) == 8
    assert sum((row.observed or 0) * row.count for row in score.calibration) == pytest.approx(2)


def test_the_priors_are_scored_beside_the_forecast() -> None:
    scored = outcome(forecast(dt.date(2024, 1, 7), dict.fromkeys(HYPOTHESES, 0.25)), "ploy")
    assert scored.brier_prior == pytest.approx(0.1**2 + 0.3**2 + 0.7**2 + 0.3**2)
    assert scored.brier == pytest.approx(3 * 0.25**2 + 0.75**2)
