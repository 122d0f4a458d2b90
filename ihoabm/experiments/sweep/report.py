"""Summaries of a finished (or stopped) sweep, rebuilt from its output folder alone.

- `points`: mean, standard deviation and 95% t-interval across replications, per arm, point, year and metric.
- `sobol`: first and total order indices with 95% confidence intervals (SALib), per arm and metric.
- `morris`: mu, mu*, its 95% interval and sigma (SALib), per arm and metric.
- `tornado`: mean outcome at each parameter's low and high end (grid and Latin designs).
- `status`: runs by arm and status; `failures`: each failed run with its error.

Indices and tornado charts use one reported year (`report.year`, default the last year every run reports;
a `report.year` past the saved runs' years is refused, never replaced by another year) and the mean over
replications at each point. Written to `OUT/summary/*.csv`; plots to `OUT/plots/*.png`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ihoabm.experiments.stats import mean_intervals
from ihoabm.experiments.sweep.design import RAW, problem
from ihoabm.experiments.sweep.spec import SweepError, SweepSpec
from ihoabm.experiments.sweep.store import SweepFolder
from ihoabm.outputs.folder import atomic_write


@dataclass
class SweepData:
    """Everything saved by a sweep."""

    spec: SweepSpec
    design: pd.DataFrame
    runs: pd.DataFrame
    results: pd.DataFrame
    folder: SweepFolder

    @property
    def params(self) -> list[str]:
        """Swept parameter names."""
        return [p.name for p in self.spec.parameters]

    @property
    def metrics(self) -> list[str]:
        """Metrics to summarise that the results hold."""
        return [m for m in self.spec.report.metrics if m in self.results.columns]

    def last_year(self) -> int:
        """The last year every successful run reports (1 before any run has finished)."""
        if self.results.empty:
            return 1
        return int(self.results.groupby("run_id")["year"].max().min())

    def year(self) -> int:
        """The reported year that indices use: `report.year`, default the last year every run reports.

        Raises:
            SweepError: `report.year` is past the years the saved runs report (never silently another year).
        """
        last = self.last_year()
        wanted = self.spec.report.year
        if wanted is None:
            return last
        if not self.results.empty and wanted > last:
            raise SweepError(f"{self.folder.root}: report.year: {wanted} is past the last year the saved runs "
                             f"report; allowed 1 to {last}")
        return wanted


def load(out: Path) -> SweepData:
    """Read a sweep's folder; tables are rebuilt from the per-run files, so a stopped sweep reads fine."""
    probe = SweepFolder(Path(out))
    manifest = probe.read_manifest()
    folder = SweepFolder(Path(out), manifest.get("format", "parquet"))
    spec = SweepSpec.model_validate(manifest["spec"])
    records = folder.records()
    return SweepData(spec, folder.load_design(), folder.runs_table(records), folder.results(records), folder)


def point_summary(data: SweepData) -> pd.DataFrame:
    """Mean, standard deviation and 95% t-interval across replications, per arm, point, year and metric.

    The interval is NaN where a point has a single successful replication.
    """
    res, params = data.results, data.params
    columns = ["arm", "point", *params, "year", "metric", "n", "mean", "sd", "lo", "hi"]
    if res.empty:
        return pd.DataFrame(columns=columns)
    long = res.melt(id_vars=["arm", "point", "year"], value_vars=data.metrics, var_name="metric")
    table = long.groupby(["arm", "point", "year", "metric"], sort=True)["value"].agg(
        n="count", mean="mean", sd="std").reset_index()
    table["lo"], table["hi"] = mean_intervals(table["mean"], table["sd"], table["n"])
    values = data.design.drop_duplicates("point")[["point", *params]]
    return table.merge(values, on="point", how="left")[columns]


def _point_means(data: SweepData, arm: str, metric: str, year: int) -> np.ndarray:
    """Mean over replications at every design point, in design order (NaN where no run succeeded)."""
    n_points = int(data.design["point"].max()) + 1
    res = data.results
    sel = res[(res["arm"] == arm) & (res["year"] == year)]
    means = sel.groupby("point")[metric].mean()
    return means.reindex(range(n_points)).to_numpy(dtype=float)


def sensitivity(data: SweepData) -> tuple[pd.DataFrame, list[str]]:
    """Sobol or Morris indices per arm and metric (SALib), and notes on what could not be computed."""
    from SALib.analyze import morris, sobol

    method, year = data.spec.design.method, data.year()
    prob = problem(data.spec)
    raw = data.design.drop_duplicates("point").sort_values("point")[[f"{RAW}{p}" for p in data.params]]
    rows, notes = [], []
    for arm in data.design["arm"].unique():
        for metric in data.metrics:
            y = _point_means(data, arm, metric, year)
            if np.isnan(y).any():
                notes.append(f"{method} {arm} {metric}: not computed, {int(np.isnan(y).sum())} of {y.size} points "
                             "have no successful run (resume or rerun them)")
                continue
            if np.ptp(y) == 0:
                notes.append(f"{method} {arm} {metric}: not computed, the metric does not vary")
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if method == "sobol":
                    s = sobol.analyze(prob, y, calc_second_order=data.spec.design.second_order, conf_level=0.95,
                                      seed=data.spec.sweep.seed)
                    keys = ("S1", "S1_conf", "ST", "ST_conf")
                else:
                    s = morris.analyze(prob, raw.to_numpy(dtype=float), y, conf_level=0.95,
                                       num_levels=data.spec.design.levels, seed=data.spec.sweep.seed)
                    keys = ("mu", "mu_star", "mu_star_conf", "sigma")
            for j, name in enumerate(data.params):
                rows.append({"arm": arm, "metric": metric, "year": year, "parameter": name,
                             **{k: float(np.asarray(s[k])[j]) for k in keys}})
    return pd.DataFrame(rows), notes


