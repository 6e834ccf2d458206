"""Loading: reading a mapping file (or a shipped mapping by name) and compiling it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from signals.catalogue import Catalogue
from signals.errors import SignalsError
from signals.mapping.common import MappingProblem
from signals.mapping.compiled import CompiledMapping
from signals.mapping.compiler import compile_mapping
from signals.mapping.schema import MappingSpec
from signals.paths import MOST_SETTINGS_BYTES, read_settings_file

SHIPPED_DIR = "mappings"


def shipped_mappings_dir() -> Path:
    from signals.paths import data_dir

    return data_dir() / SHIPPED_DIR


def resolve_mapping_path(path: Path) -> Path:
    """A file path, or the name of a shipped mapping (`gdelt`, `acled`)."""
    if path.exists() or len(path.parts) != 1:
        return path
    shipped = shipped_mappings_dir() / (
        path.name if path.suffix == ".toml" else f"{path.name}.toml"
    )
    return shipped if shipped.is_file() else path


def load_mapping(path: Path, catalogue: Catalogue | None = None) -> CompiledMapping:
    """Read, validate and compile a mapping file; any problem is one SignalsError."""
    resolved = resolve_mapping_path(path)
    try:
        data = read_settings_file(resolved)
        if data is None:
            raise SignalsError(
                f"Mapping {path} is larger than {MOST_SETTINGS_BYTES // 1024} kB;"
                " a mapping is a page or two of TOML."
            )
        raw = tomllib.loads(data.decode("utf-8").replace("\r\n", "\n"))
    except RecursionError:
        raise SignalsError(f"Mapping {path} nests tables or arrays too deeply.") from None
    except FileNotFoundError:
        shipped = ", ".join(sorted(p.stem for p in shipped_mappings_dir().glob("*.toml")))
        raise SignalsError(
            f"Mapping file {path} does not exist (shipped mappings: {shipped or 'none'})."
        ) from None
    except IsADirectoryError:
        raise SignalsError(f"Mapping {path} is a directory, not a TOML file.") from None
    except UnicodeDecodeError as error:
        raise SignalsError(
            f"Mapping {path} is not UTF-8 text (byte {error.start + 1} cannot be read)."
        ) from None
    except OSError as error:
        raise SignalsError(f"Cannot read mapping {path}: {error.strerror}.") from None
    except tomllib.TOMLDecodeError as error:
        raise SignalsError(f"Mapping {resolved.name} is not valid TOML: {error}.") from None
    try:
        spec = MappingSpec.model_validate(raw)
    except ValidationError as error:
        raise SignalsError(f"Mapping {resolved.name}: {_describe(raw, error)}.") from None
    except RecursionError:
        raise SignalsError(f"Mapping {path} nests tables or arrays too deeply.") from None
    try:
        mapping = compile_mapping(spec, resolved)
    except MappingProblem as problem:
        raise SignalsError(f"Mapping {resolved.name}: {problem}.") from None
    except RecursionError:
        raise SignalsError(f"Mapping {path} nests its conditions too deeply.") from None
    if catalogue is not None:
        mapping.check_indicators(catalogue)
    return mapping


def _describe(raw: dict[str, Any], error: ValidationError) -> str:
    """The first validation problem, placed by rule name rather than list index."""
    errors = error.errors()
    first = errors[0]
    loc = [part for part in first["loc"] if not (isinstance(part, str) and "[" in part)]
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "missing":
        message = "is required"
    elif first["type"] == "extra_forbidden":
        message = "is not a setting a mapping knows (see docs/mappings.md)"
    where = _where(raw, loc)
    more = len(errors) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{where}: {message}{suffix}" if where else f"{message}{suffix}"


def _where(raw: dict[str, Any], loc: list[int | str]) -> str:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = raw.get("rules")
        entry = rules[loc[1]] if isinstance(rules, list) and loc[1] < len(rules) else {}
        name = entry.get("name") if isinstance(entry, dict) else None
        label = f"rule '{name}' (#{loc[1] + 1})" if name else f"rule #{loc[1] + 1}"
        rest = _dotted(loc[2:])
        return f"{label}, '{rest}'" if rest else label
    if len(loc) >= 1 and isinstance(loc[0], str):
        section = f"[{loc[0]}]"
        rest = _dotted(loc[1:])
        return f"{section} '{rest}'" if rest else section
    return ""


def _dotted(parts: list[int | str]) -> str:
    names = {"all_": "all", "any_": "any", "in_": "in"}
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + names.get(part, part)
    return text
