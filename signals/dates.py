"""A date as people write it: every command and file reads its dates here.

Accepted are the forms that can mean one day only: ISO (2024-03-10, or unpadded
2024-3-10), and the month by name (10 March 2024, 10 Mar 2024, March 10, 2024). A date
of numbers alone with the year last (03/10/2024) is 3 October in most of the world and
10 March in the United States: it is refused with both readings named, never guessed."""

from __future__ import annotations

import calendar
import datetime as dt
import re

# English, whatever the locale (`calendar.month_name` follows it).
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTHS = {name.lower(): number for number, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS.update({name.lower()[:3]: number for number, name in enumerate(_MONTH_NAMES, 1)})
_MONTHS["sept"] = 9

_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:T.*)?", re.ASCII | re.DOTALL)
_DAY_FIRST = re.compile(
    r"([0-9]{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+([0-9]{4})", re.ASCII | re.IGNORECASE
)
_MONTH_FIRST = re.compile(
    r"([a-z]+)\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?\s+([0-9]{4})", re.ASCII | re.IGNORECASE
)
_NUMERIC = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{2}|[0-9]{4})", re.ASCII)
# What is quoted back of a value that is no date: a cell may be a page of text.
_QUOTED = 40


class DateError(ValueError):
    """A value that is not a date in a form signals reads; the text says what to write."""


def read_date(value: str) -> dt.date:
    """The day `value` names, in any form of the module's description; raises `DateError`
    with a sentence (no full stop) that names the fix."""
    from signals.text import one_line

    text = value.strip()
    shown = one_line(text if len(text) <= _QUOTED else text[: _QUOTED - 1] + "…")
    if found := _ISO.fullmatch(text):
        return _day(shown, int(found[1]), int(found[2]), int(found[3]))
    if found := _DAY_FIRST.fullmatch(text):
        return _day(shown, int(found[3]), _month(shown, found[2]), int(found[1]))
    if found := _MONTH_FIRST.fullmatch(text):
        return _day(shown, int(found[3]), _month(shown, found[1]), int(found[2]))
    if found := _NUMERIC.fullmatch(text):
        raise DateError(_ambiguous(shown, int(found[1]), int(found[3]), found[4]))
    raise DateError(
        f"'{shown}' is not a date; write it as YYYY-MM-DD (2024-03-10) or as 10 March 2024"
    )


def _month(shown: str, name: str) -> int:
    number = _MONTHS.get(name.lower())
    if number is None:
        raise DateError(f"'{shown}' is not a date: '{name}' is not the name of a month")
    return number


def _day(shown: str, year: int, month: int, day: int) -> dt.date:
    if not 1 <= month <= 12:
        raise DateError(f"'{shown}' is not a date: there is no month {month}")
    if year < dt.MINYEAR:
        raise DateError(f"'{shown}' is not a date: there is no year 0")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DateError(
            f"'{shown}' is not a date: {_MONTH_NAMES[month - 1]} {year} has {last} days"
        )
    return dt.date(year, month, day)


def _ambiguous(shown: str, first: int, second: int, year_text: str) -> str:
    """Why a date of numbers alone is refused, with the ISO form of each reading it has."""
    if len(year_text) == 2:
        return f"'{shown}' is not a date signals reads: write it as YYYY-MM-DD, with the full year"
    year = int(year_text)
    readings: list[dt.date] = []
    for day, month in ((first, second), (second, first)):
        try:
            reading = _day(shown, year, month, day)
        except DateError:
            continue
        if reading not in readings:
            readings.append(reading)
    if not readings:
        return f"'{shown}' is not a date; write it as YYYY-MM-DD (2024-03-10)"
    fixes = " or ".join(reading.isoformat() for reading in readings)
    if len(readings) == 1:
        return (
            f"'{shown}' gives day and month as numbers, which are written in either order:"
            f" write it as YYYY-MM-DD ({fixes})"
        )
    named = " or ".join(_spoken(reading) for reading in readings)
    return f"'{shown}' could be {named}: write it as YYYY-MM-DD ({fixes})"


def _spoken(day: dt.date) -> str:
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"
