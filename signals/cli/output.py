"""Consoles and plain output: data to stdout, messages to stderr, colour only for terminals."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def stdout_console() -> Console:
    from rich.console import Console

    return Console(no_color=bool(os.environ.get("NO_COLOR")) or None, highlight=False)


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")) or None, highlight=False)


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")


def message(text: str) -> None:
    """A message for the person at the terminal, never mixed with data on stdout."""
    sys.stderr.write(text + "\n")


def error(text: str) -> None:
    sys.stderr.write(f"Error: {text}\n")
