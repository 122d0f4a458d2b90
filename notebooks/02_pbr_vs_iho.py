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
# # 2. Payment by Results versus an IHO: a fair comparison
#
# This is the main question of the project. The **same** simulated population is run twice:
#
# * **baseline**: Payment by Results for the acute trust, a block for community services;
# * **iho_invest_to_save**: the ICB gives one host provider a need-weighted capitated budget for the whole
#   population. The host sub-contracts the acute trust (cost plus a margin), community services, GPs and
#   ambulance, and decides each quarter how much to invest in community capacity, GP proactive care and
#   prevention. For the first years of the contract the ICB also pays a premium on community activity.
#
# Nothing in the model says "an IHO reduces admissions". Patients' health never looks at the payment regime.
# Any difference has to come from providers reacting to the money and capacity they see.
#
# **Learning objectives.** By the end you will be able to:
#
# 1. explain why one run of each scenario is not enough, and what "noise" means in a simulation;
# 2. explain **common random numbers**: why running both scenarios with the same seeds makes the comparison
#    fairer and sharper;
# 3. read a mean paired difference and its **95% interval**, year by year;
# 4. trace a difference back to the mechanism that produced it (who changed behaviour, and why);
# 5. tell apart "the interval excludes zero" and "the difference matters for a system".

# %% [markdown]
# ## Predict before you run
#
# Write your answers on the handout first.
#
# 1. In the **first year** of the IHO contract, do emergency admissions go up, down or stay the same? By
#    roughly what percentage?
# 2. By the **last year** shown, is the effect bigger or smaller than in year 1?
# 3. Does **total spending** go up or down in year 1? And later?
# 4. Which provider gains money and which loses, compared with PbR?
# 5. Is anything likely to get **worse** under the IHO?

# %% [markdown]
# ## Set-up

# %%
import os

import pandas as pd

from ihoabm.outputs import plots
from ihoabm.experiments.compare import paired_differences, replicate
from ihoabm.experiments.run import run

# %matplotlib inline

FAST = os.environ.get("IHOABM_FAST") == "1"
PATIENTS = 10_000 if FAST else 20_000
YEARS = 3 if FAST else 5
SEEDS = [1, 2] if FAST else [1, 2, 3, 4]
A, B = "baseline", "iho_invest_to_save"
SIZE = {"run.patients": PATIENTS, "run.years": YEARS}
pd.set_option("display.width", 160)
print(f"{len(SEEDS)} replications of each scenario, {PATIENTS:,} residents, {YEARS} reported years")

# %% [markdown]
# ## Step 1: one run of each
#
# The simplest comparison: run each scenario once and subtract. We also run the baseline a second time with a
# different seed. The seed fixes the chance events: who is born, who falls ill, who calls 999 on which day.

# %%
base_1 = run(A, **SIZE, **{"run.seed": 1}).annual.set_index("year")
iho_1 = run(B, **SIZE, **{"run.seed": 1}).annual.set_index("year")
base_2 = run(A, **SIZE, **{"run.seed": 2}).annual.set_index("year")

first_look = pd.DataFrame({
    "baseline, seed 1": base_1["nel_admissions"],
    "IHO, seed 1": iho_1["nel_admissions"],
    "IHO minus baseline (same seed)": iho_1["nel_admissions"] - base_1["nel_admissions"],
    "baseline seed 2 minus seed 1 (no policy change)": base_2["nel_admissions"] - base_1["nel_admissions"],
})
first_look

# %% [markdown]
# Look at the last column. Nothing changed except luck, yet the number of emergency admissions moved. That is
# **noise**: the size of difference you can get from chance alone. If you compared the IHO run with seed 2
# against the baseline run with seed 1, you would mix the policy effect with that noise.
#
# In this model each random process (deaths, crises, triage, length of stay, ...) draws from its own stream
# of random numbers, all started from the seed. Two scenarios run with the **same seed** start with the same
# population and meet the same chance events, so their difference is mostly the policy. This is called
# **common random numbers**: like testing two treatments on identical twins.

# %% [markdown]
# ## Step 2: replications and the paired difference
#
# One pair of twins is still one pair. We run several **replications** (seeds), each with both scenarios,
# take the difference within each pair, and average. The 95% interval says how much that average could move
# if we ran more replications.

# %%
runs = replicate([A, B], seeds=SEEDS, overrides=SIZE, workers=1)
comp = paired_differences(runs, A, B)
comp.head()

# %% [markdown]
# Each row is one measure in one year: the mean under A and B, the mean paired difference (B minus A), its
# 95% interval (`diff_lo` to `diff_hi`) and the difference as a percentage of A. Below, the key measures by
# year as "difference (interval)". An interval that does not include zero is marked with `*`.

# %%
KEY = ["nel_admissions", "conveyances", "ae_attendances", "bed_days", "community_contacts", "spend_total",
       "acute_surplus", "host_surplus", "waiting_list_end"]


