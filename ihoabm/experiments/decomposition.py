"""Where a difference between two arms comes from: Shapley values over channels, on common random numbers.

For arms A and B, a channel is switched on by giving it B's setting and off by giving it A's. Runs are built on
B's scenario, with each channel that is off made to act as it did in A (ODD 7.15):

* the acute trust's **admission** behaviour: the trust sees, each month, the marginal income of a short-stay
  admission that A's contracts paid it in the same month of A's run (its readiness to admit follows that price,
  7.5), instead of what B's contracts pay;
* its **discharge** behaviour: the same for the marginal income of a bed day (its discharge urgency follows it);
* **host investment** (one channel, or one per lever with `per_lever`): the host's investment in a lever is, each
  month, what it was in A's run (nothing, if A has no host), instead of what B's host plans;
* **elective purchasing**: the share of elective capacity the payer buys is, each day, A's;
* **community funding**, **need weighting** and **oversight**: A's scenario values of those keys
  (`SCENARIO_CHANNELS`).

A channel whose keys are the same in both arms cannot make a difference: it is a null player, its Shapley value
is exactly 0, and it is left out of the enumeration (said in the `switched` column). The host channels are null
when neither arm has a host.

The value of a coalition S of channels (those on) is a metric of the run with S on, paired by seed. Each channel's
Shapley value is the weighted mean of its marginal contributions over all coalitions without it,
`phi_i = sum over S of |S|! (k - |S| - 1)! / k! x (v(S + i) - v(S))`, computed per replication and averaged. By
construction the parts add up exactly to `v(all on) - v(all off)`; the run with every channel on is B itself. The
`residual`, `B - A` minus the parts, is what no channel carries: the run with every channel off differs from A
only in who pays whom (the contract's money flows, such as a capitation in place of tariff payments), so for
activity it is near zero and for spending it is the contract's accounting.

Exact Shapley values need 2^k runs per replication (16 with the four channels of a typical IHO comparison; 256 with
host investment split into its five levers), so `ihoabm decompose` runs a smaller population by default.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ihoabm.core.model import IHOModel
from ihoabm.experiments.executor import interruptible, run_jobs
from ihoabm.experiments.stats import mean_interval
from ihoabm.outputs import tables
from ihoabm.scenario import load_scenario
from ihoabm.scenario.schema import Scenario

ADMISSION, DISCHARGE, INVEST, PURCHASING = "admission", "discharge", "host_investment", "elective_purchasing"
SCENARIO_CHANNELS: dict[str, tuple[str, ...]] = {
    "community_funding": ("community.funding_per_head", "community.stream_shares", "contract.community_block_uplift",
                          "contract.community_subcontract"),
    "need_weighting": ("contract.need_weighting",),
    "oversight": ("oversight.*",),
}
LABELS = {ADMISSION: "Trust: admission behaviour", DISCHARGE: "Trust: discharge behaviour",
          INVEST: "Host investment", PURCHASING: "Elective purchasing", "community_funding": "Community funding",
          "need_weighting": "Need weighting", "oversight": "Oversight", "residual": "Contract money flows (residual)"}
RESIDUAL = "residual"
WATERFALL = ("nel_admissions", "conveyances", "spend_total", "qalys")
DECOMPOSE_FILES = ("decomposition.csv", "decomposition.png", "decomposition_runs.csv")
NOT_METRICS = {"scenario", "arm", "seed", "year", "beds", "replication", "coalition"}


def lever_names() -> list[str]:
    """The host's levers, by name, in its order (`ihoabm.providers.host.LEVERS`)."""
    from ihoabm.providers import host

    return [lever if isinstance(lever, str) else lever.name for lever in host.LEVERS]


def channel_label(channel: str) -> str:
    """Human label of a channel: 'Host investment: ucr' for a lever channel."""
    if channel.startswith(f"{INVEST}:"):
        return f"{LABELS[INVEST]}: {channel.split(':', 1)[1].replace('_', ' ')}"
    return LABELS.get(channel, channel)


@dataclass
class Trace:
    """What one run's trust saw and its host and payer did: monthly prices and investment, daily purchasing."""

    marginal: dict[int, float] = field(default_factory=dict)      # month -> marginal income of a short stay
    bed_day: dict[int, float] = field(default_factory=dict)       # month -> marginal income of a bed day
    invest: dict[int, np.ndarray] = field(default_factory=dict)   # month -> investment per lever, GBP a year
    purchase: dict[int, float] = field(default_factory=dict)      # day -> share of elective capacity bought


