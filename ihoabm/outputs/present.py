"""How results are put in front of people: pounds, "a year", contract years, and the headline rows.

The printed comparison table, the HTML report and the spreadsheet all read this module, so a number looks
the same wherever it is shown. Labels and units come from the outputs catalogue (`ihoabm.outputs.catalogue`);
this module only decides how to say them: GBP is written "£", flows are "a year", and a surplus (which can be
close to zero) is never shown as a percentage of itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ihoabm.outputs import catalogue

# The printed paired-difference table, section by section. Every metric of `catalogue.KEY_DIFFERENCES`
# is here (checked at import), with the waiting list, delays and health measures a board asks about.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Activity", ("nel_admissions", "conveyances", "ae_attendances", "bed_days", "community_contacts")),
    ("Waiting and delays", ("waiting_list_end", "rtt_breaches", "delayed_discharge_days", "boarding_days")),
    ("Health", ("qalys", "deaths_ae_delay", "deaths_not_admitted", "deaths_waiting", "care_failure_crises")),
    ("Money", ("spend_total", "acute_surplus", "community_surplus", "host_surplus")),
)
# A percentage of fewer than this many (deaths in a small run, say) says more about noise than about change.
MIN_BASE = 100
HEADLINE = tuple(name for _, names in SECTIONS for name in names)
_missing = set(catalogue.KEY_DIFFERENCES) - set(HEADLINE)
if _missing:  # pragma: no cover - a catalogue edit that this table must follow
    raise ValueError(f"present.SECTIONS leaves out key differences {sorted(_missing)}")

# Words in parameter keys that people write otherwise.
_WORDS = {"ucr": "UCR", "gp": "GP", "ae": "A&E", "vw": "virtual ward", "nel": "emergency", "ltc": "LTC",
          "imd": "IMD", "los": "length of stay", "rtt": "RTT", "icb": "ICB", "pct": "%", "1000": "1,000",
          "mret": "MRET", "iho": "IHO", "qaly": "QALY", "qalys": "QALYs"}


def gbp(unit: str) -> str:
    """A catalogue unit as people write it: 'GBP million' -> '£ million'."""
    return unit.replace("GBP", "£")


def is_money(name: str) -> bool:
    """Whether a metric is counted in pounds."""
    return catalogue.metric(name).kind == "money"


def is_balance(name: str) -> bool:
    """A surplus or balance: money that can sit near zero, so a percentage of it means nothing."""
    return is_money(name) and not name.startswith("spend")


def per_year(name: str) -> bool:
    """Whether a metric is a flow counted over a year (so its unit reads 'a year')."""
    return catalogue.metric(name).kind in ("count by group", "daily count", "money")


def label(name: str, scale: float = 1.0) -> str:
    """Row or axis label with its unit: 'Emergency admissions (admissions a year)', 'Acute trust surplus (£ a year)'."""
    return gbp(catalogue.axis(name, scale, "a year" if per_year(name) else ""))


def money(x: float, signed: bool = True) -> str:
    """Pounds, compactly: +£2.5m, -£860k, +£377."""
    if not math.isfinite(x):
        return "-"
    sign = ("+" if x >= 0 else "-") if signed else ("-" if x < 0 else "")
    a = abs(x)
    if a >= 1e6:
        return f"{sign}£{a / 1e6:,.1f}m"
    if a >= 1e4:
        return f"{sign}£{a / 1e3:,.0f}k"
    return f"{sign}£{a:,.0f}"


def number(x: float) -> str:
    """A signed count, compactly: +2.5M, -86k, +377, and decimals where a count is small (+0.4)."""
    if not math.isfinite(x):
        return "-"
    for scale, suffix, floor in ((1e6, "M", 1e6), (1e3, "k", 1e4)):
        if abs(x) >= floor:
            return f"{x / scale:+,.1f}{suffix}"
    return f"{x:+,.0f}" if abs(x) >= 10 or x == round(x) else f"{x:+,.1f}"


def signed(name: str, x: float) -> str:
    """A difference in a metric's own terms: pounds for money, a count otherwise, a share in points."""
    if is_money(name):
        return money(x)
    if catalogue.metric(name).unit == "share":
        return f"{100 * x:+.1f} points" if math.isfinite(x) else "-"
    return number(x)


