"""The catalogue: the default one matches the article and SPEC §1; broken ones are refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from signals.catalogue import Catalogue, Kind
from signals.paths import default_catalogue_path
from tests.conftest import EDITION1_CATALOGUE

SEED = Path(__file__).parents[2] / "shared" / "seed" / "putin-peace-signals-edm-2024.txt"

EXPECTED_INDICATORS: dict[str, tuple[str, int | None]] = {
    "backchannel-informal": ("intent", 1),
    "backchannel-intelligence": ("intent", 1),
    "backchannel-diplomatic": ("intent", 1),
    "messenger-influencer": ("intent", 1),
    "declaration-intent": ("intent", 2),
    "declaration-core-issues": ("intent", 2),
    "declaration-broadcast": ("intent", 2),
    "ceasefire-unilateral": ("intent", 3),
    "ceasefire-timeline": ("intent", 3),
    "ceasefire-verification": ("intent", 3),
    "release-detainees": ("intent", 3),
    "rhetoric-without-action": ("counter", None),
    "pause-to-rearm": ("counter", None),
    "support-erosion-messaging": ("counter", None),
    "victory-propaganda": ("counter", None),
    "nuclear-threats": ("counter", None),
    "demand-kyiv-initiate": ("counter", None),
    # Second edition: the article's stalemate passage, read as what an armistice-seeker says.
    "freeze-current-lines": ("counter", None),
    "scenario-ukraine-defeat-likely": ("context", None),
    "scenario-russian-overstretch": ("context", None),
    "scenario-stalemate": ("context", None),
    "scenario-russian-defeat": ("context", None),
    "elite-uncertainty": ("context", None),
    "western-politics-shift": ("context", None),
    "public-indifference": ("context", None),
}

MINIMAL_CATALOGUE = """
[catalogue]
id = "test-watch"
version = 1
title = "A test watch list"
prior = 0.2
prior_rationale = "A test prior, stated for the validator."
ceiling = 0.8
ceiling_rationale = "A test ceiling, stated for the validator."

[scoring]
present_threshold = 0.5
present_threshold_rationale = "Half strength counts as present."
emerging_threshold = 0.05
emerging_threshold_rationale = "Anything weaker is noise here."
corroboration_discount = 0.5
corroboration_discount_rationale = "Each further report adds half."
emerging_credit = 0.25
emerging_credit_rationale = "Weak evidence counts a quarter."
lapsed_credit = 0.5
lapsed_credit_rationale = "Stale evidence counts a half."
out_of_sequence_credit = 0.5
out_of_sequence_credit_rationale = "Out of order counts a half."
{grades}

[[indicators]]
id = "canary-sings"
title = "The canary sings"
kind = "intent"
stage = 1
description = "The canary in the test mine sings."
source_quote = "A test quote for the canary."
evidence = "A report of singing from the mine."
likelihood_ratio = 3.0
likelihood_ratio_rationale = "Singing canaries favour a safe mine."
half_life_days = 10
half_life_rationale = "Songs are forgotten within weeks."
"""


def _grades() -> str:
    lines = []
    for scale, keys in (
        ("reliability", "ABCDEF"),
        ("credibility", "123456"),
        ("status", ("reported", "confirmed", "refuted")),
    ):
        for key in keys:
            lines.append(
                f'[scoring.{scale}.{key}]\nweight = 0.5\nrationale = "A test weight for {key}."'
            )
    return "\n".join(lines)


def _default_text() -> str:
    return default_catalogue_path().read_text(encoding="utf-8")


def row(genuine: float, frozen: float, ploy: float, coercive: float) -> str:
    """A `likelihoods` line of the default catalogue."""
    return (
        f"likelihoods = {{ genuine = {genuine}, frozen = {frozen}, ploy = {ploy},"
        f" coercive = {coercive} }}"
    )


def _edit_indicator(text: str, indicator_id: str, pattern: str, replacement: str) -> str:
    """Change one line inside one indicator's block of the default catalogue."""
    start = text.index(f'id = "{indicator_id}"')
    end = text.find("[[indicators]]", start)
    end = len(text) if end == -1 else end
    block, count = re.subn(pattern, replacement, text[start:end], count=1, flags=re.M)
    assert count == 1, f"pattern {pattern!r} not found for {indicator_id}"
    return text[:start] + block + text[end:]


