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
# # 1. Quick start: run the baseline and read what comes out
#
# This notebook runs the **baseline** (the shipped scenario `pbr_2004`): an England-like local health economy paid
# by **Payment by Results**
# (PbR). The acute trust is paid a national tariff for each admission and A&E attendance, community services
# get a fixed block, GP practices get capitation and the ambulance service is paid per incident.
#
# You do not need to know Python. Run each cell in turn (Shift + Enter) and read the text between them.
#
# **Learning objectives.** By the end you will be able to:
#
# 1. run a scenario from Python and say what the run size, years and seed mean;
# 2. read the yearly results table and turn counts into rates per 1,000 residents;
# 3. check the baseline against published England figures, and say why that matters before comparing policies;
# 4. read the activity and spending charts, and follow the money from the ICB to providers;
# 5. follow one simulated person's journey through the system.

# %% [markdown]
# ## Predict before you run
#
# Write your answers on the handout **before** you run anything. There are no wrong answers: the point is to
# notice where your mental model and the simulation differ.
#
# 1. Out of every 1,000 residents, how many **emergency admissions** happen in a year? How many **A&E
#    attendances**? How many **999 incidents**?
# 2. Of the money spent on acute, community and GP services together, what share goes to the **acute trust**?
# 3. Under PbR, does the acute trust end the year in **surplus or deficit**? Why?
# 4. Will activity be flat from year to year, or trend up or down? What would make it change?

# %% [markdown]
# ## Set-up
#
# The first cell sets the size of the run: a "place" of 20,000 residents, three reported years, seed 1. Real
# analyses use 100,000 or more. This is also the size the automatic tests run, so the checks below hold at it.

# %%
import pandas as pd

from ihoabm.experiments.run import run, simulate
from ihoabm.outputs import calibration, tables
from ihoabm.outputs import workshop as ws

# %matplotlib inline

PATIENTS, YEARS, SEED = 20_000, 3, 1
print(f"Each run: {PATIENTS:,} residents, {YEARS} reported years, seed {SEED}")

# %% [markdown]
# ## Run the baseline
#
# `run` takes a scenario name and optional overrides written as `section.parameter`. Every parameter, its
# default and its source is listed in `docs/ODD.md`; you can also type `ihoabm scenario show pbr_2004` in a
# terminal.
#
# Each run starts with one **burn-in** year that is not reported: the system runs under PbR so the ICB can
# observe what it costs (that is how the IHO capitation is set in later notebooks).

# %%
result = run("pbr_2004", **{"run.patients": PATIENTS, "run.years": YEARS, "run.seed": SEED})
sc = result.scenario
print("Scenario:", sc.meta.name, "|", sc.meta.question, "| payment regime:", sc.contract.regime)

# %% [markdown]
# ## The yearly results table
#
# One row per measure, one column per reported year: counts of activity, bed days, spending by setting
# (GBP million) and each provider's surplus (+) or deficit (-). Counts are for the whole simulated population,
# so they depend on its size. (`result.annual` holds the same numbers with their short column names; the
# glossary in the facilitator pack explains each.)

# %%
ws.readable(result.annual, ["population", "deaths", "gp_appointments", "ae_attendances", "ambulance_incidents",
                            "conveyances", "nel_admissions", "nel_marginal_admissions", "elective_admissions",
                            "community_contacts", "bed_days", "waiting_list_end", "spend_total", "spend_acute",
                            "spend_community", "spend_primary", "spend_ambulance", "acute_surplus",
                            "icb_balance", "qalys"])

# %% [markdown]
# Counts are hard to compare between places of different sizes, so we turn them into **rates per 1,000
# residents a year**, the way NHS statistics are usually published.

# %%
tables.summary(result.annual).round(1)

# %% [markdown]
# ## Is the baseline believable?
#
# Before we use a model to compare policies we check that its starting point looks like England. The table
# below sets the model beside published figures (the `target` column, from
# `ihoabm/data/england_targets.csv`, with its source) and a tolerance band.

# %%
check = calibration.compare(result.annual)
check[["metric", "target", "low", "high", "model", "pass"]].round(3)

# %% [markdown]
# At 20,000 residents two rows fall outside their bands, and **not by chance**: the same seed gives the same
# result every time, and the cause is the size of the population.
#
# * `see_and_treat_share`, the share of 999 incidents treated at the scene, is below its band;
# * `icb_core_allocation_per_head` is below its band. Despite its name, this row measures **spending on the
#   care the model covers, per resident** (acute, community, GP and ambulance), not the ICB's allocation, which
#   the model sets to the published figure. Spending per resident is lower in a small place.
#
# The cell below runs the same baseline for one year at 60,000 residents: every row then passes. Read the
# calibration of a small run as the pattern, and check a large run before trusting a single row.

# %%
large = calibration.compare(run("pbr_2004", **{"run.patients": 60_000, "run.years": 1, "run.seed": SEED}).annual)
pd.DataFrame({"20,000 residents": check.set_index("metric")["pass"],
              "60,000 residents": large.set_index("metric")["pass"]})

# %% tags=["remove-input"]
failing = set(check.loc[~check["pass"], "metric"])
assert failing <= {"see_and_treat_share", "icb_core_allocation_per_head"} and failing, (
    f"At 20,000 residents the failing rows are {sorted(failing)}: rewrite the paragraph above.")
