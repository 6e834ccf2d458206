"""Start-up stays fast: each command imports only what it needs.

Timing belongs in `benchmarks/`; these tests pin the cause instead — which modules a
fresh interpreter has loaded after a command — so a heavy import slipping to the top of
a module fails here, on any machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LOADED_AFTER = """
import json, sys
from signals.cli.app import main
listing = sys.argv.pop(1)
try:
    main()
except SystemExit:
    pass
finally:
    # The stand-in for Pydantic's plugin loader that signals installs is not Pydantic.
    stand_in = sys.modules.get("pydantic.plugin._loader")
    if stand_in is not None and getattr(stand_in, "__file__", None) is None:
        del sys.modules["pydantic.plugin._loader"]
    with open(listing, "w") as out:
        json.dump(sorted(sys.modules), out)
"""

HEAVY_FOR_EVERY_COMMAND = {"sqlite_utils", "multiprocessing", "signals.report", "signals.render"}


def loaded_by(tmp_path: Path, *arguments: str) -> set[str]:
    listing = tmp_path / "modules.json"
    env = {**os.environ, "SIGNALS_DB": str(tmp_path / "signals.db"), "NO_COLOR": "1"}
    subprocess.run(
        [sys.executable, "-c", LOADED_AFTER, str(listing), *arguments],
        env=env,
        check=True,
        capture_output=True,
    )
    modules = set(json.loads(listing.read_text()))
    return modules | {name.split(".")[0] for name in modules}


def test_importing_the_command_line_loads_no_heavy_module(tmp_path: Path) -> None:
    listing = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, signals.cli.app; print(json.dumps(sorted(sys.modules)))",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    modules = set(json.loads(listing))
    modules |= {name.split(".")[0] for name in modules}
    heavy = {
        "rich",
        "pydantic",
        "pydantic_core",
        "sqlite3",
        "csv",
        "tomllib",
        "signals.catalogue",
        "signals.events",
        "signals.store",
        "signals.scoring",
        "signals.importer",
    } | HEAVY_FOR_EVERY_COMMAND
    assert not modules & heavy


def test_help_loads_neither_the_models_nor_the_database(tmp_path: Path) -> None:
    modules = loaded_by(tmp_path, "--help")
    assert "rich" in modules, "the check must see what the help does load"
    assert not modules & (
        {
            "pydantic",
            "sqlite3",
            "signals.catalogue",
            "signals.events",
            "signals.store",
        }
        | HEAVY_FOR_EVERY_COMMAND
    )


@pytest.fixture
def existing_database(tmp_path: Path) -> None:
    loaded_by(tmp_path, "init")


@pytest.mark.usefixtures("existing_database")
def test_log_loads_the_model_and_the_database_but_not_the_rest(tmp_path: Path) -> None:
    modules = loaded_by(
        tmp_path,
        "-q",
        "log",
        "declaration-intent",
        "A test of start-up",
        "--observed",
        "2024-01-01",
    )
    assert {"signals.events", "signals.store"} <= modules
    assert not modules & (
        {
            "rich",
            "signals.scoring",
            "signals.assess",
            "signals.importer",
        }
        | HEAVY_FOR_EVERY_COMMAND
    )


@pytest.mark.usefixtures("existing_database")
def test_status_as_json_draws_nothing(tmp_path: Path) -> None:
    modules = loaded_by(tmp_path, "status", "--json")
    assert "signals.scoring" in modules
    assert not modules & {"rich", "sqlite_utils", "signals.importer", "multiprocessing"}
    # Pydantic's plugin loader would bring importlib.metadata for plugins that are off.
    assert "importlib.metadata" not in modules


def test_command_modules_give_typer_their_annotations_evaluated() -> None:
    """With postponed annotations Typer evaluates every parameter's annotation from its
    string, twice, on every start: a quarter of `signals --help` (measured)."""
    import signals.cli

    package = Path(signals.cli.__file__).parent
    defining = [
        path
        for path in package.glob("*.py")
        if "typer.Typer(" in path.read_text() or ".command(" in path.read_text()
    ]
    assert len(defining) >= 5
    for path in defining:
        assert "from __future__ import annotations" not in path.read_text(), path.name


@pytest.mark.usefixtures("existing_database")
def test_import_loads_the_mapping_only_with_map(tmp_path: Path) -> None:
    events = str(Path(__file__).parents[1] / "data" / "demo" / "events.csv")
    plain = loaded_by(tmp_path, "-q", "import", "--dry-run", events)
    assert "signals.importer" in plain
    assert not {name for name in plain if name.startswith("signals.mapping")}
    # The demo file is not a GDELT file: the mapping is loaded, then refuses its header.
    mapped = loaded_by(tmp_path, "-q", "import", "--dry-run", "--map", "gdelt", events)
    assert "signals.mapping" in mapped


@pytest.mark.usefixtures("existing_database")
def test_report_loads_the_templates_only_for_the_html_brief(tmp_path: Path) -> None:
    as_json = loaded_by(tmp_path, "report", "--json")
    assert "signals.report" in as_json
    assert not as_json & {"rich", "jinja2", "markupsafe", "signals.render.brief"}
    chart = loaded_by(tmp_path, "report", "--format", "chart")
    assert "signals.render.chart" in chart
    assert not chart & {"rich", "jinja2", "signals.render.brief"}
    brief = loaded_by(tmp_path, "report", "--format", "html")
    assert {"jinja2", "signals.render.brief"} <= brief
    assert "rich" not in brief