class HybridModel(IHOModel):
    """B's model with the channels in `off` acting as they did in A's run (`replay`); records its own `trace`."""

    def __init__(self, scenario: str | Scenario, replay: Trace | None = None, off: frozenset[str] = frozenset(),
                 **kwargs: Any) -> None:
        self.trace = Trace()
        self.replay = replay or Trace()
        self.off = off
        super().__init__(scenario, **kwargs)
        if self.host is not None:
            plan = self.host.plan

            def plan_then_replay() -> None:
                plan()
                self._replay_investment()
                self.trace.invest[self._month()] = self.host.invest.copy()

            self.host.plan = plan_then_replay   # type: ignore[method-assign]

    def _month(self) -> int:
        return self._month_of(self.day)

    def _update_acute_behaviour(self) -> None:
        p, a = self.scenario.prices, self.scenario.acute
        marginal = self.commissioner.marginal_income("acute", "nel_short", a.variable_cost_share * p.nel_short_stay)
        bed_day = self.commissioner.marginal_income("acute", "bed_day", 0.0)
        month = self._month()
        self.trace.marginal[month], self.trace.bed_day[month] = marginal, bed_day
        if ADMISSION in self.off:
            marginal = self.replay.marginal[month]
        if DISCHARGE in self.off:
            bed_day = self.replay.bed_day[month]
        self.acute.update_behaviour(marginal, bed_day)

    def _replay_investment(self) -> None:
        """After B's host plans: the levers that are off get A's investment as it stood this month."""
        names = lever_names()
        off = [i for i, name in enumerate(names) if INVEST in self.off or f"{INVEST}:{name}" in self.off]
        if not off:
            return
        # A's host (if any) last planned at or before this month; a run with no host invests nothing.
        planned = [m for m in self.replay.invest if m <= self._month()]
        theirs = self.replay.invest[max(planned)] if planned else np.zeros(len(names))
        self.host.invest[off] = theirs[off]
        self.host._commit()

    def elective_purchase_share(self) -> float:
        """The share bought: A's on this day when elective purchasing is off, else this run's own."""
        own = super().elective_purchase_share()
        self.trace.purchase[self.day] = own
        return self.replay.purchase.get(self.day, own) if PURCHASING in self.off else own


def _value(sc: Scenario, key: str) -> Any:
    section, name = key.split(".")
    return getattr(getattr(sc, section), name)


def _keys(sc: Scenario, pattern: str) -> list[str]:
    section, name = pattern.split(".")
    return [f"{section}.{n}" for n in type(getattr(sc, section)).model_fields] if name == "*" else [pattern]


def channels(a: Scenario, b: Scenario, per_lever: bool = False) -> tuple[list[str], dict[str, str]]:
    """The channels to enumerate, and how each channel (null ones too) is switched, for arms A and B.

    Raises:
        ValueError: A has a host and B has none (the host's channels cannot be switched on in B's model).
    """
    how: dict[str, str] = {ADMISSION: "replayed from A's run", DISCHARGE: "replayed from A's run",
                           PURCHASING: "replayed from A's run"}
    hosts = (a.contract.regime == "iho", b.contract.regime == "iho")
    if hosts[0] and not hosts[1]:
        raise ValueError("decompose: arm A has a host provider and B has none; put the IHO arm second")
    invest = [f"{INVEST}:{name}" for name in lever_names()] if per_lever else [INVEST]
    for channel in invest:
        how[channel] = "replayed from A's run" if hosts[1] else "same in both arms (no host)"
    for channel, patterns in SCENARIO_CHANNELS.items():
        keys = [k for p in patterns for k in _keys(b, p)]
        how[channel] = "scenario keys" if any(_value(a, k) != _value(b, k) for k in keys) \
            else "same in both arms"
    active = [c for c, h in how.items() if not h.startswith("same")]
    return active, how


def off_overrides(a: Scenario, b: Scenario, off: frozenset[str]) -> dict[str, Any]:
    """Scenario overrides that give B's model A's values of the scenario channels that are off."""
    out: dict[str, Any] = {}
    for channel in off & set(SCENARIO_CHANNELS):
        for key in (k for p in SCENARIO_CHANNELS[channel] for k in _keys(b, p)):
            value = _value(a, key)
            out[key] = list(value) if isinstance(value, (list, tuple)) else value
    return out


def _record(job: tuple[str, int, dict[str, Any]]) -> tuple[pd.DataFrame, Trace]:
    """Run arm A at a seed, recording what its trust saw and its host and payer did."""
    scenario, seed, overrides = job
    model = HybridModel(scenario, seed=seed, **overrides)
    while model.running:
        model.step()
    return tables.annual(model), model.trace


def _hybrid(job: tuple[str, int, dict[str, Any], frozenset[str], Trace]) -> pd.DataFrame:
    """Run B's scenario at a seed with the channels in `off` switched to A's."""
    scenario, seed, overrides, off, replay = job
    model = HybridModel(scenario, replay=replay, off=off, seed=seed, **overrides)
    while model.running:
        model.step()
    return tables.annual(model)


