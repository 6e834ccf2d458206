"""Mappings: read another tool's export (GDELT, ACLED, ...) as events.

A mapping is a TOML file: data, never code. It says how the file is laid out
(`[file]`), where the event date is (`[observed_at]`), how to fill the event fields
from the columns (`[fields]`, templates such as `"gdelt:{GLOBALEVENTID}"`), which
lookup tables exist (`[maps]`), reusable named conditions (`[conditions]`) and the
ordered `[[rules]]`: the first rule whose conditions hold decides the indicator (or
that the row is skipped); a row no rule matches is "not tracked". The format is
documented in docs/mappings.md.

Everything is checked and compiled once, by `compile_mapping` in `load_mapping`, so
`CompiledMapping.apply` costs a few dictionary look-ups per row. Codes are compared as text: `"040"` is never `40`.
"""

from signals.mapping.compiled import CompiledMapping
from signals.mapping.compiler import compile_mapping
from signals.mapping.loading import load_mapping, resolve_mapping_path, shipped_mappings_dir

__all__ = [
    "CompiledMapping",
    "compile_mapping",
    "load_mapping",
    "resolve_mapping_path",
    "shipped_mappings_dir",
]
