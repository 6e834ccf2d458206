"""Where signals keeps its data: --db, then SIGNALS_DB, then the user's data directory."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

DB_ENV = "SIGNALS_DB"
CATALOGUE_ENV = "SIGNALS_CATALOGUE"
DEFAULT_CATALOGUE_NAME = "kremlin-peace-signals.toml"


def data_dir() -> Path:
    """The bundled data (catalogues, mappings, demo events) inside the installed package."""
    return Path(str(resources.files("signals") / "data"))


def default_catalogue_path() -> Path:
    return data_dir() / "catalogues" / DEFAULT_CATALOGUE_NAME


def resolve_db_path(explicit: Path | None) -> Path:
    if explicit is not None:
        return explicit
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env)
    import platformdirs

    return Path(platformdirs.user_data_dir("signals", appauthor=False)) / "signals.db"


def resolve_catalogue_path(explicit: Path | None) -> Path:
    if explicit is not None:
        return explicit
    from_env = os.environ.get(CATALOGUE_ENV)
    if from_env:
        return Path(from_env)
    return default_catalogue_path()