def _run(func: Callable[[Any], Any], jobs: list[Any], workers: int, progress: Callable[[], None] | None) -> list[Any]:
    results: dict[int, Any] = {}
    index = {id(job): k for k, job in enumerate(jobs)}
    with interruptible():
        for job, outcome in run_jobs(func, jobs, workers, in_process=workers <= 1):
            if isinstance(outcome, BaseException):
                raise outcome
            results[index[id(job)]] = outcome
            if progress:
                progress()
    return [results[k] for k in range(len(jobs))]


def coalition_name(on: frozenset[str], active: list[str]) -> str:
    """A coalition as text: the channels on, in the channels' order ('none' when none is)."""
    return "+".join(c for c in active if c in on) or "none"


def run_coalitions(a_ref: str, b_ref: str, seeds: list[int], overrides: dict[str, Any], per_lever: bool = False,
                   workers: int = 1, progress: Callable[[int, int], None] | None = None) -> tuple[pd.DataFrame, ...]:
    """Run A at every seed, then B's model with every subset of the active channels switched on.

    Returns:
        `(a_runs, coalition_runs, how)`: A's annual rows; every coalition's annual rows with `replication` and
        `coalition` columns; and a one-column table of how each channel is switched (index: channel).
    """
    a, b = load_scenario(a_ref, overrides), load_scenario(b_ref, overrides)
    active, how = channels(a, b, per_lever)
    subsets = [frozenset(s) for r in range(len(active) + 1) for s in itertools.combinations(active, r)]
    total = len(seeds) * (1 + len(subsets))
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress:
            progress(done[0], total)

    recorded = _run(_record, [(a_ref, s, overrides) for s in seeds], workers, tick)
    jobs = [(b_ref, seed, {**overrides, **off_overrides(a, b, frozenset(active) - on)},
             frozenset(active) - on, trace)
            for seed, (_, trace) in zip(seeds, recorded, strict=True) for on in subsets]
    frames = _run(_hybrid, jobs, workers, tick)
    a_runs = pd.concat([r for r, _ in recorded], ignore_index=True)
    a_runs["replication"] = a_runs["seed"].map({s: k for k, s in enumerate(seeds)})
    for frame, job in zip(frames, jobs, strict=True):
        frame["replication"] = seeds.index(job[1])
        frame["coalition"] = coalition_name(frozenset(active) - job[3], active)
    runs = pd.concat(frames, ignore_index=True)
    return a_runs, runs, pd.DataFrame({"switched": how}).rename_axis("channel")


def shapley(values: dict[frozenset[str], np.ndarray], active: list[str]) -> dict[str, np.ndarray]:
    """Exact Shapley values of each channel, from the value of every coalition (arrays, elementwise)."""
    k = len(active)
    out = {}
    for channel in active:
        others = [c for c in active if c != channel]
        phi = np.zeros_like(next(iter(values.values())), dtype=float)
        for r in range(k):
            weight = math.factorial(r) * math.factorial(k - r - 1) / math.factorial(k)
            for s in itertools.combinations(others, r):
                base = frozenset(s)
                phi = phi + weight * (values[base | {channel}] - values[base])
        out[channel] = phi
    return out