def year_heading(year: int) -> str:
    """Column heading of a reported year: 'contract year 1'."""
    return f"contract year {int(year)}"


def burn_in_note(burn_in_years: int = 1) -> str:
    """What 'contract year 1' means."""
    years = "year" if burn_in_years == 1 else f"{burn_in_years} years"
    return (f"Contract year 1 is the first contract year after the burn-in {years} (simulated to settle the "
            f"population and set the first contracts, not reported).")


def who_title(reference: str, arm: str, patients: int | None, replications: int) -> str:
    """'iho minus pbr_2004: mean paired difference a year, 6 replications of 50,000 residents'."""
    size = f" of {patients:,} residents" if patients else ""
    return f"{arm} minus {reference}: mean paired difference a year, {replications} replications{size}"


@dataclass(frozen=True)
class Cell:
    """One year's paired difference of one metric, and how it is shown."""

    mean: float
    lo: float
    hi: float
    mean_a: float
    pct: float

    @property
    def sure(self) -> bool:
        """The 95% interval excludes zero."""
        return self.lo > 0 or self.hi < 0


def cell_text(name: str, c: Cell, interval: bool = False) -> str:
    """'-176 (-3.3%) *': the difference, its percentage of the reference, a star if its interval excludes zero.

    No percentage for a surplus, a share, or a reference below `MIN_BASE`: a percentage of a small base misleads.
    """
    text = signed(name, c.mean)
    if interval and math.isfinite(c.lo) and math.isfinite(c.hi):
        text += f" [{signed(name, c.lo)} to {signed(name, c.hi)}]"
    unit = catalogue.metric(name).unit
    if not is_balance(name) and unit != "share" and math.isfinite(c.pct) and c.mean_a >= MIN_BASE:
        text += f" ({c.pct:+.1f}%)"
    return text + (" *" if c.sure else "")


def headline(comp: Any, arm: str | None = None) -> list[tuple[str, str, dict[int, Cell]]]:
    """The headline rows of one arm: (section, metric, {year: Cell}), in `SECTIONS` order.

    Args:
        comp: `arm_differences` rows (or `paired_differences` rows, which have no `arm` column).
        arm: The arm to show, when `comp` has an `arm` column.
    """
    if arm is not None and "arm" in comp.columns:
        comp = comp[comp["arm"] == arm]
    rows = []
    for section, names in SECTIONS:
        for name in names:
            d = comp[comp["metric"] == name]
            if d.empty:
                continue
            cells = {int(r["year"]): Cell(float(r["diff"]), float(r["diff_lo"]), float(r["diff_hi"]),
                                          float(r.get("mean_a", math.nan)), float(r.get("pct_diff", math.nan)))
                     for _, r in d.iterrows()}
            rows.append((section, name, dict(sorted(cells.items()))))
    return rows


def parameter_label(path: str) -> str:
    """A scenario key as people say it: 'contract.capitation_level' -> 'Capitation level (contract)'."""
    section, _, key = path.rpartition(".")
    text = " ".join(_WORDS.get(word, word) for word in key.split("_"))
    text = text[:1].upper() + text[1:]
    return f"{text} ({section.replace('.', ' ')})" if section else text


def parameter_unit(path: str) -> str:
    """The unit of a swept parameter where its key says it ('GBP a year' for a funding per head), else ''."""
    if "funding_per_head" in path or path.startswith("prices."):
        return "£ a year" if "per_head" in path else "£"
    return ""


def no_icer(cost: float, qalys: float, lo: float, hi: float) -> str:
    """Why an arm has no ICER: its QALY difference is uncertain, or it is dominated or dominant."""
    if lo <= 0 <= hi:
        return "QALY interval includes 0"
    if cost > 0 > qalys:
        return "dominated (costs more, fewer QALYs)"
    if cost < 0 < qalys:
        return "dominant (costs less, more QALYs)"
    return ""
