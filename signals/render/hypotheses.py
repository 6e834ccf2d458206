"""The hypotheses in the terminal: the confidence line, the ACH matrix, the posterior traced."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from signals.catalogue import Catalogue
from signals.confidence import Confidence
from signals.hypotheses import IMITATION, HypothesisSpace, in_words, ranked, tie_sentence
from signals.matrix import Matrix, mark
from signals.scenarios import scenario_note
from signals.scoring import ScoreResult

MARK_STYLE = {"C": "green", "I": "yellow", "II": "bold red"}


def confidence_text(result: ScoreResult, confidence: Confidence) -> Text:
    text = Text(f"Confidence {confidence.level}, the lowest of:")
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
    """The hypotheses by posterior, on one line, the imitation named inside its host; and,
    where a reported scenario set the priors, which one and what they are."""
    shown = result.headline.hypotheses
    order = ranked(shown)
    posterior = result.headline.posterior
    host, imitation = "", 0.0
    if posterior is not None and posterior.imitation:
        host = posterior.space.shown[posterior.space.shown_as[-1]]
        imitation = posterior.imitation
    text = Text(
        "Hypotheses: "
        + " · ".join(
            f"{h} {100 * shown[h]:.0f}%"
            + (f" ({100 * imitation:.0f}% imitating genuine intent)" if h == host else "")
            for h in order
        ),
    )
    tie = tie_sentence(shown)
    if tie is not None:
        text.append(f"\n{tie[0].upper()}{tie[1:]}")
    note = scenario_note(result.headline.priors, result.headline.scenarios)
    if note is not None:
        text.append(f"\n{note}")
    return text


def matrix_view(matrix: Matrix) -> list[RenderableType]:
    parts: list[RenderableType] = []
    table = Table(
        box=box.SIMPLE_HEAD,
        title="ACH matrix — s × ln(P(E|H) / max): 0 explains the evidence best",
        title_justify="left",
        title_style="bold",
    )
    table.add_column("evidence", overflow="fold", ratio=1)
    table.add_column("s", justify="right", no_wrap=True)
    for hypothesis in matrix.hypotheses:
        table.add_column(hypothesis, justify="right", no_wrap=True)
    table.add_column("diag.", justify="right", no_wrap=True)
    for row in matrix.rows:
        cells: list[RenderableType] = [
            row.indicator
            + (f" / {row.reading}" if row.reading else "")
            + (" (refuted)" if row.refuted else ""),
            f"{row.strength:.2f}",
        ]
        for cell in row.cells:
            symbol = mark(cell)
            cells.append(Text(f"{symbol} {cell:+.1f}", style=MARK_STYLE[symbol]))
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
    for position, place in enumerate(matrix.ranked, start=1):
        tie = " (tied with the leader)" if place.tied_with_leader else ""
        ranking.append(
            f"  {position}. {place.id} {100 * place.posterior:.1f}%"
            f", inconsistency {place.inconsistency:+.2f}{tie} — {place.title}\n"
        )
    leader = matrix.leader.id
    # Under a tie the first ranked leads no one: it is named as one of those tied.
    named = leader + _tied_with(leader, [r.id for r in matrix.leading])
    if matrix.most_against_leader is not None:
        row = matrix.most_against_leader
        column = matrix.hypotheses.index(leader)
        ranking.append(
            f"Most against {named}: {row.indicator} ({row.title}), {row.cells[column]:+.2f}\n"
        )
    else:
        ranking.append(f"Nothing on record contradicts {named}.\n")
    if matrix.assumptions:
        ranking.append(f"Key assumptions of {named} — it holds unless:\n", style="bold")
        for assumption in matrix.assumptions:
            ranking.append(
                f"  {assumption.indicator} ({assumption.title}) is confirmed:"
                f" {leader} would fall to {100 * assumption.posterior_if_seen:.0f}%"
                + _lead_then(leader, assumption.leading_if_seen, shared=len(matrix.leading) > 1)
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


def _tied_with(leader: str, leading: Sequence[str]) -> str:
    others = [h for h in leading if h != leader]
    return f" (tied with {in_words(others)})" if others else ""


def _lead_then(leader: str, leading: Sequence[str], *, shared: bool) -> str:
    if list(leading) == [leader]:
        return f", and {leader} would lead alone" if shared else ""
    if len(leading) == 1:
        return f", and {leading[0]} would lead"
    return f", and {in_words(leading)} would be tied"


def posterior_explanation(
    result: ScoreResult, catalogue: Catalogue, space: HypothesisSpace
) -> Text:
    """Every posterior figure: each hypothesis's log weight, term by term, then softmax."""
    lines = Text()
    lines.append("\nPosterior over the hypotheses\n", style="bold")
    host = space.shown[space.shown_as[-1]]
    lines.append(
        "  v_H = ln prior_H + Σ s × ln P(E|H), one column per hypothesis; posterior ="
        " e^v_H / Σ e^v. The imitation of genuine intent (im.), prior"
        f" {space.priors[space.headline]:.3g} × (1 − c) / c with ceiling c = {space.ceiling:g}, reads"
        f" imitable evidence as genuine does and the rest as {host} does; it shows inside"
        f" {host}.\n"
    )
    posterior = result.headline.posterior
    if posterior is None:
        return lines
    names = [("im." if h == IMITATION else h[:8]) for h in space.ids]
    width = 9
    lines.append("  " + " " * 30 + "".join(f"{name:>{width}}" for name in names) + "\n")
    lines.append(
        "  "
        + f"{'ln prior':<30}"
        + "".join(f"{value:>+{width}.3f}" for value in space.log_priors)
        + "\n"
    )
    for reading in (r for i in result.indicators for r in i.readings):
        for refuted, strength in ((False, reading.support), (True, reading.against)):
            row = space.row(reading.key, refuted=refuted)
            if row is None or strength <= 0:
                continue
            label = f"{reading.key[:22]}{' ✕' if refuted else ''} {strength:.3f}"
            lines.append(
                "  " + f"{label:<30}" + "".join(f"{strength * v:>+{width}.3f}" for v in row) + "\n"
            )
    lines.append(
        "  " + f"{'= v':<30}" + "".join(f"{v:>+{width}.3f}" for v in posterior.log_weights) + "\n"
    )
    lines.append(
        "  "
        + f"{'posterior':<30}"
        + "".join(f"{p:>{width}.4f}" for p in posterior.probabilities)
        + "\n"
    )
    shown = result.headline.hypotheses
    lines.append(
        "  shown, the imitation inside "
        + host
        + ": "
        + ", ".join(f"{h} {shown[h]:.4f}" for h in space.shown)
        + f"\n  P(genuine) = {result.headline.p_genuine:.4f} ({result.headline.estimative})\n"
    )
    return lines