def tornado_table(data: SweepData) -> pd.DataFrame:
    """Mean outcome with each parameter at its low end and at its high end, averaged over the others."""
    year = data.year()
    pts = data.design.drop_duplicates("point").set_index("point")
    rows = []
    for arm in data.design["arm"].unique():
        for metric in data.metrics:
            y = pd.Series(_point_means(data, arm, metric, year), index=pts.index)
            for name in data.params:
                if data.spec.design.method == "grid":
                    levels = list(dict.fromkeys(pts[name]))
                    if all(isinstance(v, int | float | bool | np.number) for v in levels):
                        levels = sorted(levels)
                    lo_mask, hi_mask = pts[name] == levels[0], pts[name] == levels[-1]
                    low, high = levels[0], levels[-1]
                else:
                    raw = pts[f"{RAW}{name}"]
                    lo_mask, hi_mask = raw <= raw.quantile(0.25), raw >= raw.quantile(0.75)
                    low, high = pts.loc[lo_mask, name].min(), pts.loc[hi_mask, name].max()
                y_low, y_high = float(y[lo_mask].mean()), float(y[hi_mask].mean())
                rows.append({"arm": arm, "metric": metric, "year": year, "parameter": name,
                             "low": _short(low), "high": _short(high), "y_low": y_low, "y_high": y_high,
                             "swing": y_high - y_low, "overall_mean": float(y.mean())})
    return pd.DataFrame(rows)


def _short(value: object) -> object:
    return round(float(value), 4) if isinstance(value, float | np.floating) else value


def status_tables(data: SweepData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Runs by arm and status, and the failed runs with their errors."""
    runs = data.runs
    planned = data.design.groupby("arm").size().rename("planned")
    if runs.empty:
        return planned.reset_index().assign(ok=0, failed=0, missing=planned.to_numpy()), runs
    counts = runs.pivot_table(index="arm", columns="status", values="run_id", aggfunc="count", fill_value=0)
    table = pd.concat([planned, counts], axis=1).fillna(0)
    for col in ("ok", "failed"):
        if col not in table:
            table[col] = 0
    table["missing"] = table["planned"] - table["ok"] - table["failed"]
    table = table[["planned", "ok", "failed", "missing"]].astype(int).rename_axis("arm").reset_index()
    failures = runs.loc[runs["status"] != "ok", ["run_id", "arm", "point", "replication", "seed", *data.params,
                                                  "error"]]
    return table, failures.reset_index(drop=True)


def summarise(out_dir: Path | str, plots: bool = True) -> dict[str, pd.DataFrame]:
    """Summarise a sweep folder, write `summary/*.csv` and (by default) `plots/*.png`.

    Args:
        out_dir: A sweep's output folder.
        plots: Also draw the PNG plots.

    Returns:
        Tables by name: `points`, `status`, `failures`, and `sobol`, `morris` or `tornado` by design, plus
        `notes` (anything that could not be computed, one row each).
    """
    data = load(Path(out_dir))
    method = data.spec.design.method
    tables: dict[str, pd.DataFrame] = {"points": point_summary(data)}
    tables["status"], tables["failures"] = status_tables(data)
    notes: list[str] = []
    if data.results.empty:
        notes.append("no successful runs yet")
    elif method in ("sobol", "morris"):
        tables[method], notes = sensitivity(data)
    else:
        tables["tornado"] = tornado_table(data)
    tables["notes"] = pd.DataFrame({"note": notes})
    summary = data.folder.root / "summary"
    summary.mkdir(exist_ok=True)
    for name, table in tables.items():
        atomic_write(summary / f"{name}.csv", lambda p, t=table: t.to_csv(p, index=False))
    if plots and not data.results.empty:
        draw(data, tables)
    return tables


def draw(data: SweepData, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """Write the PNG plots for the summaries into `OUT/plots/`."""
    from ihoabm.experiments.sweep import plots

    folder = data.folder.root / "plots"
    folder.mkdir(exist_ok=True)
    figures = {}
    for metric in data.metrics:
        figures[f"fan_{metric}"] = lambda m=metric: plots.fan(data.results, m)
        if not tables.get("sobol", pd.DataFrame()).empty and metric in set(tables["sobol"]["metric"]):
            figures[f"sobol_{metric}"] = lambda m=metric: plots.sobol_bars(tables["sobol"], m)
        if not tables.get("morris", pd.DataFrame()).empty and metric in set(tables["morris"]["metric"]):
            figures[f"morris_{metric}"] = lambda m=metric: plots.morris_bars(tables["morris"], m)
        if "tornado" in tables and tables["tornado"]["y_low"].notna().any():
            figures[f"tornado_{metric}"] = lambda m=metric: plots.tornado(tables["tornado"], m)
        if data.spec.design.method == "grid" and len(data.params) == 2:
            figures[f"heatmap_{metric}"] = lambda m=metric: plots.heatmap(tables["points"], m, *data.params,
                                                                          year=data.year())
    written = []
    for name, make in figures.items():
        path = folder / f"{name}.png"
        atomic_write(path, lambda p, f=make: f().savefig(p, dpi=110))
        written.append(path)
    return written