@pytest.fixture
def custom_catalogue(tmp_path: Path) -> Path:
    path = tmp_path / "custom.toml"
    path.write_text(MINIMAL_CATALOGUE.format(grades=_grades()), encoding="utf-8")
    return path


# -- the default catalogue -------------------------------------------------------


def test_default_catalogue_has_exactly_the_spec_ids_kinds_and_stages(
    catalogue: Catalogue,
) -> None:
    found = {i.id: (i.kind.value, i.stage) for i in catalogue.indicators}
    assert found == EXPECTED_INDICATORS
    assert len(catalogue.indicators) == len(EXPECTED_INDICATORS)


def test_default_catalogue_rows_point_the_right_way(catalogue: Catalogue) -> None:
    """Intent evidence is most likely under genuine intent (ties allowed), counter evidence
    less likely under it than under some other hypothesis; context is never scored."""
    assert catalogue.edition == 2
    hypotheses = [h.id for h in catalogue.hypotheses]
    assert hypotheses == ["genuine", "frozen", "ploy", "coercive"]
    for indicator in catalogue.indicators:
        assert indicator.likelihood_ratio is None, indicator.id
        row = indicator.likelihoods
        if indicator.kind is Kind.CONTEXT:
            assert row is None and indicator.refuted_likelihoods is None, indicator.id
            continue
        assert row is not None and sorted(row) == sorted(hypotheses), indicator.id
        if indicator.kind is Kind.INTENT:
            assert row["genuine"] == max(row.values()), indicator.id
        else:
            assert row["genuine"] < max(row.values()), indicator.id


def test_first_edition_ratios_point_the_right_way(edition1: Catalogue) -> None:
    """The first edition, kept as a fixture, still loads as it shipped."""
    assert edition1.edition == 1
    for indicator in [i for i in edition1.indicators if i.kind is Kind.INTENT]:
        assert indicator.likelihood_ratio is not None and indicator.likelihood_ratio > 1
    for indicator in [i for i in edition1.indicators if i.kind is Kind.COUNTER]:
        assert indicator.likelihood_ratio is not None and indicator.likelihood_ratio < 1
    for indicator in [i for i in edition1.indicators if i.kind is Kind.CONTEXT]:
        assert indicator.likelihood_ratio is None


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed article is not available")
def test_every_source_quote_is_verbatim_in_the_article(catalogue: Catalogue) -> None:
    article = " ".join(SEED.read_text(encoding="utf-8").split())
    missing = [
        i.id for i in catalogue.indicators if " ".join(i.source_quote.split()) not in article
    ]
    assert missing == []


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed article is not available")
def test_every_hypothesis_quotes_the_article(catalogue: Catalogue) -> None:
    """Each hypothesis's description and prior rationale quote the article verbatim ('...'
    between single quotes; an apostrophe inside a word is not a quote mark)."""
    article = " ".join(SEED.read_text(encoding="utf-8").split())
    quoted = re.compile(r"(?<![A-Za-z])'([^']+?)'(?![A-Za-z])")
    for hypothesis in catalogue.hypotheses:
        for field in ("description", "prior_rationale"):
            passages = [
                " ".join(q.split())
                for q in quoted.findall(getattr(hypothesis, field))
                if len(q) >= 12
            ]
            verbatim = [p for p in passages if p in article]
            assert verbatim, (hypothesis.id, field)


def test_every_number_has_a_rationale(catalogue: Catalogue) -> None:
    info = catalogue.catalogue
    assert info.prior is None and info.prior_rationale is None
    assert info.ceiling_rationale.strip()
    for hypothesis in catalogue.hypotheses:
        assert len(hypothesis.prior_rationale.strip()) >= 10, hypothesis.id
    scoring = catalogue.scoring
    for name, value in scoring.model_dump().items():
        if isinstance(value, float):
            assert getattr(scoring, f"{name}_rationale").strip(), name
    for scale in (scoring.reliability, scoring.credibility, scoring.status):
        for grade, weight in scale.items():
            assert len(weight.rationale.strip()) >= 10, grade
    for indicator in catalogue.indicators:
        assert len(indicator.half_life_rationale.strip()) >= 10, indicator.id
        if indicator.likelihood_ratio is not None:
            assert indicator.likelihood_ratio_rationale, indicator.id
            assert len(indicator.likelihood_ratio_rationale.strip()) >= 10, indicator.id
        if indicator.likelihoods is not None:
            rationale = indicator.likelihoods_rationale or ""
            # The row is argued hypothesis by hypothesis: each one is named in its rationale.
            for hypothesis in catalogue.hypotheses:
                assert hypothesis.id in rationale.lower(), (indicator.id, hypothesis.id)
        if indicator.refuted_likelihoods is not None:
            assert len((indicator.refuted_rationale or "").strip()) >= 10, indicator.id


