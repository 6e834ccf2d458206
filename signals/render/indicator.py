"""One indicator in full for the terminal (`signals indicators show`): what counts, what
does not, and every reading of its evidence with P(evidence | hypothesis) and the reason."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from signals.catalogue import Catalogue, Indicator
from signals.likelihoods import BREACH, WITHDRAWAL
from signals.scenarios import percents


def indicator_detail(catalogue: Catalogue, indicator: Indicator) -> RenderableType:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column()
    kind = indicator.kind.value
    if indicator.stage is not None:
        kind += f", stage {indicator.stage} ({catalogue.stage_name(indicator.stage)})"
    rows = [
        ("indicator", f"{indicator.id} — {indicator.title}"),
        ("kind", kind),
        ("description", indicator.description),
        ("evidence", indicator.evidence),
        ("not this if", indicator.not_this_if or ""),
        (
            "likelihood ratio",
            f"{indicator.likelihood_ratio:g}: {indicator.likelihood_ratio_rationale}"
            if indicator.likelihood_ratio is not None
            else "",
        ),
        ("standing", _standing(indicator)),
        ("half-life", f"{indicator.half_life_days} days: {indicator.half_life_rationale}"),
        ("imitable", "yes: a deceiver produces it as readily" if indicator.imitable else "no"),
        ("sets the priors", _scenario(catalogue, indicator)),
    ]
    for label, value in rows:
        if value:
            facts.add_row(label, Text(value))
    parts: list[RenderableType] = [facts]
    readings = _readings(catalogue, indicator)
    if readings is not None:
        parts += [Text(""), readings]
    if indicator.variants:
        variants = Table(title="Variants", title_justify="left")
        variants.add_column("variant", no_wrap=True)
        variants.add_column("what it is")
        for name, variant in indicator.variants.items():
            default = " (default)" if name == indicator.default_variant else ""
            variants.add_row(name + default, Text(f"{variant.title}: {variant.description}"))
        parts += [Text(""), variants]
    return Group(*parts)


def _scenario(catalogue: Catalogue, indicator: Indicator) -> str:
    """While its scenario is reported, the priors its row of the scenario table gives."""
    row = catalogue.scenario_row(indicator.id)
    if row is None:
        return ""
    return f"while reported, weighed by its support: {percents(row.priors)}. {row.rationale}"


def _standing(indicator: Indicator) -> str:
    if not indicator.standing:
        return "no (its evidence decays)"
    decaying = [name for name in indicator.variants if not indicator.stands(name)]
    if not decaying:
        return f"yes: {indicator.standing_rationale}"
    return (
        f"yes, but for the {', '.join(decaying)} reading{'s' if len(decaying) > 1 else ''},"
        f" which decay{'' if len(decaying) > 1 else 's'}: {indicator.standing_rationale}"
    )


def _readings(catalogue: Catalogue, indicator: Indicator) -> Table | None:
    """P(evidence | hypothesis) of each reading, by hypothesis, with why."""
    hypotheses = [h.id for h in catalogue.hypotheses]
    if indicator.likelihoods is None or not hypotheses:
        return None
    table = Table(title="P(evidence | hypothesis)", title_justify="left")
    table.add_column("reading", no_wrap=True)
    for hypothesis in hypotheses:
        table.add_column(hypothesis, justify="right")
    table.add_column("reaches stage")
    table.add_column("why")
    own = "own" + ("" if indicator.default_variant else " (default)")
    rows: list[tuple[str, dict[str, float] | None, str, str | None]] = [
        (own, indicator.likelihoods, "yes", indicator.likelihoods_rationale),
    ]
    for name, variant in indicator.variants.items():
        default = " (default)" if name == indicator.default_variant else ""
        reaches = "yes" if variant.reaches_stage else "no"
        rows.append((name + default, dict(variant.likelihoods), reaches, variant.rationale))
    rows += [
        (BREACH, indicator.breach_likelihoods, "", indicator.breach_rationale),
        (WITHDRAWAL, indicator.withdrawal_likelihoods, "", indicator.withdrawal_rationale),
        ("refuted", indicator.refuted_likelihoods, "", indicator.refuted_rationale),
    ]
    for name, row, reaches, why in rows:
        if row is None:
            continue
        if indicator.stage is None:
            reaches = ""
        table.add_row(name, *(f"{row[h]:g}" for h in hypotheses), reaches, Text(why or ""))
    return table
