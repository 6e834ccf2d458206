"""Tripwires: the catalogue's rules for them, and which fire between two scored states."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import typing
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals.catalogue import Catalogue
from signals.catalogue_loader import validate_catalogue
from signals.errors import CatalogueError
from signals.indicators import State
from signals.paths import default_catalogue_path
from signals.tripwire_models import IndicatorReaches, Tripwire
from signals.tripwires import Snapshot, baseline, evaluate
from tests.conftest import EDITION1_CATALOGUE

SEED = Path(__file__).parents[2] / "shared" / "seed" / "putin-peace-signals-edm-2024.txt"
DAY = dt.date(2024, 6, 20)


def _raw(path: Path = default_catalogue_path()) -> dict[str, typing.Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _with(catalogue: Catalogue, *tripwires: dict[str, typing.Any]) -> Catalogue:
    """The catalogue with only these tripwires."""
    raw = catalogue.model_dump(by_alias=True, exclude_none=True)
    raw["tripwires"] = list(tripwires)
    return validate_catalogue(raw)


def _tripwire(condition: dict[str, typing.Any], id: str = "line") -> dict[str, typing.Any]:
    return {
        "id": id,
        "condition": condition,
        "severity": "warning",
        "message": "Something crossed the line.",
        "rationale": "Because a test says so, at length.",
    }


def _state(
    catalogue: Catalogue,
    *,
    hypotheses: dict[str, float] | None = None,
    stages: dict[int, bool] | None = None,
    indicators: dict[str, str] | None = None,
) -> Snapshot:
    start = baseline(catalogue, DAY)
    return Snapshot(
        hypotheses={**start.hypotheses, **(hypotheses or {})},
        stages={**start.stages, **(stages or {})},
        indicators={**start.indicators, **(indicators or {})},
    )


def test_the_states_a_tripwire_names_are_the_scorers() -> None:
    annotation = IndicatorReaches.model_fields["state"].annotation
    assert set(typing.get_args(annotation)) == {state.value for state in State}


def test_the_default_catalogue_ships_every_kind_of_tripwire(catalogue: Catalogue) -> None:
    kinds = {t.condition.kind for t in catalogue.tripwires}
    assert kinds == {"indicator", "probability", "leader", "stage", "withdrawal"}
    assert {t.severity.value for t in catalogue.tripwires} == {"info", "warning", "critical"}


def _quotes(text: str) -> list[str]:
    """The passages a rationale quotes in single quotes (an apostrophe inside a word is none)."""
    found = []
    for quote in re.findall(r"(?<!\w)'(.+?)'(?!\w)", text):
        found.extend(part.strip(" .,;:") for part in quote.split("..."))
    return [part for part in found if len(part) >= 12]


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).lower()


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed article is not available")
def test_every_default_tripwire_quotes_the_article(catalogue: Catalogue) -> None:
    article = _plain(SEED.read_text(encoding="utf-8"))
    for tripwire in catalogue.tripwires:
        quotes = _quotes(tripwire.rationale)
        assert quotes, tripwire.id
        for quote in quotes:
            assert _plain(quote) in article, (tripwire.id, quote)


# One broken tripwire each, and the words `catalogue validate` must say about it.
BROKEN = {
    "unknown indicator": (
        {"kind": "indicator", "indicator": "no-such-thing", "state": "present"},
        "no indicator 'no-such-thing'",
    ),
    "unknown state": (
        {"kind": "indicator", "indicator": "ceasefire-verification", "state": "gone"},
        "tripwire 'line', field 'condition.indicator.state'",
    ),
    "never broken": (
        {"kind": "indicator", "indicator": "ceasefire-verification", "state": "broken"},
        "gives no breach_likelihoods",
    ),
    "unknown hypothesis": (
        {"kind": "probability", "hypothesis": "peace", "crosses": "above", "threshold": 0.3},
        "no hypothesis 'peace'",
    ),
    "threshold of one": (
        {"kind": "probability", "hypothesis": "genuine", "crosses": "above", "threshold": 1},
        "less than 1",
    ),
    "sideways": (
        {"kind": "probability", "hypothesis": "genuine", "crosses": "up", "threshold": 0.3},
        "'above' or 'below'",
    ),
    "unknown leader": ({"kind": "leader", "to": "peace"}, "no hypothesis 'peace'"),
    "no such stage": ({"kind": "stage", "stage": 3, "change": "gone"}, "'reached' or 'lost'"),
    "not standing": (
        {"kind": "withdrawal", "indicator": "nuclear-threats"},
        "'nuclear-threats' is no standing position",
    ),
    "unknown kind": ({"kind": "weather"}, "does not match any of the expected tags"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_validate_refuses_a_broken_tripwire(signals, tmp_path: Path, case: str) -> None:
    condition, words = BROKEN[case]
    raw = _raw()
    raw["tripwires"] = [_tripwire(condition)]
    path = tmp_path / "broken.toml"
    path.write_text(_toml(raw), encoding="utf-8")

    result = signals("catalogue", "validate", str(path))

    assert result.exit_code == 1
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_validate_refuses_two_tripwires_of_one_id(tmp_path: Path) -> None:
    raw = _raw()
    raw["tripwires"] = [_tripwire({"kind": "leader"})] * 2
    with pytest.raises(CatalogueError) as refused:
        validate_catalogue(raw)
    assert "duplicate tripwire ids: line" in " ".join(refused.value.problems)


def test_a_withdrawal_without_a_standing_position_is_refused() -> None:
    raw = _raw(EDITION1_CATALOGUE)
    raw["tripwires"] = [_tripwire({"kind": "withdrawal"})]
    with pytest.raises(CatalogueError) as refused:
        validate_catalogue(raw)
    assert "no standing position to withdraw" in " ".join(refused.value.problems)


def test_a_first_edition_names_genuine_and_other(edition1: Catalogue) -> None:
    checked = _with(
        edition1,
        _tripwire(
            {"kind": "probability", "hypothesis": "other", "crosses": "below", "threshold": 0.5}
        ),
    )
    before = _state(checked, hypotheses={"genuine": 0.4, "other": 0.6})
    now = _state(checked, hypotheses={"genuine": 0.6, "other": 0.4})
    assert [f.detail for f in evaluate(checked, before, now)] == [
        "P(other) fell from 60% to 40%, below 50%."
    ]


def test_validate_counts_the_tripwires(signals) -> None:
    result = signals("catalogue", "validate", str(default_catalogue_path()))
    assert result.exit_code == 0, result.stderr
    count = len(_raw()["tripwires"])
    assert f"7 context indicators, and {count} tripwires." in result.stderr
    document = signals.json("catalogue", "validate", str(default_catalogue_path()))
    assert isinstance(document, dict) and len(document["tripwires"]) == count


def _toml(raw: dict[str, typing.Any]) -> str:
    """A catalogue dict as TOML, through the JSON subset TOML shares for inline values."""
    import json

    def value(item: typing.Any) -> str:
        if isinstance(item, dict):
            return "{ " + ", ".join(f"{k} = {value(v)}" for k, v in item.items()) + " }"
        if isinstance(item, list):
            return "[" + ", ".join(value(v) for v in item) + "]"
        if isinstance(item, bool):
            return "true" if item else "false"
        return json.dumps(item, ensure_ascii=False)

    lines = []
    for key, item in raw.items():
        if isinstance(item, list) and item and isinstance(item[0], dict):
            for entry in item:
                lines.append(f"[[{key}]]")
                lines += [f"{k} = {value(v)}" for k, v in entry.items()]
        elif isinstance(item, dict):
            lines.append(f"[{key}]")
            lines += [f'"{k}" = {value(v)}' for k, v in item.items()]
        else:
            lines.append(f"{key} = {value(item)}")
    return "\n".join(lines) + "\n"


# Evaluation, kind by kind.


def test_an_indicator_fires_when_it_enters_the_state(catalogue: Catalogue) -> None:
    checked = _with(
        catalogue,
        _tripwire({"kind": "indicator", "indicator": "ceasefire-verification", "state": "present"}),
    )
    absent = _state(checked)
    emerging = _state(checked, indicators={"ceasefire-verification": "emerging"})
    present = _state(checked, indicators={"ceasefire-verification": "present"})

    assert [f.detail for f in evaluate(checked, emerging, present)] == [
        "ceasefire-verification went from emerging to present."
    ]
    assert evaluate(checked, absent, emerging) == []
    assert evaluate(checked, present, present) == []
    assert evaluate(checked, present, emerging) == []


@pytest.mark.parametrize(
    ("crosses", "before", "after", "fires"),
    [
        ("above", 0.2, 0.3, True),
        ("above", 0.2, 0.25, True),
        ("above", 0.25, 0.3, False),
        ("above", 0.3, 0.2, False),
        ("above", 0.3, 0.4, False),
        ("below", 0.3, 0.2, True),
        ("below", 0.3, 0.25, True),
        ("below", 0.25, 0.2, False),
        ("below", 0.2, 0.3, False),
    ],
)
def test_a_probability_fires_when_it_crosses_its_line_in_its_direction(
    catalogue: Catalogue, crosses: str, before: float, after: float, fires: bool
) -> None:
    checked = _with(
        catalogue,
        _tripwire(
            {"kind": "probability", "hypothesis": "genuine", "crosses": crosses, "threshold": 0.25}
        ),
    )
    fired = evaluate(
        checked,
        _state(checked, hypotheses={"genuine": before}),
        _state(checked, hypotheses={"genuine": after}),
    )
    assert bool(fired) is fires


@given(st.lists(st.floats(min_value=0.01, max_value=0.99), min_size=1, max_size=30))
def test_a_probability_fires_once_per_upward_crossing(path: list[float]) -> None:
    """Checked at every point of a path, the tripwire fires exactly as often as the path
    goes from below its line to at or above it, however long it stays there."""
    checked = _with(
        _default(),
        _tripwire(
            {"kind": "probability", "hypothesis": "ploy", "crosses": "above", "threshold": 0.5}
        ),
    )
    states = [_state(checked, hypotheses={"ploy": 0.3})] + [
        _state(checked, hypotheses={"ploy": p}) for p in path
    ]
    fired = sum(len(evaluate(checked, a, b)) for a, b in pairwise(states))
    points = [0.3, *path]
    crossings = sum(1 for a, b in pairwise(points) if a < 0.5 <= b)
    assert fired == crossings


_DEFAULT: list[Catalogue] = []


def _default() -> Catalogue:
    if not _DEFAULT:
        from signals.catalogue_loader import load_catalogue

        _DEFAULT.append(load_catalogue(default_catalogue_path()))
    return _DEFAULT[0]


def test_the_leader_fires_on_a_change_and_names_a_tie(catalogue: Catalogue) -> None:
    checked = _with(catalogue, _tripwire({"kind": "leader"}))
    tied = _state(checked)  # frozen, ploy and coercive share the prior's lead
    ploy = _state(checked, hypotheses={"ploy": 0.5, "frozen": 0.2, "coercive": 0.2})
    frozen = _state(checked, hypotheses={"ploy": 0.2, "frozen": 0.5, "coercive": 0.2})

    assert [f.detail for f in evaluate(checked, tied, ploy)] == [
        "The lead changed from coercive, frozen and ploy tied (30% each) to ploy (50%)."
    ]
    assert [f.detail for f in evaluate(checked, ploy, frozen)] == [
        "The lead changed from ploy (50%) to frozen (50%)."
    ]
    assert evaluate(checked, ploy, ploy) == []


def test_the_lead_is_the_briefs_posteriors_trading_places_inside_a_tie_change_nothing(
    catalogue: Catalogue,
) -> None:
    """Within the tie margin two hypotheses share the lead, as the brief says: a point
    traded between them fires nothing; a lead that opens or closes fires."""
    checked = _with(catalogue, _tripwire({"kind": "leader"}))
    coercive = _state(checked, hypotheses={"coercive": 0.38, "frozen": 0.37, "ploy": 0.24})
    frozen = _state(checked, hypotheses={"coercive": 0.37, "frozen": 0.38, "ploy": 0.24})
    clear = _state(checked, hypotheses={"coercive": 0.50, "frozen": 0.30, "ploy": 0.19})
    assert evaluate(checked, coercive, frozen) == []
    assert [f.detail for f in evaluate(checked, clear, frozen)] == [
        "The lead changed from coercive (50%) to frozen and coercive tied (38% and 37%)."
    ]
    assert len(evaluate(checked, frozen, clear)) == 1


def test_a_leader_named_fires_only_for_it(catalogue: Catalogue) -> None:
    checked = _with(catalogue, _tripwire({"kind": "leader", "to": "genuine"}))
    ploy = _state(checked, hypotheses={"ploy": 0.5, "frozen": 0.2, "coercive": 0.2})
    frozen = _state(checked, hypotheses={"ploy": 0.2, "frozen": 0.5, "coercive": 0.2})
    genuine = _state(checked, hypotheses={"genuine": 0.6, "ploy": 0.2, "frozen": 0.1})
    assert evaluate(checked, ploy, frozen) == []
    assert [f.tripwire for f in evaluate(checked, frozen, genuine)] == ["line"]


@pytest.mark.parametrize(
    ("change", "before", "after", "words"),
    [
        ("reached", False, True, "Stage 3 (Deeds) is reached."),
        ("lost", True, False, "Stage 3 (Deeds) was reached at the last check and is not now."),
        ("reached", True, True, None),
        ("reached", True, False, None),
        ("lost", False, True, None),
        ("lost", False, False, None),
    ],
)
def test_a_stage_fires_when_reached_or_lost(
    catalogue: Catalogue, change: str, before: bool, after: bool, words: str | None
) -> None:
    checked = _with(catalogue, _tripwire({"kind": "stage", "stage": 3, "change": change}))
    fired = evaluate(
        checked, _state(checked, stages={3: before}), _state(checked, stages={3: after})
    )
    assert [f.detail for f in fired] == ([words] if words else [])


def test_a_withdrawal_fires_for_the_position_named_or_any(catalogue: Catalogue) -> None:
    named = _with(catalogue, _tripwire({"kind": "withdrawal", "indicator": "demand-kyiv-initiate"}))
    stands = _state(named, indicators={"demand-kyiv-initiate": "present"})
    withdrawn = _state(named, indicators={"demand-kyiv-initiate": "withdrawn"})
    assert [f.detail for f in evaluate(named, stands, withdrawn)] == [
        "demand-kyiv-initiate withdrawn."
    ]
    assert evaluate(named, withdrawn, withdrawn) == []
    any_position = _with(catalogue, _tripwire({"kind": "withdrawal"}))
    assert len(evaluate(any_position, stands, withdrawn)) == 1


def test_a_snapshot_reads_back_as_it_was_written(catalogue: Catalogue) -> None:
    state = _state(
        catalogue,
        hypotheses={"genuine": 0.123456789},
        stages={2: True},
        indicators={"ceasefire-unilateral": "broken"},
    )
    assert Snapshot.from_json(state.to_json()) == state


def test_the_baseline_is_the_prior_with_nothing_reached(catalogue: Catalogue) -> None:
    start = baseline(catalogue, DAY)
    assert start.hypotheses == pytest.approx({h.id: h.prior for h in catalogue.hypotheses})
    assert not any(start.stages.values())
    assert set(start.indicators.values()) == {"absent"}


def test_firings_keep_the_catalogues_order_and_words(catalogue: Catalogue) -> None:
    before = _state(catalogue, hypotheses={"genuine": 0.2, "ploy": 0.4, "frozen": 0.2})
    after = _state(
        catalogue,
        hypotheses={"genuine": 0.6, "ploy": 0.2, "frozen": 0.1, "coercive": 0.1},
        stages={3: True},
        indicators={"ceasefire-verification": "present"},
    )
    fired = evaluate(catalogue, before, after)
    order = [t.id for t in catalogue.tripwires]
    assert [f.tripwire for f in fired] == sorted((f.tripwire for f in fired), key=order.index)
    assert {
        "deeds-begin",
        "observers-admitted",
        "genuine-rising",
        "genuine-even",
        "leader-changes",
    } <= {f.tripwire for f in fired}
    by_id: dict[str, Tripwire] = {t.id: t for t in catalogue.tripwires}
    for firing in fired:
        assert firing.message == by_id[firing.tripwire].message
        assert firing.severity == by_id[firing.tripwire].severity.value


condition_values = st.one_of(
    st.sampled_from(["indicator", "probability", "leader", "stage", "withdrawal", "weather"]),
    st.sampled_from(
        ["ceasefire-verification", "demand-kyiv-initiate", "genuine", "ploy", "no-such"]
    ),
    st.sampled_from(["present", "broken", "withdrawn", "above", "below", "reached", "lost"]),
    st.integers(-2, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.none(),
)
conditions = st.dictionaries(
    st.sampled_from(
        [
            "kind",
            "indicator",
            "state",
            "hypothesis",
            "crosses",
            "threshold",
            "to",
            "stage",
            "change",
            "x",
        ]
    ),
    condition_values,
    max_size=5,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(condition=conditions)
def test_any_condition_validates_or_is_refused_by_name(condition: dict[str, typing.Any]) -> None:
    raw = _raw()
    raw["tripwires"] = [_tripwire({k: v for k, v in condition.items() if v is not None})]
    try:
        checked = validate_catalogue(raw)
    except CatalogueError as refused:
        assert all("tripwire 'line'" in p for p in refused.problems), refused.problems
        return
    start = baseline(checked, DAY)
    assert evaluate(checked, start, start) == []
