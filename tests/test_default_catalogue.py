"""What the second edition of the default catalogue makes of the article, through the pure
core (load_catalogue, Evidence, score).

Each expectation was written down from the article before the catalogue was scored:
- "Even these steps could serve to be a deceptive ploy ... Moscow would then use the time
  to replenish troops and resources": a truce followed by rearming is evidence of a ploy,
  never of genuine intent;
- the releases logged today are routine exchanges, which happen whatever Moscow intends:
  they move nothing that matters;
- words, backchannels and an unverified pause can all be imitated: on their own they never
  lift genuine intent above the ceiling;
- a ceasefire "verifiable by international observers" is the hardest step to fake: it
  raises genuine intent, and a mission Moscow obstructs lowers it;
- "ready for dialogue" with no deed is "a typical Putin ploy"; ultimatums and nuclear
  threats are coercion; a proposal to freeze the front is what an armistice-seeker makes.
"""

from __future__ import annotations

import datetime as dt

import pytest

from signals.catalogue import Catalogue, Kind
from signals.catalogue_loader import load_catalogue
from signals.evidence import Evidence
from signals.paths import default_catalogue_path
from signals.scoring import ScoreResult, score

CATALOGUE = load_catalogue(default_catalogue_path())
AS_OF = dt.date(2024, 6, 20)
PRIOR = CATALOGUE.prior
CEILING = CATALOGUE.catalogue.ceiling

# (indicator, grade, status): observed on the as-of date, so nothing has decayed.
Row = tuple[str, str, str]
TRUCE = ("ceasefire-unilateral", "A1", "confirmed")
REARMING = ("pause-to-rearm", "A1", "confirmed")
OBSERVERS = ("ceasefire-verification", "A1", "confirmed")
SWAP = ("release-detainees", "A1", "confirmed")


def scored(rows: list[Row], catalogue: Catalogue = CATALOGUE) -> ScoreResult:
    evidence = [
        Evidence(n, indicator, grade[0], grade[1], status, AS_OF)
        for n, (indicator, grade, status) in enumerate(rows, start=1)
    ]
    return score(catalogue, evidence, AS_OF)


def posterior(rows: list[Row]) -> dict[str, float]:
    return scored(rows).headline.hypotheses


def leader(rows: list[Row]) -> str:
    shares = posterior(rows)
    return max(shares, key=lambda h: shares[h])


def test_the_default_catalogue_is_the_second_edition() -> None:
    info = CATALOGUE.catalogue
    assert CATALOGUE.edition == 2
    assert (info.headline, info.imitated_by, info.ceiling) == ("genuine", "ploy", 0.90)
    assert {h.id: h.prior for h in CATALOGUE.hypotheses} == {
        "genuine": 0.10,
        "frozen": 0.30,
        "ploy": 0.30,
        "coercive": 0.30,
    }


def test_without_evidence_the_posterior_is_the_prior() -> None:
    headline = scored([]).headline
    assert headline.p_genuine == pytest.approx(PRIOR)
    assert headline.hypotheses == pytest.approx(
        {h.id: h.prior for h in CATALOGUE.hypotheses}, abs=1e-12
    )


@pytest.mark.parametrize("grade", ["A1", "B2", "C3", "F6"])
@pytest.mark.parametrize("status", ["confirmed", "reported"])
def test_a_broken_truce_with_rearming_never_raises_genuine_intent(grade: str, status: str) -> None:
    """A truce announced and then used to rearm, reported at least as strongly as the
    announcement, is read as a ploy, whatever the grades."""
    result = scored([("ceasefire-unilateral", grade, status), ("pause-to-rearm", grade, status)])
    assert result.headline.p_genuine <= PRIOR
    assert result.headline.hypotheses["ploy"] > CATALOGUE.hypotheses[2].prior


def test_a_broken_truce_with_rearming_makes_ploy_the_leading_hypothesis() -> None:
    shares = posterior([TRUCE, REARMING])
    assert max(shares, key=lambda h: shares[h]) == "ploy"
    assert shares["genuine"] < 0.05


def test_a_routine_release_moves_genuine_intent_by_less_than_a_point() -> None:
    before = posterior([])
    after = posterior([SWAP])
    assert abs(after["genuine"] - before["genuine"]) < 0.01
    for hypothesis, share in after.items():
        assert abs(share - before[hypothesis]) < 0.03, hypothesis


def test_only_costly_deeds_are_not_imitable() -> None:
    """Words, backchannels and a pause anyone can announce are imitable; observers with
    access and a unilateral release are not."""
    costly = {i.id for i in CATALOGUE.indicators if i.kind is Kind.INTENT and not i.imitable}
    assert costly == {"ceasefire-verification", "release-detainees"}


