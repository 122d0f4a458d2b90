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
# # 2. PbR, today's payment and an IHO: a fair comparison
#
# This is the main question of the project. The **same** simulated population is run three times:
#
# * **pbr_2004**: Payment by Results as it began in 2003/04. The acute trust is paid the national tariff, the
#   full price, for every spell; community services are paid a block. This is the calibrated reference.
# * **api_today**: the rules in force now (aligned payment and incentive, NHS Payment Scheme). A fixed sum, set
#   from last year's activity, pays for emergency care; planned care is still paid per unit.
# * **iho_invest_to_save**: the ICB gives one host provider a need-weighted capitated budget for the whole
#   population. The host sub-contracts the acute trust (cost plus a margin), community services, GPs and
#   ambulance, and decides each quarter how much to invest in community capacity, GP proactive care and
#   prevention. For the first years of the contract the ICB also pays a premium on community activity.
#
# Why two comparators? No English ICB has paid full tariff for every emergency admission for fifteen years.
# Measuring an IHO only against `pbr_2004` shows what it changes compared with what PbR was; measuring it
# against `api_today` shows what it would change compared with what is in force now. Whether the two answers
# agree is one of the things this notebook finds out.
#
# Nothing in the model says "an IHO reduces admissions". Patients' health never looks at the payment regime.
# Any difference has to come from providers reacting to the money and capacity they see.
#
# **Learning objectives.** By the end you will be able to:
#
# 1. explain why one run of each scenario is not enough, and what "noise" means in a simulation;
# 2. explain **common random numbers**: why running every scenario with the same seeds makes the comparison
#    fairer and sharper;
# 3. read a mean paired difference and its **95% interval**, year by year;
# 4. say how the answer depends on the **comparator**: the IHO against PbR as it was, and against today's rules;
# 5. trace a difference back to the mechanism that produced it (who changed behaviour, and why);
# 6. tell apart "the interval excludes zero" and "the difference matters for a system".

# %% [markdown]
# ## Predict before you run
#
# Write your answers on the handout first.
#
# 1. In the **first year** of the IHO contract, do emergency admissions go up, down or stay the same compared
#    with PbR (`pbr_2004`)? By roughly what percentage?
# 2. By the **last year** shown, is the effect bigger or smaller than in year 1?
# 3. Does **total spending** go up or down in year 1? And later?
# 4. Which provider gains money and which loses, compared with PbR?
# 5. Is anything likely to get **worse** under the IHO?
# 6. Compared with **today's rules** (`api_today`) instead of PbR, is the IHO's effect on emergency admissions
#    bigger, smaller or about the same?

# %% [markdown]
# ## Set-up
#
# `COMPARATORS` are the payment systems the IHO is measured against; `IHO` is the scenario measured. The same
# choice is offered by the command line (`ihoabm compare`) and the app's comparison page.

# %%
import os

import numpy as np
import pandas as pd

from ihoabm.experiments.compare import arm_differences, paired_differences, replicate
from ihoabm.experiments.run import run
from ihoabm.outputs import plots

# %matplotlib inline

FAST = os.environ.get("IHOABM_FAST") == "1"
PATIENTS = 10_000 if FAST else 20_000
YEARS = 3 if FAST else 5
SEEDS = [1, 2] if FAST else [1, 2, 3, 4]
COMPARATORS = ["pbr_2004", "api_today"]   # PbR as it was, and the payment rules in force now
IHO = "iho_invest_to_save"
ARMS = [*COMPARATORS, IHO]                # every arm runs on every seed
A, B = COMPARATORS[0], IHO                # for the first look: PbR and the IHO
SIZE = {"run.patients": PATIENTS, "run.years": YEARS}
pd.set_option("display.width", 160)
print(f"{len(SEEDS)} replications of {', '.join(ARMS)}: {PATIENTS:,} residents, {YEARS} reported years")

# %% [markdown]
# ## Step 1: one run of each
#
# The simplest comparison: run PbR and the IHO once each and subtract. We also run PbR a second time with a
# different seed. The seed fixes the chance events: who is born, who falls ill, who calls 999 on which day.

# %%
base_1 = run(A, **SIZE, **{"run.seed": 1}).annual.set_index("year")
iho_1 = run(B, **SIZE, **{"run.seed": 1}).annual.set_index("year")
base_2 = run(A, **SIZE, **{"run.seed": 2}).annual.set_index("year")

first_look = pd.DataFrame({
    f"{A}, seed 1": base_1["nel_admissions"],
    "IHO, seed 1": iho_1["nel_admissions"],
    f"IHO minus {A} (same seed)": iho_1["nel_admissions"] - base_1["nel_admissions"],
    f"{A} seed 2 minus seed 1 (no policy change)": base_2["nel_admissions"] - base_1["nel_admissions"],
})
first_look

# %% [markdown]
# Look at the last column. Nothing changed except luck, yet the number of emergency admissions moved. That is
# **noise**: the size of difference you can get from chance alone. If you compared the IHO run with seed 2
# against the PbR run with seed 1, you would mix the policy effect with that noise.
#
# In this model each random process (deaths, crises, triage, length of stay, ...) draws from its own stream
# of random numbers, all started from the seed. Two scenarios run with the **same seed** start with the same
# population and meet the same chance events, so their difference is mostly the policy. This is called
# **common random numbers**: like testing two treatments on identical twins.