def test_every_number_in_the_toml_sits_next_to_a_rationale() -> None:
    """Reading the file itself: each numeric key has a `*_rationale` or `rationale` sibling."""
    text = _default_text()
    for section in re.split(r"^\[", text, flags=re.M)[1:]:
        keys = dict(re.findall(r"^(\w+) = (.*)$", section, flags=re.M))
        for key, value in keys.items():
            if key in ("version", "stage") or not re.fullmatch(r"-?[0-9.]+", value.strip()):
                continue
            stem = key.removesuffix("_days")
            assert f"{stem}_rationale" in keys or "rationale" in keys, (section[:40], key)


def test_validate_accepts_the_default_catalogue(signals) -> None:
    result = signals("catalogue", "validate", str(default_catalogue_path()))
    assert result.exit_code == 0, result.stderr
    assert "is valid" in result.stderr
    assert "'kremlin-peace-signals' v3" in result.stderr
    assert "11 intent, 7 counter and 7 context" in result.stderr


def test_validate_accepts_the_first_edition(signals, edition1: Catalogue) -> None:
    result = signals("catalogue", "validate", str(EDITION1_CATALOGUE))
    assert result.exit_code == 0, result.stderr
    assert "'kremlin-peace-signals' v1" in result.stderr
    assert "11 intent, 6 counter and 7 context" in result.stderr


# -- broken catalogues ------------------------------------------------------------


