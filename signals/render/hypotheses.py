"""The hypotheses in the terminal: the confidence line, the ACH matrix, the posterior traced."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from signals.catalogue import Catalogue
from signals.confidence import Confidence, headline_words
from signals.hypotheses import IMITATION, HypothesisSpace
from signals.matrix import Matrix, mark
from signals.scoring import ScoreResult

MARK_STYLE = {"C": "green", "I": "yellow", "II": "bold red"}


def confidence_text(result: ScoreResult, confidence: Confidence) -> Text:
    text = Text()
    text.append(headline_words(result.headline.p_genuine, confidence), style="bold")
    for name, reason in (
        ("robustness", confidence.robustness),
        ("basis", confidence.basis),
        ("consistency", confidence.consistency),
        ("exposure", confidence.exposure),
    ):
        text.append(f"\n  {name}: {reason.level} — {reason.why}")
    if confidence.hangs_on:
        text.append(
            "\n  hangs on: "
            + "; ".join(f"{c.label} → {100 * c.p_headline:.1f} %" for c in confidence.hangs_on)
        )
    return text


def hypotheses_text(result: ScoreResult) -> Text:
    """The hypotheses by posterior, on one line."""
    shown = result.headline.hypotheses
    ranked = sorted(shown, key=lambda h: (-shown[h], h))
    return Text(
        "Hypotheses: " + " · ".join(f"{h} {100 * shown[h]:.0f}%" for h in ranked),
    )


def matrix_view(matrix: Matrix) -> list[RenderableType]:
    parts: list[RenderableType] = []
    table = Table(
        title="ACH matrix — s × ln(P(E|H) / max): 0 explains the evidence best",
        title_justify="left",
        title_style="bold",
    )
    table.add_column("evidence", no_wrap=True)
    table.add_column("s", justify="right", no_wrap=True)
    for hypothesis in matrix.hypotheses:
        table.add_column(hypothesis, justify="right", no_wrap=True)
    table.add_column("diag.", justify="right", no_wrap=True)
    for row in matrix.rows:
        cells: list[RenderableType] = [
            row.indicator + (" (refuted)" if row.refuted else ""),
            f"{row.strength:.2f}",
        ]
        for cell in row.cells:
            symbol = mark(cell)
            cells.append(Text(f"{symbol} {cell:+.2f}", style=MARK_STYLE[symbol]))
        cells.append(f"{row.diagnosticity:.2f}")
        table.add_row(*cells)
    table.add_row(
        Text("inconsistency", style="bold"),
        "",
        *(Text(f"{matrix.inconsistency[h]:+.2f}", style="bold") for h in matrix.hypotheses),
        "",
    )
    parts.append(table)

    ranking = Text("Ranked by posterior\n", style="bold")
    for position, ranked in enumerate(matrix.ranked, start=1):
        tie = " (tied with the leader)" if ranked.tied_with_leader else ""
        ranking.append(
            f"  {position}. {ranked.id} {100 * ranked.posterior:.1f}%"
            f", inconsistency {ranked.inconsistency:+.2f}{tie} — {ranked.title}\n"
        )
    leader = matrix.leader.id
    if matrix.most_against_leader is not None:
        row = matrix.most_against_leader
        column = matrix.hypotheses.index(leader)
        ranking.append(
            f"Most against {leader}: {row.indicator} ({row.title}), {row.cells[column]:+.2f}\n"
        )
    else:
        ranking.append(f"Nothing on record contradicts {leader}.\n")
    if matrix.assumptions:
        ranking.append(f"Key assumptions of {leader} — it holds unless:\n", style="bold")
        for assumption in matrix.assumptions:
            ranking.append(
                f"  {assumption.indicator} ({assumption.title}) is confirmed:"
                f" {leader} would fall to {100 * assumption.posterior_if_seen:.0f}%"
                + (
                    f", and {assumption.new_leader} would lead"
                    if assumption.new_leader != leader
                    else ""
                )
                + "\n"
            )
    if matrix.prompts:
        ranking.append(
            "Genuine intent is above its prior: check for deception\n", style="bold yellow"
        )
        for name, prompt in matrix.prompts:
            ranking.append(f"  {name}: {prompt}\n")
    parts.append(ranking)
    return parts


def posterior_explanation(
    result: ScoreResult, catalogue: Catalogue, space: HypothesisSpace
) -> Text:
    """Every posterior figure: each hypothesis's log weight, term by term, then softmax."""
    lines = Text()
    lines.append("\nPosterior over the hypotheses\n", style="bold")
    lines.append(
        "  v_H = ln prior_H + Σ s × ln P(E|H); posterior = e^v_H / Σ e^v"
        f" (the imitation, prior {catalogue.prior:g} × (1 − c) / c with c ="
        f" {space.ceiling:g}, shows inside {space.shown[space.shown_as[-1]]})\n"
    )
    posterior = result.headline.posterior
    if posterior is None:
        return lines
    readings = [
        (i, refuted, strength)
        for i in result.indicators
        for refuted, strength in ((False, i.support), (True, i.against))
        if strength > 0 and space.row(i.id, refuted=refuted) is not None
    ]
    for index, hypothesis in enumerate(space.ids):
        terms = [f"ln {space.priors[index]:.4f}"]
        for indicator, refuted, strength in readings:
            row = space.row(indicator.id, refuted=refuted)
            assert row is not None
            terms.append(f"{strength:.3f} × {row[index]:+.3f}")
        name = "imitation" if hypothesis == IMITATION else hypothesis
        lines.append(
            f"  {name}: " + " + ".join(terms) + f" = {posterior.log_weights[index]:+.3f}"
            f" → {posterior.probabilities[index]:.4f}\n"
        )
    shown = result.headline.hypotheses
    lines.append(
        "  shown: "
        + ", ".join(f"{h} {shown[h]:.4f}" for h in space.shown)
        + f"; P(genuine) = {result.headline.p_genuine:.4f} ({result.headline.estimative})\n"
    )
    return lines