# %% [markdown]
# ## Step 2: replications and the paired difference
#
# One pair of twins is still one pair. We run several **replications** (seeds), each with every scenario,
# take the difference within each pair, and average. The 95% interval says how much that average could move
# if we ran more replications. Here the IHO is paired with each comparator in turn.

# %%
runs = replicate(ARMS, seeds=SEEDS, overrides=SIZE, workers=1)
comp = pd.concat([paired_differences(runs, c, IHO).assign(comparator=c) for c in COMPARATORS], ignore_index=True)
comp.head()

# %% [markdown]
# Each row is one measure in one year against one comparator: the mean under the comparator (`mean_a`) and
# under the IHO (`mean_b`), the mean paired difference (IHO minus comparator), its 95% interval (`diff_lo` to
# `diff_hi`) and the difference as a percentage of the comparator. Below, the key measures by year as
# "difference (interval)", one row per comparator. An interval that does not include zero is marked with `*`.

# %%
KEY = ["nel_admissions", "conveyances", "ae_attendances", "bed_days", "community_contacts", "spend_total",
       "acute_surplus", "host_surplus", "waiting_list_end"]


def label(row):
    """A difference and its interval as text; '*' when the interval excludes zero."""
    star = "*" if row["diff_lo"] > 0 or row["diff_hi"] < 0 else ""
    return f"{row['diff']:+,.0f} ({row['diff_lo']:+,.0f} to {row['diff_hi']:+,.0f}){star}"


key = comp[comp["metric"].isin(KEY)].copy()
key["difference (95% interval)"] = key.apply(label, axis=1)
key.pivot(index=["metric", "comparator"], columns="year", values="difference (95% interval)").reindex(
    pd.MultiIndex.from_product([KEY, COMPARATORS], names=["metric", "comparator"]))

# %% [markdown]
# The same differences as a percentage of each comparator. Surpluses are left out: a percentage of a surplus
# close to zero means little.

# %%
SHARES = [m for m in KEY if not m.endswith("_surplus")]
pct = key.pivot(index=["metric", "comparator"], columns="year", values="pct_diff").reindex(
    pd.MultiIndex.from_product([SHARES, COMPARATORS], names=["metric", "comparator"])).round(1)
pct.columns = [f"year {y} (%)" for y in pct.columns]
pct

# %% [markdown]
# ### The picture `ihoabm compare` draws
#
# The command line reports every arm against the **first** one. With `pbr_2004` first, that is today's rules
# minus PbR and the IHO minus PbR, on one chart: the lines are mean differences, the bands their 95% intervals,
# and the grey line is PbR itself. The gap between the two coloured lines is what the IHO changes compared with
# today's rules.

# %%
plots.comparison(arm_differences(runs, ARMS), ARMS[0], ARMS[1:])

# %% [markdown]
# A paired difference adds up, replication by replication: (IHO minus today) = (IHO minus PbR) minus (today
# minus PbR). So the gap between the lines above is exactly the IHO's difference from the last comparator in
# the table, and pairing the IHO directly with it gives its interval too. The cell below checks the sum.

# %%
if len(COMPARATORS) > 1:
    vs_first = arm_differences(runs, ARMS).set_index(["arm", "metric", "year"])["diff"]
    last_comparator = COMPARATORS[-1]
    direct = comp[comp["comparator"] == last_comparator].set_index(["metric", "year"])["diff"]
    via_first = (vs_first[IHO] - vs_first[last_comparator]).reindex(direct.index)
    assert np.allclose(direct, via_first), "paired differences should add up"
    print(f"IHO minus {last_comparator} = (IHO minus {COMPARATORS[0]}) - ({last_comparator} minus "
          f"{COMPARATORS[0]}), for every measure and year")
plots.comparison(comp[comp["comparator"] == COMPARATORS[-1]].drop(columns="comparator"), COMPARATORS[-1], IHO)

# %% [markdown]
# ## Step 3: what did pairing buy us?
#
# For the last year, compare the spread of the **paired** differences (IHO minus PbR) with the spread you
# would face if the two scenarios had been run with unrelated random numbers (the two scenarios' own spreads
# combined). The smaller the spread, the fewer replications you need to see an effect of a given size.

# %%
last = runs["year"].max()
per_rep = runs[runs["year"] == last].pivot(index="replication", columns="arm", values="nel_admissions")
spread = pd.Series({
    "spread of paired differences (SD)": (per_rep[B] - per_rep[A]).std(),
    "spread if unpaired (SD, combined)": (per_rep[A].var() + per_rep[B].var()) ** 0.5,
})
spread.round(1).to_frame(f"emergency admissions, year {last}")

