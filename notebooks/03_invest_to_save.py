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
# # 3. Invest to save: the lag, the J-curve and the planning horizon
#
# Moving care out of hospital is usually sold as "invest to save": spend more on community services now,
# spend less on emergency hospital care later. De Santis (Edge Health), “IHOs: Another NHS rebrand?”, argues that real
# savings may take a decade to appear. This notebook looks at **when** money is spent and **when** (or
# whether) it comes back.
#
# **Learning objectives.** By the end you will be able to:
#
# 1. name the delays in the model between a decision to invest and a change in hospital activity;
# 2. read a **J-curve**: the cumulative net saving that dips below zero before (perhaps) rising above it;
# 3. explain what a host provider's **planning horizon** does to its investment decisions, and what it does
#    not do;
# 4. say who carries the cost of the dip, and why that matters for contract design.

# %% [markdown]
# ## Predict before you run
#
# 1. In which year does the extra spending on community services **peak**?
# 2. Does the fall in emergency admissions start at the same time as the extra spending, or later?
# 3. Draw the cumulative net saving (savings minus extra spending, added up year by year) on the handout.
#    When does it stop falling? Does it get back to zero within the years we simulate?
# 4. A host that plans over 15 years and one that plans over 2 years: which invests more? Which lever
#    (community teams, GP proactive care, prevention) does the short-sighted host skip?

# %% [markdown]
# ## Set-up
#
# These runs are longer than in notebook 2 because the story unfolds over years.

# %%
import os

import matplotlib.pyplot as plt
import pandas as pd

from ihoabm.experiments.compare import paired_differences, replicate
from ihoabm.scenario import load_scenario

# %matplotlib inline

FAST = os.environ.get("IHOABM_FAST") == "1"
PATIENTS = 10_000 if FAST else 15_000
YEARS = 4 if FAST else 8
SEEDS = [1, 2] if FAST else [1, 2, 3]
HORIZONS = [2, 15]
A, B = "pbr_2004", "iho_invest_to_save"
SIZE = {"run.patients": PATIENTS, "run.years": YEARS}
pd.set_option("display.width", 160)
print(f"{len(SEEDS)} replications, {PATIENTS:,} residents, {YEARS} reported years")

# %% [markdown]
# ## Where the delays come from
#
# None of these delays is a "savings arrive in year N" switch. Each is a piece of how providers behave:
#
# * **hiring**: community staff numbers follow funding gradually (recruitment and notice periods);
# * **planning**: the host revisits its investment plan every few months and moves only part of the way
#   towards its new target each time;
# * **learning**: the host starts from a prior belief about the return on each lever and updates it once a
#   year from what it can observe;
# * **prevention**: spending on prevention slows the onset of long-term conditions, and that effect builds up
#   over years;
# * **the premium**: the ICB pays an invest-to-save premium on community activity only for the first few
#   years.
#
# Their values in this scenario (each is explained, with its source, in `docs/ODD.md`):

# %%
sc = load_scenario(B)
TIMING = ["community.hiring_lag_months", "host.planning_interval_months", "host.horizon_years",
          "host.prior_return", "host.learning_rate", "host.max_invest_share", "health.prevention_lag_years",
          "contract.invest_to_save_premium", "contract.invest_to_save_years"]
pd.Series({name: getattr(getattr(sc, name.split(".")[0]), name.split(".")[1]) for name in TIMING},
          name=B).to_frame()

# %% [markdown]
# ## Step 1: spending and activity, year by year
#
# We run the baseline and the invest-to-save IHO with the same seeds (common random numbers, see notebook 2),
# and also keep a running total of spending in each run so we can see the cumulative effect.

# %%
base = replicate([A], seeds=SEEDS, overrides=SIZE, workers=1)
iho = replicate([B], seeds=SEEDS, overrides=SIZE, workers=1)
runs = pd.concat([base, iho], ignore_index=True).sort_values(["scenario", "replication", "year"])
runs["cumulative_spend"] = runs.groupby(["scenario", "replication"])["spend_total"].cumsum()
comp = paired_differences(runs, A, B)

YEARLY = ["spend_community", "spend_prevention", "spend_acute", "spend_total", "nel_admissions",
          "conveyances", "bed_days", "host_surplus"]
table = comp[comp["metric"].isin(YEARLY)].pivot(index="metric", columns="year", values="diff").reindex(YEARLY)
table.round(0)

# %% [markdown]
# Read the rows from top to bottom: the money going **in** (community and prevention), the money coming
# **out** of acute care, the net change in total spending, then the activity that moved. In which year does
# each row change most? Is there a gap between the first rows and the activity rows?

# %% [markdown]
# ## Step 2: the J-curve
#
# Below, the bars are the **net saving** each year (baseline spending minus IHO spending: below zero means the
# IHO cost more that year). The line is the **cumulative** net saving with its 95% interval. An invest-to-save
# story looks like a J: the line falls while money goes in, then turns up as savings arrive, and the
# investment has paid back when the line crosses zero.

# %%
yearly = comp[comp["metric"] == "spend_total"].set_index("year")
cumulative = comp[comp["metric"] == "cumulative_spend"].set_index("year")
fig, ax = plt.subplots(figsize=(8, 4))
ax.bar(yearly.index, -yearly["diff"] / 1e6, color="#95a5a6", label="net saving in the year")
ax.plot(cumulative.index, -cumulative["diff"] / 1e6, color="#c0392b", marker="o",
        label="cumulative net saving")
ax.fill_between(cumulative.index, -cumulative["diff_hi"] / 1e6, -cumulative["diff_lo"] / 1e6, color="#c0392b",
                alpha=0.2, label="95% interval")
