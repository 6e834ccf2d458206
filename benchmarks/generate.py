"""Write N realistic synthetic events as CSV, with every column `signals import` reads; or,
with --gdelt, N rows of a raw GDELT 2.0 export, most of them about actors signals does not
track.

python benchmarks/generate.py 1000000 events.csv
python benchmarks/generate.py --gdelt 1000000 events.export.CSV
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

from signals.catalogue_loader import load_catalogue
from signals.events import BASE_FIELDS
from signals.paths import default_catalogue_path

COLUMNS = BASE_FIELDS  # ordinary rows: the fast path, as most imports are
SOURCES = (
    "TASS",
    "Reuters",
    "Meduza",
    "Ukrainska Pravda",
    "Kommersant",
    "Telegram channel",
    "Euronews",
    "RIA Novosti",
    "Associated Press",
    "Novaya Gazeta",
)
PLACES = (
    "Abu Dhabi",
    "Jakarta",
    "New Delhi",
    "Addis Ababa",
    "Istanbul",
    "Geneva",
    "Moscow",
    "Kyiv",
    "Riyadh",
    "Doha",
    "",
)
ACTORS = (
    "Kremlin spokesman",
    "SVR officials",
    "Russian diplomats",
    "Defence ministry",
    "State television",
    "Security Council",
    "a Duma deputy",
    "presidential envoy",
)
ACTIONS = (
    "said Moscow was ready for dialogue",
    "met counterparts on neutral soil",
    "announced a pause in strikes",
    "moved reserves towards the front",
    "released a group of detainees",
    "threatened escalation",
    "framed talks as a Western admission of defeat",
    "called for Kyiv to start talks",
)
WORDS = (
    "according to",
    "officials",
    "sources",
    "reported",
    "confirmed",
    "statement",
    "channel",
    "negotiations",
    "front",
    "ceasefire",
    "observers",
    "prisoners",
    "exchange",
    "briefing",
)


QUOTES = ("ready for dialogue", "special military operation", "realities on the ground")


def sentence(rng: random.Random, low: int, high: int) -> str:
    """Text as reports read: a clause after a comma in a third of them and a quoted phrase
    in one in twenty, so that the CSV has quoted cells (and doubled quotes) to read."""
    length = rng.randint(low, high)
    text = f"{rng.choice(ACTORS)} {rng.choice(ACTIONS)}"
    if rng.random() < 0.3:
        text += f", {rng.choice(WORDS)}"
    if rng.random() < 0.05:
        text += f' "{rng.choice(QUOTES)}"'
    while len(text) < length:
        text += " " + rng.choice(WORDS)
    return text[:length].rstrip(' ,"') + "."


def rows(count: int, seed: int = 7):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    ids = [i.id for i in load_catalogue(default_catalogue_path()).indicators]
    start = dt.date(2022, 2, 24)
    span = (dt.date(2025, 12, 31) - start).days
    for n in range(count):
        source = rng.choice(SOURCES)
        yield (
            rng.choice(ids),
            sentence(rng, 40, 220),
            (start + dt.timedelta(days=rng.randrange(span))).isoformat(),
            source,
            f"https://news.example.org/{source.lower().replace(' ', '-')}/{n}",
            rng.choices("ABCDEF", weights=(2, 10, 20, 8, 2, 8))[0],
            rng.choices("123456", weights=(4, 15, 20, 8, 3, 6))[0],
            rng.choices(("reported", "confirmed", "refuted"), weights=(80, 17, 3))[0],
            rng.choice(PLACES),
            rng.choice(("ak", "mb", "jd", "")),
            ";".join(
                rng.sample(("osint", "telegram", "wire", "official", "rumour"), rng.randint(0, 2))
            ),
            sentence(rng, 0, 300) if rng.random() < 0.4 else "",
            f"bench-{n}" if n % 2 else "",
        )


# Real GDELT 2.0 events in the raw export layout (61 tab-separated columns, no header), from
# the sample file of the open-source gdeltPyR project: 300 rows, 6 of which the GDELT
# mapping tracks (a Russian actor and a CAMEO code the catalogue follows).
GDELT_SAMPLE = Path(__file__).resolve().parent / "data" / "gdelt-sample.export.CSV"
GDELT_FIRST_ID = 900_000_000


def gdelt_lines(count: int):  # type: ignore[no-untyped-def]
    """The sample's rows over and over, each with an event id of its own, as a day of
    exports repeats the same kinds of events about other actors."""
    sample = [line.rstrip("\n").split("\t", 1)[1] for line in GDELT_SAMPLE.open(encoding="utf-8")]
    for n in range(count):
        yield f"{GDELT_FIRST_ID + n}\t{sample[n % len(sample)]}\n"


def main() -> None:
    if sys.argv[1] == "--gdelt":
        count, target = int(sys.argv[2]), Path(sys.argv[3])
        with target.open("w", encoding="utf-8", newline="") as out:
            out.writelines(gdelt_lines(count))
        return
    count, target = int(sys.argv[1]), Path(sys.argv[2])
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(rows(count))


if __name__ == "__main__":
    main()
