# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -all
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 4. Uncertainty: replications, sweeps and sensitivity
#
# A simulation gives a different answer every time the dice fall differently, and its answer depends on
# assumptions nobody can measure exactly. This notebook is about how sure we can be, and of what.
#
# There are two kinds of uncertainty here, and they need different tools:
#
# * **chance** (which patients fall ill on which day): handled with **replications**, runs with different
#   seeds, and 95% intervals;
# * **assumptions** (how much a district nursing caseload lowers the risk of a crisis, how strongly the acute
#   trust reacts to its margin, ...): handled with **sweeps** and **sensitivity analysis**, running the model
#   over a range of values and seeing which ones change the answer.
#
# **Learning objectives.** By the end you will be able to:
#
# 1. say why more replications give narrower intervals, and roughly how many more you need to halve the width;
# 2. run a small parameter sweep and read its summary tables and charts;
# 3. run a one-at-a-time sensitivity analysis and read a tornado chart;
# 4. read a 95% interval correctly, and say what it does **not** tell you.

# %% [markdown]
# ## Predict before you run
#
# 1. Going from 2 to 8 replications, how much narrower does the 95% interval get: a quarter, a half, or more?
# 2. Under Payment by Results, do places that fund community services more generously have fewer emergency
#    admissions? Does the IHO's effect get bigger or smaller where community funding starts low?
# 3. Of these assumptions, which do you think matters most for the IHO's effect on emergency admissions:
#    how much a caseload lowers crisis risk, how strongly the acute trust follows its margin, or how often a
#    free virtual-ward place replaces a marginal admission?

# %% [markdown]
# ## Set-up
#
# All runs in this notebook use the same size so that results can be reused and paired across sections.

# %%
import os
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from ihoabm.experiments.compare import paired_differences, replicate
from ihoabm.experiments.sweep import load_sweep, run_sweep, summarise
from ihoabm.experiments.sweep.plots import fan

# %matplotlib inline

FAST = os.environ.get("IHOABM_FAST") == "1"
PATIENTS = 10_000
YEARS = 2 if FAST else 3
SEEDS = [1, 2, 3, 4] if FAST else [1, 2, 3, 4, 5, 6, 7, 8]
A, B = "pbr_2004", "iho_invest_to_save"
SIZE = {"run.patients": PATIENTS, "run.years": YEARS}
pd.set_option("display.width", 160)
print(f"{PATIENTS:,} residents, {YEARS} reported years, up to {len(SEEDS)} replications")

# %% [markdown]
# ## Part 1: replications and the width of an interval
#
# We run both scenarios with every seed once, then work out the paired difference in emergency admissions
# using the first 2, then 4, then all the replications.

# %%
runs = replicate([A, B], seeds=SEEDS, overrides=SIZE, workers=1)
counts = [n for n in (2, 4, 8) if n <= len(SEEDS)]
rows = []
for n in counts:
    subset = runs[runs["replication"] < n]
    comp = paired_differences(subset, A, B)
    for metric in ("nel_admissions", "spend_total"):
        r = comp[(comp["metric"] == metric) & (comp["year"] == YEARS)].iloc[0]
        rows.append({"replications": n, "metric": metric, "mean difference": r["diff"],
                     "interval low": r["diff_lo"], "interval high": r["diff_hi"],
                     "interval width": r["diff_hi"] - r["diff_lo"]})
widths = pd.DataFrame(rows)
widths.round(0)

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
for ax, (metric, df) in zip(axes, widths.groupby("metric"), strict=True):
    below = df["mean difference"] - df["interval low"]
    above = df["interval high"] - df["mean difference"]
    ax.errorbar(df["replications"], df["mean difference"], yerr=[below, above], fmt="o", capsize=5,
                color="#2c3e50")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks(counts)
    ax.set_xlabel("replications")
    ax.set_title(f"{B} minus {A}: {metric.replace('_', ' ')}, year {YEARS}", fontsize=9)
fig.tight_layout()

