"""The hypotheses from the command line: status, --matrix, --explain and the report, on the
default (second-edition) catalogue and on a first-edition one."""

from __future__ import annotations

import math

import pytest

from tests.conftest import DEMO_CSV, EDITION1_CATALOGUE

AS_OF = "2024-06-20"


@pytest.fixture
def demo(signals):  # type: ignore[no-untyped-def]
    result = signals("import", str(DEMO_CSV))
    assert result.exit_code == 0, result.stderr
    return signals


def _check_contract(score: dict) -> None:  # type: ignore[type-arg]
    assert math.isclose(sum(score["hypotheses"].values()), 1, abs_tol=1e-3)
    low, high = score["range"]
    assert low <= score["p_genuine"] <= high
    assert score["confidence"] in {"low", "moderate", "high"}
    for key in ("p_genuine", "prior", "stage", "progress", "estimative", "log_odds", "stages"):
        assert key in score


def test_status_json_carries_hypotheses_confidence_and_range(demo) -> None:  # type: ignore[no-untyped-def]
    score = demo.json("status", "--as-of", AS_OF)["score"]
    _check_contract(score)
    assert set(score["hypotheses"]) == {"genuine", "frozen", "ploy", "coercive"}
    assert score["hypotheses"]["genuine"] == score["p_genuine"]
    assert set(score["confidence_reasons"]) == {"robustness", "basis", "consistency", "exposure"}


def test_a_first_edition_catalogue_is_genuine_against_the_rest(demo) -> None:  # type: ignore[no-untyped-def]
    document = demo.json("--catalogue", str(EDITION1_CATALOGUE), "status", "--as-of", AS_OF)
    score = document["score"]
    _check_contract(score)
    assert set(score["hypotheses"]) == {"genuine", "other"}
    assert score["hypotheses"]["genuine"] == score["p_genuine"]
    # The first edition's figure on the demo data, as its golden report prints it.
    assert round(100 * score["p_genuine"]) == 46


def test_the_headline_reads_with_its_range_and_confidence(demo) -> None:  # type: ignore[no-untyped-def]
    score = demo.json("status", "--as-of", AS_OF)["score"]
    text = " ".join(demo("status", "--as-of", AS_OF).stdout.split())
    low, high = score["range"]
    assert (
        f"P(genuine) {round(100 * score['p_genuine'])} % ({round(100 * low)}–"
        f"{round(100 * high)} %), {score['estimative']}, {score['confidence']} confidence"
    ) in text
    assert "Hypotheses: ploy" in text


def test_the_matrix_in_the_terminal_and_as_json(demo) -> None:  # type: ignore[no-untyped-def]
    text = demo("status", "--as-of", AS_OF, "--matrix").stdout
    assert "ACH matrix" in text
    assert "Ranked by posterior" in text
    assert "Most against" in text
    matrix = demo.json("status", "--as-of", AS_OF, "--matrix")["matrix"]
    assert matrix["hypotheses"] == ["genuine", "frozen", "ploy", "coercive"]
    ranked = [r["id"] for r in matrix["ranked"]]
    assert sorted(ranked) == sorted(matrix["hypotheses"])
    posteriors = [r["posterior"] for r in matrix["ranked"]]
    assert posteriors == sorted(posteriors, reverse=True)
    for row in matrix["rows"]:
        assert max(row["cells"].values()) == 0
        assert row["diagnosticity"] >= 0
    leader = matrix["ranked"][0]["id"]
    worst = min(matrix["rows"], key=lambda r: r["cells"][leader])
    assert matrix["most_against_leader"] == worst["indicator"]


def test_a_matrix_on_a_first_edition_catalogue(demo) -> None:  # type: ignore[no-untyped-def]
    matrix = demo.json(
        "--catalogue", str(EDITION1_CATALOGUE), "status", "--as-of", AS_OF, "--matrix"
    )["matrix"]
    assert matrix["hypotheses"] == ["genuine", "other"]


def test_explain_traces_every_posterior_figure(demo) -> None:  # type: ignore[no-untyped-def]
    score = demo.json("status", "--as-of", AS_OF)["score"]
    text = demo("status", "--as-of", AS_OF, "--explain").stdout
    assert "Posterior over the hypotheses" in text
    shown = text[text.index("shown, the imitation inside") :]
    for hypothesis, value in score["hypotheses"].items():
        assert f"{hypothesis} {value:.4f}" in " ".join(shown.split())


