"""Reading a catalogue file: bytes, TOML, validation, with validated catalogues cached."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from signals import catalogue_cache
from signals.catalogue import Catalogue
from signals.errors import CatalogueError
from signals.paths import MOST_SETTINGS_BYTES, cache_dir, read_settings_file
from signals.text import REFUSED_IN_TEXT


def _describe_location(raw: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """Name a validation error's place by indicator id rather than list index."""
    if len(loc) >= 2 and loc[0] in ("indicators", "tripwires") and isinstance(loc[1], int):
        noun = "indicator" if loc[0] == "indicators" else "tripwire"
        entries = raw.get(loc[0]) or []
        entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else {}
        name = entry.get("id") if isinstance(entry, dict) else None
        label = f"{noun} '{name}'" if name else f"{noun} #{loc[1] + 1}"
        rest = ".".join(str(part) for part in loc[2:])
        return f"{label}, field '{rest}'" if rest else label
    return "field '" + ".".join(str(part) for part in loc) + "'" if loc else "catalogue"


def _unprintable(value: Any, loc: tuple[int | str, ...] = ()) -> Iterator[tuple[int | str, ...]]:
    """Where a text of the catalogue holds a control character (tab and newline aside) or a
    line separator, which would act on the terminal or the brief that shows it."""
    if isinstance(value, str):
        if REFUSED_IN_TEXT.search(value):
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unprintable(item, (*loc, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unprintable(item, (*loc, index))


def validate_catalogue(raw: dict[str, Any]) -> Catalogue:
    problems = [
        f"{_describe_location(raw, loc)}: contains control characters or line separators"
        for loc in _unprintable(raw)
    ]
    if not problems:
        try:
            return Catalogue.model_validate(raw)
        except ValidationError as error:
            problems = [
                f"{_describe_location(raw, tuple(e['loc']))}:"
                f" {e['msg'].removeprefix('Value error, ')}"
                for e in error.errors()
            ]
    count = len(problems)
    raise CatalogueError(f"The catalogue has {count} problem{'s' if count != 1 else ''}.", problems)


def load_catalogue(path: Path) -> Catalogue:
    """The catalogue in a TOML file, validated; from the cache when this file was validated
    before (see `signals.catalogue_cache`)."""
    try:
        data = read_settings_file(path)
    except FileNotFoundError:
        raise CatalogueError(f"Catalogue file {path} does not exist.") from None
    except IsADirectoryError:
        raise CatalogueError(f"Catalogue {path} is a directory, not a TOML file.") from None
    except OSError as error:
        raise CatalogueError(f"Cannot read catalogue {path}: {error.strerror}.") from None
    if data is None:
        raise CatalogueError(
            f"Catalogue {path} is larger than {MOST_SETTINGS_BYTES // 1024} kB;"
            " a catalogue is a page or two of TOML."
        )
    directory = cache_dir()
    key = catalogue_cache.entry_key(data)
    found = catalogue_cache.cached(directory, path, key)
    if found is not None:
        return found
    try:
        # As reading in text mode would: every line ending becomes a newline.
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        raw = tomllib.loads(text)
    except UnicodeDecodeError as error:
        raise CatalogueError(
            f"Catalogue {path} is not UTF-8 text (byte {error.start + 1} cannot be read)."
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"Catalogue {path} is not valid TOML: {error}.") from None
    except RecursionError:
        raise CatalogueError(f"Catalogue {path} nests tables or arrays too deeply.") from None
    try:
        catalogue = validate_catalogue(raw)
    except RecursionError:
        raise CatalogueError(f"Catalogue {path} nests tables or arrays too deeply.") from None
    catalogue_cache.remember(directory, path, key, catalogue)
    return catalogue
