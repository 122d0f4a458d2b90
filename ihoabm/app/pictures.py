"""The provider network and tracked patients' journeys, as SVG that scales with the window.

Labels sit on white boxes beside the nodes rather than on the nodes' fills, so they read on any colour.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import numpy as np

from ihoabm.app import series
from ihoabm.app.charts import INK, SETTING
from ihoabm.app.svgchart import CONTRACT, MUTED, when

if TYPE_CHECKING:
    from mesa import Model as IHOModel  # not ihoabm.core.model: the app's helpers stay below the model

W, H = 640, 460
# Who pays sits at the top; patients flow from the left (GP, ambulance) to the right (acute, community).
POSITIONS = {"icb": (320, 50), "host": (320, 160), "gp": (110, 250), "ambulance": (110, 390),
             "acute": (530, 250), "community": (530, 390), "prevention": (320, 410)}
NAMES = {"icb": "ICB (commissioner)", "host": "Host provider", "gp": "GP practices", "ambulance": "Ambulance",
         "acute": "Acute trust", "community": "Community services", "prevention": "Prevention"}
MARGIN_SCALE = 0.05   # a 5% surplus or deficit on income is the full colour
SURPLUS, DEFICIT, EVEN = "#1e7b34", "#b42318", "#f4f6f8"


def _mix(a: str, b: str, t: float) -> str:
    ca = np.array([int(a[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)
    cb = np.array([int(b[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)
    c = ca + (cb - ca) * float(np.clip(t, 0, 1))
    return "#" + "".join(f"{int(round(v)):02x}" for v in c)


def node_colour(margin: float) -> str:
    """Green for a surplus, red for a deficit, pale for break-even; full colour at 5% of income."""
    return _mix(EVEN, SURPLUS if margin >= 0 else DEFICIT, abs(margin) / MARGIN_SCALE)


def network_svg(model: IHOModel, weight: str = "money") -> tuple[str, str]:
    """The provider network and a sentence describing it.

    Args:
        model: The model.
        weight: "money" (paid over the last 12 months, from the ledger) or "patients" (referred in the last
            completed contract year).

    Returns:
        The SVG and its text alternative.
    """
    g = model.network
    net, income, flows = series.rolling_positions(model)
    nodes = [n for n in g.nodes if n in POSITIONS]
    edges = [(a, b) for a, b in g.edges if a in POSITIONS and b in POSITIONS]
    if weight == "money":
        values = {e: flows.get(e, 0.0) for e in edges}
    else:
        values = {e: float(g.edges[e]["patients"]) for e in edges}
    top = max(values.values(), default=0.0) or 1.0
    out = [f'<svg viewBox="0 0 {W} {H}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg" '
           f'aria-label="Provider network" style="font-family:sans-serif;font-size:15px">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" '
           f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{MUTED}"/></marker></defs>']
    said = []
    for a, b in edges:
        v = values[(a, b)]
        if v <= 0:
            continue
        (x0, y0), (x1, y1) = POSITIONS[a], POSITIONS[b]
        d = np.hypot(x1 - x0, y1 - y0) or 1.0
        ux, uy = (x1 - x0) / d, (y1 - y0) / d
        trust = float(g.edges[a, b].get("trust", 0.5))
        width = 1.5 + 10 * v / top
        amount = f"GBP {v / 1e6:,.2f}m" if weight == "money" else f"{v:,.0f} patients"
        said.append(f"{NAMES[a]} to {NAMES[b]}: {amount}")
        out.append(f'<line x1="{x0 + ux * 42:.0f}" y1="{y0 + uy * 42:.0f}" x2="{x1 - ux * 46:.0f}" '
                   f'y2="{y1 - uy * 46:.0f}" stroke="{MUTED}" stroke-opacity="{0.35 + 0.65 * trust:.2f}" '
                   f'stroke-width="{width:.1f}" marker-end="url(#arrow)"><title>{html.escape(said[-1])} '
                   f'(trust {trust:.2f})</title></line>')
    for n in nodes:
        x, y = POSITIONS[n]
        margin = net.get(n, 0.0) / income[n] if income.get(n) else 0.0
        result = f"{net.get(n, 0.0) / 1e6:+,.1f}m"
        out.append(f'<circle cx="{x}" cy="{y}" r="36" fill="{node_colour(margin)}" stroke="{INK}" '
                   f'stroke-width="2"><title>{NAMES[n]}: result over the last 12 months GBP {result}</title>'
                   f'</circle><rect x="{x - 82}" y="{y + 38}" width="164" height="40" rx="4" fill="white" '
                   f'fill-opacity="0.92"/><text x="{x}" y="{y + 56}" text-anchor="middle" fill="{INK}" '
                   f'font-weight="bold">{NAMES[n]}</text><text x="{x}" y="{y + 74}" text-anchor="middle" '
                   f'fill="{INK}">GBP {result}</text>')
    out.append("</svg>")
    what = "money paid in the last 12 months" if weight == "money" else "patients referred last contract year"
    text = (f"Provider network. Arrows: {what}" + (": " + "; ".join(said) if said else ": none yet") + ". "
            + "; ".join(f"{NAMES[n]} {net.get(n, 0.0) / 1e6:+,.1f}m" for n in nodes) + ".")
    return "".join(out), text


# Journey events by kind, matched on the start of the event text.
EVENT_KINDS = (
    ("GP care", ("GP appointment", "in GP proactive care"), SETTING["primary"]),
    ("community", ("on district nursing caseload", "999: urgent community response", "virtual ward"),
     SETTING["community"]),
    ("999 and A&E", ("crisis", "999", "A&E attendance", "no GP appointment"), SETTING["ambulance"]),
    ("hospital bed", ("emergency admission", "medically fit", "discharged", "planned treatment"), SETTING["acute"]),
    ("waiting list", ("referred for planned treatment",), "#4a5866"),
    ("new condition", ("new long-term condition",), SETTING["prevention"]),
    ("died", ("died",), "#000000"),
)


def event_kind(event: str) -> int:
    """Index into `EVENT_KINDS` of a journey event (GP care when nothing matches)."""
    for i, (_, starts, _) in enumerate(EVENT_KINDS):
        if event.startswith(starts):
            return i
    return 0


def patient_label(p: Any) -> str:
    """Short description of a tracked patient: row, sex, age, IMD quintile, conditions, frailty."""
    frail = ("fit", "mild frailty", "moderate frailty", "severe frailty")[p.frailty]
    return f"#{p.row} {p.sex} {p.age}, IMD {p.imd_quintile}, {p.ltc_count} LTC, {frail}"


def journeys_svg(model: IHOModel) -> str:
    """Each tracked patient's events over time, one row per person, coloured by where they happened."""
    patients = list(model.tracker.patients.values())
    rows = max(len(patients), 1)
    left, right, top = 240, 16, 16
    h = top + 26 * rows + 40
    end = max(int(model.day), 28)
    out = [f'<svg viewBox="0 0 {W + 200} {h}" width="100%" role="img" aria-label="Tracked patients\' journeys" '
           'xmlns="http://www.w3.org/2000/svg" style="font-family:sans-serif;font-size:14px">']
    pw = W + 200 - left - right
    contract = int(model.scenario.run.burn_in_years) * 365
    if 0 < contract <= end:
        x = left + contract / end * pw
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{h - 34}" stroke="{CONTRACT}" '
                   f'stroke-width="2" stroke-dasharray="6 4"><title>new contract starts</title></line>')
    for y, p in enumerate(patients):
        yy = top + 26 * y + 13
        out.append(f'<text x="{left - 8}" y="{yy + 5}" text-anchor="end" fill="{INK}">'
                   f'{html.escape(patient_label(p))}</text><line x1="{left}" x2="{left + pw}" y1="{yy}" y2="{yy}" '
                   'stroke="#d5dbe1"/>')
        for day, event in p.journey:
            _, _, colour = EVENT_KINDS[event_kind(event)]
            x = left + day / end * pw
            out.append(f'<circle cx="{x:.1f}" cy="{yy}" r="5" fill="{colour}"><title>'
                       f'{html.escape(f"{when(day)}: {event}")}</title></circle>')
    out.append(f'<text x="{left}" y="{h - 12}" fill="{MUTED}">start</text><text x="{left + pw}" y="{h - 12}" '
               f'text-anchor="end" fill="{MUTED}">{when(end)}</text></svg>')
    return "".join(out)


def journeys_key() -> str:
    """The journeys' colour key as HTML."""
    return '<div class="ihoabm-legend">' + "".join(
        f'<span class="ihoabm-key"><span class="ihoabm-dot" style="background:{c}"></span>{html.escape(k)}</span>'
        for k, _, c in EVENT_KINDS) + "</div>"
