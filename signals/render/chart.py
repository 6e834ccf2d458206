"""The trend chart as SVG: P(genuine) and progress over the report's weeks, on the ICD 203
estimative bands, with the events that moved the score most marked and named.

Written by hand rather than with a plotting library: two lines on a fixed 0–100 scale
need a few dozen elements, and matplotlib would add tens of megabytes and most of a
second of start-up to draw them. Every text goes through `_text`, so a catalogue title
or an event summary is shown as written and never read as markup.
"""

from __future__ import annotations

from html import escape

from signals.report import TrendMove, WeeklyReport
from signals.scoring import ESTIMATIVE_BANDS

WIDTH = 760
LEFT, RIGHT = 46, 150  # room for the axis values, and for the bands' names
TOP, PLOT_HEIGHT = 52, 250
KEY_LINE = 17
KEY_CHARS = 100  # what fits one line of the key at its size, in a proportional font
P_COLOUR = "#1f4e99"
PROGRESS_COLOUR = "#b35900"
MOVE_COLOUR = "#7a1f5c"
# Pale to deeper, low to high: the bands read as a scale without competing with the lines.
BAND_FILLS = ("#f3f3f3", "#ebebeb", "#e2e6ec", "#d9e0ea", "#d0dbe8", "#c6d4e6", "#bccde3")


def _text(value: str) -> str:
    return escape(value, quote=True)


