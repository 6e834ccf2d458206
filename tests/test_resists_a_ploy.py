"""How the default catalogue reads the cases the article warns about, through the command
line: a truce announced and broken, talks offered with an ultimatum, routine swaps,
standing demands, one speech logged twice, stages that are reached now, and a filing an
analyst is unsure of. Each expectation is the article's reading, written before the
figures were looked at."""

from __future__ import annotations

import json

import pytest

AS_OF = "2024-06-30"


def log(signals, *args: str) -> int:  # type: ignore[no-untyped-def]
    result = signals("log", *args, "--no-input", "--json")
    assert result.exit_code == 0, result.stderr
    return int(json.loads(result.stdout)["id"])


def score(signals, as_of: str = AS_OF) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return signals.json("status", "--as-of", as_of)  # type: ignore[no-any-return]


def state(document: dict, indicator: str) -> str:  # type: ignore[type-arg]
    return next(i["state"] for i in document["indicators"] if i["id"] == indicator)


A1 = ("-r", "A", "-c", "1", "--status", "confirmed")


@pytest.fixture(autouse=True)
def database(signals) -> None:  # type: ignore[no-untyped-def]
    assert signals("init").exit_code == 0


def test_a_truce_announced_and_broken_is_evidence_of_a_ploy(signals) -> None:  # type: ignore[no-untyped-def]
    prior = score(signals)["score"]
    truce = log(
        signals,
        "ceasefire-unilateral",
        "Moscow declares a ceasefire",
        "--observed",
        "2024-06-20",
        *A1,
        "--source",
        "TASS",
    )
    announced = score(signals)["score"]
    log(
        signals,
        "ceasefire-unilateral",
        "Strikes resume within hours",
        "--observed",
        "2024-06-21",
        *A1,
        "--source",
        "ISW",
        "--breaks",
        str(truce),
    )
    broken = score(signals)
    # The announcement alone is imitable: it lifts genuine intent a little, no further
    # than "very unlikely".
    assert prior["p_genuine"] < announced["p_genuine"] < 0.2
    # Broken, it is evidence for a ploy and never for genuine intent.
    assert broken["score"]["p_genuine"] < prior["p_genuine"]
    assert broken["score"]["hypotheses"]["ploy"] > prior["hypotheses"]["ploy"]
    assert state(broken, "ceasefire-unilateral") == "broken"
    assert broken["score"]["stage"] < 3


def test_an_agreement_with_observers_broken_is_read_as_the_broken_truce(signals) -> None:  # type: ignore[no-untyped-def]
    """Minsk II in small: one agreement read as a ceasefire and as its verification clause
    (one observation, so its observers are its most telling reading), then broken. The
    breach reverses the announcement it ends, so that announcement is the act's reading
    from the day of the breach; were the observers kept, the breach would reverse nothing
    scored and the clause would count as if the agreement held."""
    prior = score(signals)["score"]
    truce = log(
        signals,
        "ceasefire-unilateral",
        "Ceasefire agreed at talks",
        "--variant",
        "negotiated",
        "--observed",
        "2024-06-10",
        *A1,
        "--observation",
        "agreement-0610",
    )
    log(
        signals,
        "ceasefire-verification",
        "The same agreement invites monitors",
        "--observed",
        "2024-06-10",
        *A1,
        "--observation",
        "agreement-0610",
    )
    agreed = score(signals)
    log(
        signals,
        "ceasefire-unilateral",
        "Offensive three days in",
        "--observed",
        "2024-06-13",
        *A1,
        "--breaks",
        str(truce),
    )
    broken = score(signals)
    assert state(agreed, "ceasefire-verification") == "present"
    assert broken["score"]["p_genuine"] < prior["p_genuine"] < agreed["score"]["p_genuine"]
    ranked = sorted(broken["score"]["hypotheses"].items(), key=lambda item: -item[1])
    assert ranked[0][0] == "ploy"
    # Before the breach was observed, the clause is still the agreement's reading.
    before = json.dumps(signals.json("status", "--as-of", "2024-06-12", "--explain"))
    assert "its most telling reading" in before
    fired = json.dumps(signals.json("status", "--as-of", AS_OF, "--explain")["rules_fired"])
    assert "the reading a later breach or withdrawal ends" in fired


