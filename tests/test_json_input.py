"""Reading a JSON export a chunk at a time (`signals.input_files`): every object whole,
on the line it begins, wherever the chunks happen to end."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals import input_files
from signals.errors import SignalsError

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.text(max_size=30),
    st.lists(st.text(max_size=8), max_size=3),
)
objects = st.dictionaries(st.text(min_size=1, max_size=12), values, max_size=6)


def read_all(text: str, chunk: int, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, Any]]:
    monkeypatch.setattr(input_files, "CHUNK_CHARACTERS", chunk)
    stream = io.StringIO(text, newline="")
    first = stream.readline()
    return list(input_files._array(first, stream))


@settings(max_examples=150, deadline=None)
@given(
    events=st.lists(objects, max_size=8),
    indent=st.sampled_from([None, 2]),
    chunk=st.integers(1, 40),
)
def test_every_object_is_read_whole_whatever_the_chunks(
    events: list[dict[str, Any]], indent: int | None, chunk: int
) -> None:
    text = json.dumps(events, indent=indent, ensure_ascii=False)
    with pytest.MonkeyPatch.context() as monkeypatch:
        read = read_all(text, chunk, monkeypatch)
    assert [event for _line, event in read] == events
    # Each on the line its object begins: the line of its opening brace.
    lines = text.split("\n")
    starts = [number for number, line in enumerate(lines, 1) if line.lstrip().startswith("{")]
    if indent is not None:
        assert [line for line, _event in read] == starts
    else:
        assert {line for line, _event in read} <= {1}


@pytest.mark.parametrize("chunk", [1, 3, 64 * 1024])
@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[{"a": nul}]', "Line 1: the JSON is malformed"),
        ('[{"a": 1}\n{"b": 2}]', "Line 2: the JSON is malformed (expected , or ])"),
        ('[{"a": 1},\n 7]', "Line 2: each item"),
        ('[{"a": "open', "Line 1: the JSON is malformed"),
        ('[{"a": 1}] {"b": 2}', "the file goes on after its JSON array ends"),
        ("[\n\n", "Line 3"),
    ],
)
def test_a_malformed_array_is_refused_naming_its_line(
    text: str, said: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SignalsError) as refused:
        read_all(text, chunk, monkeypatch)
    assert said in str(refused.value)
