"""The second bundled catalogue (offensive preparation): it validates, it is honest about
its sources, and the real CLI runs on it end to end with --catalogue and SIGNALS_CATALOGUE."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from signals.catalogue import Catalogue, Kind
from signals.catalogue_loader import load_catalogue
from signals.evidence import Evidence
from signals.paths import data_dir, default_catalogue_path
from signals.scoring import logit, score

OFFENSIVE = data_dir() / "catalogues" / "offensive-preparation.toml"
OFFENSIVE_DEMO = data_dir() / "demo" / "offensive-preparation-events.csv"
GUIDE = Path(__file__).parents[1] / "docs" / "catalogues.md"
DEMO_AS_OF = "2025-11-20"
AS_OF = "2025-11-20"


@pytest.fixture(scope="module")
def offensive() -> Catalogue:
    return load_catalogue(OFFENSIVE)


def status(signals, *options: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    document = signals.json(*options, "status", "--as-of", AS_OF)
    assert isinstance(document, dict)
    return document


def log(signals, indicator: str, grade: str, state: str, observed: str, *options: str) -> None:  # type: ignore[no-untyped-def]
    result = signals(
        *options, "log", indicator, f"A test observation of {indicator}",
        "--observed", observed, "-r", grade[0], "-c", grade[1], "--status", state,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr


def by_id(document: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {row["id"]: row for row in document["indicators"]}


# -- the catalogue itself -----------------------------------------------------------


def test_validate_accepts_the_offensive_catalogue(signals) -> None:
    result = signals("catalogue", "validate", str(OFFENSIVE))
    assert result.exit_code == 0, result.stderr
    assert "'offensive-preparation' v1" in result.stderr
    assert "14 intent, 6 counter and 5 context" in result.stderr


def test_it_is_a_different_watch_list(offensive: Catalogue, catalogue: Catalogue) -> None:
    assert offensive.catalogue.id != catalogue.catalogue.id
    assert set(offensive.by_id).isdisjoint(catalogue.by_id)
    assert offensive.stages() == [1, 2, 3]
    assert [offensive.stage_name(s) for s in (1, 2, 3)] == [
        "Force build-up",
        "Sustainment and medical readiness",
        "Final preparations",
    ]


def test_it_quotes_nothing_and_gives_every_indicator_a_basis(offensive: Catalogue) -> None:
    """Drawn from practice, not from one text: a quotation here would be an invented one."""
    assert [i.id for i in offensive.indicators if i.source_quote is not None] == []
    assert [i.id for i in offensive.indicators if not i.basis] == []


def test_every_number_in_the_toml_sits_next_to_a_rationale() -> None:
    text = OFFENSIVE.read_text(encoding="utf-8")
    checked = 0
    for section in re.split(r"^\[", text, flags=re.M)[1:]:
        keys = dict(re.findall(r"^(\w+) = (.*)$", section, flags=re.M))
        for key, value in keys.items():
            if key in ("version", "stage") or not re.fullmatch(r"-?[0-9.]+", value.strip()):
                continue
            stem = key.removesuffix("_days")
            assert f"{stem}_rationale" in keys or "rationale" in keys, (section[:40], key)
            checked += 1
    assert checked > 50


def test_costly_sustainment_weighs_more_than_any_build_up_sign(offensive: Catalogue) -> None:
    """The catalogue's design: blood and field hospitals are hard to fake, a build-up is not."""
    stage_one = [i.likelihood_ratio or 0 for i in offensive.indicators if i.stage == 1]
    for indicator_id in ("blood-supplies-forward", "field-hospitals"):
        assert (offensive.indicator(indicator_id).likelihood_ratio or 0) > max(stage_one)


def test_every_preparation_at_once_stops_at_the_ceiling(offensive: Catalogue) -> None:
    as_of = dt.date(2025, 11, 20)
    evidence = [
        Evidence(n, indicator.id, "A", "1", "confirmed", as_of)
        for n, indicator in enumerate(
            [i for i in offensive.indicators if i.kind is Kind.INTENT], start=1
        )
    ]
    result = score(offensive, evidence, as_of)
    assert result.headline.intent_capped
    assert result.headline.progress == 100
    assert result.headline.p_genuine == pytest.approx(offensive.catalogue.ceiling)


