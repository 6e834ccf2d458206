"""Text from files and databases, made safe to show: a control character (ESC would
drive the terminal, a carriage return would start a Markdown heading) or a line
separator is shown as its escape, `\\x1b` or `\\u2028`, never sent as itself."""

from __future__ import annotations

import re
from collections.abc import Iterable

# C0 but tab and newline, DEL, C1 (NEL, U+0085, among them), and the Unicode line and
# paragraph separators, which some viewers break lines at.
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# What the models refuse in any text read: the same, but newline and tab are kept in
# notes and descriptions.
REFUSED_IN_TEXT = UNPRINTABLE


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every character a terminal or viewer would act on shown as its escape."""
    if text.isprintable():
        return text
    return UNPRINTABLE.sub(_escape, text)


def one_line(text: str) -> str:
    """`text` on one line: newlines and tabs as spaces, other controls as escapes."""
    return printable(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


# How alike two names must be to offer one for the other: one letter wrong in four
# (a typo, a plural, two letters swapped), so that `nuclear-threat` finds
# `nuclear-threats` and not `scenario-stalemate`, which shares a few letters in places.
CLOSE = 0.75


def close_matches(typed: str, names: Iterable[str], limit: int = 3) -> list[str]:
    """The names a mistyped `typed` most likely meant, best first: names a few letters
    away from it, and names it begins or is one part of (`ceasefire` for
    `ceasefire-timeline`, `--obs` for `--observed`). Leading dashes are set aside, since
    every option shares them."""
    bare = typed.strip().lstrip("-").lower()
    if not bare:
        return []
    squashed = _squash(bare)
    scored: dict[str, float] = {}
    for name in names:
        other = name.lstrip("-").lower()
        likeness = max(_likeness(bare, other), _likeness(squashed, _squash(other)))
        part_of = (
            other.startswith(bare)
            or bare in other.split("-")
            or _squash(other).startswith(squashed)
        )
        if likeness >= CLOSE or (part_of and len(squashed) >= 3):
            scored[name] = likeness
    return sorted(scored, key=lambda name: (-scored[name], name))[:limit]


def _squash(name: str) -> str:
    """A name without its separators: `cease-fire` and `ceasefire` are one word typed twice."""
    return name.replace("-", "").replace("_", "").replace(" ", "")


def _likeness(a: str, b: str) -> float:
    return 1 - edit_distance(a, b) / max(len(a), len(b), 1)


def edit_distance(a: str, b: str) -> int:
    """Letters to insert, delete, change or swap with their neighbour to turn a into b."""
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, previous = previous, current
    return previous[-1]
