"""`--as-known` reads what links events (a shared observation, a breach, an alternative
filing) as it stood on the day, as it reads their grades and dates."""

from __future__ import annotations

from pathlib import Path

from signals.catalogue import Catalogue
from signals.events import parse_event
from signals.store import open_store


def test_as_known_reads_shared_observations_and_breaches_as_they_were_logged(
    signals, db_path: Path, tmp_path: Path, catalogue: Catalogue
) -> None:
    """What links events (a shared observation, a breach, an alternative filing) is read as
    it stood on the day too: a breach logged later must not change which reading of an
    agreement counted then, nor an observation key added later merge two reports."""
    made_on = "2024-05-28"
    agreement = {"observation": "agreement-0510", "observed_at": "2024-05-10"}
    logged = [  # fields, logged at
        (
            {"indicator": "ceasefire-unilateral", "variant": "negotiated", **agreement},
            "2024-05-11T09:00:00Z",
        ),
        ({"indicator": "ceasefire-verification", **agreement}, "2024-05-11T09:00:00Z"),
        (
            {
                "indicator": "backchannel-informal",
                "observed_at": "2024-05-20",
                "alternative": "backchannel-diplomatic",
            },
            "2024-05-21T09:00:00Z",
        ),
        # Logged after the report was made: the breach of the agreement.
        (
            {"indicator": "ceasefire-unilateral", "observed_at": "2024-05-14", "ends": 1},
            "2024-06-03T09:00:00Z",
        ),
    ]

    def database(path: Path, entries: list[tuple[dict[str, object], str]]) -> Path:
        store = open_store(path)
        try:
            for fields, at in entries:
                event = parse_event(
                    {"summary": f"{fields['indicator']} report", "reliability": "A",
                     "credibility": "1", **fields},
                    catalogue,
                )  # fmt: skip
                store.log(event, now=at)
        finally:
            store.close()
        return path

    everything = database(db_path, logged)
    # Edited after the report was made: the backchannel filed as part of the agreement.
    store = open_store(everything)
    try:
        contact = store.get(3)
        store.edit(
            3,
            parse_event(contact.as_input() | {"observation": "agreement-0510"}, catalogue),
            now="2024-06-04T09:00:00Z",
        )
    finally:
        store.close()
    then = database(tmp_path / "then.db", [entry for entry in logged if entry[1] < "2024-05-29"])
    printed = signals.json("--db", str(then), "status", "--as-of", made_on, "--explain")
    reproduced = signals.json(
        "--db", str(everything), "status", "--as-of", made_on, "--as-known", "--explain"
    )
    assert isinstance(printed, dict) and isinstance(reproduced, dict)
    assert reproduced.pop("as_known") is True and printed.pop("as_known") is False
    assert reproduced["score"] == printed["score"]
    assert reproduced["rules_fired"] == printed["rules_fired"]
    assert reproduced == printed