def test_an_indicator_with_neither_quote_nor_basis_is_refused(signals, tmp_path: Path) -> None:
    text = OFFENSIVE.read_text(encoding="utf-8")
    start = text.index('id = "blood-supplies-forward"')
    block_end = text.index("[[indicators]]", start)
    block = re.sub(r"^basis = .*\n", "", text[start:block_end], count=1, flags=re.M)
    assert block != text[start:block_end]
    path = tmp_path / "unsourced.toml"
    path.write_text(text[:start] + block + text[block_end:], encoding="utf-8")
    result = signals("catalogue", "validate", str(path))
    assert result.exit_code == 1
    assert "1 problem" in result.stderr
    assert "indicator 'blood-supplies-forward'" in result.stderr
    assert "source_quote" in result.stderr and "basis" in result.stderr
    assert "Traceback" not in result.output


def test_indicators_json_shows_the_basis_and_no_quote(signals) -> None:
    listed = signals.json("--catalogue", str(OFFENSIVE), "indicators", "--kind", "counter")
    assert isinstance(listed, list)
    assert [i["id"] for i in listed][:2] == ["forces-return-to-garrison", "declared-exercise"]
    for indicator in listed:
        assert indicator["basis"]
        assert "source_quote" not in indicator
        assert 0 < indicator["likelihood_ratio"] < 1


# -- end to end through the CLI -------------------------------------------------------


def test_logged_evidence_moves_the_score_the_way_the_weights_say(signals) -> None:
    choose = ("--catalogue", str(OFFENSIVE))
    init = signals(*choose, "init")
    assert init.exit_code == 0, init.stderr
    assert "catalogue 'offensive-preparation' v1 with 25 indicators" in init.stderr

    empty = status(signals, *choose)
    assert empty["catalogue"] == {"id": "offensive-preparation", "version": 1}
    assert empty["score"]["p_genuine"] == pytest.approx(0.15)
    assert empty["score"]["progress"] == 0

    log(signals, "force-concentration", "A1", "confirmed", "2025-11-10", *choose)
    built_up = status(signals, *choose)
    assert built_up["score"]["p_genuine"] > empty["score"]["p_genuine"]
    assert built_up["score"]["progress"] > 0
    assert built_up["score"]["stage"] == 1
    assert by_id(built_up)["force-concentration"]["state"] == "present"

    log(signals, "blood-supplies-forward", "B2", "confirmed", "2025-11-12", *choose)
    sustained = status(signals, *choose)
    assert sustained["score"]["p_genuine"] > built_up["score"]["p_genuine"]
    assert sustained["score"]["progress"] > built_up["score"]["progress"]
    assert by_id(sustained)["blood-supplies-forward"]["contribution"] > 0

    log(signals, "third-party-evacuations", "A1", "confirmed", "2025-11-14", *choose)
    with_context = status(signals, *choose)
    assert with_context["score"] == sustained["score"]
    assert by_id(with_context)["third-party-evacuations"]["state"] == "present"
    assert by_id(with_context)["third-party-evacuations"]["contribution"] == 0

    log(signals, "reserve-call-up", "B2", "refuted", "2025-11-15", *choose)
    refuted = status(signals, *choose)
    assert by_id(refuted)["reserve-call-up"]["state"] == "refuted"
    assert by_id(refuted)["reserve-call-up"]["contribution"] < 0
    assert refuted["score"]["p_genuine"] < with_context["score"]["p_genuine"]

    log(signals, "forces-return-to-garrison", "A1", "confirmed", "2025-11-18", *choose)
    withdrawn = status(signals, *choose)
    assert by_id(withdrawn)["forces-return-to-garrison"]["contribution"] < 0
    assert withdrawn["score"]["p_genuine"] < refuted["score"]["p_genuine"]
    assert withdrawn["score"]["progress"] == refuted["score"]["progress"]

    report = signals(*choose, "report", "--as-of", AS_OF, "--format", "json")
    assert report.exit_code == 0, report.stderr
    document = json.loads(report.stdout)
    assert document["catalogue"]["id"] == "offensive-preparation"
    assert document["score"] == withdrawn["score"]
    assert document["week"] == "2025-W47"
    assert [c["id"] for c in document["counter_indicators"]] == ["forces-return-to-garrison"]
    assert document["watch_next"]["stage"] == 1
    assert "reserve-call-up" in [w["id"] for w in document["watch_next"]["indicators"]]
    assert document["trend"][-1]["p_genuine"] == withdrawn["score"]["p_genuine"]


def test_a_verified_withdrawal_outweighs_a_build_up(signals) -> None:
    """The catalogue's rationale: a verified return to garrison outweighs any stage-1 sign."""
    choose = ("--catalogue", str(OFFENSIVE))
    log(signals, "force-concentration", "A1", "confirmed", "2025-11-18", *choose)
    log(signals, "forces-return-to-garrison", "A1", "confirmed", "2025-11-18", *choose)
    document = status(signals, *choose)
    assert document["score"]["p_genuine"] < document["score"]["prior"]


