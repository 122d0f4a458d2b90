"""Summaries of a finished (or stopped) sweep, rebuilt from its output folder alone.

- `points`: mean, standard deviation and 95% t-interval across replications, per arm, point, year and metric.
- `sobol`: first and total order indices with 95% confidence intervals (SALib), per arm and metric.
- `morris`: mu, mu*, its 95% interval and sigma (SALib), per arm and metric.
- `tornado`: mean outcome at each parameter's low and high end (grid and Latin designs).
- `status`: runs by arm and status; `failures`: each failed run with its error.

Indices and tornado charts use one reported year (`report.year`, default the last year every run reports;
a `report.year` past the saved runs' years is refused, never replaced by another year) and the mean over
replications at each point. Written to `OUT/summary/*.csv`; plots to `OUT/plots/*.png`.

The summaries are computed on `store.Table` columns with numpy, not pandas, so `ihoabm sweep-report` starts
quickly; pandas comes in only to draw plots, for SALib, and for `summarise`'s data frames. The arithmetic is
pandas' own (3.1), step for step (a compensated sum or numpy's `add.reduceat` for a group's mean, as pandas
picks, Welford's update for its variance, numpy's sum for a plain mean), so the CSV files are byte for byte
those pandas wrote; tests/test_sweeps.py checks this.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np

from ihoabm.experiments.stats import mean_intervals
from ihoabm.experiments.sweep.store import SweepFolder, Table, column, missing
from ihoabm.outputs.folder import atomic_write

if TYPE_CHECKING:
    import pandas as pd

    from ihoabm.experiments.sweep.spec import SweepSpec

RAW = "raw:"  # the design's prefix of a parameter's raw sample (design.RAW; design.py imports pandas)
POINT_COLUMNS = ("n", "mean", "sd", "lo", "hi")


@dataclass
class SweepData:
    """Everything saved by a sweep (tables as `store.Table`; `pandas` data frames work too)."""

    spec: SweepSpec | SavedSweep
    design: Any
    runs: Any
    results: Any
    folder: SweepFolder

    @property
    def params(self) -> list[str]:
        """Swept parameter names."""
        return [p.name for p in self.spec.parameters]

    @property
    def metrics(self) -> list[str]:
        """Metrics to summarise that the results hold."""
        return [m for m in self.spec.report.metrics if m in _names(self.results)]

    def last_year(self) -> int:
        """The last year every successful run reports (1 before any run has finished)."""
        if len(self.results) == 0:
            return 1
        runs, years = np.asarray(self.results["run_id"]), np.asarray(self.results["year"], dtype=float)
        keep = ~missing(runs)
        if not keep.any():
            return 1
        _, run = np.unique(runs[keep].astype(str), return_inverse=True)
        last = np.full(run.max() + 1, -np.inf)
        np.maximum.at(last, run, years[keep])
        return int(last.min())

    def year(self) -> int:
        """The reported year that indices use: `report.year`, default the last year every run reports.

        Raises:
            SweepError: `report.year` is past the years the saved runs report (never silently another year).
        """
        last = self.last_year()
        wanted = self.spec.report.year
        if wanted is None:
            return last
        if len(self.results) and wanted > last:
            from ihoabm.experiments.sweep.spec import SweepError

            raise SweepError(f"{self.folder.root}: report.year: {wanted} is past the last year the saved runs "
                             f"report; allowed 1 to {last}")
        return wanted

    def points(self) -> Table:
        """The first design row of each point, in point order (the values every arm and replication share)."""
        point = self.design["point"]
        _, first = np.unique(point, return_index=True)
        return self.design.take(first)


def _names(table: Any) -> list[str]:
    return list(table.columns) if not isinstance(table, Table) else table.names


class SavedSweep:
    """The sweep a folder saved (sweep.json), read as it was validated when the sweep started.

    It answers what the summaries ask of a `SweepSpec` (`sweep.seed`, `design`, `parameters`, `report`)
    without importing the scenario schema; `validated()` gives the full `SweepSpec`, which SALib needs.
    """

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.sweep = SimpleNamespace(**raw["sweep"])
        self.design = SimpleNamespace(**raw["design"])
        self.parameters = [SimpleNamespace(**p) for p in raw["parameters"]]
        self.report = SimpleNamespace(**raw["report"])

    @classmethod
    def read(cls, raw: Any) -> SavedSweep | SweepSpec:
        """The saved sweep, or the validated `SweepSpec` where the file is not as a sweep writes it."""
        try:
            saved = cls(raw)
            if (isinstance(saved.sweep.seed, int) and saved.design.method in ("grid", "latin", "sobol", "morris")
                    and saved.parameters and all(isinstance(p.name, str) for p in saved.parameters)
                    and isinstance(saved.report.metrics, list)
                    and all(isinstance(m, str) for m in saved.report.metrics)
                    and (saved.report.year is None or (type(saved.report.year) is int and saved.report.year >= 1))):
                return saved
        except (AttributeError, KeyError, TypeError):
            pass
        from ihoabm.experiments.sweep.spec import SweepSpec

        return SweepSpec.model_validate(raw)  # raises, naming what is wrong

    def validated(self) -> SweepSpec:
        """The full, validated sweep."""
        from ihoabm.experiments.sweep.spec import SweepSpec

        return SweepSpec.model_validate(self.raw)


def load(out: Path) -> SweepData:
    """Read a sweep's folder; tables are rebuilt from the per-run files, so a stopped sweep reads fine."""
    probe = SweepFolder(Path(out))
    manifest = probe.read_manifest()
    folder = SweepFolder(Path(out), manifest.get("format", "parquet"))
    spec = SavedSweep.read(manifest["spec"])
    records = folder.records()
    return SweepData(spec, folder.design_table(), folder.runs(records), folder.results_table(records), folder)