def _short(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def move_label(number: int, move: TrendMove) -> str:
    """One line of the key: which week, which indicator, how far, and the events."""
    events = "; ".join(f"#{e.id} {e.summary}" for e in move.events[:2])
    more = f" and {len(move.events) - 2} more" if len(move.events) > 2 else ""
    return (
        f"{number}. {move.week}: {move.indicator} {move.log_odds_change:+.2f} log-odds"
        f" (P(genuine) {100 * move.p_change:+.0f} pts) — {events}{more}"
    )


def trend_chart(report: WeeklyReport, *, key: bool = True, standalone: bool = True) -> str:
    """The chart as an SVG document (`standalone`) or an element to inline in HTML; with
    `key`, the marked events are named beneath it, else the page names them itself."""
    points = report.trend
    plot_width = WIDTH - LEFT - RIGHT
    bottom = TOP + PLOT_HEIGHT
    step = plot_width / max(len(points) - 1, 1)

    def x(index: int) -> float:
        return LEFT + index * step if len(points) > 1 else LEFT + plot_width / 2

    def y(share: float) -> float:
        return bottom - min(max(share, 0.0), 1.0) * PLOT_HEIGHT

    moves = report.moves
    key_lines = [_short(move_label(n, m), KEY_CHARS) for n, m in enumerate(moves, 1)] if key else []
    # A chart pasted into slides names its watch list above it; a page has its own title.
    heading = 22 if standalone else 0
    height = heading + bottom + 44 + (KEY_LINE * len(key_lines) + 10 if key_lines else 0)
    title = (
        f"P(genuine) and progress, {points[0].week} to {points[-1].week} — "
        f"{report.catalogue.catalogue.title}"
    )
    first, last = points[0], points[-1]
    description = (
        f"P(genuine) went from {100 * first.p_genuine:.0f}% to {100 * last.p_genuine:.0f}%"
        f" and progress from {first.progress:.0f} to {last.progress:.0f} out of 100"
        f" over {len(points)} weeks; {len(moves)} events marked."
    )
    out: list[str] = []
    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    out.append(
        f'<svg{namespace} viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}"'
        ' role="img" aria-labelledby="chart-title chart-desc" class="trend-chart"'
        " font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif\">"
    )
    out.append(f'<title id="chart-title">{_text(title)}</title>')
    out.append(f'<desc id="chart-desc">{_text(description)}</desc>')
    out.append(f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>')
    label = f"P(genuine) and progress, {points[0].week} to {points[-1].week}"
    if standalone:
        out.append(
            f'<text x="{LEFT}" y="18" font-size="15" font-weight="700" fill="#111">'
            f"{_text(_short(report.catalogue.catalogue.title, 80))}</text>"
            f'<g transform="translate(0,{heading})">'
        )
    out.append(
        f'<text x="{LEFT}" y="20" font-size="14" font-weight="600" fill="#111">'
        f"{_text(label)}</text>"
    )
    # The legend: one sample of each line.
    out.append(
        f'<g font-size="12" fill="#222">'
        f'<line x1="{LEFT}" y1="36" x2="{LEFT + 22}" y2="36" stroke="{P_COLOUR}" stroke-width="2.5"/>'
        f'<text x="{LEFT + 28}" y="40">P(genuine), %</text>'
        f'<line x1="{LEFT + 140}" y1="36" x2="{LEFT + 162}" y2="36" stroke="{PROGRESS_COLOUR}"'
        ' stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{LEFT + 168}" y="40">progress, of 100</text>'
        f'<circle cx="{LEFT + 290}" cy="36" r="7" fill="{MOVE_COLOUR}"/>'
        f'<text x="{LEFT + 302}" y="40">an event that moved the score</text></g>'
    )
    # The estimative bands, named at the right.
    lower = 0.0
    uppers = [*(upper for upper, _ in ESTIMATIVE_BANDS), 1.0]
    names = [*(words for _, words in ESTIMATIVE_BANDS), "almost certain"]
    out.append('<g class="bands">')
    for index, (upper, words) in enumerate(zip(uppers, names, strict=True)):
        top, base = y(upper), y(lower)
        out.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{plot_width}" height="{base - top:.1f}"'
            f' fill="{BAND_FILLS[index]}"/>'
        )
        if base - top >= 9:  # the 45–55 % band is tall enough; narrower ones would overlap
            out.append(
                f'<text x="{LEFT + plot_width + 12}" y="{(top + base) / 2 + 4:.1f}"'
                f' font-size="11" fill="#555">{_text(words)}</text>'
            )
        lower = upper
    out.append("</g>")
    # The axis: values every 20 points, and the weeks.
    out.append('<g font-size="11" fill="#444">')
    for value in range(0, 101, 20):
        level = y(value / 100)
        out.append(
            f'<line x1="{LEFT}" y1="{level:.1f}" x2="{LEFT + plot_width}" y2="{level:.1f}"'
            ' stroke="#ffffff" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{level + 4:.1f}" text-anchor="end">{value}</text>'
        )
    every = max(1, -(-len(points) // 13))
    for index, point in enumerate(points):
        if index % every and index != len(points) - 1:
            continue
        out.append(
            f'<text x="{x(index):.1f}" y="{bottom + 16}" text-anchor="middle">'
            f"{_text(point.week[5:])}</text>"
        )
    out.append(
        f'<text x="{LEFT + plot_width / 2:.1f}" y="{bottom + 32}" text-anchor="middle">'
        f"ISO week of {points[0].week[:4]}"
        f"{'–' + points[-1].week[:4] if points[-1].week[:4] != points[0].week[:4] else ''}"
        ", scored at its Sunday (the last at the report's date)</text></g>"
    )
    # The lines, the points and the marks.
    p_path = " ".join(f"{x(i):.1f},{y(p.p_genuine):.1f}" for i, p in enumerate(points))
    progress_path = " ".join(f"{x(i):.1f},{y(p.progress / 100):.1f}" for i, p in enumerate(points))
    out.append(
        f'<polyline points="{progress_path}" fill="none" stroke="{PROGRESS_COLOUR}"'
        ' stroke-width="2" stroke-dasharray="6 4"/>'
    )
    out.append(
        f'<polyline class="p-genuine" points="{p_path}" fill="none" stroke="{P_COLOUR}"'
        ' stroke-width="2.5" stroke-linejoin="round"/>'
    )
    out.append(f'<g fill="{P_COLOUR}">')
    for index, point in enumerate(points):
        out.append(
            f'<circle cx="{x(index):.1f}" cy="{y(point.p_genuine):.1f}" r="3">'
            f"<title>{_text(point.week)}: P(genuine) {100 * point.p_genuine:.0f}%,"
            f" progress {point.progress:.0f}</title></circle>"
        )
    out.append("</g>")
    weeks = {point.week: index for index, point in enumerate(points)}
    for number, move in enumerate(moves, 1):
        index = weeks[move.week]
        cx, cy = x(index), y(points[index].p_genuine)
        # The number sits above the point unless that would leave the plot.
        label_y = cy - 16 if cy - 16 > TOP + 8 else cy + 16
        out.append(
            f'<g class="move"><line x1="{cx:.1f}" y1="{TOP}" x2="{cx:.1f}" y2="{bottom}"'
            f' stroke="{MOVE_COLOUR}" stroke-width="1" stroke-dasharray="2 3" opacity="0.6"/>'
            f'<circle cx="{cx:.1f}" cy="{label_y:.1f}" r="8" fill="{MOVE_COLOUR}"/>'
            f'<text x="{cx:.1f}" y="{label_y + 4:.1f}" font-size="11" font-weight="700"'
            f' fill="#ffffff" text-anchor="middle">{number}</text>'
            f"<title>{_text(move_label(number, move))}</title></g>"
        )
    for line, label in enumerate(key_lines):
        out.append(
            f'<text x="{LEFT}" y="{bottom + 56 + KEY_LINE * line}" font-size="12"'
            f' fill="#222">{_text(label)}</text>'
        )
    out.append("</g></svg>" if standalone else "</svg>")
    return "\n".join(out) + "\n"
