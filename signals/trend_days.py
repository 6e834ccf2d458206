"""Trend days kept between reports.

A weekly report scores twelve days or more: this week, the week before and the Sundays
of the trend. The Sundays before the week before are the same in every report that
shows them until the record changes under them, and on a large record they are most of
a report's work. A report keeps them in the database (`trend_days`), with the state of
the record they were scored on, and the next report shows a kept day only while it
holds: nothing on record was changed since, and every event added since was observed
after that day (see `signals.store.trend_days`). A day is kept under the scoring it
came from, the catalogue, the prior and the code that scored it, so another catalogue,
prior or version of signals scores afresh. A report of the record as it was known
(`--as-known`) reads the record's history and neither reads nor keeps a day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from signals.catalogue import Catalogue
from signals.report import DayScore

# The parts of signals whose code decides a day's score: a change to any of them
# scores every day afresh. The command line and the renderers only show it.
_NOT_SCORING = ("cli", "render", "mapping")


PACKAGE = Path(__file__).resolve().parent


def scoring_key(catalogue: Catalogue, prior: float | None, package: Path = PACKAGE) -> str | None:
    """What a kept day must have been scored with; None when signals' own code cannot be
    read to tell (an install without its sources), so that no day is kept."""
    digest = hashlib.sha256(repr(catalogue).encode("utf-8"))
    digest.update(repr(prior).encode("ascii"))
    try:
        sources = sorted(_sources(package))
        # A module is told changed as Python tells it to recompile one: by its size and
        # modification time, read in a stat rather than the whole source.
        for path in sources:
            status = path.stat()
            name = path.relative_to(package).as_posix()
            digest.update(f"{name} {status.st_size} {status.st_mtime_ns}\n".encode())
    except OSError:
        return None
    if not sources:
        return None
    return digest.hexdigest()


def _sources(package: Path) -> list[Path]:
    found: list[Path] = []
    for directory, subdirectories, files in os.walk(package):
        # Bytecode, data and the parts that only show a score are not walked at all.
        subdirectories[:] = [
            name
            for name in subdirectories
            if name not in _NOT_SCORING and name not in ("__pycache__", "data")
        ]
        found.extend(Path(directory, name) for name in files if name.endswith(".py"))
    return found


def to_text(day: DayScore) -> str:
    return json.dumps(
        {
            "as_of": day.as_of.isoformat(),
            "progress": day.progress,
            "p_genuine": day.p_genuine,
            "hypotheses": dict(day.hypotheses),
            "prior_log_odds": day.prior_log_odds,
            "scenarios": list(day.scenarios),
            "contributions": dict(day.contributions),
            "fresh": {indicator: list(ids) for indicator, ids in day.fresh.items()},
            "since": day.since.isoformat(),
        },
        separators=(",", ":"),
    )


def from_text(text: str) -> DayScore:
    data: dict[str, Any] = json.loads(text)
    return DayScore(
        as_of=dt.date.fromisoformat(data["as_of"]),
        progress=data["progress"],
        p_genuine=data["p_genuine"],
        hypotheses=data["hypotheses"],
        prior_log_odds=data["prior_log_odds"],
        scenarios=tuple(data["scenarios"]),
        contributions=data["contributions"],
        fresh={indicator: tuple(ids) for indicator, ids in data["fresh"].items()},
        since=dt.date.fromisoformat(data["since"]),
    )