# --- pandas' group arithmetic, on sorted groups -------------------------------------------------------------
def _groups(keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort rows by the keys (first key first, stable) and find the groups of equal keys.

    Returns:
        The row order, the first position of each group in that order, and each group's size.
    """
    order = np.lexsort(keys[::-1])
    if order.size == 0:
        return order, order, order
    change = np.zeros(order.size, dtype=bool)
    change[0] = True
    for key in keys:
        k = key[order]
        change[1:] |= k[1:] != k[:-1]
    starts = np.flatnonzero(change)
    sizes = np.diff(np.append(starts, order.size))
    return order, starts, sizes


def group_stats(values: np.ndarray, starts: np.ndarray, sizes: np.ndarray,
                in_order: bool = False) -> tuple[np.ndarray, ...]:
    """Count, mean and standard deviation (ddof 1) of each group of `values`, NaN left out, as pandas' groupby.

    Groups are runs of `values` (`starts`, `sizes`); values are taken in order within a group. The variance
    is Welford's update, as pandas' cython `group_var`. The mean is pandas' compensated (Kahan) sum over the
    count (`group_mean`), except where pandas (3.1 on) takes numpy's `add.reduceat` instead: rows already in
    group order (`in_order`) and no NaN. So the results agree with pandas to the last bit.
    """
    n_groups = starts.size
    nobs, total, comp = np.zeros(n_groups), np.zeros(n_groups), np.zeros(n_groups)
    mean, m2 = np.zeros(n_groups), np.zeros(n_groups)
    for k in range(int(sizes.max()) if n_groups else 0):
        g = np.flatnonzero(sizes > k)
        v = values[starts[g] + k]
        keep = ~np.isnan(v)
        g, v = g[keep], v[keep]
        nobs[g] += 1
        y = v - comp[g]
        t = total[g] + y
        c = t - total[g] - y
        c[np.isnan(c)] = 0.0              # an infinite value: pandas resets the compensation (GH#50367)
        comp[g], total[g] = c, t
        old = mean[g]
        mean[g] = old + (v - old) / nobs[g]
        m2[g] += (v - mean[g]) * (v - old)
    with np.errstate(invalid="ignore", divide="ignore"):
        avg = np.where(nobs > 0, total / nobs, np.nan)
        sd = np.where(nobs > 1, np.sqrt(m2 / (nobs - 1)), np.nan)
    if in_order and n_groups and not np.isnan(values).any():
        avg = np.add.reduceat(values, starts) / sizes.astype(float)
    return nobs.astype(np.int64), avg, sd


def _in_order(order: np.ndarray) -> bool:
    """Whether the rows were already sorted by their groups (the sort changed nothing)."""
    return bool(np.array_equal(order, np.arange(order.size)))


def nanmean(values: np.ndarray) -> float:
    """The mean leaving NaN out, as `pandas.Series.mean`: numpy's sum with NaN as 0, over the count."""
    values = np.asarray(values, dtype=float)
    gaps = np.isnan(values)
    count = values.size - int(gaps.sum())
    if count == 0:
        return math.nan
    return float(np.where(gaps, 0.0, values).sum() / float(count))


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and each value's position among them."""
    uniques, codes = np.unique(values, return_inverse=True)
    return uniques, codes.ravel()


def point_summary(data: SweepData) -> Table:
    """Mean, standard deviation and 95% t-interval across replications, per arm, point, year and metric.

    The interval is NaN where a point has a single successful replication.
    """
    res, params = data.results, data.params
    columns = ["arm", "point", *params, "year", "metric", "n", "mean", "sd", "lo", "hi"]
    if res.empty:
        return Table.blank(columns)
    metrics = data.metrics
    n_rows = len(res)
    arms, arm_code = _codes(res["arm"])
    names, metric_code = _codes(np.array(metrics, dtype=object)) if metrics else (np.array([]), np.array([], int))
    long_keys = [np.tile(arm_code, len(metrics)), np.tile(res["point"], len(metrics)),
                 np.tile(res["year"], len(metrics)), np.repeat(metric_code, n_rows)]
    values = np.concatenate([res[m].astype(float) for m in metrics]) if metrics else np.empty(0)
    order, starts, sizes = _groups(long_keys)
    n, mean, sd = group_stats(values[order], starts, sizes, _in_order(order))
    first = order[starts]
    lo, hi = mean_intervals(mean, sd, n)
    point = long_keys[1][first]
    table = {"arm": column(arms[long_keys[0][first]].tolist()), "point": point}
    design = data.points()
    where = {p: i for i, p in enumerate(design["point"].tolist())}
    rows = [where.get(p) for p in point.tolist()]
    for name in params:
        if all(i is not None for i in rows):
            table[name] = design[name][np.array(rows, dtype=np.int64)]
        else:
            table[name] = column([None if i is None else v for i, v in
                                  zip(rows, design[name][[i or 0 for i in rows]].tolist(), strict=True)])
    table.update(year=long_keys[2][first], metric=column(names[long_keys[3][first]].tolist()))
    table.update(zip(POINT_COLUMNS, (n, mean, sd, lo, hi), strict=True))
    return Table({c: table[c] for c in columns}, len(first))


def _point_means(data: SweepData, arm: str, metric: str, year: int) -> np.ndarray:
    """Mean over replications at every design point, in point order (NaN where no run succeeded)."""
    n_points = int(data.design["point"].max()) + 1
    res = data.results
    sel = res.take((res["arm"] == arm) & (res["year"] == year))
    means = np.full(n_points, np.nan)
    if len(sel):
        order, starts, sizes = _groups([sel["point"]])
        _, avg, _ = group_stats(sel[metric].astype(float)[order], starts, sizes, _in_order(order))
        points = sel["point"][order[starts]]
        inside = (points >= 0) & (points < n_points)
        means[points[inside]] = avg[inside]
    return means


def sensitivity(data: SweepData) -> tuple[Table, list[str]]:
    """Sobol or Morris indices per arm and metric (SALib), and notes on what could not be computed."""
    from SALib.analyze import morris, sobol

    from ihoabm.experiments.sweep.design import problem

    method, year = data.spec.design.method, data.year()
    prob = problem(data.spec.validated() if isinstance(data.spec, SavedSweep) else data.spec)
    pts = data.points()
    raw = np.column_stack([pts[f"{RAW}{p}"].astype(float) for p in data.params])
    rows, notes = [], []
    for arm in dict.fromkeys(data.design["arm"].tolist()):
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
                    s = morris.analyze(prob, raw, y, conf_level=0.95, num_levels=data.spec.design.levels,
                                       seed=data.spec.sweep.seed)
                    keys = ("mu", "mu_star", "mu_star_conf", "sigma")
            for j, name in enumerate(data.params):
                rows.append({"arm": arm, "metric": metric, "year": year, "parameter": name,
                             **{k: float(np.asarray(s[k])[j]) for k in keys}})
    return Table.from_rows(rows), notes


def tornado_table(data: SweepData) -> Table:
    """Mean outcome with each parameter at its low end and at its high end, averaged over the others."""
    year = data.year()
    pts = data.points()
    rows = []
    for arm in dict.fromkeys(data.design["arm"].tolist()):
        for metric in data.metrics:
            y = _point_means(data, arm, metric, year)[pts["point"]]
            for name in data.params:
                values = pts[name]
                if data.spec.design.method == "grid":
                    levels = list(dict.fromkeys(values.tolist()))
                    if all(isinstance(v, int | float | bool | np.number) for v in levels):
                        levels = sorted(levels)
                    lo_mask, hi_mask = values == levels[0], values == levels[-1]
                    low, high = levels[0], levels[-1]
                else:
                    raw = pts[f"{RAW}{name}"].astype(float)
                    lo_mask = raw <= np.percentile(raw, 25.0)
                    hi_mask = raw >= np.percentile(raw, 75.0)
                    low, high = values[lo_mask].min(), values[hi_mask].max()
                y_low, y_high = nanmean(y[lo_mask]), nanmean(y[hi_mask])
                rows.append({"arm": arm, "metric": metric, "year": year, "parameter": name,
                             "low": _short(low), "high": _short(high), "y_low": y_low, "y_high": y_high,
                             "swing": y_high - y_low, "overall_mean": nanmean(y)})
    return Table.from_rows(rows)


def _short(value: object) -> object:
    return round(float(value), 4) if isinstance(value, float | np.floating) else value


def status_tables(data: SweepData) -> tuple[Table, Table]:
    """Runs by arm and status, and the failed runs with their errors."""
    runs = data.runs
    arms, planned = np.unique(data.design["arm"], return_counts=True)
    if runs.empty:
        zero = np.zeros(arms.size, dtype=np.int64)
        return Table({"arm": column(arms.tolist()), "planned": planned, "ok": zero, "failed": zero.copy(),
                      "missing": planned.copy()}), runs
    counts: dict[tuple[Any, Any], int] = {}
    for arm, status, run_id in zip(runs["arm"].tolist(), runs["status"].tolist(), runs["run_id"].tolist(),
                                   strict=True):
        if run_id is not None and status is not None:
            counts[arm, status] = counts.get((arm, status), 0) + 1
    names = arms.tolist() + sorted({a for a, _ in counts} - set(arms.tolist()))
    planned_by = dict(zip(arms.tolist(), planned.tolist(), strict=True))
    table = {"arm": column(names), "planned": np.array([planned_by.get(a, 0) for a in names], dtype=np.int64)}
    for status in ("ok", "failed"):
        table[status] = np.array([counts.get((a, status), 0) for a in names], dtype=np.int64)
    table["missing"] = table["planned"] - table["ok"] - table["failed"]
    failures = runs.take(runs["status"] != "ok").select(["run_id", "arm", "point", "replication", "seed",
                                                         *data.params, "error"])
    return Table(table), failures


def build(out_dir: Path | str, plots: bool = True) -> dict[str, Table]:
    """Summarise a sweep folder into `store.Table`s, write `summary/*.csv` and (by default) `plots/*.png`.

    What `summarise` does, without pandas unless plots are drawn or the design is Sobol or Morris.
    """
    data = load(Path(out_dir))
    method = data.spec.design.method
    tables: dict[str, Table] = {"points": point_summary(data)}
    tables["status"], tables["failures"] = status_tables(data)
    notes: list[str] = []
    if data.results.empty:
        notes.append("no successful runs yet")
    elif method in ("sobol", "morris"):
        tables[method], notes = sensitivity(data)
    else:
        tables["tornado"] = tornado_table(data)
    tables["notes"] = Table({"note": column(notes)})
    summary = data.folder.root / "summary"
    summary.mkdir(exist_ok=True)
    for name, table in tables.items():
        atomic_write(summary / f"{name}.csv", table.write_csv)
    if plots and not data.results.empty:
        draw(data, {name: table.to_pandas() for name, table in tables.items()})
    return tables


def summarise(out_dir: Path | str, plots: bool = True) -> dict[str, pd.DataFrame]:
    """Summarise a sweep folder, write `summary/*.csv` and (by default) `plots/*.png`.

    Args:
        out_dir: A sweep's output folder.
        plots: Also draw the PNG plots.

    Returns:
        Tables by name: `points`, `status`, `failures`, and `sobol`, `morris` or `tornado` by design, plus
        `notes` (anything that could not be computed, one row each).
    """
    return {name: table.to_pandas() for name, table in build(out_dir, plots).items()}


def draw(data: SweepData, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """Write the PNG plots for the summaries into `OUT/plots/`."""
    import pandas as pd

    from ihoabm.experiments.sweep import plots

    results = data.results.to_pandas() if isinstance(data.results, Table) else data.results
    folder = data.folder.root / "plots"
    folder.mkdir(exist_ok=True)
    figures = {}
    for metric in data.metrics:
        figures[f"fan_{metric}"] = lambda m=metric: plots.fan(results, m, data.params)
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

