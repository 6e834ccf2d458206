"""The record to learn from, for the terminal: the forecasts kept, their score, and the
indicator review."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from signals.calibration import RecordScore, Summary
from signals.catalogue import Kind
from signals.forecasts import Forecast, Resolution
from signals.hypotheses import in_words, tied_at_the_top
from signals.review import Review


def _table(title: str) -> Table:
    # Rules under the header only: the figures keep their width on an 80-column terminal.
    return Table(
        title=title, title_justify="left", expand=False, box=box.SIMPLE_HEAD, pad_edge=False
    )


def _percent(probability: float) -> str:
    return f"{100 * probability:.0f}%"


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def forecasts_view(
    forecasts: Sequence[Forecast], resolutions: Sequence[Resolution], superseded: set[int]
) -> list[RenderableType]:
    parts: list[RenderableType] = []
    if forecasts:
        parts.append(_forecasts_table(forecasts))
    else:
        parts.append(Text("No forecasts on record: `signals report` keeps each day's figures."))
    if resolutions:
        parts.append(_resolutions_table(resolutions, superseded))
    else:
        parts.append(Text("No resolutions on record: `signals forecasts resolve` records one."))
    return parts


def _forecasts_table(forecasts: Sequence[Forecast]) -> Table:
    table = _table("Forecasts")
    several = len({(f.catalogue_id, f.catalogue_version) for f in forecasts}) > 1
    table.add_column("as of", no_wrap=True)
    if several:
        table.add_column("catalogue")
    table.add_column("headline", justify="right", no_wrap=True)
    table.add_column("range", justify="right", no_wrap=True)
    table.add_column("confidence", no_wrap=True)
    table.add_column("leading", no_wrap=True)
    table.add_column("kept by", no_wrap=True)
    for forecast in forecasts:
        leading = tied_at_the_top(forecast.hypotheses)
        cells: list[RenderableType] = [forecast.as_of.isoformat()]
        if several:
            cells.append(Text(f"{forecast.catalogue_id} v{forecast.catalogue_version}"))
        cells += [
            Text(f"{forecast.headline} {_percent(forecast.p_headline)}"),
            f"{_percent(forecast.low)}–{_percent(forecast.high)}",
            forecast.confidence,
            Text(
                in_words([f"{h} {_percent(forecast.hypotheses[h])}" for h in leading])
                + (" tied" if len(leading) > 1 else "")
            ),
            forecast.issued_by,
        ]
        table.add_row(*cells)
    return table


def _resolutions_table(resolutions: Sequence[Resolution], superseded: set[int]) -> Table:
    table = _table("Resolutions")
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("catalogue", no_wrap=True)
    table.add_column("held", no_wrap=True)
    table.add_column("from", no_wrap=True)
    table.add_column("note")
    for resolution in resolutions:
        old = resolution.id in superseded
        cells: list[RenderableType] = [
            str(resolution.id),
            Text(resolution.catalogue_id),
            Text(resolution.hypothesis, style="strike dim" if old else ""),
            resolution.holds_from.isoformat(),
            Text(("(corrected) " if old else "") + (resolution.note or "")),
        ]
        table.add_row(*cells)
    return table


def score_view(score: RecordScore) -> list[RenderableType]:
    overall = score.overall
    if not overall.resolved:
        return [
            Text(
                f"{overall.forecasts} weekly forecasts on record, none resolved:"
                " `signals forecasts resolve --hypothesis ID --from DATE` records what held."
            )
        ]
    return [
        _summary_table(score),
        _calibration_table(score),
    ]


def _summary_table(score: RecordScore) -> Table:
    table = _table("Brier scores: lower is better")
    table.caption = (
        "Over all hypotheses 0 (certain and right) to 2; the headline alone 0 to 1;"
        " priors: the catalogue's priors scored the same way."
    )
    table.caption_justify = "left"
    table.add_column("catalogue")
    table.add_column("weeks", justify="right")
    table.add_column("resolved", justify="right")
    table.add_column("Brier", justify="right")
    table.add_column("headline", justify="right")
    table.add_column("priors", justify="right")
    rows: list[tuple[str, Summary]] = [(s.catalogue_id or "", s) for s in score.catalogues]
    if len(rows) > 1:
        rows.append(("all", score.overall))
    for name, summary in rows:
        table.add_row(
            Text(name),
            str(summary.forecasts),
            str(summary.resolved),
            _score(summary.brier),
            _score(summary.brier_headline),
            _score(summary.brier_prior),
        )
    return table


def _calibration_table(score: RecordScore) -> Table:
    table = _table("Calibration: every stated probability against how often it held")
    table.add_column("stated", no_wrap=True)
    table.add_column("count", justify="right")
    table.add_column("mean stated", justify="right")
    table.add_column("held", justify="right")
    for row in score.calibration:
        table.add_row(
            f"{_percent(row.low)}–{_percent(row.high)}",
            str(row.count),
            "–" if row.mean_stated is None else _percent(row.mean_stated),
            "–" if row.observed is None else _percent(row.observed),
        )
    return table


def review_view(review: Review) -> list[RenderableType]:
    parts: list[RenderableType] = [_review_table(review)]
    flagged = review.flagged
    if flagged:
        lines = Text()
        for indicator in flagged:
            for flag in indicator.flags:
                if lines:
                    lines.append("\n")
                lines.append(f"⚑ {indicator.id}", style="bold yellow")
                lines.append(f" ({flag.name}): {flag.why}.")
        parts.append(lines)
    else:
        parts.append(Text("No indicator is flagged."))
    return parts


def _review_table(review: Review) -> Table:
    period = f"{review.weeks[0]} to {review.weeks[-1]}" if review.weeks else ""
    table = _table(f"Indicator review, {period}")
    table.caption = (
        f"ΔP: how far P({review.headline}) falls back without the indicator, in points:"
        " the mean over the weeks its evidence counted, and the largest."
    )
    table.caption_justify = "left"
    rated = any(i.usual is not None for i in review.indicators)
    table.add_column("indicator")
    table.add_column("events", justify="right")
    table.add_column("weeks", justify="right")
    table.add_column("mean ΔP", justify="right")
    table.add_column("max ΔP", justify="right")
    if rated:
        table.add_column("rate / usual", justify="right")
    table.add_column("flags")
    for i in review.indicators:
        cells: list[RenderableType] = [
            Text(i.id, style="dim" if i.kind is Kind.CONTEXT else ""),
            str(i.events),
            str(i.weeks_fired),
            f"{100 * i.mean_p_change:.1f}",
            f"{100 * i.max_p_change:.1f}",
        ]
        if rated:
            cells.append(
                ""
                if i.usual is None or i.observed_rate is None
                else f"{i.observed_rate:.1f} / {i.usual:g}"
            )
        cells.append(Text(", ".join(f.name for f in i.flags), style="yellow"))
        table.add_row(*cells)
    return table