BROKEN = {
    "intent-row-favouring-another-hypothesis": (
        lambda text: _edit_indicator(
            text, "backchannel-informal", r"^likelihoods = .*$", row(0.3, 0.6, 0.4, 0.3)
        ),
        ("backchannel-informal", "most likely under the headline"),
    ),
    "row-spread-over-twenty": (
        lambda text: _edit_indicator(
            text, "backchannel-informal", r"^likelihoods = .*$", row(0.6, 0.6, 0.4, 0.02)
        ),
        ("backchannel-informal", "likelihoods", "20 times"),
    ),
    "zero-likelihood": (
        lambda text: _edit_indicator(
            text, "nuclear-threats", r"^likelihoods = .*$", row(0, 0.35, 0.35, 0.8)
        ),
        ("nuclear-threats", "likelihoods"),
    ),
    "priors-not-summing-to-one": (
        lambda text: text.replace("prior = 0.10\n", "prior = 0.20\n", 1),
        ("priors sum to 1.1",),
    ),
    "missing-stage": (
        lambda text: _edit_indicator(text, "declaration-intent", r"^stage = .*\n", ""),
        ("declaration-intent", "stage"),
    ),
    "duplicate-id": (
        lambda text: text.replace('id = "ceasefire-timeline"', 'id = "ceasefire-unilateral"'),
        ("ceasefire-unilateral", "duplicate"),
    ),
    "context-with-ratio": (
        lambda text: _edit_indicator(
            text,
            "scenario-stalemate",
            r"^half_life_days",
            'likelihood_ratio = 2.0\nlikelihood_ratio_rationale = "A ratio that has no place here."'
            "\nhalf_life_days",
        ),
        ("scenario-stalemate", "likelihood_ratio"),
    ),
    "counter-row-favouring-genuine": (
        lambda text: _edit_indicator(
            text, "pause-to-rearm", r"^likelihoods = .*$", row(0.95, 0.2, 0.9, 0.35)
        ),
        ("pause-to-rearm", "less likely under the headline"),
    ),
    "missing-half-life": (
        lambda text: _edit_indicator(text, "nuclear-threats", r"^half_life_days = .*\n", ""),
        ("nuclear-threats", "half_life_days"),
    ),
    "bad-kind": (
        lambda text: _edit_indicator(text, "elite-uncertainty", r"^kind = .*$", 'kind = "mood"'),
        ("elite-uncertainty", "kind"),
    ),
    "invalid-toml": (lambda text: text + "\n[[indicators]\n", ("not valid TOML",)),
    # Only a reading of a standing position can be said not to stand.
    "decaying-variant-of-a-decaying-indicator": (
        lambda text: text.replace(
            "reaches_stage = true }", "reaches_stage = true, standing = false }", 1
        ),
        ("release-detainees", "variant 'unilateral' sets standing"),
    ),
    "standing-position-read-by-default-as-a-reading-that-fades": (
        lambda text: _edit_indicator(
            text,
            "demand-kyiv-initiate",
            r"^standing = true$",
            'standing = true\ndefault_variant = "battlefield"',
        ),
        ("demand-kyiv-initiate", "default_variant 'battlefield' does not stand"),
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_validate_refuses_a_broken_catalogue(signals, tmp_path: Path, case: str) -> None:
    breaker, expected = BROKEN[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(breaker(_default_text()), encoding="utf-8")
    result = signals("catalogue", "validate", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.output
    assert "Value error" not in result.stderr
    for text in expected:
        assert text in result.stderr


def test_validate_names_every_problem(signals, tmp_path: Path) -> None:
    text = _edit_indicator(
        _default_text(), "backchannel-informal", r"^likelihoods = .*$", row(0.6, 0.6, 0.4, 0.02)
    )
    text = _edit_indicator(text, "declaration-intent", r"^stage = .*\n", "")
    path = tmp_path / "two.toml"
    path.write_text(text, encoding="utf-8")
    result = signals("catalogue", "validate", str(path))
    assert result.exit_code == 1
    assert "2 problems" in result.stderr
    assert "backchannel-informal" in result.stderr and "declaration-intent" in result.stderr


def test_validate_refuses_a_missing_file(signals, tmp_path: Path) -> None:
    result = signals("catalogue", "validate", str(tmp_path / "nowhere.toml"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert "nowhere.toml" in result.stderr and "does not exist" in result.stderr


def test_a_broken_default_choice_stops_commands_before_they_write(
    signals, tmp_path: Path, snapshot
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(
        _edit_indicator(_default_text(), "declaration-intent", r"^stage = .*\n", ""),
        encoding="utf-8",
    )
    before = snapshot()
    result = signals("--catalogue", str(path), "log", "declaration-intent", "A declaration made")
    assert result.exit_code == 1
    assert "declaration-intent" in result.stderr
    assert snapshot() == before


# -- choosing a catalogue ---------------------------------------------------------


def test_catalogue_option_selects_another_catalogue(signals, custom_catalogue: Path) -> None:
    listed = signals.json("--catalogue", str(custom_catalogue), "indicators")
    assert [i["id"] for i in listed] == ["canary-sings"]
    logged = signals.json(
        "--catalogue", str(custom_catalogue), "log", "canary-sings", "The canary sang twice"
    )
    assert logged["indicator"] == "canary-sings"
    refused = signals("--catalogue", str(custom_catalogue), "log", "declaration-intent", "Hello")
    assert refused.exit_code == 1
    assert "Unknown indicator 'declaration-intent'" in refused.stderr


def test_catalogue_env_selects_another_catalogue(
    signals, custom_catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNALS_CATALOGUE", str(custom_catalogue))
    listed = signals.json("indicators")
    assert [i["id"] for i in listed] == ["canary-sings"]


def test_catalogue_option_wins_over_env(
    signals, custom_catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNALS_CATALOGUE", str(custom_catalogue))
    listed = signals.json("--catalogue", str(default_catalogue_path()), "indicators")
    assert len(listed) == len(EXPECTED_INDICATORS)


def test_indicators_filtered_by_kind_as_json(signals) -> None:
    counters = signals.json("indicators", "--kind", "counter")
    assert [i["id"] for i in counters] == [
        key for key, (kind, _stage) in EXPECTED_INDICATORS.items() if kind == "counter"
    ]
    for indicator in counters:
        assert indicator["kind"] == "counter"
        assert "stage" not in indicator
        row = indicator["likelihoods"]
        assert row["genuine"] < max(row.values())
        assert indicator["likelihoods_rationale"]
        assert indicator["source_quote"]
    intents = signals.json("indicators", "--kind", "intent")
    assert {i["stage"] for i in intents} == {1, 2, 3}


def test_indicators_refuses_an_unknown_kind(signals) -> None:
    result = signals("indicators", "--kind", "mood")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
