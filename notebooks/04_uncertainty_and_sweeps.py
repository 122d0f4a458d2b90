# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
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
# 1. say why more replications give narrower intervals, and why the first few extra runs narrow them most;
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
# All runs in this notebook use the same size (10,000 residents, three contract years), so results can be
# reused and paired across sections. This is the workshop size and the size the automatic tests run. Files go
# to `workshop_output/` inside the project folder.

# %%
import pandas as pd

from ihoabm.experiments.compare import replicate
from ihoabm.experiments.sweep import load_sweep, run_sweep, summarise
from ihoabm.experiments.sweep.plots import fan
from ihoabm.outputs import workshop as ws

# %matplotlib inline

PATIENTS, YEARS, SEEDS = 10_000, 3, [1, 2, 3, 4, 5, 6, 7, 8]
A, B = "pbr_2004", "iho_invest_to_save"
SIZE = {"run.patients": PATIENTS, "run.years": YEARS}
pd.set_option("display.width", 160)
print(f"{PATIENTS:,} residents, {YEARS} contract years, up to {len(SEEDS)} replications")

# %% [markdown]
# ## Part 1: replications and the width of an interval
#
# We run both scenarios with every seed once, then work out the paired difference in the last year using the
# first 2, then 4, then all 8 replications.

# %%
runs = replicate([A, B], seeds=SEEDS, overrides=SIZE)
widths = ws.interval_widths(runs, A, B, ["nel_admissions", "spend_total"], YEARS, [2, 4, 8])
widths

# %%
ws.widths_figure(widths, f"{B} minus {A}, year {YEARS}: the interval as replications are added")

# %%
ratio = widths.pivot(index="replications", columns="measure", values="interval width")
narrowing = pd.DataFrame({"2 to 8 replications": ratio.loc[2] / ratio.loc[8],
                          "4 to 8 replications": ratio.loc[4] / ratio.loc[8]}).round(1)
narrowing.columns.name = "how many times narrower"
narrowing

# %% [markdown]
# **Reading it.** Going from 2 to 8 replications narrows the interval **far more than the square-root rule's
# factor of two**: many times over. With only 2 replications the method has to allow for a lot of
# uncertainty about the spread itself, so it multiplies the standard error by 12.7 (Student's t with one degree
# of freedom) against 2.4 with 8 replications. From 4 to 8 replications the narrowing is much smaller, closer to
# the square-root rule (four times the runs for half the width) that applies once there are a handful of runs.
# Pairing (common random numbers, notebook 2) is what keeps the number of runs needed small.

# %% tags=["remove-input"]
assert (narrowing["2 to 8 replications"] > 4).all(), narrowing
assert (narrowing["4 to 8 replications"] < narrowing["2 to 8 replications"] / 2).all(), narrowing
print("Times narrower from 2 to 8 replications:", narrowing["2 to 8 replications"].to_dict(),
      "| from 4 to 8:", narrowing["4 to 8 replications"].to_dict())

# %% [markdown]
# ## Part 2: a small sweep
#
# A **sweep** runs the model over a set of parameter values. Here we vary community funding per head and run
# each value under Payment by Results and under the IHO: two **arms** sharing the same seeds. This connects to
# the NHS Confederation finding quoted by De Santis (Edge Health): systems that spend more on community care
# have lower emergency admission and conveyance rates. Does the model show it?
#
# A sweep can be written as a TOML file (see `ihoabm/scenario/builtin/sweeps/` and the `ihoabm sweep` command)
# or, as here, as a Python dictionary with the same tables. Its files go to `workshop_output/` in the project
# folder; running the cell again reuses the runs already there.

# %%
FUNDING = [130.0, 190.0, 260.0]
sweep = {
    "sweep": {"name": "community_funding", "scenario": A, "seed": 1, "replications": 2,
              "overrides": SIZE, "format": "csv",
              "question": "Does community funding change admissions, and does it change the IHO's effect?"},
    "design": {"method": "grid"},
    "parameters": [{"name": "community.funding_per_head", "values": FUNDING}],
    "arms": [{"name": "pbr", "scenario": A}, {"name": "iho", "scenario": B}],
    "report": {"metrics": ["nel_admissions", "conveyances", "spend_total", "community_contacts"]},
}
OUT = ws.output_folder("04_community_funding_sweep")
results = run_sweep(load_sweep(sweep), OUT, workers=1, backend="serial", resume=OUT.exists())
points = summarise(OUT)["points"]
print(f"{results['run_id'].nunique()} runs, saved in {OUT}")