# %% [markdown]
# **Reading it.** With only 2 replications the interval is very wide: with so little data the method has to
# allow for a lot of uncertainty about the spread itself. After that, the width shrinks roughly with the
# square root of the number of replications: four times as many runs for half the width. Pairing (common
# random numbers, notebook 2) is what keeps the number of runs needed small.

# %% [markdown]
# ## Part 2: a small sweep
#
# A **sweep** runs the model over a set of parameter values. Here we vary community funding per head and run
# each value under Payment by Results and under the IHO: two **arms** sharing the same seeds. This connects to
# the NHS Confederation finding quoted in De Santis (Edge Health), “IHOs: Another NHS rebrand?”: systems that spend more on community
# care have lower emergency admission and conveyance rates.
#
# A sweep can be written as a TOML file (see the examples in `ihoabm/scenario/builtin/sweeps/` and the
# `ihoabm sweep` command) or, as here, as a Python dictionary with the same tables.

# %%
FUNDING = [130.0, 260.0] if FAST else [130.0, 190.0, 260.0]
sweep = {
    "sweep": {"name": "community_funding", "scenario": A, "seed": 1, "replications": 2,
              "overrides": SIZE, "format": "csv",
              "question": "Does community funding change admissions, and does it change the IHO's effect?"},
    "design": {"method": "grid"},
    "parameters": [{"name": "community.funding_per_head", "values": FUNDING}],
    "arms": [{"name": "pbr", "scenario": A}, {"name": "iho", "scenario": B}],
    "report": {"metrics": ["nel_admissions", "conveyances", "spend_total", "community_contacts"]},
}
spec = load_sweep(sweep)
OUT = Path(tempfile.mkdtemp(prefix="ihoabm_sweep_"))
results = run_sweep(spec, OUT, workers=1, backend="serial")
print(f"{results['run_id'].nunique()} runs saved in {OUT}")
results.head()

# %% [markdown]
# `summarise` reads the sweep's folder and returns summary tables (it also writes them as CSV, with charts,
# into the folder). The `points` table gives, for every arm, parameter value, year and measure, the mean over
# replications and its 95% interval.

# %%
tables = summarise(OUT)
print("Tables:", ", ".join(tables))
points = tables["points"]
last = points[(points["year"] == points["year"].max()) & (points["metric"] == "nel_admissions")]
last

# %%
fig, ax = plt.subplots(figsize=(6, 4))
for arm, df in last.groupby("arm"):
    df = df.sort_values("community.funding_per_head")
    ax.errorbar(df["community.funding_per_head"], df["mean"],
                yerr=[df["mean"] - df["lo"], df["hi"] - df["mean"]], marker="o", capsize=4, label=arm)
ax.set_xlabel("community funding, GBP per head a year")
ax.set_ylabel("emergency admissions in the last year")
ax.set_title("Emergency admissions by community funding")
ax.legend()
fig.tight_layout()

# %% [markdown]
# The fan chart shows every run of each arm over time: the line is the median, the bands hold half and nine
# tenths of the runs. Here the bands mix **chance** and the **swept parameter**, so they are wide.

# %%
fan(results, "nel_admissions")

# %% [markdown]
# *Discussion:* the two arms' intervals may overlap even where the paired difference between them is clear.
# Overlapping intervals of two separate means are **not** a test of their difference; the paired difference
# (notebook 2) is.

# %% [markdown]
# ## Part 3: one-at-a-time sensitivity analysis
#
# Which assumptions does the IHO's effect depend on? We set one uncertain parameter at a time to a low and a
# high value (keeping the others at their defaults), rerun both scenarios with the same seeds, and see how
# far the effect on emergency admissions (summed over all reported years) moves. The defaults and the reasons
# for them are in `docs/ODD.md`; the ranges here are illustrative, chosen for teaching.

# %%
SENSITIVITY = {
    "health.caseload_crisis_rr": (0.6, 0.9),
    "acute.margin_sensitivity": (1.0, 3.0),
    "acute.vw_substitution": (0.3, 0.9),
}
if FAST:
    SENSITIVITY = dict(list(SENSITIVITY.items())[:2])