def test_talks_offered_with_an_ultimatum_are_no_evidence_for_genuine_intent(signals) -> None:  # type: ignore[no-untyped-def]
    prior = score(signals)["score"]
    log(
        signals,
        "declaration-intent",
        "Talks offered if Ukraine leaves four regions",
        "--observed",
        "2024-06-14",
        *A1,
        "--variant",
        "conditional",
    )
    document = score(signals)
    assert document["score"]["p_genuine"] < prior["p_genuine"]
    ranked = sorted(document["score"]["hypotheses"].items(), key=lambda kv: -kv[1])
    assert ranked[0][0] == "coercive"
    # It is not the stage-2 declaration.
    assert state(document, "declaration-intent") == "background"
    assert document["score"]["stage"] == 0


def test_a_routine_swap_is_background_and_a_goodwill_release_is_a_deed(signals) -> None:  # type: ignore[no-untyped-def]
    prior = score(signals)["score"]
    log(
        signals,
        "release-detainees",
        "95 for 95 exchange via the UAE",
        "--observed",
        "2024-06-25",
        *A1,
    )
    swap = score(signals)
    assert abs(swap["score"]["p_genuine"] - prior["p_genuine"]) < 0.01
    assert state(swap, "release-detainees") == "background"
    log(
        signals,
        "release-detainees",
        "Moscow frees 50 civilians, nothing asked in return",
        "--observed",
        "2024-06-26",
        *A1,
        "--variant",
        "unilateral",
    )
    goodwill = score(signals)
    assert state(goodwill, "release-detainees") == "present"
    assert goodwill["score"]["p_genuine"] > prior["p_genuine"]


def test_a_standing_demand_does_not_fade_until_it_is_withdrawn(signals) -> None:  # type: ignore[no-untyped-def]
    demand = log(
        signals,
        "demand-kyiv-initiate",
        "Ukraine must leave four regions before talks",
        "--observed",
        "2024-01-10",
        *A1,
    )
    soon = score(signals, "2024-01-20")["score"]
    a_year_on = score(signals, "2025-01-20")["score"]
    # Silence is not a softening: a year later the demand weighs the same.
    assert a_year_on["p_genuine"] == pytest.approx(soon["p_genuine"], abs=1e-4)
    log(
        signals,
        "demand-kyiv-initiate",
        "Moscow drops the precondition",
        "--observed",
        "2025-02-01",
        *A1,
        "--withdraws",
        str(demand),
    )
    withdrawn = score(signals, "2025-02-10")
    assert withdrawn["score"]["p_genuine"] > a_year_on["p_genuine"]
    assert state(withdrawn, "demand-kyiv-initiate") == "withdrawn"


def test_a_surrender_demanded_in_one_battle_ends_with_the_battle(signals) -> None:  # type: ignore[no-untyped-def]
    """A call on an encircled garrison to lay down its arms is read as a demand of
    capitulation while the battle lasts, and fades after it as evidence does: it is no
    position in force that stands for years (the catalogue's battlefield reading)."""
    log(
        signals,
        "demand-kyiv-initiate",
        "Putin urges Kyiv to let the encircled troops lay down their arms",
        "--observed",
        "2024-01-10",
        *A1,
        "--variant",
        "battlefield",
    )
    soon = score(signals, "2024-01-20")
    a_year_on = score(signals, "2025-01-20")
    prior = a_year_on["score"]["prior"]
    assert soon["score"]["p_genuine"] < prior
    assert state(soon, "demand-kyiv-initiate") == "present"
    # Faded: a year on it weighs almost nothing and the indicator is no longer present.
    assert a_year_on["score"]["p_genuine"] == pytest.approx(prior, abs=0.002)
    assert state(a_year_on, "demand-kyiv-initiate") != "present"
    explained = signals.json("status", "--as-of", "2024-01-20", "--explain")
    rules = {rule["rule"]: rule for rule in explained["rules_fired"]}
    assert "standing" not in rules
    assert "no standing position: it decays" in rules["variant"]["text"]


