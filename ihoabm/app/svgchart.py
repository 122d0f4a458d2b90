"""Line charts as SVG text: drawn in microseconds, scaled by the browser, hover for values, no JavaScript.

The app redraws its charts after every step for every participant; matplotlib PNGs cost about 0.15 s each,
which eight participants on two cores cannot afford, and a PNG does not scale with the window. An SVG with a
`viewBox` fills its container at any width, its text stays crisp on a projector, and each month carries a
transparent band whose `<title>` the browser shows on hover (the values of every line that month). Each chart
is `role="img"` with an `aria-label` that says what it shows and where each line ends.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 80, 16, 32, 46
FONT = 20
INK = "#1f2d3d"      # contrast on white 13:1
GRID = "#d5dbe1"
MUTED = "#4a5866"    # axis text, contrast on white 7.4:1
BURN_IN = "#eef1f4"
CONTRACT = "#6b2c91"  # the "new contract starts" marker, contrast on white 8.9:1
DAYS_PER_YEAR = 365
MONTH = DAYS_PER_YEAR / 12


@dataclass(frozen=True)
class Line:
    """One series: x in days since the start of the run, y in the chart's unit."""

    label: str
    x: np.ndarray
    y: np.ndarray
    colour: str
    dashed: bool = False


def _nice_step(span: float, target: int = 5) -> float:
    raw = span / max(target, 1)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def y_ticks(low: float, high: float) -> list[float]:
    """Round values from `low` to `high`, about five of them."""
    if high <= low:
        high = low + 1.0
    step = _nice_step(high - low)
    start = math.floor(low / step) * step
    ticks = []
    v = start
    while v <= high + step * 0.5:
        ticks.append(round(v, 10))
        v += step
    return ticks


def x_ticks(start: int, end: int) -> list[tuple[float, str]]:
    """Ticks in whole years ("year 2"), or in months ("month 3") when the view spans under two years."""
    span = end - start
    if span >= 2 * DAYS_PER_YEAR:
        first = math.ceil(start / DAYS_PER_YEAR)
        return [(y * DAYS_PER_YEAR, f"year {y + 1}" if y else "start") for y in range(first, end // DAYS_PER_YEAR + 1)]
    every = 1 if span <= 4 * MONTH else 2 if span <= 9 * MONTH else 3
    months = range(math.ceil(start / MONTH), int(end // MONTH) + 1)
    return [(m * MONTH, f"y{m // 12 + 1} m{m % 12 + 1}") for m in months if m % every == 0]


def tick_places(ticks: list[float]) -> int:
    """Decimals that tell ticks apart and no more: 0 for 25, 50, 75; 1 for 0.5, 1.0; 2 for 0.25."""
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    for places in range(4):
        if abs(step * 10**places - round(step * 10**places)) < 1e-6:
            return places
    return 3


def fmt(value: float) -> str:
    """A number as a tick or a hover value shows it: thousands separated, few decimals."""
    if not math.isfinite(value):
        return "n/a"
    a = abs(value)
    if a >= 100 or a == 0:
        return f"{value:,.0f}"
    if a >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def when(day: float) -> str:
    """Write a day as 'year Y, month M' (1-based)."""
    d = int(day)
    return f"year {d // DAYS_PER_YEAR + 1}, month {int(d % DAYS_PER_YEAR // MONTH) + 1}"


def line_chart(title: str, lines: Sequence[Line], unit: str, start: int, end: int, contract_day: int | None,
               zero_line: bool = False) -> str:
    """An SVG line chart of `lines` between day `start` and day `end`.

    Args:
        title: What the chart shows (the chart's accessible name; the page prints it above the chart).
        lines: The series; each keeps its colour, and dashed ones stay readable in grey scale.
        unit: The y unit, for hover text and the accessible description.
        start: First day shown.
        end: Last day shown (at least a month after `start`).
        contract_day: Where to mark "new contract starts" (None: no marker).
        zero_line: Draw a line at zero (for differences).
    """
    end = max(end, start + int(MONTH))
    shown = [(ln, (ln.x >= start) & (ln.x <= end)) for ln in lines]
    values = np.concatenate([ln.y[m] for ln, m in shown] + [np.zeros(0)])
    values = values[np.isfinite(values)]
    low = float(values.min()) if values.size else 0.0
    high = float(values.max()) if values.size else 1.0
    if zero_line or low > 0 and low < 0.3 * high:
        low, high = min(low, 0.0), max(high, 0.0)
    yt = y_ticks(low, high)
    y0, y1 = yt[0], yt[-1] if yt[-1] > yt[0] else yt[0] + 1
    pw, ph = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: np.ndarray | float) -> np.ndarray | float:
        return LEFT + (np.asarray(x, dtype=float) - start) / (end - start) * pw

    def py(y: np.ndarray | float) -> np.ndarray | float:
        return TOP + ph - (np.asarray(y, dtype=float) - y0) / (y1 - y0) * ph

    out = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-label="{html.escape(title)}" '
           f'xmlns="http://www.w3.org/2000/svg" style="font-family:sans-serif;font-size:{FONT}px">',
           f"<desc>{html.escape(describe(title, lines, unit))}</desc>"]
    if contract_day is not None and contract_day > start:
        out.append(f'<rect x="{LEFT}" y="{TOP}" width="{px(min(contract_day, end)) - LEFT:.1f}" height="{ph}" '
                   f'fill="{BURN_IN}"/>')
    places = tick_places(yt)
    for v in yt:
        y = py(v)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                   f'<text x="{LEFT - 6}" y="{y + 6:.1f}" text-anchor="end" fill="{MUTED}">{v:,.{places}f}</text>')
    for x, label in x_ticks(start, end):
        xx = px(x)
        # Labels at either edge are anchored inside the picture, so none is cut off.
        anchor = "end" if xx > WIDTH - RIGHT - 40 else "start" if xx < LEFT + 20 else "middle"
        out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{TOP}" y2="{TOP + ph}" stroke="{GRID}"/>'
                   f'<text x="{xx:.1f}" y="{HEIGHT - 14}" text-anchor="{anchor}" fill="{MUTED}">{label}</text>')
    if not values.size:
        out.append(f'<text x="{LEFT + pw / 2:.1f}" y="{TOP + ph / 2:.1f}" text-anchor="middle" fill="{MUTED}">'
                   "No data yet: press Play or Step</text>")
    if zero_line and y0 < 0 < y1:
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{py(0):.1f}" y2="{py(0):.1f}" stroke="{INK}" '
                   'stroke-width="1.2"/>')
    if contract_day is not None and start <= contract_day <= end:
        xx = px(contract_day)
        out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{TOP}" y2="{TOP + ph}" stroke="{CONTRACT}" '
                   f'stroke-width="2" stroke-dasharray="6 4"/>')
        # The label sits in the top margin, above the data; it runs left of the line when near the right edge.
        anchor = "end" if xx > LEFT + 0.6 * pw else "start"
        out.append(f'<text x="{xx + (-5 if anchor == "end" else 5):.1f}" y="{TOP - 8}" text-anchor="{anchor}" '
                   f'fill="{CONTRACT}" font-weight="bold">new contract starts</text>')
    for ln, mask in shown:
        x, y = ln.x[mask], ln.y[mask]
        ok = np.isfinite(y)
        x, y = x[ok], y[ok]
        if x.size == 0:
            continue
        dash = ' stroke-dasharray="8 4"' if ln.dashed else ""
        if x.size == 1:
            out.append(f'<circle cx="{px(x[0]):.1f}" cy="{py(y[0]):.1f}" r="4" fill="{ln.colour}"/>')
            continue
        pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px(x), py(y), strict=True))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{ln.colour}" stroke-width="2.5"{dash}/>')
    out.extend(_hover_bands(lines, start, end, unit, px, ph))
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="{MUTED}"/></svg>')
    return "".join(out)


