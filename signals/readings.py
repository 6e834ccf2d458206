"""Events the scorer weighs one by one: one observation read under several indicators,
and an event the analyst says could be filed under another.

One speech that offers talks and threatens nuclear use is one observation: logged under
two indicators it must not count twice, so only its most telling reading is scored (the
one whose evidence is strongest times how far its row separates the hypotheses) and the
others are left out. A class that holds other reports beside a left-out reading keeps
them, weighed by the freshest of them: those are reports of their own; a class of
left-out readings alone is gone.

An act that was later broken or withdrawn is read as the reading its breach or withdrawal
ends: the breach multiplies that announcement by how likely a breach is under each
hypothesis, which reverses its meaning. Were a clause of the act kept instead (the
observers of a truce that was then broken), the announcement the breach reverses would be
left out and the clause would count as if the act had been honoured.

An event that names an alternative indicator is scored where it was filed; the range
of the headline then includes the score with it filed under the alternative instead.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from signals.catalogue import Catalogue, Indicator
from signals.evidence import EvidenceClass, Linked
from signals.indicators import base_weights

ClassKey = tuple[str, str, str, str, str]


def _key(item: EvidenceClass | Linked) -> ClassKey:
    return (item.indicator, item.variant, item.reliability, item.credibility, item.status)


def _diagnosticity(indicator: Indicator, variant: str) -> float:
    """How far a reading's row separates the hypotheses: ln(largest / smallest)."""
    if indicator.likelihood_ratio is not None:
        return abs(math.log(indicator.likelihood_ratio))
    row = indicator.reading_row(indicator.reading(variant))
    if not row:
        return 0.0
    return math.log(max(row.values()) / min(row.values()))


def _weight(catalogue: Catalogue, member: Linked, as_of: dt.date) -> float:
    indicator = catalogue.by_id.get(member.indicator)
    if indicator is None:
        return 0.0
    base = base_weights(catalogue)[member.reliability, member.credibility, member.status]
    age = (as_of - member.observed_at).days
    stands = indicator.stands(indicator.reading(member.variant))
    decay = 1.0 if stands else 0.5 ** (age / indicator.half_life_days)
    return base * decay * _diagnosticity(indicator, member.variant)


def ended_by(member: Linked, as_of: dt.date) -> bool:
    """Whether a breach or withdrawal of the event was observed by `as_of`."""
    return member.ended_on is not None and member.ended_on <= as_of


def observation_choices(
    catalogue: Catalogue, linked: Sequence[Linked], as_of: dt.date
) -> list[tuple[str, Linked, list[Linked]]]:
    """Each observation shared by events observed by `as_of`: its name, the reading kept
    (the one a breach or withdrawal observed by then ends, else the most telling) and the
    readings left out."""
    groups: dict[str, list[Linked]] = defaultdict(list)
    for member in linked:
        if member.observation and member.observed_at <= as_of:
            groups[member.observation].append(member)
    choices = []
    for observation, members in groups.items():
        if len(members) < 2:
            continue
        ended = [m for m in members if ended_by(m, as_of)]
        kept = max(ended or members, key=lambda m: (_weight(catalogue, m, as_of), -m.event_id))
        choices.append((observation, kept, [m for m in members if m is not kept]))
    return choices


# The freshest event of a class observed by a day, leaving out some events: the store's
# answer (or the record's, read as known), for a class whose freshest reading is left out.
FreshestWithout = Callable[[ClassKey, dt.date, frozenset[int]], tuple[dt.date, int] | None]


def one_reading_per_observation(
    catalogue: Catalogue,
    classes: Iterable[EvidenceClass],
    linked: Sequence[Linked],
    as_of: dt.date,
    freshest_without: FreshestWithout,
) -> list[EvidenceClass]:
    """`classes` with every reading of a shared observation but its most telling left out."""
    left_out: dict[ClassKey, set[int]] = defaultdict(set)
    for _observation, _kept, others in observation_choices(catalogue, linked, as_of):
        for member in others:
            left_out[_key(member)].add(member.event_id)
    if not left_out:
        return list(classes)
    kept: list[EvidenceClass] = []
    for item in classes:
        gone = left_out.get(_key(item))
        if not gone:
            kept.append(item)
            continue
        remaining = item.events - len(gone)
        if remaining <= 0:
            continue
        if item.latest_event_id not in gone:
            kept.append(item._replace(events=remaining))
            continue
        fresher = freshest_without(_key(item), as_of, frozenset(gone))
        if fresher is not None:
            latest, event_id = fresher
            kept.append(item._replace(events=remaining, latest=latest, latest_event_id=event_id))
    return kept


def alternative_filings(
    catalogue: Catalogue,
    classes: Sequence[EvidenceClass],
    linked: Sequence[Linked],
    as_of: dt.date,
) -> list[tuple[Linked, list[EvidenceClass]]]:
    """For each event that names an alternative indicator: the classes with it filed there
    instead (in that indicator's default reading)."""
    found: list[tuple[Linked, list[EvidenceClass]]] = []
    for member in linked:
        if (
            not member.alternative
            or member.observed_at > as_of
            or member.alternative not in catalogue.by_id
        ):
            continue
        kept = [c for c in classes if not (c.events == 1 and c.latest_event_id == member.event_id)]
        moved = EvidenceClass(
            member.alternative,
            member.reliability,
            member.credibility,
            member.status,
            latest=member.observed_at,
            latest_event_id=member.event_id,
            events=1,
        )
        found.append((member, [*kept, moved]))
    return found