def label(row):
    """A difference and its interval as text; '*' when the interval excludes zero."""
    star = "*" if row["diff_lo"] > 0 or row["diff_hi"] < 0 else ""
    return f"{row['diff']:+,.0f} ({row['diff_lo']:+,.0f} to {row['diff_hi']:+,.0f}){star}"


key = comp[comp["metric"].isin(KEY)].copy()
key["difference (95% interval)"] = key.apply(label, axis=1)
key.pivot(index="metric", columns="year", values="difference (95% interval)").reindex(KEY)

# %% [markdown]
# The same differences as a percentage of the baseline. Surpluses are left out: a percentage of a surplus
# close to zero means little.

# %%
SHARES = [m for m in KEY if not m.endswith("_surplus")]
pct = key.pivot(index="metric", columns="year", values="pct_diff").reindex(SHARES).round(1)
pct.columns = [f"year {y} (%)" for y in pct.columns]
pct

# %% [markdown]
# The chart shows the same paired differences as a trajectory: the line is the mean difference, the band its
# 95% interval, and the grey line is "no difference".

# %%
plots.comparison(comp, A, B)

# %% [markdown]
# ## Step 3: what did pairing buy us?
#
# For the last year, compare the spread of the **paired** differences with the spread you would face if the
# two scenarios had been run with unrelated random numbers (the two scenarios' own spreads combined). The
# smaller the spread, the fewer replications you need to see an effect of a given size.

# %%
last = runs["year"].max()
per_rep = runs[runs["year"] == last].pivot(index="replication", columns="scenario", values="nel_admissions")
spread = pd.Series({
    "spread of paired differences (SD)": (per_rep[B] - per_rep[A]).std(),
    "spread if unpaired (SD, combined)": (per_rep[A].var() + per_rep[B].var()) ** 0.5,
})
spread.round(1).to_frame(f"emergency admissions, year {last}")

# %% [markdown]
# ## Step 4: what does the difference mean?
#
# A number is not an explanation. Use the table below to trace **how** the difference arose. Some questions
# to work through in your group:
#
# * **Discretionary admissions.** `nel_marginal_admissions` counts patients admitted whose need was on the
#   margin, where the acute trust's own readiness to admit decides. How does it move? Under the IHO the acute
#   trust is paid its costs plus a margin, not tariff per admission. What does one more short-stay admission
#   earn it now?
# * **Community capacity.** Do `community_contacts` and `spend_community` move, and in which years? The host
#   invests only where it expects a return within its planning horizon.
# * **Who gains, who loses.** Compare `acute_surplus` and `host_surplus`. The host holds the budget and the
#   risk: is it in surplus or deficit, and in which years?
# * **Side effects.** What happens to the elective `waiting_list_end`? A host under financial pressure may buy
#   less planned care.

# %%
MECHANISM = ["nel_marginal_admissions", "nel_admissions", "vw_step_up", "community_contacts",
             "caseload_size", "spend_acute", "spend_community", "spend_prevention", "acute_surplus",
             "host_surplus", "elective_admissions", "waiting_list_end"]
mech = comp[comp["metric"].isin(MECHANISM)]
mech.pivot(index="metric", columns="year", values="diff").reindex(MECHANISM).round(0)

# %% [markdown]
# ### Statistically clear is not the same as important
#
# With enough replications almost any difference gets an interval that excludes zero. Ask instead:
#
# * Is the difference **big enough to matter** to a system (beds, staff, money)? Use the percentage table.
# * Is it **robust**: does it survive changes to the assumptions? (Notebook 4.)
# * Is the **mechanism** believable? The interval tells you how sure we are about *this model's* answer, not
#   whether the model is right about the world.

# %% [markdown]
# ## Try it yourself
#
# * Change `B` in the set-up cell to `"iho_lead_provider"` (no invest-to-save premium, and a shorter host
#   planning horizon) and run the notebook again. What changes?
# * The same comparison runs from a terminal: `ihoabm compare` (or `ihoabm compare baseline iho_alliance`). It
#   writes `comparison.csv`, `runs.csv` and `comparison.png` to `out/compare/`.
# * In the web app (`ihoabm app`, then the **compare** page) you can set up the same pair and watch both runs.

# %% [markdown]
# ## Check your predictions
#
# Compare your answers from the start with the tables. Where were you surprised? Can you say which
# mechanism explains the surprise?

# %% [markdown]
# ## Discussion questions
#
# 1. The edge-of-admission patients are the ones whose care depends on incentives. In your own system, who are
#    they, and how many admissions could honestly be called discretionary?
# 2. Under the IHO, the acute trust's income stops rising with admissions. Does that remove the "threat to
#    the bottom line" described in De Santis (Edge Health), “IHOs: Another NHS rebrand?”, or move it somewhere else?
# 3. If the host ends a year in deficit, who pays? Look at how the risk-share corridor works in `docs/ODD.md`.
# 4. A board member says "the model proves IHOs cut admissions by X%". What would you say back?
# 5. What would you need to see, in the model and in the real world, before trusting the direction of the
#    effect? Before trusting its size?