ax.axhline(0, color="black", lw=0.8)
ax.set_xlabel("year of the IHO contract")
ax.set_ylabel("GBP million")
ax.set_title(f"Net saving of {B} against {A} ({PATIENTS:,} residents)")
ax.legend(fontsize=8)
fig.tight_layout()

# %%
paid_back = cumulative.index[cumulative["diff_hi"] < 0]
lowest = cumulative["diff"].idxmax()
if cumulative.loc[lowest, "diff"] > 0:
    print(f"The cumulative extra cost is highest at the end of year {lowest}: "
          f"GBP {cumulative.loc[lowest, 'diff'] / 1e6:,.2f} million more than the baseline.")
else:
    print("The IHO never cost more than the baseline, cumulatively, in these runs.")
if len(paid_back):
    print(f"The cumulative net saving is clearly above zero from year {paid_back[0]}.")
else:
    print(f"The investment has not clearly paid back within {YEARS} years.")

# %% [markdown]
# *Discussion:* the population here is small. Spending scales roughly with population, so multiply by the
# ratio of your own population to see the size of the dip in your system. Who could hold a deficit of that
# size for that long?

# %% [markdown]
# ## Step 3: the planning horizon
#
# The host values each lever by the savings it expects over its **planning horizon**, discounted and less
# what it costs. A lever whose savings arrive slowly (prevention, whose effect builds over years) can only
# look worth it to a host that plans far enough ahead. We run the same IHO with a short and a long horizon
# and the same seeds, pair each with the baseline runs from Step 1, and set them beside the horizon the
# scenario ships with.

# %%
def horizon_row(c, horizon):
    """Totals over the run of one horizon's paired differences from the baseline."""
    total = c.groupby("metric")["diff"].sum()
    end = c[(c["metric"] == "cumulative_spend") & (c["year"] == YEARS)].iloc[0]
    return {"host horizon (years)": horizon,
            "extra community spending, GBP m": total["spend_community"] / 1e6,
            "prevention spending, GBP m": total["spend_prevention"] / 1e6,
            "change in emergency admissions": total["nel_admissions"],
            "change in conveyances": total["conveyances"],
            "cumulative spending difference, GBP m": end["diff"] / 1e6,
            "its 95% interval": f"{end['diff_lo'] / 1e6:+.2f} to {end['diff_hi'] / 1e6:+.2f}"}


shipped = sc.host.horizon_years
rows = [horizon_row(comp, shipped)]
cumulative_by_horizon = {shipped: cumulative["diff"]}
for horizon in HORIZONS:
    arm = f"horizon {horizon} years"
    variant = replicate([B], seeds=SEEDS, overrides={**SIZE, "host.horizon_years": horizon}, workers=1)
    variant["scenario"] = variant["arm"] = arm
    both = pd.concat([base, variant], ignore_index=True).sort_values(["scenario", "replication", "year"])
    both["cumulative_spend"] = both.groupby(["scenario", "replication"])["spend_total"].cumsum()
    c = paired_differences(both, A, arm)
    rows.append(horizon_row(c, horizon))
    cumulative_by_horizon[horizon] = c[c["metric"] == "cumulative_spend"].set_index("year")["diff"]
pd.DataFrame(rows).set_index("host horizon (years)").sort_index().round(2)

# %%
fig, ax = plt.subplots(figsize=(8, 4))
for horizon, series in sorted(cumulative_by_horizon.items()):
    ax.plot(series.index, -series / 1e6, marker="o", label=f"horizon {horizon} years")
ax.axhline(0, color="black", lw=0.8)
ax.set_xlabel("year of the IHO contract")
ax.set_ylabel("cumulative net saving, GBP million")
ax.set_title("The J-curve for hosts with different planning horizons")
ax.legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# If the horizons give similar results, ask why. Read the host's planning rule in `docs/ODD.md` (submodel
# "Host investment planning"): the horizon decides **which** levers clear the bar, while the size of the
# yearly budget is capped by `host.max_invest_share` and by how well the host is doing financially. A longer
# horizon only matters where a lever's savings arrive late.

# %% [markdown]
# ## Try it yourself
#
# Add an override to `SIZE` in the set-up cell and run the notebook again, for example:
#
# * `"community.hiring_lag_months": 18` (staff are much slower to recruit);
# * `"contract.invest_to_save_years": 8` (the premium lasts longer);
# * `"host.max_invest_share": 0.08` (a bigger bet);
# * `"health.prevention_lag_years": 1` (prevention that works fast, which is optimistic).
#
# Which one changes the shape of the J-curve most: its depth, or its length?

# %% [markdown]
# ## Check your predictions
#
# Compare your sketch of the J-curve with the chart. Was the dip deeper or shallower than you drew? Did it
# come back to zero?

# %% [markdown]
# ## Discussion questions
#
# 1. ICBs and trusts set budgets one year at a time. What does a one-year budget cycle do to a host that is
#    asked to plan over seven years?
# 2. Who carries the dip in the J-curve here: the host, the ICB (through the risk share), or the partners?
#    What happens if the host's reserves run out before the savings arrive?
# 3. De Santis (Edge Health), “IHOs: Another NHS rebrand?” suggests paying a premium for community activity. Does the premium shorten the
#    dip, or just move who pays for it? What happens in the model when the premium ends?
# 4. The savings here come from fewer admissions and conveyances. Which hospital costs actually fall when an
#    admission is avoided, and which stay (beds, staff, buildings)? See the acute trust's cost structure in
#    `docs/ODD.md`.
# 5. If you were the host's finance director, what evidence in years 1 to 3 would persuade you to keep
#    investing?
