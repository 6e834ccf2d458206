"""Shared fixtures: every test gets its own database file and a pinned terminal."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from signals.catalogue import Catalogue
from signals.catalogue_loader import load_catalogue
from signals.cli.app import app
from signals.paths import data_dir, default_catalogue_path
from signals.store import Store, open_store
from tests.strength import examples

DEMO_CSV = data_dir() / "demo" / "events.csv"
# The default catalogue as its first edition shipped (one likelihood ratio per indicator):
# the tests of first-edition arithmetic, the golden reports and the README's worked example
# run on it, so they keep proving that such catalogues load and score exactly as before.
EDITION1_CATALOGUE = Path(__file__).parent / "data" / "kremlin-peace-signals-edition1.toml"

# Properties that name no number of examples take hypothesis's default, scaled the same way.
settings.register_profile("signals", max_examples=examples(100))
settings.load_profile("signals")

# Nothing the tests run keeps a catalogue in the user's cache; they share one of their own.
os.environ["SIGNALS_CACHE"] = ""


@pytest.fixture(scope="session")
def catalogue_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One catalogue cache for the whole run, as a user's would be, outside every tmp_path."""
    return tmp_path_factory.mktemp("catalogue-cache")


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, catalogue_cache: Path
) -> Path:
    """Point signals at a database in tmp_path and pin the terminal, so outputs compare whole."""
    db = tmp_path / "signals.db"
    monkeypatch.setenv("SIGNALS_DB", str(db))
    monkeypatch.setenv("SIGNALS_CACHE", str(catalogue_cache))
    monkeypatch.delenv("SIGNALS_CATALOGUE", raising=False)
    monkeypatch.delenv("SIGNALS_ANALYST", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    return db


@pytest.fixture
def db_path(isolated_environment: Path) -> Path:
    return isolated_environment


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(default_catalogue_path())


@pytest.fixture(scope="session")
def edition1() -> Catalogue:
    return load_catalogue(EDITION1_CATALOGUE)


@pytest.fixture
def on_edition1(isolated_environment: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every command of the test reads the first-edition catalogue (SIGNALS_CATALOGUE)."""
    monkeypatch.setenv("SIGNALS_CATALOGUE", str(EDITION1_CATALOGUE))
    return EDITION1_CATALOGUE


def _build_the_command_line_once() -> None:
    """Typer's test runner builds the click command from the app on every invocation, a
    fifth of a short command's time in the suite; the app does not change between them,
    so it is built once. Where typer names its builder otherwise, it is built each time."""
    import typer.testing

    build = getattr(typer.testing, "_get_command", None)
    if build is None:
        return
    built: dict[int, Any] = {}

    def once(typer_app: Any) -> Any:
        if id(typer_app) not in built:
            built[id(typer_app)] = build(typer_app)
        return built[id(typer_app)]

    typer.testing._get_command = once  # type: ignore[attr-defined]


_build_the_command_line_once()


class Signals:
    """Runs the real CLI in-process and returns the result."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)

    def json(self, *args: str) -> object:
        result = self(*args, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def signals() -> Signals:
    return Signals()


def snapshot_of(db_path: Path) -> list[tuple[object, ...]]:
    """Everything stored in a database, to prove a failed command changed nothing."""
    if not db_path.exists():
        return []
    connection = sqlite3.connect(db_path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        rows: list[tuple[object, ...]] = []
        for table in tables:
            rows.append((table,))
            # Sorted by value rather than rowid: the search index's tables have none.
            rows.extend(sorted(connection.execute(f'SELECT * FROM "{table}"'), key=repr))
        return rows
    finally:
        connection.close()


@pytest.fixture
def snapshot(db_path: Path) -> Callable[[], list[tuple[object, ...]]]:
    """Everything stored, so a test can prove a failed command changed nothing."""
    return lambda: snapshot_of(db_path)


TODAY = dt.date.today()


def open_store_seen(
    path: Path, wrap: Callable[[sqlite3.Connection], Any] = lambda connection: connection
) -> tuple[Store, Any]:
    """Open a store as signals does, and the connection it opened (through `wrap`, which
    may stand in for it): for what only the store's own connection shows, such as its
    settings, or another analyst's commit between two of its queries. Everything else a
    test reads or plants through a connection of its own."""
    seen: list[Any] = []
    connect = sqlite3.connect

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(wrap(connect(*args, **kwargs)))
        return seen[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite3, "connect", watched)
        store = open_store(path)
    return store, seen[0]
