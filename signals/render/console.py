"""The console every rendering is printed through: text is shown as data, never read
as rich markup (`[link=javascript:…]`), emoji codes or terminal codes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from signals.text import printable


class DataConsole(Console):
    """A rich console without markup or emoji codes, whose every piece of text, whether a
    plain string or a `Text` built from data, has its control characters escaped."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(markup=False, emoji=False, **settings)

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and not segment.text.isprintable():
                yield Segment(
                    "\n".join(printable(line) for line in segment.text.split("\n")),
                    segment.style,
                )
            else:
                yield segment
