"""Reading in a second process: the same items, in order, and the same errors."""

from __future__ import annotations

import io
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from signals import offload
from signals.catalogue_loader import load_catalogue
from signals.errors import SignalsError, UsageError
from signals.importer import import_events
from signals.mapping import load_mapping
from signals.offload import CHUNK
from signals.paths import data_dir, default_catalogue_path
from signals.row_checking import SHARE, shared
from signals.store import open_store

pytestmark = pytest.mark.skipif(not offload.available(), reason="needs fork")

CATALOGUE = load_catalogue(default_catalogue_path())


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def numbers(count: int, fail_with: Exception | None = None) -> Iterator[int]:
    yield from range(count)
    if fail_with is not None:
        raise fail_with


@pytest.mark.parametrize("count", [0, 1, offload.CHUNK - 1, offload.CHUNK, 3 * offload.CHUNK + 7])
def test_items_arrive_whole_and_in_order(count: int) -> None:
    assert list(offload.in_child(numbers(count))) == list(range(count))
    assert no_children_left()


@pytest.mark.parametrize(
    "error", [SignalsError("Line 9: the CSV is malformed."), UsageError("Unknown encoding 'x'.")]
)
def test_an_error_arrives_after_the_items_before_it(error: SignalsError) -> None:
    received: list[int] = []
    with pytest.raises(type(error)) as raised:
        for item in offload.in_child(numbers(2 * offload.CHUNK + 3, error)):
            received.append(item)
    assert received == list(range(2 * offload.CHUNK + 3))
    assert str(raised.value) == str(error)
    assert raised.value.exit_code == error.exit_code
    assert no_children_left()


class Unpicklable(SignalsError):
    exit_code = 2

    def __init__(self, detail: str, extra: object) -> None:
        super().__init__(f"cannot read: {detail}")
        self.extra = extra


def test_an_error_that_cannot_be_pickled_is_described() -> None:
    with pytest.raises(SignalsError, match="cannot read: lock") as raised:
        list(offload.in_child(numbers(5, Unpicklable("lock", lambda: None))))
    assert raised.value.exit_code == 2


class Odd(Exception):
    def __init__(self, detail: str, extra: object) -> None:
        super().__init__(detail)
        self.extra = extra


def test_an_unexpected_error_arrives_as_itself_or_by_name() -> None:
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        list(offload.in_child(numbers(5, ZeroDivisionError("division by zero"))))
    with pytest.raises(RuntimeError, match="Odd: strange"):
        list(offload.in_child(numbers(5, Odd("strange", lambda: None))))


def test_stopping_early_stops_the_child() -> None:
    items = offload.in_child(numbers(10**9))
    assert next(items) == 0
    items.close()  # type: ignore[attr-defined]
    assert no_children_left()


