"""`status --explain` lists every reading rule that fired, with the events it touched and
the catalogue's reason for it: read through the command line on the default catalogue."""

from __future__ import annotations

import datetime as dt
import json

import pytest


def log(signals, indicator: str, summary: str, observed: str, *args: str) -> int:
    result = signals(
        "log", indicator, summary, "--observed", observed, "-r", "A", "-c", "1",
        "--status", "confirmed", "--no-input", "--json", *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return int(json.loads(result.stdout)["id"])


@pytest.fixture
def record(signals) -> dict[str, int]:
    ids = {"truce": log(signals, "ceasefire-unilateral", "Moscow declares a truce", "2024-03-01")}
    ids["breach"] = log(
        signals, "ceasefire-unilateral", "Shelling resumes", "2024-03-05",
        "--breaks", str(ids["truce"]),
    )  # fmt: skip
    ids["demand"] = log(signals, "demand-kyiv-initiate", "Kyiv must accept realities", "2024-01-10")
    ids["offer"] = log(
        signals, "declaration-intent", "Ready for talks", "2024-03-10", "--observation", "speech",
    )  # fmt: skip
    ids["threat"] = log(
        signals, "nuclear-threats", "Reminds the West of its arsenal", "2024-03-10",
        "--observation", "speech",
    )  # fmt: skip
    ids["swap"] = log(signals, "release-detainees", "An exchange of 100 for 100", "2024-03-12")
    ids["contact"] = log(
        signals, "backchannel-informal", "A meeting in Abu Dhabi", "2024-03-12",
        "--alternative", "backchannel-diplomatic",
    )  # fmt: skip
    return ids


def fired(signals) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    result = signals("status", "--as-of", "2024-03-20", "--explain", "--json")
    assert result.exit_code == 0, result.stderr
    found: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for rule in json.loads(result.stdout)["rules_fired"]:
        found.setdefault(rule["rule"], []).append(rule)
    return found


def test_each_rule_names_its_events_and_its_reason(signals, record) -> None:
    rules = fired(signals)
    assert [r["events"] for r in rules["breach"]] == [[record["breach"]]]
    assert [r["events"] for r in rules["broken"]] == [[record["breach"]]]
    assert [r["events"] for r in rules["standing"]] == [[record["demand"]]]
    (observation,) = rules["observation"]
    assert sorted(observation["events"]) == sorted([record["offer"], record["threat"]])
    (swap,) = [r for r in rules["variant"] if r["indicator"] == "release-detainees"]
    assert swap["events"] == [record["swap"]] and "reciprocal" in swap["text"]
    assert [r["events"] for r in rules["alternative"]] == [[record["contact"]]]
    assert "backchannel-diplomatic" in rules["alternative"][0]["text"]
    for name in ("breach", "standing", "variant"):
        assert all(r["rationale"] for r in rules[name]), name


def test_an_expired_indicator_is_a_rule_that_fired(signals) -> None:
    log(signals, "nuclear-threats", "An old threat", "2023-01-01")
    rules = fired(signals)
    (expired,) = rules["expired"]
    assert expired["indicator"] == "nuclear-threats"
    assert "half-lives" in expired["text"] and expired["rationale"]


def test_the_explanation_prints_the_rules_with_their_reasons(signals, record) -> None:
    result = signals("status", "--as-of", "2024-03-20", "--explain")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    section = text[text.index("Rules that fired") :]
    for name in ("observation:", "breach:", "broken:", "standing:", "variant:", "alternative:"):
        assert name in section, name
    assert "why: P(the truce is broken" in section


def test_nothing_fires_on_events_read_by_their_own_row(signals) -> None:
    log(signals, "declaration-intent", "Ready for talks", "2024-03-10")
    assert fired(signals) == {}
    text = " ".join(signals("status", "--as-of", "2024-03-20", "--explain").stdout.split())
    assert "Rules that fired none: every event was read by its indicator's own row" in text


def test_rules_are_shown_only_when_asked(signals, record) -> None:
    result = signals("status", "--as-of", "2024-03-20", "--json")
    assert "rules_fired" not in json.loads(result.stdout)
    assert "Rules that fired" not in signals("status", "--as-of", "2024-03-20").stdout


def test_a_left_out_reading_leaves_its_class_the_other_reports(signals) -> None:
    """Counted once means once: a reading left out of a shared observation is gone from its
    class, which keeps its other reports weighed by the freshest of them, and a class of
    left-out readings alone is gone altogether."""
    earlier = log(signals, "nuclear-threats", "An earlier threat", "2024-02-01")
    log(
        signals,
        "nuclear-threats",
        "A threat in the speech",
        "2024-03-10",
        "--observation",
        "speech",
    )
    kept = log(
        signals, "demand-kyiv-initiate", "An ultimatum in the speech", "2024-03-10",
        "--observation", "speech",
    )  # fmt: skip
    log(
        signals,
        "declaration-broadcast",
        "The speech is broadcast",
        "2024-03-10",
        "--observation",
        "speech",
    )
    (observation,) = fired(signals)["observation"]
    assert observation["events"][0] == kept, "the ultimatum is the speech's most telling reading"
    status = json.loads(signals("status", "--as-of", "2024-03-20", "--json").stdout)
    threats = next(i for i in status["indicators"] if i["id"] == "nuclear-threats")
    assert threats["events"] == 1
    assert threats["last_observed"] == "2024-02-01"
    broadcast = next(i for i in status["indicators"] if i["id"] == "declaration-broadcast")
    assert broadcast["events"] == 0 and broadcast["state"] == "absent"
    assert earlier


def test_the_record_read_as_known_leaves_out_the_same_readings(catalogue) -> None:
    """The as-known path classifies the record's history itself: it must agree with the
    store's on a class whose freshest reading is left out."""
    from functools import partial

    from signals.evidence import Evidence, Linked, classify, freshest_without
    from signals.readings import one_reading_per_observation

    day = dt.date(2024, 3, 20)
    history = [
        Evidence(1, "nuclear-threats", "A", "1", "confirmed", dt.date(2024, 2, 1)),
        Evidence(2, "nuclear-threats", "A", "1", "confirmed", dt.date(2024, 3, 10)),
        Evidence(3, "demand-kyiv-initiate", "A", "1", "confirmed", dt.date(2024, 3, 10)),
    ]
    linked = [
        Linked(e.event_id, e.indicator, "", "A", "1", "confirmed", e.observed_at, "speech", None)
        for e in history[1:]
    ]
    classes = one_reading_per_observation(
        catalogue, classify(history, day), linked, day, partial(freshest_without, history, None)
    )
    (threats,) = [c for c in classes if c.indicator == "nuclear-threats"]
    assert (threats.events, threats.latest, threats.latest_event_id) == (1, dt.date(2024, 2, 1), 1)
    assert [c.indicator for c in classes if c.indicator == "demand-kyiv-initiate"] == [
        "demand-kyiv-initiate"
    ]


def test_a_broken_act_is_read_as_the_reading_its_breach_ends(catalogue) -> None:
    """An agreement read as a truce and as its observers keeps its most telling reading
    until a breach of the truce is observed; from that day the truce is the act's reading,
    so that the breach reverses it, and a retracted or later breach changes nothing."""
    from signals.evidence import Linked
    from signals.readings import observation_choices

    signed, broken = dt.date(2015, 2, 12), dt.date(2015, 2, 18)

    def agreement(ended_on: dt.date | None) -> list[Linked]:
        return [
            Linked(8, "ceasefire-unilateral", "negotiated", "A", "1", "confirmed", signed,
                   "minsk-ii", None, ended_on),
            Linked(10, "ceasefire-verification", "", "A", "1", "confirmed", signed,
                   "minsk-ii", None),
        ]  # fmt: skip

    def kept(linked: list[Linked], day: dt.date) -> int:
        ((_name, chosen, _others),) = observation_choices(catalogue, linked, day)
        return chosen.event_id

    assert kept(agreement(None), dt.date(2015, 3, 1)) == 10
    assert kept(agreement(broken), dt.date(2015, 2, 17)) == 10
    assert kept(agreement(broken), broken) == 8
    assert kept(agreement(broken), dt.date(2015, 3, 1)) == 8