def test_the_report_shows_the_hypotheses_and_their_trend(demo) -> None:  # type: ignore[no-untyped-def]
    document = demo.json("report", "--as-of", AS_OF)
    _check_contract(document["score"])
    for point in document["trend"]:
        assert math.isclose(sum(point["hypotheses"].values()), 1, abs_tol=1e-3)
        assert point["hypotheses"]["genuine"] == point["p_genuine"]
    markdown = demo("report", "--as-of", AS_OF, "--format", "markdown").stdout
    assert "## Hypotheses" in markdown
    assert "| Week | Progress | P(genuine) | P(frozen) | P(ploy) | P(coercive) |" in markdown
    table = demo("report", "--as-of", AS_OF).stdout
    assert "P(ploy)" in table


def test_the_confidence_asks_the_store_for_every_source_it_reads(
    signals, db_path, catalogue
) -> None:
    """The store is asked only for the sources of the events the confidence reads; given
    every event's source instead, it must say exactly the same."""
    import datetime as dt

    from signals.assess import assess
    from signals.confidence import assess_confidence, origin_events
    from signals.hypotheses import hypothesis_space
    from signals.paths import data_dir
    from signals.store import open_store

    assert signals("import", str(data_dir() / "demo" / "events.csv")).exit_code == 0
    store = open_store(db_path, create=False)
    result = assess(store, catalogue, dt.date(2024, 6, 20))
    space = hypothesis_space(catalogue, None)
    every_event = [w.event_id for i in result.indicators for w in i.evidence]
    asked = origin_events(space, result.indicators)
    assert 0 < len(asked) < len(every_event)
    assert assess_confidence(catalogue, space, result, store.sources(asked)) == assess_confidence(
        catalogue, space, result, store.sources(every_event)
    )


def test_a_near_tie_is_reported_as_a_tie_wherever_the_hypotheses_show(signals, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With no evidence the three rivals of genuine intent share the prior (30 % each):
    the status screen, the JSON, the markdown report and the brief all say they are
    tied, and name no leader."""
    assert signals("init").exit_code == 0
    as_of = ("--as-of", AS_OF)
    score = signals.json("status", *as_of)["score"]
    assert score["leading"] == ["coercive", "frozen", "ploy"]
    screen = " ".join(signals("status", *as_of).stdout.split())
    assert "Coercive, frozen and ploy are tied: within 5 points" in screen
    markdown = signals("report", *as_of, "--format", "markdown")
    assert "Coercive, frozen and ploy are tied: within 5 points" in markdown.stdout
    brief = tmp_path / "brief.html"
    assert signals("report", *as_of, "--output", str(brief)).exit_code == 0
    assert "Coercive, frozen and ploy are tied: within 5 points" in brief.read_text("utf-8")
    # And every list of them names the tied in the order the tie line does.
    html = brief.read_text("utf-8")
    lists = {
        "screen": (screen[screen.index("Hypotheses: ") :], "{} 30%"),
        "markdown": (markdown.stdout, "| **{}**"),
        "brief": (html[html.index("<h2>Hypotheses</h2>") :], "<tr><td>{} —"),
    }
    for view, (text, shape) in lists.items():
        at = [text.index(shape.format(h)) for h in ("coercive", "frozen", "ploy")]
        assert at == sorted(at), view


def test_a_clear_leader_is_named_alone(signals) -> None:  # type: ignore[no-untyped-def]
    logged = signals(
        "log", "demand-kyiv-initiate", "Ukraine must leave four regions before talks",
        "--observed", "2024-06-01", "-r", "A", "-c", "1", "--status", "confirmed", "--no-input",
    )  # fmt: skip
    assert logged.exit_code == 0, logged.stderr
    score = signals.json("status", "--as-of", AS_OF)["score"]
    assert score["leading"] == ["coercive"]
    assert "tied" not in signals("status", "--as-of", AS_OF).stdout


def test_the_hypotheses_tied_at_the_top_are_those_within_the_margin() -> None:
    from signals.hypotheses import TIE_MARGIN, tie_sentence, tied_at_the_top

    shown = {"genuine": 0.01, "frozen": 0.37, "ploy": 0.24, "coercive": 0.38}
    assert tied_at_the_top(shown) == ["coercive", "frozen"]
    assert tied_at_the_top({**shown, "frozen": 0.38 - TIE_MARGIN - 0.001}) == ["coercive"]
    assert tied_at_the_top({**shown, "frozen": 0.38 - TIE_MARGIN + 0.001}) == ["coercive", "frozen"]
    assert tie_sentence({**shown, "frozen": 0.2, "ploy": 0.45}) is None