def write_gdelt_like(path: Path, rows: int) -> Path:
    """Rows a mapping sorts into tracked, not tracked and invalid."""
    sample = data_dir() / "demo" / "events.csv"
    lines = sample.read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    out = [header]
    for number in range(rows):
        line = body[number % len(body)]
        out.append(line.replace(",", f" {number},", 1) if number % 7 == 0 else line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_an_import_reports_the_same_in_one_process_or_two(
    tmp_path: Path, skip_invalid: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches, so that several are checked in each process (see importer.SHARE).
    monkeypatch.setattr(offload, "CHUNK", 50)
    # Eight batches: two of them passed on for the writing process to check.
    source = write_gdelt_like(tmp_path / "events.csv", 400)
    outcomes = []
    for parallel in (False, True):
        store = open_store(tmp_path / f"{parallel}.db")
        rejected: list[tuple[int, str]] = []
        try:
            with source.open(encoding="utf-8", newline="") as text:
                report = import_events(
                    store,
                    CATALOGUE,
                    text,
                    skip_invalid=skip_invalid,
                    on_reject=lambda line, _raw, reason, kept=rejected: kept.append((line, reason)),
                    now="2024-06-01T00:00:00Z",
                    parallel=parallel,
                )
            with closing(sqlite3.connect(store.path)) as connection:
                rows = connection.execute("SELECT * FROM events ORDER BY id").fetchall()
        except SignalsError as error:
            report, rows = str(error), []
        finally:
            store.close()
        outcomes.append((report, rejected, rows))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1], "the file was meant to have invalid rows"


def test_a_mapped_import_reports_the_same_in_one_process_or_two(tmp_path: Path) -> None:
    gdelt = Path(__file__).resolve().parents[2] / "shared" / "data" / "gdelt"
    files = sorted(gdelt.glob("*.csv")) + sorted(gdelt.glob("*.CSV"))
    if not files:
        pytest.skip("the GDELT sample rows are not here")
    mapping = load_mapping(Path("gdelt"), CATALOGUE)
    reports = []
    for parallel in (False, True):
        store = open_store(tmp_path / f"{parallel}.db")
        try:
            with files[0].open(encoding="utf-8", newline="") as text:
                reports.append(
                    import_events(
                        store,
                        CATALOGUE,
                        text,
                        mapping=mapping,
                        skip_invalid=True,
                        now="2024-06-01T00:00:00Z",
                        parallel=parallel,
                    )
                )
        finally:
            store.close()
    assert reports[0] == reports[1]
    assert reports[0].not_tracked > 0


# The text layer decodes ahead of the rows it hands out, so a bad byte is raised while an
# earlier row is read: 100 rows before the end of the first batch passed on is still well
# inside it, past the few hundred rows one read-ahead holds.
@pytest.mark.parametrize("before", [5_000, SHARE * CHUNK - 100])
def test_an_encoding_error_names_the_same_line_in_one_process_or_two(
    tmp_path: Path, before: int
) -> None:
    """Wherever the bad row falls: in a batch the reading process checks, or in one it
    passes on for the writing process to check; and the invalid rows read before it are
    each reported once."""
    invalid_at = before - 400
    body = "".join(
        f"{'no-such-indicator' if n == invalid_at else 'declaration-intent'},"
        f"Event number {n},2024-01-01\n"
        for n in range(before)
    ).encode()
    source = tmp_path / "late.csv"
    source.write_bytes(
        b"indicator,summary,observed_at\n" + body + b"nuclear-threats,caf\xe9,2024-01-02\n"
    )
    outcomes = []
    for parallel in (False, True):
        store = open_store(tmp_path / f"{parallel}.db")
        rejected: list[int] = []
        try:
            with source.open("rb") as binary, pytest.raises(SignalsError) as raised:
                text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
                import_events(
                    store,
                    CATALOGUE,
                    text,
                    skip_invalid=True,
                    on_reject=lambda line, _raw, _reason, kept=rejected: kept.append(line),
                    parallel=parallel,
                )
            outcomes.append((str(raised.value), rejected))
            assert store.count() == 0
        finally:
            store.close()
    assert outcomes[0] == outcomes[1]
    assert f"line {before + 2}" in outcomes[0][0]
    assert outcomes[0][1] == [invalid_at + 2]


def test_a_batch_whose_checking_fails_is_checked_once() -> None:
    """An error raised by the checker, not by the reader, is not a reason to check the
    batch again: each check reports its rejections as it goes."""
    checked: list[int] = []

    def check(rows: list[tuple[int, list[str]]]) -> Iterator[object]:
        for line, _values in rows:
            checked.append(line)
            if line == 7:
                raise RuntimeError("the checker failed")
            yield line

    rows = iter([(line, ["cell"]) for line in range(20)])
    with pytest.raises(RuntimeError, match="checker failed"):
        list(shared(rows, check, batch=5))  # type: ignore[arg-type]
    assert checked == list(range(8))


def test_an_import_that_fails_before_reading_leaves_no_process_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from signals.store import BulkImport

    def broken(self: BulkImport, *args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    source = write_gdelt_like(tmp_path / "events.csv", 50)
    store = open_store(tmp_path / "signals.db")
    monkeypatch.setattr(BulkImport, "__init__", broken)
    try:
        with (
            source.open(encoding="utf-8", newline="") as text,
            pytest.raises(RuntimeError, match="went away"),
        ):
            import_events(store, CATALOGUE, text, parallel=True)
    finally:
        store.close()
    assert no_children_left()