SENS_SEEDS = SEEDS[:2]


def effect_on_admissions(frame):
    """IHO minus baseline in emergency admissions over all reported years: mean and 95% interval."""
    frame = frame.sort_values(["scenario", "replication", "year"]).copy()
    frame["nel_admissions_to_date"] = frame.groupby(["scenario", "replication"])["nel_admissions"].cumsum()
    comp = paired_differences(frame, A, B)
    r = comp[(comp["metric"] == "nel_admissions_to_date") & (comp["year"] == YEARS)].iloc[0]
    return r["diff"], r["diff_lo"], r["diff_hi"]


central = effect_on_admissions(runs[runs["replication"] < len(SENS_SEEDS)])
rows = []
for name, (low, high) in SENSITIVITY.items():
    for level, value in (("low", low), ("high", high)):
        variant = replicate([A, B], seeds=SENS_SEEDS, overrides={**SIZE, name: value}, workers=1)
        diff, lo, hi = effect_on_admissions(variant)
        rows.append({"parameter": name, "level": level, "value": value, "effect": diff,
                     "95% interval": f"{lo:+.0f} to {hi:+.0f}"})
sens = pd.DataFrame(rows)
print(f"Central estimate of the IHO effect on emergency admissions over {YEARS} years: {central[0]:+.0f} "
      f"(95% interval {central[1]:+.0f} to {central[2]:+.0f})")
sens.round(2)

# %%
swing = sens.pivot(index="parameter", columns="level", values="effect")
swing = swing.reindex((swing["high"] - swing["low"]).abs().sort_values().index)
fig, ax = plt.subplots(figsize=(8, 3.5))
y = range(len(swing))
ax.barh(y, swing["low"] - central[0], left=central[0], color="#2c7fb8", label="parameter low")
ax.barh(y, swing["high"] - central[0], left=central[0], color="#d95f0e", alpha=0.8, label="parameter high")
ax.axvline(central[0], color="black", lw=0.8)
ax.axvline(0, color="grey", lw=0.8, ls="--")
ax.set_yticks(list(y), swing.index)
ax.set_xlabel(f"IHO effect on emergency admissions, summed over {YEARS} years")
ax.set_title("Tornado chart: how far each assumption moves the answer")
ax.legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# **Reading it.** The longest bar is the assumption the answer is most sensitive to. If a plausible value of
# a parameter pushes the effect across the dashed zero line, the **direction** of the effect depends on that
# assumption, and no number of replications can fix that: only better evidence about the parameter can.
#
# One-at-a-time analysis misses interactions (two assumptions that matter only together). The sweeps package
# also offers Morris screening and Sobol indices for that (`design.method = "morris"` or `"sobol"`); try the
# shipped example with `ihoabm sweep` when you have more time.

# %% [markdown]
# ## Reading intervals: a checklist
#
# * A 95% interval here describes uncertainty from **chance within the model**: it would shrink to nothing
#   with enough runs. It says nothing about whether the model's assumptions are right.
# * An interval that excludes zero says the model's answer is **not noise**. It does not say the effect is
#   large, important or true of the real world.
# * Compare scenarios with **paired** differences, not by eyeballing whether two intervals overlap.
# * Ask what the answer is **sensitive to**, and whether those parameters rest on evidence or on assumption
#   (the ODD lists which is which).

# %% [markdown]
# ## Check your predictions
#
# How much did the interval narrow? Which assumption came out on top of the tornado chart: the one you
# expected?

# %% [markdown]
# ## Discussion questions
#
# 1. A business case quotes "a 5% reduction in admissions (95% CI 3% to 7%)" from a simulation. What two
#    questions would you ask before relying on it?
# 2. The most influential assumption in the tornado chart: what real-world evidence could pin it down? Who
#    holds that evidence locally?
# 3. The sweep varies community funding under both payment systems. What does the pattern say about whether
#    it is the **money** for community services or the **contract** that matters?
# 4. When is a wide interval a reason to run more replications, and when is it a reason to stop and collect
#    data instead?