# %% [markdown]
# ## Step 4: what does the difference mean?
#
# A number is not an explanation. Use the table below (the last year, the IHO minus each comparator) to trace
# **how** the difference arose. Some questions to work through in your group:
#
# * **Discretionary admissions.** `nel_marginal_admissions` counts patients admitted whose need was on the
#   margin, where the acute trust's own readiness to admit decides. How does it move? Under the IHO the acute
#   trust is paid its costs plus a margin, not tariff per admission. What does one more short-stay admission
#   earn it now? And under today's rules, where emergency care is paid by a fixed sum?
# * **Which comparator?** Compare the two columns. Which of the IHO's differences from PbR are already there
#   under today's rules, and which are the IHO's own?
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
mech = comp[comp["metric"].isin(MECHANISM) & (comp["year"] == last)]
mech = mech.pivot(index="metric", columns="comparator", values="diff").reindex(MECHANISM)[COMPARATORS].round(0)
mech.columns = [f"IHO minus {c}, year {last}" for c in mech.columns]
mech

# %% [markdown]
# ### What the difference does to people
#
# Activity and money are not the whole story. In the model care changes health (`docs/ODD.md`, section 7.13):
# long waits in A&E for a bed, being sent home at the margin, waiting for planned treatment and unmet GP demand
# all cost quality of life, and some of them cost lives. Below, over all the reported years, the IHO minus each
# comparator in QALYs lived, in deaths after each kind of care failure, and in crises that care failures caused
# (mean paired difference and 95% interval).

# %%
from ihoabm.experiments.stats import mean_interval
from ihoabm.outputs import catalogue

HEALTH = ["qalys", "deaths_ae_delay", "deaths_not_admitted", "deaths_waiting", "care_failure_crises"]
health_totals = runs.groupby(["arm", "replication"])[[*HEALTH, "deaths"]].sum()
pd.DataFrame({f"IHO minus {c}": {
    catalogue.label(n): "{:+,.1f} ({:+,.1f} to {:+,.1f})".format(*mean_interval(
        health_totals.loc[IHO, n] - health_totals.loc[c, n])) for n in HEALTH} for c in COMPARATORS})

# %% [markdown]
# Two things to notice, which the cell below checks. Deaths after a care failure are a small share of all
# deaths (under a tenth): most people die of age and illness, as the life tables the model is calibrated to
# say, and the harm of a payment system shows only as a difference between arms. And the difference in QALYs,
# whatever its sign, is under 1% of the QALYs lived. Is it clear? The cell says, from its interval. Notebook 5
# shows a contract where a saving is paid for in health.

# %%
care_failure_deaths = health_totals[HEALTH[1:4]].sum(axis=1).sum()
share = care_failure_deaths / health_totals["deaths"].sum()
print(f"Deaths after a care failure: {care_failure_deaths:,.0f}, {share:.1%} of all deaths")
assert 0 < share < 0.1, (f"Deaths after a care failure are {share:.1%} of all deaths, not a small share (0 to 10%): "
                         "check outcomes.* in the scenarios against docs/ODD.md 7.13, and the text above.")
for c in COMPARATORS:
    mean, lo, hi = mean_interval(health_totals.loc[IHO, "qalys"] - health_totals.loc[c, "qalys"])
    clear = "no clear difference: the interval includes zero" if lo <= 0 <= hi else "the interval excludes zero"
    lived = health_totals.loc[c, "qalys"].mean()
    print(f"IHO minus {c}: {mean:+,.1f} QALYs ({lo:+,.1f} to {hi:+,.1f}) of {lived:,.0f} lived; {clear}")
    assert abs(mean) < 0.01 * lived, (f"The IHO's QALY difference from {c} is {mean / lived:.1%} of the QALYs "
                                      "lived, not under 1%: rewrite the text above to say how large it is.")

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
# * Add another payment system England has used to `COMPARATORS` in the set-up cell: `"pbr_mret"` (the
#   marginal rate emergency rule, 2010/11 to 2018/19), `"blended_2019"` or `"block_2020"`. Run the notebook
#   again. Against which of them does the IHO change most?
# * Change `IHO` to `"iho_lead_provider"` (no invest-to-save premium, and a shorter host planning horizon) or
#   `"iho_alliance"`. What changes?
# * The same comparison runs from a terminal: `ihoabm compare` runs the main job, `pbr_2004`, `api_today` and
#   `iho_invest_to_save`, and reports each against the first. Name your own arms, the reference first:
#   `ihoabm compare api_today iho_invest_to_save iho_alliance`. It writes `comparison.csv`, `runs.csv` and
#   `comparison.png` to `out/compare/`.
# * In the web app (`ihoabm app`, then the **compare** page) choose the comparators under **A: compared with**
#   and the IHO under **B**, and watch the runs step together.

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
# 3. Today's rules already pay for emergency care with a fixed sum. A business case for an IHO compares it with
#    something: which comparator is honest, and what does the choice do to the case?
# 4. If the host ends a year in deficit, who pays? Look at how the risk-share corridor works in `docs/ODD.md`.
# 5. A board member says "the model proves IHOs cut admissions by X%". What would you say back?
# 6. What would you need to see, in the model and in the real world, before trusting the direction of the
#    effect? Before trusting its size?