def test_a_kremlin_indicator_is_refused_with_this_catalogues_suggestion(
    signals, offensive: Catalogue, snapshot
) -> None:
    before = snapshot()
    result = signals(
        "--catalogue", str(OFFENSIVE), "log", "declaration-intent", "A declaration of intent"
    )
    assert result.exit_code == 1
    # Nothing in this catalogue is close to a Kremlin id: it says where its ids are listed
    # rather than offering ids that merely share a few letters.
    assert offensive.suggest("declaration-intent") == []
    assert result.stderr == (
        "Error: Unknown indicator 'declaration-intent': `signals indicators` lists them.\n"
    )
    assert offensive.suggest("force-concentraton") == ["force-concentration"]
    assert snapshot() == before


def test_the_environment_selects_it_for_the_demo_import_status_and_report(
    signals, offensive: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNALS_CATALOGUE", str(OFFENSIVE))
    imported = signals("import", str(OFFENSIVE_DEMO))
    assert imported.exit_code == 0, imported.stderr
    assert "inserted 12, duplicates 0, rejected 0" in imported.stderr

    document = signals.json("status", "--as-of", DEMO_AS_OF)
    assert isinstance(document, dict)
    assert document["catalogue"]["id"] == "offensive-preparation"
    assert [row["id"] for row in document["indicators"]] == [i.id for i in offensive.indicators]
    rows = by_id(document)
    assert rows["field-hospitals"]["state"] == "present"
    assert rows["reserve-call-up"]["state"] == "refuted"
    assert rows["third-party-evacuations"]["contribution"] == 0
    assert sum(row["events"] for row in rows.values()) == 12
    for indicator in [i for i in offensive.indicators if i.kind is Kind.COUNTER]:
        assert rows[indicator.id]["contribution"] <= 0
    score_ = document["score"]
    assert score_["prior"] < score_["p_genuine"] < offensive.catalogue.ceiling
    log_odds = score_["log_odds"]
    assert log_odds["for_intent"] > 0 > log_odds["against_intent"]
    assert log_odds["posterior"] == pytest.approx(
        logit(score_["prior"]) + log_odds["for_intent"] + log_odds["against_intent"], abs=1e-3
    )

    report = signals("report", "--as-of", DEMO_AS_OF, "--format", "json")
    assert report.exit_code == 0, report.stderr
    weekly = json.loads(report.stdout)
    assert weekly["score"] == document["score"]
    assert {point["week"] for point in weekly["trend"]} >= {"2025-W38", "2025-W47"}


def test_the_demo_file_is_refused_under_the_default_catalogue(signals, snapshot) -> None:
    assert signals("init").exit_code == 0
    before = snapshot()
    result = signals("--catalogue", str(default_catalogue_path()), "import", str(OFFENSIVE_DEMO))
    assert result.exit_code == 1
    assert "force-concentration" in result.stderr
    assert snapshot() == before


def test_every_demo_event_is_marked_hypothetical() -> None:
    with OFFENSIVE_DEMO.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 12
    for row in rows:
        assert row["summary"].startswith("HYPOTHETICAL: "), row["external_id"]
        assert "fictional" in row["source"], row["external_id"]


# -- the guide ------------------------------------------------------------------------


def test_the_guides_minimal_catalogue_validates_and_runs(signals, tmp_path: Path) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    minimal = re.findall(r"```toml\n(.*?)```", guide, re.S)[-1]
    shipped = OFFENSIVE.read_text(encoding="utf-8")
    grades = shipped[shipped.index("[scoring.reliability.A]") : shipped.index("# ----")]
    path = tmp_path / "canary.toml"
    path.write_text(minimal.replace("[[indicators]]", grades + "\n[[indicators]]"), "utf-8")
    result = signals("catalogue", "validate", str(path))
    assert result.exit_code == 0, result.stderr
    assert "'canary-watch' v1, 1 intent, 0 counter and 0 context" in result.stderr
    logged = signals.json("--catalogue", str(path), "log", "canary-sings", "It sang all shift")
    assert isinstance(logged, dict) and logged["indicator"] == "canary-sings"


def test_the_guide_names_both_shipped_catalogues() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    shipped = sorted(path.name for path in (data_dir() / "catalogues").glob("*.toml"))
    assert {"kremlin-peace-signals.toml", "offensive-preparation.toml"} <= set(shipped)
    for name in shipped:
        assert f"`{name}`" in guide