# %%
ws.sweep_figure(points, "community.funding_per_head", "nel_admissions", "Community funding, GBP per head a year")

# %%
last = points[(points["year"] == YEARS) & (points["metric"].isin(["nel_admissions", "conveyances"]))]
last.pivot_table(index=["metric", "arm"], columns="community.funding_per_head", values="mean").round(0)

# %% [markdown]
# **What the model shows.** In the last year, under PbR, emergency admissions do **not** fall steadily with
# community funding: the three funding levels give about the same number, and with two replications a point the
# intervals overlap widely. This small sweep cannot show the association the NHS Confederation reports for
# admissions. Conveyances do fall as funding rises, on average, under both payment systems. At every funding
# level the IHO has fewer emergency admissions than PbR on average.

# %% tags=["remove-input"]
means = last.pivot_table(index=["metric", "arm"], columns="community.funding_per_head", values="mean")
pbr_adm, iho_adm = means.loc[("nel_admissions", "pbr")], means.loc[("nel_admissions", "iho")]
assert pbr_adm.max() - pbr_adm.min() < 0.1 * pbr_adm.mean() and not pbr_adm.is_monotonic_decreasing, pbr_adm
for arm in ("pbr", "iho"):
    assert means.loc[("conveyances", arm)].is_monotonic_decreasing, means.loc[("conveyances", arm)]
assert (iho_adm < pbr_adm).all(), means
pbr_points = last[(last["metric"] == "nel_admissions") & (last["arm"] == "pbr")]
assert pbr_points["lo"].max() < pbr_points["hi"].min(), "PbR's three intervals no longer overlap"
print("Emergency admissions in the last year, mean by funding:", means.loc["nel_admissions"].round(0).to_dict("index"))

# %% [markdown]
# The fan chart shows every run of each arm over time: the line is the median, the bands hold half and nine
# tenths of the runs.

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
# far the effect on emergency admissions (summed over all contract years) moves. The defaults and the reasons
# for them are in `docs/ODD.md`; the ranges here are illustrative, chosen for teaching.

# %%
SENSITIVITY = {
    "health.caseload_crisis_rr": (0.6, 0.9),
    "acute.margin_sensitivity": (1.0, 3.0),
    "acute.vw_substitution": (0.3, 0.9),
}
SENS_SEEDS = SEEDS[:2]
central = ws.effect(runs[runs["replication"] < len(SENS_SEEDS)], A, B, "nel_admissions")
rows = []
for name, (low, high) in SENSITIVITY.items():
    for level, value in (("low", low), ("high", high)):
        variant = replicate([A, B], seeds=SENS_SEEDS, overrides={**SIZE, name: value})
        e = ws.effect(variant, A, B, "nel_admissions")
        rows.append({"parameter": name, "level": level, "value": value, "effect": e.mean,
                     "95% interval": f"{e.lo:+.0f} to {e.hi:+.0f}"})
sens = pd.DataFrame(rows)
print(f"Central estimate of the IHO effect on emergency admissions over {YEARS} years: {central.text()}")
sens.round(2)

# %%
ws.tornado(sens, central, f"IHO effect on emergency admissions, summed over {YEARS} years")

# %% [markdown]
# **Reading it.** The longest bar is the assumption the answer is most sensitive to: here how strongly the acute
# trust's readiness to admit follows its margin (`acute.margin_sensitivity`), which moves the effect most. None
# of the three pushes the mean effect across the dashed zero line, but with two replications each the intervals
# are wide, and the central estimate's includes zero. If a plausible value of a parameter pushes the effect
# across the dashed zero line, the **direction** of the effect depends on that assumption, and no number of replications can fix that:
# only better evidence about the parameter can.
#
# One-at-a-time analysis misses interactions (two assumptions that matter only together). The sweeps package
# also offers Morris screening and Sobol indices for that (`design.method = "morris"` or `"sobol"`); try the
# shipped example with `ihoabm sweep` when you have more time.

# %% tags=["remove-input"]
swing = sens.pivot(index="parameter", columns="level", values="effect")
top = (swing["high"] - swing["low"]).abs().idxmax()
assert top == "acute.margin_sensitivity" and (sens["effect"] < 0).all() and not central.clear, (swing, central)
print(f"Most influential: {top}; effects from {sens['effect'].min():+.0f} to {sens['effect'].max():+.0f}")

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
