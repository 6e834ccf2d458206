"""`signals indicators review`: how often each indicator fired, how much it moved the
answer, and the flags of Pherson's indicator validation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.catalogue import Catalogue, Kind
from signals.catalogue_loader import load_catalogue
from signals.evidence import Evidence
from signals.hypotheses import hypothesis_space
from signals.paths import default_catalogue_path
from signals.review import discriminates, review_indicators
from signals.scoring import score
from tests.test_resists_a_ploy import RATE

A1 = ("-r", "A", "-c", "1", "--status", "confirmed")
AS_OF = "2024-06-30"  # a Sunday: the end of 2024-W26
FLAT = "likelihoods = { genuine = 0.5, frozen = 0.5, ploy = 0.5, coercive = 0.5 }"


def log(signals, indicator: str, observed: str) -> None:  # type: ignore[no-untyped-def]
    result = signals("log", indicator, f"{indicator} seen {observed}", "--observed", observed, *A1)
    assert result.exit_code == 0, result.stderr


def review(signals, *args: str) -> dict[str, dict]:  # type: ignore[no-untyped-def, type-arg]
    document = signals.json("indicators", "review", "--as-of", AS_OF, *args)
    return {i["id"]: i for i in document["indicators"]}  # type: ignore[index]


def flags(row: dict) -> list[str]:  # type: ignore[type-arg]
    return [f["flag"] for f in row["flags"]]


def changed_catalogue(tmp_path: Path, monkeypatch, indicator: str, old: str, new: str) -> Catalogue:  # type: ignore[no-untyped-def]
    """The default catalogue with one line of one indicator changed, in use for the test."""
    text = default_catalogue_path().read_text(encoding="utf-8")
    at = text.index(f'id = "{indicator}"')
    at = text.index(old, at)
    path = tmp_path / "changed.toml"
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    monkeypatch.setenv("SIGNALS_CATALOGUE", str(path))
    return load_catalogue(path)


def test_every_scored_indicator_of_the_default_catalogue_discriminates(catalogue) -> None:
    space = hypothesis_space(catalogue)
    for indicator in catalogue.indicators:
        assert discriminates(space, indicator) is (indicator.kind is not Kind.CONTEXT), indicator.id


def test_moved_is_the_headline_without_the_indicator(signals) -> None:
    log(signals, "declaration-intent", AS_OF)
    log(signals, "pause-to-rearm", AS_OF)
    rows = review(signals, "--weeks", "2")
    declaration = rows["declaration-intent"]
    assert (declaration["events"], declaration["weeks_fired"], declaration["weeks_counted"]) == (
        1,
        1,
        1,
    )
    with_it = signals.json("status", "--as-of", AS_OF)["score"]["p_genuine"]  # type: ignore[index]
    assert signals("events", "retract", "1", "--reason", "Left out").exit_code == 0
    without = signals.json("status", "--as-of", AS_OF)["score"]["p_genuine"]  # type: ignore[index]
    assert declaration["p_change"]["max"] == pytest.approx(abs(with_it - without), abs=2e-4)
    assert declaration["p_change"]["mean"] == declaration["p_change"]["max"]
    assert declaration["log_odds"]["max"] > 0
    assert flags(declaration) == []
    assert declaration["usual_rate"] is None and declaration["observed_rate"] is None
    assert rows["ceasefire-timeline"]["events"] == 0
    assert rows["ceasefire-timeline"]["p_change"] == {"mean": 0.0, "max": 0.0}


def test_events_and_weeks_are_counted_in_the_period_only(signals) -> None:
    for day in ("2024-03-01", "2024-06-03", "2024-06-05", "2024-06-20", "2024-07-02"):
        log(signals, "backchannel-diplomatic", day)
    row = review(signals, "--weeks", "4")["backchannel-diplomatic"]
    # 2024-W23 to W26: two events in W23, one in W25; March is before, July after.
    assert (row["events"], row["weeks_fired"]) == (3, 2)


def test_an_indicator_whose_likelihoods_are_equal_never_discriminates(
    signals, tmp_path, monkeypatch
) -> None:
    # Nearly flat in the default catalogue (0.5, 0.5, 0.5, 0.4); here quite flat.
    old = "likelihoods = { genuine = 0.5, frozen = 0.5, ploy = 0.5, coercive = 0.4 }"
    changed_catalogue(tmp_path, monkeypatch, "messenger-influencer", old, FLAT)
    log(signals, "messenger-influencer", "2024-06-25")
    row = review(signals, "--weeks", "4")["messenger-influencer"]
    assert flags(row) == ["never-discriminates"]
    assert row["discriminates"] is False
    assert row["events"] == 1
    assert row["p_change"]["max"] == 0
    table = signals("indicators", "review", "--as-of", AS_OF, "--weeks", "4").stdout
    assert "⚑ messenger-influencer (never-discriminates)" in table


def test_an_indicator_that_fired_without_moving_the_headline_is_flagged(signals) -> None:
    # A goodwill release with nothing else on record: the imitation inside the ploy reads
    # it as genuine intent does (the default catalogue's ceiling).
    log(signals, "release-detainees", "2024-06-25")
    rows = review(signals, "--weeks", "4")
    assert rows["release-detainees"]["p_change"]["max"] < 0.005
    assert flags(rows["release-detainees"]) == ["moved-nothing"]
    assert flags(rows["ceasefire-timeline"]) == []  # never fired: nothing to judge


@pytest.mark.parametrize(("weeks_fired", "routine"), [(4, True), (3, False)])
def test_an_indicator_firing_most_weeks_without_a_usual_rate_is_routine(
    signals, weeks_fired, routine
) -> None:
    sundays = [dt.date(2024, 6, 30) - dt.timedelta(weeks=k) for k in range(weeks_fired)]
    for day in sundays:
        log(signals, "victory-propaganda", day.isoformat())
    row = review(signals, "--weeks", "8")["victory-propaganda"]
    assert row["weeks_fired"] == weeks_fired
    assert ("routine" in flags(row)) is routine
    if routine:
        assert "4 of 8 weeks" in row["flags"][-1]["why"]


def test_a_declared_rate_is_set_beside_what_was_observed_and_is_not_called_routine(
    signals, tmp_path, monkeypatch
) -> None:
    changed_catalogue(
        tmp_path, monkeypatch, "nuclear-threats", "half_life_days", RATE + "half_life_days"
    )
    for k in range(8):
        log(signals, "nuclear-threats", (dt.date(2024, 6, 30) - dt.timedelta(weeks=k)).isoformat())
    row = review(signals, "--weeks", "8")["nuclear-threats"]
    assert row["weeks_fired"] == 8
    assert "routine" not in flags(row)
    # Eight events in the 56 days reviewed, per 90-day window.
    assert (row["usual_rate"], row["rate_window_days"]) == (4.0, 90)
    assert row["observed_rate"] == pytest.approx(8 * 90 / 56, abs=1e-3)
    table = signals("indicators", "review", "--as-of", AS_OF, "--weeks", "8").stdout
    assert "12.9 / 4" in table


def test_context_indicators_are_reviewed_but_never_flagged(signals) -> None:
    for k in range(8):
        log(
            signals,
            "western-politics-shift",
            (dt.date(2024, 6, 30) - dt.timedelta(weeks=k)).isoformat(),
        )
    row = review(signals, "--weeks", "8")["western-politics-shift"]
    assert (row["kind"], row["weeks_fired"], row["flags"]) == ("context", 8, [])


def test_a_first_edition_catalogue_is_reviewed_too(signals, on_edition1) -> None:
    log(signals, "declaration-intent", AS_OF)
    rows = review(signals, "--weeks", "2")
    assert rows["declaration-intent"]["p_change"]["max"] > 0.005
    assert rows["declaration-intent"]["discriminates"] is True


def test_the_review_needs_a_database(signals, tmp_path) -> None:
    from tests.test_cli_errors import assert_data_error

    missing = tmp_path / "missing.db"
    line = assert_data_error(signals("--db", str(missing), "indicators", "review"))
    assert "no database" in line
    assert not missing.exists()


# The review's arithmetic, pure, on random records of the default catalogue.

WEEK_ENDS = [dt.date(2024, 6, 9) + dt.timedelta(weeks=k) for k in range(4)]


@st.composite
def records(draw: st.DrawFn) -> list[Evidence]:
    ids = [i.id for i in load_catalogue(default_catalogue_path()).indicators]
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(ids),
                st.sampled_from("ABCDEF"),
                st.sampled_from("123456"),
                st.sampled_from(("reported", "confirmed", "refuted")),
                st.dates(min_value=dt.date(2024, 4, 1), max_value=WEEK_ENDS[-1]),
            ),
            max_size=20,
        )
    )
    return [Evidence(n + 1, *row) for n, row in enumerate(rows)]


@settings(max_examples=25, deadline=None)
@given(records())
def test_the_review_is_bounded_and_counts_what_it_was_given(record) -> None:
    catalogue = load_catalogue(default_catalogue_path())
    results = [score(catalogue, record, day) for day in WEEK_ENDS]
    before = WEEK_ENDS[0] - dt.timedelta(weeks=1)
    fired = {
        i.id: [
            sum(1 for e in record if e.indicator == i.id and start < e.observed_at <= end)
            for start, end in zip([before, *WEEK_ENDS], WEEK_ENDS, strict=False)
        ]
        for i in catalogue.indicators
    }
    weeks = [f"w{k}" for k in range(len(WEEK_ENDS))]
    reviewed = review_indicators(catalogue, results, fired, weeks, 28)
    space = hypothesis_space(catalogue)
    for row in reviewed.indicators:
        assert row.events == sum(fired[row.id])
        assert 0 <= row.weeks_fired <= len(weeks)
        assert 0 <= row.weeks_counted <= len(weeks)
        assert 0 <= row.mean_p_change <= row.max_p_change <= 1
        assert 0 <= row.mean_log_odds <= row.max_log_odds
        if row.weeks_counted == 0:
            assert row.max_p_change == 0 and row.max_log_odds == 0
        if row.kind is Kind.CONTEXT:
            assert row.flags == () and row.weeks_counted == 0
        assert row.discriminates is (
            row.kind is Kind.CONTEXT or discriminates(space, catalogue.by_id[row.id])
        )
    # An indicator alone on record moves the headline from the prior (which the scenarios
    # on record may set) to where it stands.
    alone = [r for r in reviewed.indicators if r.weeks_counted]
    if len(alone) == 1:
        context = [e for e in record if catalogue.by_id[e.indicator].kind is Kind.CONTEXT]
        assert alone[0].max_p_change == pytest.approx(
            max(
                abs(r.headline.p_genuine - score(catalogue, context, r.as_of).headline.p_genuine)
                for r in results
            ),
            abs=1e-9,
        )
