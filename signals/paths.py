"""Where signals keeps its data: --db, then SIGNALS_DB, then the user's data directory;
and where it keeps what it can rebuild."""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

DB_ENV = "SIGNALS_DB"
CATALOGUE_ENV = "SIGNALS_CATALOGUE"
CACHE_ENV = "SIGNALS_CACHE"
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


def cache_dir() -> Path | None:
    """Where signals keeps what it can always rebuild: SIGNALS_CACHE, else the platform's
    cache directory; None (keep nothing) when SIGNALS_CACHE is set but empty, or when
    there is no home directory to keep it in."""
    from_env = os.environ.get(CACHE_ENV)
    if from_env is not None:
        return Path(from_env) if from_env else None
    # platformdirs would do, but importing it costs more than the cache saves.
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "signals" / "Cache" if base else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg) and sys.platform != "darwin":
        return Path(xdg) / "signals"
    home = os.path.expanduser("~")  # left as "~" when there is no home to expand to
    if not os.path.isabs(home) or home == os.sep:
        return None
    if sys.platform == "darwin":
        return Path(home) / "Library" / "Caches" / "signals"
    return Path(home) / ".cache" / "signals"


# A catalogue or a mapping is a page or two of TOML (the default catalogue is 60 kB): a
# larger file is a mistake, or /dev/zero, and would be read and validated without end.
MOST_SETTINGS_BYTES = 1024 * 1024


def read_settings_file(path: Path) -> bytes | None:
    """The bytes of a catalogue or mapping file, or None when it is larger than
    `MOST_SETTINGS_BYTES` (only that much more is ever read)."""
    with path.open("rb") as file:
        data = file.read(MOST_SETTINGS_BYTES + 1)
    return None if len(data) > MOST_SETTINGS_BYTES else data
