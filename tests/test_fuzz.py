"""Hostile input: never a traceback, exit 0, 1 or 2 only, and no change on failure."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Signals, snapshot_of
from tests.strength import examples

FUZZ = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300
) | st.sampled_from(["", " ", "\x00", "\r\n", "=cmd|' /C calc'!A0", "x" * 20_000, "😀" * 50])
dates = st.dates().map(str) | texts
grades = st.sampled_from([*"ABCDEFZ", "1", "6", "7", "0", "", "a1"]) | texts


def assert_clean(result, before, after) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    assert "Traceback" not in result.output
    assert "unexpected" not in result.stderr, result.stderr
    if result.exit_code != 0:
        assert before == after


@FUZZ
@given(
    indicator=st.sampled_from(["declaration-intent", "pause-to-rearm", "nope"]) | texts,
    summary=texts,
    observed=dates,
    reliability=grades,
    credibility=grades,
    url=texts,
    tag=texts,
)
def test_log_arguments(indicator, summary, observed, reliability, credibility, url, tag):
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "fuzz.db"
        signals = Signals()
        signals("--db", str(db), "init")
        before = snapshot_of(db)
        args = ["--db", str(db), "log", indicator, summary, "--observed", observed]
        args += ["-r", reliability, "-c", credibility, "--url", url, "--tag", tag]
        result = signals(*args)
        assert_clean(result, before, snapshot_of(db))


@FUZZ
@given(
    content=st.binary(max_size=2_000)
    | st.lists(st.lists(texts, min_size=1, max_size=14), min_size=1, max_size=6).map(
        lambda rows: "\n".join(",".join(row) for row in rows).encode("utf-8", "surrogatepass")
    )
    | st.lists(
        st.tuples(
            st.sampled_from(["declaration-intent", "nope", ""]), texts, dates, grades, grades
        ),
        max_size=5,
    ).map(
        lambda rows: (
            "indicator,summary,observed_at,reliability,credibility\n"
            + "\n".join(",".join(f'"{c.replace(chr(34), "")}"' for c in row) for row in rows)
        ).encode("utf-8", "surrogatepass")
    ),
    skip_invalid=st.booleans(),
)
def test_csv_imports(content, skip_invalid):
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "fuzz.db"
        source = Path(folder) / "fuzz.csv"
        source.write_bytes(content)
        signals = Signals()
        signals("--db", str(db), "init")
        before = snapshot_of(db)
        args = ["--db", str(db), "import", str(source)]
        if skip_invalid:
            args.append("--skip-invalid")
        result = signals(*args)
        assert_clean(result, before, snapshot_of(db))


def test_invalid_utf8_is_one_sentence(signals, db_path, tmp_path):
    source = tmp_path / "latin.csv"
    source.write_bytes(
        b"indicator,summary,observed_at\ndeclaration-intent,Caf\xe9 talks,2024-05-01\n"
    )
    result = signals("import", str(source))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "--encoding" in result.stderr
    assert not os.path.exists(db_path) or signals.json("events", "list") == []
