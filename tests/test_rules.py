"""`status --explain` lists every reading rule that fired, with the events it touched and
the catalogue's reason for it: read through the command line on the default catalogue."""

from __future__ import annotations

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