def _hover_bands(lines: Sequence[Line], start: int, end: int, unit: str, px, ph: float) -> list[str]:
    """One transparent band a month: hovering shows every line's value at the month's last point."""
    bands = []
    edges = np.arange(start, end + MONTH, MONTH)
    for a, b in zip(edges[:-1], edges[1:], strict=False):
        parts = []
        for ln in lines:
            m = (ln.x >= a) & (ln.x < b)
            if m.any():
                parts.append(f"{ln.label}: {fmt(float(ln.y[m][-1]))}")
        if not parts:
            continue
        text = html.escape(f"{when(a)} ({unit})\n" + "\n".join(parts))
        x0, x1 = px(a), px(min(b, end))
        bands.append(f'<rect x="{x0:.1f}" y="{TOP}" width="{max(x1 - x0, 1):.1f}" height="{ph}" fill="transparent">'
                     f"<title>{text}</title></rect>")
    return bands


def describe(title: str, lines: Sequence[Line], unit: str) -> str:
    """Alt text: the chart's title and where each line stands at its latest point."""
    ends = []
    for ln in lines:
        ok = np.isfinite(ln.y)
        if ok.any():
            ends.append(f"{ln.label} {fmt(float(ln.y[ok][-1]))}")
    latest = "; ".join(ends) if ends else "no data yet"
    return f"{title}. Latest ({unit}): {latest}."


def legend_html(lines: Sequence[Line]) -> str:
    """The legend as HTML beside the chart, never over the data: a swatch (solid or dashed) and a label."""
    items = []
    for ln in lines:
        style = "dashed" if ln.dashed else "solid"
        items.append(f'<span class="ihoabm-key"><span class="ihoabm-swatch" style="border-top:4px {style} '
                     f'{ln.colour}"></span>{html.escape(ln.label)}</span>')
    return '<div class="ihoabm-legend">' + "".join(items) + "</div>"
