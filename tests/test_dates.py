"""Dates as people write them (`signals.dates`): every unambiguous form is read as the day
it names, every numeric form whose day and month could swap is refused with its readings."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.dates import DateError, read_date

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
days = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
# A person's spacing and capitals: one or more spaces, any case.
gaps = st.text(" ", min_size=1, max_size=3)


def month_name(day: dt.date, short: bool, upper: bool) -> str:
    name = MONTHS[day.month - 1]
    name = name[:3] if short else name
    return name.upper() if upper else name.lower() if short else name


@settings(max_examples=200, deadline=None)
@given(day=days, pad=st.booleans())
def test_iso_is_read_with_or_without_zero_padding(day: dt.date, pad: bool) -> None:
    text = day.isoformat() if pad else f"{day.year:04d}-{day.month}-{day.day}"
    assert read_date(f"  {text} ") == day


@settings(max_examples=200, deadline=None)
@given(
    day=days.filter(lambda d: d.year >= 1000), short=st.booleans(), upper=st.booleans(), gap=gaps
)
def test_day_then_month_name_is_read(day: dt.date, short: bool, upper: bool, gap: str) -> None:
    name = month_name(day, short, upper)
    assert read_date(f"{day.day}{gap}{name}{gap}{day.year}") == day


@settings(max_examples=200, deadline=None)
@given(day=days.filter(lambda d: d.year >= 1000), short=st.booleans(), comma=st.booleans())
def test_month_name_then_day_is_read(day: dt.date, short: bool, comma: bool) -> None:
    name = month_name(day, short, upper=False)
    assert read_date(f"{name} {day.day}{',' if comma else ''} {day.year}") == day


@settings(max_examples=200, deadline=None)
@given(
    first=st.integers(1, 12),
    second=st.integers(1, 12),
    year=st.integers(1000, 9999),
    separator=st.sampled_from("/.-"),
    pad=st.booleans(),
)
def test_day_and_month_as_numbers_are_refused_with_every_reading(
    first: int, second: int, year: int, separator: str, pad: bool
) -> None:
    width = 2 if pad else 1
    text = f"{first:0{width}d}{separator}{second:0{width}d}{separator}{year}"
    readings = set()
    for day, month in ((first, second), (second, first)):
        try:
            readings.add(dt.date(year, month, day))
        except ValueError:
            continue
    with pytest.raises(DateError) as refused:
        read_date(text)
    message = str(refused.value)
    assert set(re.findall(r"\d{4}-\d{2}-\d{2}", message)) == {r.isoformat() for r in readings}
    assert "YYYY-MM-DD" in message


def test_the_ambiguous_date_names_both_readings() -> None:
    with pytest.raises(DateError) as refused:
        read_date("03/10/2024")
    assert str(refused.value) == (
        "'03/10/2024' could be 3 October 2024 or 10 March 2024:"
        " write it as YYYY-MM-DD (2024-10-03 or 2024-03-10)"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-02-30", "February 2024 has 29 days"),
        ("2023-2-29", "February 2023 has 28 days"),
        ("2024-13-01", "there is no month 13"),
        ("10 Marhc 2024", "'Marhc' is not the name of a month"),
        ("last tuesday", "write it as YYYY-MM-DD (2024-03-10) or as 10 March 2024"),
        ("3/10/24", "with the full year"),
    ],
)
def test_what_is_no_date_says_why(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=re.escape(reason)):
        read_date(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_sentence(text: str) -> None:
    try:
        day = read_date(text)
    except DateError as problem:
        assert str(problem) and "\n" not in str(problem)
    else:
        assert isinstance(day, dt.date)


def test_a_long_value_is_quoted_short() -> None:
    with pytest.raises(DateError) as refused:
        read_date("x" * 5000)
    assert len(str(refused.value)) < 200


# Through the command line: every place a date is read takes the same forms.


def test_log_edit_and_filters_read_every_form(signals) -> None:
    assert signals("init").exit_code == 0
    logged = signals.json("log", "nuclear-threats", "A threat", "--observed", "2024-3-1")
    assert logged["observed_at"] == "2024-03-01"
    edited = signals.json("events", "edit", "1", "--observed", "10 March 2024")
    assert edited["observed_at"] == "2024-03-10"
    found = signals.json("events", "list", "--since", "March 9, 2024", "--until", "11 Mar 2024")
    assert [event["id"] for event in found] == [1]
    assert signals.json("events", "list", "--since", "March 11 2024") == []


def test_the_command_line_refuses_an_ambiguous_date_naming_both_readings(signals) -> None:
    result = signals("log", "nuclear-threats", "A threat", "--observed", "03/10/2024")
    assert result.exit_code == 2
    assert "could be 3 October 2024 or 10 March 2024" in result.stderr
    assert "2024-10-03 or 2024-03-10" in result.stderr


def test_import_reads_every_form_and_refuses_the_ambiguous_one(
    signals, tmp_path: Path, db_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "indicator,summary,observed_at\n"
        "nuclear-threats,First threat,2024-3-1\n"
        'nuclear-threats,Second threat,"March 10, 2024"\n'
        "nuclear-threats,Third threat,10 Mar 2024\n",
        encoding="utf-8",
    )
    assert signals("import", str(good)).exit_code == 0
    dates = [event["observed_at"] for event in signals.json("events", "list")]
    assert dates == ["2024-03-01", "2024-03-10", "2024-03-10"]
    again = signals("import", str(good))
    assert "duplicates 3" in again.stderr  # the same day in another form is the same event
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "indicator,summary,observed_at\nnuclear-threats,Fourth threat,03/10/2024\n",
        encoding="utf-8",
    )
    refused = signals("import", str(bad))
    assert refused.exit_code == 1
    assert "2024-10-03 or 2024-03-10" in " ".join(refused.stderr.split())