def _periods(frame: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """Per replication: each year's metrics and their sum over all years (period 'all')."""
    per_year = frame.set_index(["replication", "year"])[metrics]
    whole = per_year.groupby(level="replication").sum()
    whole["year"] = "all"
    per_year = per_year.reset_index()
    per_year["year"] = per_year["year"].astype(int).astype(str)
    return pd.concat([per_year, whole.reset_index()], ignore_index=True).rename(columns={"year": "period"}) \
        .set_index(["period", "replication"]).sort_index()


def decompose(a_runs: pd.DataFrame, runs: pd.DataFrame, how: pd.DataFrame, label: str = "B") -> pd.DataFrame:
    """decomposition.csv: each channel's mean Shapley contribution to B - A, with the total and the residual.

    Args:
        a_runs: A's annual rows (`run_coalitions`).
        runs: Every coalition's annual rows (`run_coalitions`).
        how: How each channel is switched (`run_coalitions`).
        label: The arm's label in the `arm` column.

    Returns:
        Rows `arm, metric, period, channel, label, switched, contribution, lo, hi, total, residual`: one per
        channel (null channels with 0), then one `residual` row, per metric and period (each year and "all");
        the contributions of a metric and period add up to its `total`, B - A, exactly. lo and hi are the 95%
        t-interval over replications.
    """
    metrics = [c for c in a_runs.columns if c not in NOT_METRICS and pd.api.types.is_numeric_dtype(a_runs[c])]
    active = [c for c in how.index if not how.loc[c, "switched"].startswith("same")]
    everything = coalition_name(frozenset(active), active)
    values = {frozenset(c for c in active if c in name.split("+")): _periods(group, metrics)
              for name, group in runs.groupby("coalition")}
    ref = _periods(a_runs, metrics)
    whole = values[frozenset(active)]
    parts = shapley({k: v.to_numpy(float) for k, v in values.items()}, active) if active else {}
    total = (whole - ref).to_numpy(float)
    residual = total - sum(parts.values(), np.zeros_like(total))
    residual[np.abs(residual) <= 1e-9 * np.maximum(np.abs(total), 1.0)] = 0.0   # rounding error, not a residual
    rows = []
    index = whole.index
    for j, metric in enumerate(metrics):
        for period in index.get_level_values("period").unique():
            mask = index.get_level_values("period") == period
            t = mean_interval(total[mask, j])
            for channel in [*how.index, RESIDUAL]:
                if channel == RESIDUAL:
                    sample, switched = residual[mask, j], "not a channel: B - A minus the channels"
                elif channel in parts:
                    sample, switched = parts[channel][mask, j], how.loc[channel, "switched"]
                else:
                    sample, switched = np.zeros(int(mask.sum())), how.loc[channel, "switched"]
                mean, lo, hi = mean_interval(sample)
                rows.append({"arm": label, "metric": metric, "period": period, "channel": channel,
                             "label": channel_label(channel), "switched": switched, "contribution": mean,
                             "lo": lo, "hi": hi, "total": t[0], "residual": float(residual[mask, j].mean())})
    out = pd.DataFrame(rows)
    out.attrs["all_on"] = everything
    return out


def waterfall(table: pd.DataFrame, a: str, b: str, metrics: tuple[str, ...] = WATERFALL) -> Any:
    """decomposition.png: per metric, over all years, each channel's part of B - A stacked up to the total."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ihoabm.outputs import catalogue

    shown = [m for m in metrics if m in set(table["metric"])]
    fig, axes = plt.subplots(len(shown), 1, figsize=(8, 2.6 * len(shown)), squeeze=False)
    for ax, metric in zip(axes[:, 0], shown, strict=True):
        rows = table[(table["metric"] == metric) & (table["period"] == "all")]
        names, parts = list(rows["label"]), rows["contribution"].to_numpy(float)
        total = float(rows["total"].iloc[0])
        starts = np.concatenate([[0.0], np.cumsum(parts)[:-1]])
        colours = ["tab:green" if (p < 0) == (catalogue.BETTER.get(metric, -1) < 0) else "tab:red" for p in parts]
        ax.barh(range(len(parts)), parts, left=starts, color=colours)
        ax.errorbar(starts + parts, range(len(parts)), xerr=np.abs(np.vstack([parts - rows["lo"], rows["hi"] - parts])),
                    fmt="none", ecolor="0.3", capsize=2, lw=0.8)
        ax.barh(len(parts), total, color="0.35")
        ax.set_yticks(range(len(parts) + 1), [*names, f"Total: {b} - {a}"], fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="0.5", lw=0.8)
        ax.set_title(f"{catalogue.axis(metric)}, all years", fontsize=9)
    fig.suptitle(f"Where the difference comes from: Shapley values over channels, {b} vs {a}\n"
                 "(green: better, red: worse; whiskers: 95% interval over replications)", fontsize=9)
    fig.tight_layout()
    return fig


def summary_table(table: pd.DataFrame, a: str, b: str, replications: int, runs_each: int) -> Any:
    """The command line's table: each channel's part of B - A over all years, for the headline metrics."""
    from rich.table import Table

    from ihoabm.outputs import catalogue

    rows = table[table["period"] == "all"]
    metrics = [m for m in WATERFALL if m in set(rows["metric"])]
    out = Table(title=f"{b} minus {a}, all years: Shapley contribution of each channel (95% interval), "
                      f"{replications} replications x {runs_each} runs",
                caption="Parts add up to the total exactly; the residual is the contract's money flows, which no "
                        "channel carries. 'same in both arms' channels are 0 by construction. See decomposition.csv.")
    out.add_column("channel")
    for metric in metrics:
        out.add_column(catalogue.axis(metric), justify="right")

    def cell(r: pd.Series) -> str:
        fmt = "{:+,.1f}" if abs(r["contribution"]) < 100 else "{:+,.0f}"
        ci = f" ({fmt.format(r['lo'])} to {fmt.format(r['hi'])})" if np.isfinite(r["lo"]) and r["lo"] != r["hi"] else ""
        return fmt.format(r["contribution"]) + ci

    for channel in rows["channel"].unique():
        sel = rows[rows["channel"] == channel].set_index("metric")
        out.add_row(str(sel["label"].iloc[0]), *(cell(sel.loc[m]) for m in metrics))
    totals = rows.groupby("metric")["total"].first()
    out.add_row("Total (B - A)", *(f"{totals[m]:+,.1f}" for m in metrics))
    return out