def test_a_standing_demand_and_a_battlefield_one_are_told_apart(signals) -> None:  # type: ignore[no-untyped-def]
    """Only the standing demand stands: the standing rule names it, not the battle's."""
    standing = log(
        signals,
        "demand-kyiv-initiate",
        "Ukraine must leave four regions before talks",
        "--observed",
        "2024-01-10",
        *A1,
    )
    battle = log(
        signals,
        "demand-kyiv-initiate",
        "Lay down your arms at the plant",
        "--observed",
        "2024-01-12",
        "-r",
        "B",
        "-c",
        "2",
        "--variant",
        "battlefield",
    )
    explained = signals.json("status", "--as-of", "2025-01-20", "--explain")
    (rule,) = [r for r in explained["rules_fired"] if r["rule"] == "standing"]
    assert rule["events"] == [standing]
    weighed = {
        e["event_id"]: e
        for i in explained["indicators"]
        if i["id"] == "demand-kyiv-initiate"
        for e in i["evidence"]
    }
    assert weighed[standing]["decay"] == 1
    assert weighed[battle]["decay"] < 0.01


def test_a_battlefield_demand_is_never_withdrawn(signals, snapshot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """It ends with its battle: a withdrawal of it would stand, at full weight, for ever."""
    battle = log(
        signals, "demand-kyiv-initiate", "Lay down your arms at the plant",
        "--observed", "2024-01-10", *A1, "--variant", "battlefield",
    )  # fmt: skip
    before = snapshot()
    result = signals(
        "log", "demand-kyiv-initiate", "The call is dropped", "--observed", "2024-01-20",
        *A1, "--withdraws", str(battle), "--no-input",
    )  # fmt: skip
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr
    assert f"Event #{battle} is read as battlefield, which is no standing position" in (
        result.stderr
    )
    assert snapshot() == before
    rows = tmp_path / "withdrawal.csv"
    rows.write_text(
        "indicator,summary,observed_at,withdraws\n"
        f"demand-kyiv-initiate,The call is dropped,2024-01-20,{battle}\n",
        encoding="utf-8",
    )
    imported = signals("import", str(rows))
    assert imported.exit_code != 0
    assert "no standing position" in imported.stderr
    assert snapshot() == before


def test_a_battle_call_after_a_withdrawal_does_not_bring_the_position_back(signals) -> None:  # type: ignore[no-untyped-def]
    """Once the demand is withdrawn, a later call on one garrison counts while it is fresh,
    on its own; when it has faded the indicator is withdrawn again, not present."""
    demand = log(
        signals, "demand-kyiv-initiate", "Ukraine must leave four regions before talks",
        "--observed", "2024-01-10", *A1,
    )  # fmt: skip
    log(
        signals, "demand-kyiv-initiate", "Moscow drops the precondition",
        "--observed", "2024-03-01", *A1, "--withdraws", str(demand),
    )  # fmt: skip
    log(
        signals, "demand-kyiv-initiate", "Lay down your arms at the plant",
        "--observed", "2024-06-01", *A1, "--variant", "battlefield",
    )  # fmt: skip
    assert state(score(signals, "2024-06-05"), "demand-kyiv-initiate") == "present"
    assert state(score(signals, "2025-06-01"), "demand-kyiv-initiate") == "withdrawn"


def test_the_most_telling_reading_of_an_act_fades_with_a_battlefield_call(signals) -> None:  # type: ignore[no-untyped-def]
    """One act read as a battle call and as an offer to freeze the line: fresh, the call
    is the more telling; a year on it has faded faster than the freeze, which is kept."""
    call = log(
        signals, "demand-kyiv-initiate", "Surrender the plant, then we stop on this line",
        "--observed", "2024-01-10", *A1, "--variant", "battlefield", "--observation", "speech",
    )  # fmt: skip
    freeze = log(
        signals, "freeze-current-lines", "Same speech: stop on this line",
        "--observed", "2024-01-10", *A1, "--observation", "speech",
    )  # fmt: skip

    def kept(day: str) -> int:
        explained = signals.json("status", "--as-of", day, "--explain")
        (rule,) = [r for r in explained["rules_fired"] if r["rule"] == "observation"]
        return call if rule["text"].startswith(f"#{call} ") else freeze

    assert kept("2024-01-11") == call
    assert kept("2025-01-10") == freeze


def test_indicators_show_says_which_reading_does_not_stand(signals) -> None:  # type: ignore[no-untyped-def]
    result = signals("indicators", "show", "demand-kyiv-initiate")
    assert result.exit_code == 0, result.stderr
    assert "yes, but for the battlefield reading, which decays" in " ".join(result.stdout.split())


def test_silence_never_drifts_toward_genuine_intent_while_a_demand_stands(signals) -> None:  # type: ignore[no-untyped-def]
    log(
        signals,
        "demand-kyiv-initiate",
        "Ukraine must accept new realities",
        "--observed",
        "2024-01-10",
        *A1,
    )
    log(
        signals,
        "rhetoric-without-action",
        "We are ready for dialogue",
        "--observed",
        "2024-01-10",
        *A1,
    )
    prior = 0.10
    for day in ("2024-01-20", "2024-06-01", "2025-01-01", "2026-01-01"):
        assert score(signals, day)["score"]["p_genuine"] < prior, day


def test_one_speech_logged_twice_counts_once(signals) -> None:  # type: ignore[no-untyped-def]
    log(
        signals,
        "nuclear-threats",
        "Speech: 'this is not a bluff'",
        "--observed",
        "2024-06-20",
        *A1,
        "--observation",
        "speech-0620",
    )
    once = score(signals)["score"]
    log(
        signals,
        "rhetoric-without-action",
        "Same speech: 'we never refused talks'",
        "--observed",
        "2024-06-20",
        *A1,
        "--observation",
        "speech-0620",
    )
    twice = score(signals)["score"]
    assert twice["hypotheses"] == pytest.approx(once["hypotheses"], abs=1e-4)


def test_grading_two_reports_alike_never_lowers_support(signals) -> None:  # type: ignore[no-untyped-def]
    log(
        signals,
        "pause-to-rearm",
        "Build-up behind the line",
        "--observed",
        "2024-06-20",
        "-r",
        "A",
        "-c",
        "1",
    )
    log(
        signals,
        "pause-to-rearm",
        "Second outlet on the build-up",
        "--observed",
        "2024-06-21",
        "-r",
        "B",
        "-c",
        "2",
    )
    apart = next(i for i in score(signals)["indicators"] if i["id"] == "pause-to-rearm")
    signals("events", "edit", "2", "-r", "A", "-c", "1")
    alike = next(i for i in score(signals)["indicators"] if i["id"] == "pause-to-rearm")
    assert alike["strength"] >= apart["strength"]


def test_a_stage_counts_while_it_is_reached_now(signals) -> None:  # type: ignore[no-untyped-def]
    log(
        signals,
        "backchannel-intelligence",
        "SVR and CIA meet in Abu Dhabi",
        "--observed",
        "2024-01-05",
        *A1,
    )
    now = score(signals, "2024-01-10")["score"]
    assert now["stage"] == 1
    later = score(signals, "2024-06-30")["score"]
    assert later["stage"] == 0
    assert later["stages"][0]["previously_reached"]
    text = signals("status", "--as-of", "2024-06-30").stdout
    assert "previously reached" in text
    # After three half-lives it no longer counts even as lapsed.
    expired = score(signals, "2024-09-30")
    assert state(expired, "backchannel-intelligence") == "expired"


def test_an_alternative_filing_widens_the_range(signals) -> None:  # type: ignore[no-untyped-def]
    log(
        signals,
        "declaration-intent",
        "Putin: we are ready to end the war",
        "--observed",
        "2024-06-25",
        *A1,
    )
    plain = score(signals)["score"]
    signals("events", "edit", "1", "--alternative", "rhetoric-without-action")
    unsure = score(signals)["score"]
    assert unsure["p_genuine"] == plain["p_genuine"]
    assert unsure["range"][0] < plain["range"][0]
    assert any(
        "filed under rhetoric-without-action" in c["change"] for c in unsure["hangs_on"]
    ) or (unsure["range"][0] < plain["range"][0])


def test_indicators_show_explains_what_counts_and_what_does_not(signals) -> None:  # type: ignore[no-untyped-def]
    shown = signals("indicators", "show", "release-detainees").stdout
    for text in ("reciprocal", "unilateral", "not this if", "genuine"):
        assert text in shown.lower()


def test_the_guides_worked_cases_are_the_tools_own_figures(signals) -> None:  # type: ignore[no-untyped-def]
    """docs/guide.md, "How signals resists a ploy", works these by hand."""
    truce = log(
        signals, "ceasefire-unilateral", "Moscow declares a ceasefire", "--observed", AS_OF, *A1
    )
    log(
        signals,
        "ceasefire-unilateral",
        "Strikes resume",
        "--observed",
        AS_OF,
        *A1,
        "--breaks",
        str(truce),
    )
    broken = score(signals)["score"]["hypotheses"]
    assert broken == pytest.approx(
        {"genuine": 0.04, "frozen": 0.24, "ploy": 0.48, "coercive": 0.24}, abs=5e-4
    )
    log(
        signals,
        "declaration-intent",
        "Talks if Ukraine leaves four regions",
        "--observed",
        AS_OF,
        *A1,
        "--variant",
        "conditional",
    )
    both = score(signals)["score"]["hypotheses"]
    assert both == pytest.approx(
        {
            "genuine": 0.002 / 0.122,
            "frozen": 0.024 / 0.122,
            "ploy": 0.048 / 0.122,
            "coercive": 0.048 / 0.122,
        },
        abs=1e-3,
    )


RATE = (
    'rate = { window_days = 90, usual = 4, reference = "A reference quarter in which four'
    ' nuclear warnings were logged.", multipliers = { genuine = 0.3, frozen = 0.8, ploy = 1.0,'
    ' coercive = 2.0 }, rationale = "A ploy keeps the usual rhetoric, coercion doubles it, a'
    ' settlement-seeker tones it down." }\n'
)


@pytest.fixture
def with_a_rate(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The default catalogue with a usual rate of nuclear warnings: the shipped one declares
    none, because a rate needs every such event logged (see docs/catalogues.md)."""
    from signals.paths import default_catalogue_path

    text = default_catalogue_path().read_text(encoding="utf-8")
    at = text.index('id = "nuclear-threats"')
    at = text.index("half_life_days", at)
    path = tmp_path / "with-rate.toml"
    path.write_text(text[:at] + RATE + text[at:], encoding="utf-8")
    monkeypatch.setenv("SIGNALS_CATALOGUE", str(path))
    return path


@pytest.mark.usefixtures("with_a_rate")
def test_nuclear_rhetoric_at_its_usual_rate_is_background_and_a_surge_is_the_signal(
    signals,
) -> None:  # type: ignore[no-untyped-def]
    """A usual rate of four a quarter: a ploy keeps it, coercion doubles it."""
    for day in ("2024-04-10", "2024-05-10", "2024-06-10", "2024-06-25"):
        log(signals, "nuclear-threats", f"Nuclear warning of {day}", "--observed", day, *A1)
    usual = score(signals)
    assert state(usual, "nuclear-threats") == "background"
    hypotheses = usual["score"]["hypotheses"]
    # At the usual rate, the ploy (which keeps it) gains on coercion (which would double it).
    assert hypotheses["ploy"] > hypotheses["coercive"]
    for day in ("2024-06-26", "2024-06-27", "2024-06-28", "2024-06-29"):
        log(signals, "nuclear-threats", f"Nuclear warning of {day}", "--observed", day, *A1)
    surge = score(signals)
    assert state(surge, "nuclear-threats") == "present"
    assert surge["score"]["hypotheses"]["coercive"] > hypotheses["coercive"]
    # Outside the window, the surge no longer counts.
    later = score(signals, "2024-12-31")
    assert later["score"]["hypotheses"] == pytest.approx(
        {"genuine": 0.1, "frozen": 0.3, "ploy": 0.3, "coercive": 0.3}, abs=1e-3
    )


@pytest.mark.usefixtures("with_a_rate")
def test_an_empty_window_says_nothing(signals) -> None:  # type: ignore[no-untyped-def]
    assert score(signals)["score"]["hypotheses"] == pytest.approx(
        {"genuine": 0.1, "frozen": 0.3, "ploy": 0.3, "coercive": 0.3}, abs=1e-3
    )
