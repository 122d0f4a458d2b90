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
# The first cell sets the size of the runs. The defaults are small so the workshop stays quick: a
# "place" of 20,000 residents. Real analyses use 100,000 or more. When the environment variable
# `IHOABM_FAST=1` is set (as it is in the automatic tests) the runs are smaller still.

# %%
import os

import pandas as pd

from ihoabm.outputs import calibration, plots, tables
from ihoabm.experiments.run import run, simulate

# %matplotlib inline

FAST = os.environ.get("IHOABM_FAST") == "1"
PATIENTS = 10_000 if FAST else 20_000
YEARS = 2 if FAST else 3
SEED = 1
pd.set_option("display.max_columns", 40)
pd.set_option("display.width", 160)
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
print("Scenario:", sc.meta.name)
print("Question it answers:", sc.meta.question)
print("Payment regime:", sc.contract.regime)

# %% [markdown]
# ## The yearly results table
#
# `result.annual` has one row per reported year and one column per measure: counts of activity, bed days,
# spending by setting (GBP) and each provider's surplus (+) or deficit (-). Counts are for the whole
# simulated population, so they depend on its size.

# %%
result.annual

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
# `ihoabm/data/england_targets.csv`, with its source) and a tolerance band. With a small population a row
# can drift outside its band by chance: look at the pattern, not one row.
#
# *Discussion:* a model that matches these figures has not been shown to predict the effect of a policy. What
# has it been shown to do?

# %%
check = calibration.compare(result.annual)
check[["metric", "target", "low", "high", "model", "pass"]].round(3)

# %% [markdown]
# ## Activity over time
#
# Monthly activity, as a rate per 1,000 residents a year. The grey band is the burn-in year, which is not
# reported. Look for trends, and for how noisy the monthly figures are in a population this size.

# %%
plots.activity(result.daily, sc)

# %% [markdown]
# ## Spending and surpluses
#
# Left: spending per resident by setting. Right: each provider's surplus (+) or deficit (-). Under PbR there
# is no host provider, so its line stays at zero.

# %%
plots.spending(result.annual)

# %%
settings = ["spend_acute", "spend_community", "spend_primary", "spend_ambulance", "spend_prevention"]
shares = result.annual[settings].sum() / result.annual["spend_total"].sum()
shares.rename("share of spending").round(3).to_frame()

# %% [markdown]
# ## Follow the money
#
# Every payment goes through a double-entry **ledger**: the treasury pays the ICB its allocation, the ICB pays
# providers under their contracts, and providers pay their suppliers (staff and other costs). Here are the
# totals for the first reported year, by who paid whom. Money is conserved: every debit has an equal credit.

# %%
first_year = sc.run.burn_in_years  # ledger years count from 0 and include the burn-in year
ledger = result.ledger[result.ledger["year"] == first_year]
(ledger.groupby(["payer", "payee"])["amount_gbp"].sum() / 1e6).round(2).rename("GBP million").to_frame()

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
