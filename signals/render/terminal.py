"""Rich renderings for the terminal: indicators, events, and the status checklist."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from signals.catalogue import CREDIBILITY_MEANING, RELIABILITY_MEANING, Catalogue, Kind, Scoring
from signals.events import Event, EventEdit, EventRevision
from signals.likelihoods import WITHDRAWAL
from signals.matrix import Matrix
from signals.scoring import Headline, IndicatorScore, ScoreResult, State

STATE_STYLE = {
    State.PRESENT: ("●", "bold green"),
    State.EMERGING: ("◐", "yellow"),
    State.LAPSED: ("○", "dim cyan"),
    State.REFUTED: ("✕", "red"),
    State.ABSENT: ("·", "dim"),
    State.BROKEN: ("⊘", "bold red"),
    State.WITHDRAWN: ("⊖", "cyan"),
    State.BACKGROUND: ("∘", "dim"),
    State.EXPIRED: ("·", "dim cyan"),
}
KIND_HEADING = {Kind.COUNTER: "Counter-indicators", Kind.CONTEXT: "Context (never scored)"}
# Below this width a table drops its longest text column and its vertical rules, so that
# the figures keep their width on an 80-column terminal (or a pipe, which rich takes as 80).
WIDE = 100


class _Adaptive:
    """A table drawn to the width it gets: full when there is room, compact otherwise."""

    def __init__(self, draw: Callable[[bool], Table]) -> None:
        self.draw = draw

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.draw(options.max_width >= WIDE)


def _table(wide: bool, **settings: object) -> Table:
    if wide:
        return Table(expand=False, **settings)  # type: ignore[arg-type]
    return Table(
        expand=False,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        **settings,  # type: ignore[arg-type]
    )


def state_text(state: State) -> Text:
    symbol, style = STATE_STYLE[state]
    return Text(f"{symbol} {state.value}", style=style)


def indicators_table(catalogue: Catalogue, kind: Kind | None) -> Table:
    table = Table(title=catalogue.catalogue.title, title_justify="left", expand=False)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("kind")
    table.add_column("stage", justify="right")
    table.add_column("title")
    table.add_column("LR", justify="right")
    table.add_column("half-life", justify="right")
    for indicator in catalogue.indicators:
        if kind is not None and indicator.kind is not kind:
            continue
        table.add_row(
            indicator.id,
            indicator.kind.value,
            str(indicator.stage or ""),
            indicator.title,
            f"{indicator.likelihood_ratio:g}" if indicator.likelihood_ratio else "",
            f"{indicator.half_life_days} d",
        )
    return table


def events_table(events: Sequence[Event]) -> RenderableType:
    return _Adaptive(lambda wide: _events_table(events, wide))


def _events_table(events: Sequence[Event], wide: bool) -> Table:
    table = _table(wide)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("observed", no_wrap=True)
    table.add_column("indicator", no_wrap=True)
    # Only a list with a variant among its events gives them a column.
    read = any(event.variant for event in events)
    if read:
        table.add_column("variant", no_wrap=True)
    table.add_column("grade", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("summary", min_width=12)
    if wide:
        table.add_column("source")
    for event in events:
        retracted = event.retraction is not None
        cells = [
            str(event.id),
            event.observed_at.isoformat(),
            event.indicator,
            *([_reading(event)] if read else []),
            event.grade,
            "retracted" if retracted else event.status.value,
            Text(event.summary, style="strike dim" if retracted else ""),
        ]
        if wide:
            cells.append(Text(event.source or ""))
        table.add_row(*cells)
    return table


def event_detail(
    event: Event,
    revisions: Sequence[EventRevision],
    catalogue: Catalogue | None,
    edits: Sequence[EventEdit] = (),
) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    title = (
        catalogue.by_id[event.indicator].title
        if catalogue and event.indicator in catalogue.by_id
        else ""
    )
    rows = [
        ("event", f"#{event.id} (revision {event.revision})"),
        ("indicator", f"{event.indicator}" + (f" — {title}" if title else "")),
        ("variant", _variant_detail(event, catalogue)),
        *_ending_detail(event),
        ("observation", event.observation or ""),
        ("alternative", event.alternative or ""),
        ("summary", event.summary),
        ("observed", event.observed_at.isoformat()),
        (
            "logged",
            event.logged_at + (f", revised {event.revised_at}" if event.revision > 1 else ""),
        ),
        ("source", event.source or ""),
        ("url", event.url or ""),
        (
            "grade",
            f"{event.grade}: {RELIABILITY_MEANING[event.reliability.value]},"
            f" {CREDIBILITY_MEANING[event.credibility.value]}",
        ),
        ("status", event.status.value),
        ("location", event.location or ""),
        ("analyst", event.analyst or ""),
        ("tags", "; ".join(event.tags)),
        ("notes", event.notes or ""),
        ("external id", event.external_id or ""),
    ]
    for label, value in rows:
        if value:
            table.add_row(label, Text(value))
    parts: list[RenderableType] = [table]
    if event.retraction is not None:
        who = f" by {event.retraction.analyst}" if event.retraction.analyst else ""
        parts.append(
            Text(
                f"\nRetracted {event.retraction.retracted_at}{who}: {event.retraction.reason}",
                style="bold red",
            )
        )
    if revisions:
        history = Table(title="Earlier revisions", title_justify="left")
        history.add_column("rev", justify="right")
        history.add_column("from")
        history.add_column("until")
        history.add_column("what it said then")
        current = event.as_input()
        for revision in reversed(revisions):
            changed = [
                f"{name}: {_as_cell(revision.fields[name])}"
                for name in current
                if _as_cell(revision.fields.get(name)) != _as_cell(current[name])
            ]
            history.add_row(
                str(revision.revision),
                revision.revised_at,
                revision.replaced_at,
                Text("\n".join(changed) or "(no field differs from the current revision)"),
            )
        parts.extend([Text(""), history])
    if edits:
        corrections = Table(title="Corrections", title_justify="left")
        corrections.add_column("rev", justify="right")
        corrections.add_column("when")
        corrections.add_column("by")
        corrections.add_column("why")
        for made in reversed(edits):
            corrections.add_row(
                str(made.revision),
                made.edited_at,
                Text(made.analyst or ""),
                Text(made.reason or "(no reason given)"),
            )
        parts.extend([Text(""), corrections])
    return Group(*parts)


def _reading(event: Event) -> str:
    """The variant of an event in a list: an ending names the event it ends."""
    if event.ends is not None:
        return f"{event.variant} of #{event.ends}"
    return event.variant


def _variant_detail(event: Event, catalogue: Catalogue | None) -> str:
    indicator = catalogue.by_id.get(event.indicator) if catalogue else None
    if indicator is None or event.ends is not None:
        return event.variant
    if event.variant in indicator.variants:
        return f"{event.variant} — {indicator.variants[event.variant].title}"
    if indicator.default_variant:
        return f"{indicator.default_variant} (the default reading)"
    return ""


def _ending_detail(event: Event) -> list[tuple[str, str]]:
    """What an ending ends, in the words of the flag that made it."""
    if event.ends is None:
        return []
    verb = "withdraws" if event.variant == WITHDRAWAL else "breaks"
    return [(verb, f"#{event.ends}")]


def _as_cell(value: object) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


def _percent(probability: float) -> str:
    return f"{100 * probability:.0f}%"


def headline_text(result: ScoreResult, catalogue: Catalogue) -> Text:
    headline = result.headline
    stages = len(catalogue.stages())
    text = Text()
    text.append(f"Progress {headline.progress:.0f}/100", style="bold")
    text.append(f" · stage {headline.stage} of {stages}")
    if result.confidence is not None:
        from signals.confidence import headline_words

        text.append(" · ")
        text.append(headline_words(headline.p_genuine, result.confidence), style="bold")
    else:
        text.append(" · P(genuine intent) ")
        text.append(_percent(headline.p_genuine), style="bold")
        text.append(f" — {headline.estimative}", style="bold")
    text.append(f" (prior {_percent(headline.prior)})")
    if headline.out_of_sequence:
        text.append(
            "\n⚠ Out of sequence: a later stage appeared before the earlier ones;"
            " it is credited at a discount.",
            style="bold yellow",
        )
    if headline.intent_capped:
        text.append(
            f"\nIntent evidence reached the ceiling of {_percent(catalogue.catalogue.ceiling)}:"
            " even these steps could be a deceptive ploy.",
            style="yellow",
        )
    return text


def _indicator_table(rows: Sequence[IndicatorScore], title: str) -> RenderableType:
    return _Adaptive(lambda wide: _indicator_rows(rows, title, wide))


def _indicator_rows(rows: Sequence[IndicatorScore], title: str, wide: bool) -> Table:
    table = _table(wide, title=title, title_justify="left", title_style="bold")
    table.add_column("state", no_wrap=True)
    table.add_column("indicator", no_wrap=True)
    if wide:
        table.add_column("title")
    # Context indicators are never scored: they have no log-odds to show.
    scored = any(row.kind is not Kind.CONTEXT for row in rows)
    table.add_column("strength", justify="right", no_wrap=True)
    if scored:
        table.add_column("log-odds", justify="right", no_wrap=True)
    table.add_column("events", justify="right", no_wrap=True)
    table.add_column("last seen", no_wrap=True)
    for row in rows:
        cells: list[RenderableType] = [state_text(row.state), row.id]
        if wide:
            cells.append(row.title)
        cells.append(f"{row.strength:.2f}" if row.events else "")
        if scored:
            cells.append(f"{row.contribution:+.2f}" if row.contribution else "")
        cells += [
            str(row.events) if row.events else "",
            row.last_observed.isoformat() if row.last_observed else "",
        ]
        table.add_row(*cells)
    return table


def checklist(result: ScoreResult, catalogue: Catalogue) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for stage in result.headline.stages:
        rows = [i for i in result.indicators if i.kind is Kind.INTENT and i.stage == stage.stage]
        present = sum(1 for i in rows if i.state is State.PRESENT)
        earlier = ", previously reached" if stage.previously_reached else ""
        title = (
            f"Stage {stage.stage} — {catalogue.stage_name(stage.stage)}"
            f" ({present} of {len(rows)} present{earlier}, {100 * stage.credited:.0f}% credited)"
        )
        parts.append(_indicator_table(rows, title))
    for kind in (Kind.COUNTER, Kind.CONTEXT):
        rows = [i for i in result.indicators if i.kind is kind]
        if rows:
            parts.append(_indicator_table(rows, KIND_HEADING[kind]))
    return parts


def status_view(
    result: ScoreResult,
    catalogue: Catalogue,
    *,
    explain: bool,
    matrix: Matrix | None = None,
) -> list[RenderableType]:
    from signals.render.hypotheses import confidence_text, hypotheses_text, matrix_view

    heading = Text(f"{catalogue.catalogue.title} — as of {result.as_of.isoformat()}", style="bold")
    if result.as_known:
        heading.append(" (as known then)", style="italic")
    parts: list[RenderableType] = [heading, headline_text(result, catalogue)]
    if result.confidence is not None:
        parts.append(confidence_text(result, result.confidence))
    if catalogue.edition == 2:
        parts.append(hypotheses_text(result))
    parts.append(Text(""))
    parts.extend(checklist(result, catalogue))
    if matrix is not None:
        parts.extend(matrix_view(matrix))
    if explain:
        parts.append(explanation(result, catalogue))
    return parts


def explanation(result: ScoreResult, catalogue: Catalogue) -> RenderableType:
    """Every number of the headline, traced back to the events behind it."""
    scoring = catalogue.scoring
    lines = Text()
    lines.append("How the score was computed\n", style="bold underline")
    lines.append(
        "Event strength = reliability × credibility × status weight × 0.5^(age / half-life).\n"
        "Events of an indicator with the same grade and status are one class, weighed by its"
        " freshest event: the same report again adds nothing.\n"
        f"Indicator support combines its classes strongest first, each further one at"
        f" {scoring.corroboration_discount:g}× the weight of the one before (noisy-or).\n"
        + (
            "Contribution = (support − against) × ln(likelihood ratio).\n\n"
            if catalogue.edition == 1
            else "Its support s weighs on every hypothesis H as s × ln P(E|H) (see the"
            " posterior below); its contribution is how far the log-odds of genuine intent"
            " would fall back without it.\n\n"
        )
    )
    for indicator in result.indicators:
        if not indicator.evidence:
            continue
        lines.append(f"{indicator.id}", style="bold")
        lines.append(
            f" ({indicator.kind.value}, half-life {catalogue.by_id[indicator.id].half_life_days} d)\n"
        )
        for item in indicator.evidence:
            weights = (
                f"{scoring.reliability[item.grade[0]].weight:g}"  # type: ignore[index]
                f" × {scoring.credibility[item.grade[1]].weight:g}"  # type: ignore[index]
                f" × {scoring.status[item.status].weight:g}"  # type: ignore[index]
            )
            lines.append(
                f"  #{item.event_id} {item.grade} {item.status:<9} {item.observed_at}"
                f" age {item.age_days:>4} d: {weights} = {item.base:.3f}"
                f" × decay {item.decay:.3f} = {item.strength:.3f}"
                + (" (against)" if item.against else "")
                + (f" as {item.reading}" if item.reading else "")
                + (f" (freshest of {item.events})" if item.events > 1 else "")
                + "\n"
            )
        lines.append(
            f"  support {indicator.support:.3f}, against {indicator.against:.3f},"
            f" if fresh {indicator.fresh_support:.3f} → {indicator.state.value}"
        )
        ratio = indicator.likelihood_ratio
        model = catalogue.by_id[indicator.id]
        if model.likelihoods is not None:
            for reading in indicator.readings:
                row = model.reading_row(reading.name) or {}
                if reading.name:
                    lines.append(f"\n  as {reading.name}: support {reading.support:.3f},")
                lines.append(
                    ("\n  P(E|H) " if not reading.name else " P(E|H) ")
                    + ", ".join(f"{h} {value:g}" for h, value in row.items())
                )
            lines.append(f"; contribution {indicator.contribution:+.3f}")
        elif ratio is not None and indicator.support and indicator.against:
            # Each part counts on its own side of the cap, so each is shown.
            from_support, from_against = indicator.log_odds_parts
            lines.append(
                f"; {indicator.support:.3f} × ln {ratio:g} = {from_support:+.3f}"
                f" and −{indicator.against:.3f} × ln {ratio:g} = {from_against:+.3f}"
            )
        elif ratio is not None:
            lines.append(
                f"; ({indicator.support:.3f} − {indicator.against:.3f}) × ln {ratio:g}"
                f" = {indicator.contribution:+.3f}"
            )
        lines.append("\n")
    headline = result.headline
    if catalogue.edition == 2:
        from signals.hypotheses import space_of
        from signals.render.hypotheses import posterior_explanation

        space = space_of(catalogue, headline.priors, headline.prior)
        lines.append_text(posterior_explanation(result, catalogue, space))
        _progress_lines(lines, headline, scoring)
        _rule_lines(lines, result)
        return lines
    capped = min(headline.for_intent_log_odds, headline.intent_cap)
    lines.append("\nProbability of genuine intent\n", style="bold")
    lines.append(
        f"  prior {headline.prior:.2f} → log-odds {headline.prior_log_odds:+.3f}\n"
        f"  + for genuine intent {headline.for_intent_log_odds:+.3f}"
        + (
            f", capped at {headline.intent_cap:+.3f} (ceiling {catalogue.catalogue.ceiling:.2f})"
            if headline.intent_capped
            else f" (cap {headline.intent_cap:+.3f} not reached)"
        )
        + f" → {capped:+.3f}\n"
        f"  + against genuine intent {headline.against_intent_log_odds:+.3f}\n"
        f"  = {headline.posterior_log_odds:+.3f} → p = 1 / (1 + e^{-headline.posterior_log_odds:+.3f})"
        f" = {headline.p_genuine:.4f} ({headline.estimative})\n"
    )
    _progress_lines(lines, headline, scoring)
    _rule_lines(lines, result)
    return lines


def _progress_lines(lines: Text, headline: Headline, scoring: Scoring) -> None:
    lines.append("\nProgress\n", style="bold")
    for stage in headline.stages:
        lines.append(
            f"  stage {stage.stage}: completion {stage.completion:.3f}"
            f" (present 1, lapsed {scoring.lapsed_credit:g}, emerging {scoring.emerging_credit:g})"
            + (
                ""
                if math.isclose(stage.completion, stage.credited)
                else f", out of sequence × {scoring.out_of_sequence_credit:g}"
            )
            + f" → {stage.credited:.3f}\n"
        )
    lines.append(f"  progress = 100 × mean of credited = {headline.progress:.1f}\n")


def _rule_lines(lines: Text, result: ScoreResult) -> None:
    """Every reading rule that fired, with the catalogue's reason for it."""
    lines.append("\nRules that fired\n", style="bold")
    if not result.rules:
        lines.append("  none: every event was read by its indicator's own row\n")
    for rule in result.rules:
        lines.append(f"  {rule.rule}: ", style="bold")
        lines.append(f"{rule.text}\n")
        if rule.rationale:
            lines.append(f"    why: {rule.rationale}\n", style="dim")