assert large["pass"].all(), f"At 60,000 residents these fail: {list(large.loc[~large['pass'], 'metric'])}"
print(f"Outside their bands at 20,000 residents: {', '.join(sorted(failing))}; at 60,000: none")

# %% [markdown]
# *Discussion:* a model that matches these figures has not been shown to predict the effect of a policy. What
# has it been shown to do?

# %% [markdown]
# ## Activity over time
#
# Monthly activity, as a rate per 1,000 residents a year. The grey band is the burn-in year, which is not
# reported. Look for trends, and for how noisy the monthly figures are in a population this size.

# %%
ws.activity_figure(result.daily, sc.run.burn_in_years)

# %% [markdown]
# ## Spending and surpluses
#
# Left: spending per resident by setting. Right: each provider's surplus (+) or deficit (-). Under PbR there
# is no host provider, so its line stays at zero. The acute trust takes about 70% of the spending (the published
# target it is calibrated to is 72%); under PbR it roughly breaks even, because its fixed costs are set that way at the end of the burn-in.

# %%
ws.spending_figure(result.annual)

# %% tags=["remove-input"]
acute_share = result.annual["spend_acute"].sum() / result.annual["spend_total"].sum()
assert 0.68 < acute_share < 0.76, f"The acute share is {acute_share:.1%}, not about 72%"
assert (result.annual["acute_surplus"].abs() < 0.03 * result.annual["spend_acute"]).all(), "acute no longer breaks even"
print(f"Acute share of spending {acute_share:.1%}; acute trust's result by year (GBP million): "
      f"{(result.annual['acute_surplus'] / 1e6).round(2).tolist()}")

# %% [markdown]
# ## Follow the money
#
# Every payment goes through a double-entry **ledger**: the treasury pays the ICB its allocation, the ICB pays
# providers under their contracts, and providers pay their suppliers (staff and other costs). Here are the
# totals for the first reported year, by who paid whom, in GBP million. Money is conserved: every debit has an
# equal credit.

# %%
ws.money_flows(result.ledger, sc.run.burn_in_years)

# %% [markdown]
# **Why does the ICB keep about GBP 5.5 million a year (about 16% of its allocation)?** The treasury pays the
# ICB the published **core allocation per head** (GBP 1,732 a resident, House of Commons Library CBP-10031). In
# England that allocation also pays for mental health, prescribing, continuing healthcare, community services
# the model leaves out and the ICB's own running costs. The model pays only for acute, community, GP and
# ambulance care, so the rest of the allocation stays on the ICB's account and shows as its surplus
# (`icb_balance`). It is not a saving: it is the money for the services outside the model. It is the same under
# every payment system, except where a contract changes what the ICB pays providers (notebooks 2 and 5).

# %% tags=["remove-input"]
a = result.annual
kept = a["icb_balance"] / (a["icb_balance"] + a["spend_total"])
assert ((a["icb_balance"] + a["spend_total"]) / a["population"]).between(1700, 1760).all(), "allocation is not 1,732"
assert kept.between(0.13, 0.19).all() and a["icb_balance"].between(4.5e6, 6.5e6).all(), kept.round(3).tolist()
print(f"The ICB keeps GBP {a['icb_balance'].mean() / 1e6:.2f} million a year on average, {kept.mean():.1%} "
      "of its allocation")

# %% [markdown]
# ## Follow one person
#
# The population is held as arrays for speed, but a few residents are **tracked** so you can read their
# journey. Here is the tracked person with the most out-of-the-ordinary events. Routine GP appointments and
# the monthly caseload reviews are hidden to keep the list short. Day 0 is the start of the burn-in year.

# %%
model = simulate("pbr_2004", **{"run.patients": PATIENTS, "run.years": YEARS, "run.seed": SEED})
ROUTINE = {"GP appointment", "on district nursing caseload", "in GP proactive care"}


def eventful(person):
    """Number of events that are not routine."""
    return sum(event not in ROUTINE for _, event in person.journey)


person = max(model.tracker.patients.values(), key=eventful)
print(f"Age {person.age}, sex {person.sex}, IMD quintile {person.imd_quintile} (1 = most deprived), "
      f"{person.ltc_count} long-term conditions, frailty category {person.frailty} (0 fit .. 3 severe), "
      f"now: {person.care_state}")
journey = pd.DataFrame(person.journey, columns=["day", "event"])
journey[~journey["event"].isin(ROUTINE)]

# %% [markdown]
# ## Check your predictions
#
# Go back to what you wrote at the start. Which were close? Which surprised you, and what in the model might
# explain the gap?

# %% [markdown]
# ## Discussion questions
#
# 1. The acute trust's surplus comes from tariff income minus its costs. Under PbR, what happens to that
#    surplus if emergency admissions fall by a tenth next year? Who would want that to happen?
# 2. Community services are paid a fixed block. What does the community provider gain if it keeps someone out
#    of hospital? (See De Santis (Edge Health), “IHOs: Another NHS rebrand?”, for the argument.)
# 3. The model matches several national averages. Name one thing about *your* local system that the baseline
#    does not capture (the limitations are listed in `docs/ODD.md`).
# 4. The person you followed: which points in their journey could an integrated service have changed?