def test_imitable_evidence_alone_stays_under_the_ceiling() -> None:
    imitable = [i.id for i in CATALOGUE.indicators if i.kind is Kind.INTENT and i.imitable]
    rows = [(indicator, grade, "confirmed") for indicator in imitable for grade in ("A1", "B2")]
    result = scored(rows)
    assert result.headline.p_genuine <= CEILING
    # Of genuine intent and its imitation, genuine never holds more than the ceiling's share.
    posterior_ = result.headline.posterior
    assert posterior_ is not None
    imitation = posterior_.imitation
    assert result.headline.p_genuine / (result.headline.p_genuine + imitation) <= CEILING + 1e-9


def test_a_verified_ceasefire_raises_genuine_intent_above_the_prior() -> None:
    assert posterior([OBSERVERS])["genuine"] > PRIOR
    # And it is what tells a real ceasefire from an announced one.
    assert posterior([TRUCE, OBSERVERS])["genuine"] > posterior([TRUCE])["genuine"]


def test_the_verified_ceasefire_is_the_most_diagnostic_step() -> None:
    """No other single piece of intent evidence, confirmed and fresh, raises genuine
    intent as much."""
    alone = {
        i.id: posterior([(i.id, "A1", "confirmed")])["genuine"]
        for i in CATALOGUE.indicators
        if i.kind is Kind.INTENT
    }
    assert max(alone, key=lambda i: alone[i]) == "ceasefire-verification"


def test_a_mission_moscow_obstructs_counts_against_genuine_intent() -> None:
    shares = posterior([("ceasefire-verification", "A1", "refuted")])
    assert shares["genuine"] < PRIOR
    assert shares["ploy"] > 0.30 and shares["coercive"] > 0.30


def test_a_refuted_report_without_a_refuted_row_counts_for_nothing() -> None:
    """A refuted declaration is a false report, not an observation of its own."""
    assert posterior([("declaration-intent", "A1", "refuted")]) == pytest.approx(posterior([]))


def test_ready_for_dialogue_without_a_deed_lowers_genuine_intent_and_favours_a_ploy() -> None:
    shares = posterior([("rhetoric-without-action", "A1", "confirmed")])
    assert shares["genuine"] < PRIOR
    assert leader([("rhetoric-without-action", "A1", "confirmed")]) == "ploy"


def test_rearming_outweighs_a_declaration() -> None:
    assert posterior([("declaration-intent", "A1", "confirmed"), REARMING])["genuine"] < PRIOR


def test_ultimatums_and_nuclear_threats_read_as_coercion() -> None:
    rows = [("demand-kyiv-initiate", "A1", "confirmed"), ("nuclear-threats", "A1", "confirmed")]
    assert leader(rows) == "coercive"
    assert posterior(rows)["genuine"] < PRIOR


def test_a_proposal_to_freeze_the_front_reads_as_an_armistice() -> None:
    rows = [("freeze-current-lines", "A1", "confirmed")]
    assert leader(rows) == "frozen"
    assert posterior(rows)["genuine"] < PRIOR


def test_discreet_probing_cannot_tell_a_settlement_from_an_armistice() -> None:
    """The article's stage 1 is as likely under an armistice-seeker as under genuine
    intent: it raises both, and their ratio stays where the priors put it."""
    rows: list[Row] = [
        ("backchannel-intelligence", "B2", "confirmed"),
        ("backchannel-diplomatic", "B2", "confirmed"),
    ]
    shares = posterior(rows)
    assert shares["genuine"] > PRIOR
    assert shares["genuine"] / shares["frozen"] == pytest.approx(0.10 / 0.30)


@pytest.mark.parametrize("status", ["confirmed", "reported", "refuted"])
def test_the_hypotheses_always_sum_to_one(status: str) -> None:
    scored_ids = [i.id for i in CATALOGUE.indicators if i.kind is not Kind.CONTEXT]
    for indicator in scored_ids:
        shares = posterior([(indicator, "B2", status)])
        assert set(shares) == {"genuine", "frozen", "ploy", "coercive"}
        assert sum(shares.values()) == pytest.approx(1)
    everything = posterior([(indicator, "A1", status) for indicator in scored_ids])
    assert sum(everything.values()) == pytest.approx(1)


def test_the_first_edition_still_scores_as_two_hypotheses(edition1: Catalogue) -> None:
    """The same events on the first edition: genuine intent against all else."""
    result = scored([TRUCE, REARMING], edition1)
    assert set(result.headline.hypotheses) == {"genuine", "other"}
    assert sum(result.headline.hypotheses.values()) == pytest.approx(1)
