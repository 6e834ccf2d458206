"""Shell completion of indicator and event ids, each with a line of help beside it.

The shell reads the completions from stdout and runs this on every Tab: a callback must
be quick, print nothing, and answer with no completions when the catalogue or the
database cannot be read, rather than fail."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path

import typer

Completion = tuple[str, str]
EVENTS_OFFERED = 50
HELP_WIDTH = 70


def _quietly(find: Callable[[], list[Completion]]) -> list[Completion]:
    try:
        with (
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            return find()
    except Exception:
        return []


def _root_path(ctx: typer.Context, name: str) -> Path | None:
    """A global option as given before the command (`signals --db X events show <Tab>`)."""
    value = ctx.find_root().params.get(name)
    return Path(value) if isinstance(value, str | Path) else None


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= HELP_WIDTH else text[: HELP_WIDTH - 1] + "…"


def indicator_ids(ctx: typer.Context, incomplete: str) -> list[Completion]:
    """The catalogue's indicator ids, with their titles."""

    def find() -> list[Completion]:
        from signals.catalogue_loader import load_catalogue
        from signals.paths import resolve_catalogue_path

        catalogue = load_catalogue(resolve_catalogue_path(_root_path(ctx, "catalogue")))
        typed = incomplete.lower()
        return [(i.id, i.title) for i in catalogue.indicators if i.id.startswith(typed)]

    return _quietly(find)


def variant_names(ctx: typer.Context, incomplete: str) -> list[Completion]:
    """The variants of the indicator given before on the command line (of every indicator
    when none is), with their titles."""

    def find() -> list[Completion]:
        from signals.catalogue_loader import load_catalogue
        from signals.paths import resolve_catalogue_path

        catalogue = load_catalogue(resolve_catalogue_path(_root_path(ctx, "catalogue")))
        given = ctx.params.get("indicator")
        chosen = str(given).strip().lower() if given else None
        typed = incomplete.lower()
        return [
            (name, _shorten(variant.title))
            for indicator in catalogue.indicators
            if chosen is None or indicator.id == chosen
            for name, variant in indicator.variants.items()
            if name.startswith(typed)
        ]

    return _quietly(find)


def _event_ids(ctx: typer.Context, incomplete: str, *, include_retracted: bool) -> list[Completion]:
    def find() -> list[Completion]:
        from signals.paths import resolve_db_path
        from signals.store import open_store

        path = resolve_db_path(_root_path(ctx, "db"))
        # Completing never creates a database: only one that exists is read.
        if not path.is_file():
            return []
        store = open_store(path)
        try:
            choices = store.id_choices(
                incomplete, include_retracted=include_retracted, limit=EVENTS_OFFERED
            )
        finally:
            store.close()
        return [
            (str(event_id), _shorten(f"{indicator}: {summary}"))
            for event_id, indicator, summary in choices
        ]

    return _quietly(find)


def event_ids(ctx: typer.Context, incomplete: str) -> list[Completion]:
    """Every event id, newest first, with its indicator and summary."""
    return _event_ids(ctx, incomplete, include_retracted=True)


def current_event_ids(ctx: typer.Context, incomplete: str) -> list[Completion]:
    """The ids of events not retracted: the only ones that can be edited or retracted."""
    return _event_ids(ctx, incomplete, include_retracted=False)


def open_alert_ids(ctx: typer.Context, incomplete: str) -> list[Completion]:
    """The alerts awaiting acknowledgement, newest first, with their tripwire and what crossed."""

    def find() -> list[Completion]:
        from signals.paths import resolve_db_path
        from signals.store import open_store

        path = resolve_db_path(_root_path(ctx, "db"))
        if not path.is_file():
            return []
        store = open_store(path, create=False)
        try:
            alerts = store.alerts(unacknowledged=True)
        finally:
            store.close()
        return [
            (str(a.id), _shorten(f"{a.tripwire}: {a.detail}"))
            for a in sorted(alerts, key=lambda a: -a.id)
            if str(a.id).startswith(incomplete)
        ][:EVENTS_OFFERED]

    return _quietly(find)
