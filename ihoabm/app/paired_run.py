"""The comparison page's runs: B and each A from the same seed, stepped together and shown as a `View`.

Each measure is drawn twice: every run (A in its colour, B in ink) and B minus each A, the effect of the
contracts. Lives where the session's models live (a worker process in the server), like `one_run`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ihoabm.app import charts, figures, results, story
from ihoabm.app.charts import INK, PALETTE, Chart, Line
from ihoabm.app.lockstep import Lockstep
from ihoabm.app.one_run import progress
from ihoabm.app.view import View
from ihoabm.outputs import catalogue

TABS = ("activity", "money", "health")
DEFAULT_OPTIONS = {"tab": "activity", "contract_only": False}
DOWNLOADS = ("daily.csv", "results.csv", "comparison.png", "comparison-health.png")


def cumulative_spend_per_head(model: Any) -> tuple[np.ndarray, np.ndarray]:
    """Payments to all providers since the new contract started, GBP per resident (since the start before)."""
    x, total = charts.total_spend(model)
    start = charts.contract_day(model) or 0
    base = total[min(start, total.size - 1)] if x.size and x[-1] > start else 0.0
    since = np.where(x >= start, total - base, np.nan) if x.size and x[-1] > start else total
    return charts._weekly(x, since * 1e6 / model.scenario.run.patients)


MEASURES = {
    "activity": (*((n, f"{catalogue.label(n)}, {charts.PER_1000_A_YEAR}", charts.PER_1000_A_YEAR,
                    lambda m, n=n: charts.rate(m, n)) for n in catalogue.APP_ACTIVITY),
                 ("bed_occupancy", f"{catalogue.label('bed_occupancy')}, last 4 weeks (%)", "%", charts.occupancy)),
    "money": (("spend_head", "Spending on care since the new contract started, GBP per resident", "GBP a head",
               cumulative_spend_per_head),
              ("spend_total", "Spending on care since the start of the run (GBP million)", "GBP million",
               lambda m: charts._weekly(*charts.total_spend(m))),
              ("acute_balance", "Acute trust's surplus (+) or deficit (-) this contract year (GBP million)",
               "GBP million", lambda m: charts.balance_ytd(m, "acute_balance"))),
    "health": tuple((n, f"{catalogue.label(n)} since the start", catalogue.metric(n).unit,
                     lambda m, n=n: charts.running_total(m, n)) for n in catalogue.APP_HEALTH),
}


class PairedRun:
    """B and its comparators A, stepped together."""

    def __init__(self) -> None:
        self.runs: Lockstep | None = None
        self.options = dict(DEFAULT_OPTIONS)

    def build(self, spec: dict[str, Any]) -> View:
        """Every run anew at day 0: `spec` holds comparators (names), alternative, patients, seed and years."""
        self.runs = Lockstep.build(spec["comparators"], spec["alternative"], spec["patients"], spec["seed"],
                                  spec.get("years"))
        return self.view()

    def step(self, days: int) -> View:
        """Advance every run by up to `days` days (fewer at the end of the run)."""
        self.runs.step(int(days))
        return self.view()

    def skip_burn_in(self) -> View:
        """Advance every run to the day the new contracts start."""
        self.runs.skip_burn_in()
        return self.view()

    def _labels(self) -> tuple[list[str], str]:
        r = self.runs
        return [f"A: {story.short(n)}" for n in r.comparator_names], f"B: {story.short(r.alternative_name)}"

    def view(self, options: dict[str, Any] | None = None) -> View:
        """The page's view; `options` (tab, contract years only) are kept for later steps."""
        self.options.update(options or {})
        r, o = self.runs, self.options
        b = r.alternative
        a_labels, b_label = self._labels()
        only = bool(o["contract_only"])
        out: list[Chart] = []
        for key, title, unit, get in MEASURES.get(o["tab"], MEASURES["activity"]):
            tb, vb = get(b)
            lines = [Line(lab, *get(m), PALETTE[k % len(PALETTE)], dashed=k % 2 == 1)
                     for k, (m, lab) in enumerate(zip(r.comparators, a_labels, strict=True))]
            lines.append(Line(b_label, tb, vb, INK))
            diffs = []
            for k, (m, name) in enumerate(zip(r.comparators, r.comparator_names, strict=True)):
                _, va = get(m)
                n = min(va.size, vb.size)
                diffs.append(Line(f"B - {story.short(name)}", tb[:n], vb[:n] - va[:n], PALETTE[k % len(PALETTE)],
                                  dashed=k % 2 == 1))
            out.append(charts.chart(key, title, lines, unit, b, only))
            out.append(charts.chart(f"{key}-diff", f"B minus A: {title[0].lower()}{title[1:]}", diffs, unit, b, only,
                                    zero_line=True))
        against = ", ".join(f"**{story.short(n)}**" for n in r.comparator_names)
        header = (f"{progress(r.day, b.total_days)}. B: **{story.short(r.alternative_name)}**, against A: {against}; "
                  f"{b.scenario.run.patients:,} residents, seed {b.scenario.run.seed}. {self._phase()}")
        table = results.compare_table(r.comparators, b, [story.short(n) for n in r.comparator_names],
                                      story.short(r.alternative_name))
        when_label = ("since the new contracts started" if r.day > r.burn_in_days else
                      "since the start (burn-in: every run paid under PbR)")
        return View(day=r.day, total_days=int(b.total_days), running=r.running, header=header,
                    watch=story.watch(r.alternative_name),
                    about=story.about([*r.comparator_names, r.alternative_name]), charts=tuple(out),
                    results=f"Results {when_label}; rates per 1,000 residents a year.\n\n" + results.markdown(table),
                    options={**o, "burn_in_days": r.burn_in_days})

    def _phase(self) -> str:
        r = self.runs
        if not r.running:
            return "The runs have reached their last day (finished): press Reset to start again."
        if r.day < r.burn_in_days:
            if r.identical_so_far():
                return ("Burn-in: every run is paid under PbR, so they are identical (common random numbers) and "
                        "each B - A is zero. **Skip burn-in** jumps to the new contracts.")
            return ("Burn-in: every run is paid under PbR, but these scenarios differ in more than the contract "
                    "(community funding, say), so B - A is not zero even now.")
        return (f"Since day {r.burn_in_days} each run has its own contract; with the same random numbers in "
                "every run, each B - A is the effect of the contracts, not chance.")

    def download(self, what: str) -> bytes:
        """The runs' daily series or the results table (CSV), or a comparison figure (PNG)."""
        r = self.runs
        names = [*(f"A:{n}" for n in r.comparator_names), f"B:{r.alternative_name}"]
        if what == "daily.csv":
            return results.daily_csv(r.models, names).encode()
        if what == "results.csv":
            return results.to_csv(results.compare_table(r.comparators, r.alternative,
                                                        [story.short(n) for n in r.comparator_names],
                                                        story.short(r.alternative_name))).encode()
        if what in ("comparison.png", "comparison-health.png"):
            compared = figures.COMPARED if what == "comparison.png" else figures.HEALTH_COMPARED
            fig = figures.comparison_figure(r.comparators, r.alternative, r.comparator_names, r.alternative_name,
                                            compared)
            return figures.to_png(fig, dpi=figures.EXPORT_DPI)
        raise ValueError(f"no download called {what!r}; choose one of {', '.join(DOWNLOADS)}")
