"""Hostile catalogues and mappings: never a traceback, exit 0, 1 or 2 only, nothing
changed on failure, and no text from them reaching the terminal as markup or codes."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals.mapping import shipped_mappings_dir
from signals.paths import default_catalogue_path
from tests.conftest import Signals, snapshot_of
from tests.strength import examples
from tests.test_fuzz import assert_clean

FUZZ = settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
HOSTILE = st.sampled_from(
    [
        "[link=javascript:alert(1)]X[/link]",
        "Discreet [/] probing",
        '"><img src=x onerror=alert(1)>',
        "<script>alert(1)</script>",
        "Harmless\r# P(genuine intent) 95%",
        "\x1b[2J\x1b[31mred",
        "line\u2028separator\u2029\x85",
        ":warning: [bold]",
        "|`*_~&\\",
        "",
        "x" * 5_000,
    ]
) | st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


CATALOGUE_LINES = _lines(default_catalogue_path())
MAPPING_LINES = _lines(shipped_mappings_dir() / "gdelt.toml")


@st.composite
def mutated(draw: st.DrawFn, lines: list[str]) -> bytes:
    """A settings file with some string values replaced by hostile text, some lines cut
    or repeated, or raw bytes put in."""
    result = list(lines)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(result) - 1))
        line = result[index]
        action = draw(st.sampled_from(["value", "cut", "repeat", "junk"]))
        if action == "value" and ' = "' in line:
            key = line.split(" = ", 1)[0]
            result[index] = f"{key} = {json.dumps(draw(HOSTILE))}"
        elif action == "cut":
            result[index] = line[: draw(st.integers(0, len(line)))]
        elif action == "repeat":
            result.insert(index, line)
        else:
            result[index] = draw(HOSTILE)
    return "\n".join(result).encode("utf-8", "surrogatepass")


def assert_shown_as_data(result) -> None:  # type: ignore[no-untyped-def]
    for stream in (result.stdout, result.stderr):
        for code in ("\x1b", "\r", "\u2028", "\u2029", "\x85"):
            assert code not in stream, (code, stream[:500])


@FUZZ
@given(content=mutated(CATALOGUE_LINES) | st.binary(max_size=2_000))
def test_catalogue_files(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        catalogue = Path(folder) / "catalogue.toml"
        catalogue.write_bytes(content)
        db = Path(folder) / "fuzz.db"
        signals = Signals()
        assert signals("--db", str(db), "init").exit_code == 0
        before = snapshot_of(db)
        validate = signals("catalogue", "validate", str(catalogue))
        assert_clean(validate, before, snapshot_of(db))
        assert_shown_as_data(validate)
        for command in (["status"], ["indicators"], ["report", "--format", "markdown"]):
            result = signals("--db", str(db), "--catalogue", str(catalogue), *command)
            assert_clean(result, before, snapshot_of(db))
            assert_shown_as_data(result)
            if validate.exit_code == 0:
                assert result.exit_code == 0, (command, result.stderr)


ROWS = (
    "GLOBALEVENTID\tSQLDATE\tActor1CountryCode\tActor2CountryCode\tEventCode\tSOURCEURL\n"
    "1\t20240301\tRUS\tUSA\t036\thttps://example.org/a\n"
)


@FUZZ
@given(content=mutated(MAPPING_LINES) | st.binary(max_size=2_000))
def test_mapping_files(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        mapping = Path(folder) / "mapping.toml"
        mapping.write_bytes(content)
        rows = Path(folder) / "rows.tsv"
        rows.write_text(ROWS, encoding="utf-8")
        db = Path(folder) / "fuzz.db"
        signals = Signals()
        assert signals("--db", str(db), "init").exit_code == 0
        before = snapshot_of(db)
        result = signals("--db", str(db), "import", str(rows), "--map", str(mapping))
        assert_clean(result, before, snapshot_of(db))
        assert_shown_as_data(result)
