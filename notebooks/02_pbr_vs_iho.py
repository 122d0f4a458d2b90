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
# # 2. PbR, today's payment and an IHO: a fair comparison
#
# This is the main question of the project. The **same** simulated population is run three times:
#
# * **pbr_2004**: Payment by Results as it began in 2003/04. The acute trust is paid the national tariff, the
#   full price, for every spell; community services are paid a block. This is the calibrated reference.
# * **api_today**: the rules in force now (aligned payment and incentive, NHS Payment Scheme). A fixed sum, set
#   from last year's activity, pays for emergency care; planned care is still paid per unit.
# * **iho_invest_to_save**: the ICB gives one host provider a need-weighted capitated budget for the whole
#   population. The host sub-contracts the acute trust at **cost plus a margin**, and community services, GPs
#   and ambulance, and decides each quarter how much to invest in community capacity, GP proactive care and
#   prevention. For the first years the ICB also pays a premium on community activity.
#
# Why two comparators? No English ICB has paid full tariff for every emergency admission for fifteen years.
# Measuring an IHO only against `pbr_2004` shows what it changes compared with what PbR was; measuring it
# against `api_today` shows what it would change compared with what is in force now.
#
# Nothing in the model says "an IHO reduces admissions". Patients' health never looks at the payment regime.
# Any difference has to come from providers reacting to the money and capacity they see.
#
# Every sentence below that states a direction or a size is followed by a hidden cell that checks it against
# the numbers this notebook has just computed (you can show it with the "..." on the left).
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
# choice is offered by the command line (`ihoabm compare`) and the app's comparison page. The size below is
# the workshop size, and the size the automatic tests run: the checks in this notebook hold at this size.

# %%
import pandas as pd

from ihoabm.experiments.compare import replicate
from ihoabm.outputs import workshop as ws

# %matplotlib inline

PATIENTS, YEARS, SEEDS = 20_000, 5, [1, 2, 3, 4]
COMPARATORS = ["pbr_2004", "api_today"]   # PbR as it was, and the payment rules in force now
IHO = "iho_invest_to_save"
PBR, API = COMPARATORS[0], COMPARATORS[-1]
runs = replicate([*COMPARATORS, IHO], seeds=SEEDS, overrides={"run.patients": PATIENTS, "run.years": YEARS})
print(f"{len(SEEDS)} replications of {', '.join([*COMPARATORS, IHO])}: {PATIENTS:,} residents, {YEARS} years")

# %% [markdown]
# ## Step 1: one run of each
#
# The simplest comparison: take the first run (seed 1) of PbR and of the IHO and subtract. Beside it, PbR run
# with seed 2 minus PbR with seed 1. The seed fixes the chance events: who falls ill, who calls 999 on which day.

# %%
ws.first_look(runs, PBR, IHO, "nel_admissions")

# %% [markdown]
# Look at the last column. Nothing changed except luck, yet the number of emergency admissions moved, in one year
# by more than half as much as the policy did. That is **noise**. If you compared the IHO run with seed 2 against the PbR run
# with seed 1, you would mix the policy effect with that noise.
#
# In this model each random process draws from its own stream of random numbers, all started from the seed.
# Two scenarios run with the **same seed** meet the same chance events, so their difference is mostly the
# policy: **common random numbers**, like testing two treatments on identical twins.

# %% tags=["remove-input"]
look = ws.first_look(runs, PBR, IHO, "nel_admissions")
noise, policy = look.iloc[:, -1].abs(), look.iloc[:, -2].abs()
assert (noise > 0.5 * policy).any(), "Luck no longer moves admissions by half the policy's effect in any year"
print("Luck (seed 2 minus seed 1) as a share of the policy's same-seed effect, by year:",
      (noise / policy).round(2).tolist())

# %% [markdown]
# ## Step 2: replications and the paired difference
#
# One pair of twins is still one pair. We ran every scenario with each of the seeds, take the difference within
# each pair, and average. The 95% interval says how much that average could move with more replications. An
# interval that excludes zero is marked `*`. Money is in GBP million.

# %%
KEY = ["nel_admissions", "nel_marginal_admissions", "conveyances", "ae_attendances", "spend_total",
       "spend_acute", "spend_community", "spend_primary", "spend_prevention", "host_surplus", "acute_surplus",
       "waiting_list_end"]
ws.differences(runs, PBR, IHO, KEY)

# %% [markdown]
# **What the model shows against PbR.**
#
# * Emergency admissions fall **from year 1**, by about 5%, and stay lower every year; the interval excludes
#   zero in every year.
# * The year-1 fall does **not** come from investment: in year 1 the IHO spends no more on community services
#   than PbR. It comes from the acute trust's **price**. Under the IHO the trust is paid its costs plus a margin
#   (a cost-plus sub-contract), so a short-stay admission at the margin no longer earns it a tariff; the trust's
#   readiness to admit follows that price. Most of the year-1 fall is in **marginal** admissions.
# * Acute spending is **higher** under the IHO, not lower: cost plus a margin pays the trust more than tariff
#   for the work it does, and its surplus is higher in every year. No money "comes out of acute care".
# * Where the host's investment goes: **GP proactive care** (GP practices' income, shown as primary care
#   spending, rises by about GBP 0.7-0.8 million a year in years 2-3 and then falls back), a small prevention
#   pilot in year 1, and almost nothing extra for community services at this size. The host's choice depends on
#   the size of the place: in the README's main job (50,000 residents) it also buys community capacity in year 2.
# * The host makes a **surplus in year 1** (its budget was set from PbR's costs and the trust's marginal admissions
#   fell), then **deficits** from year 2, once it pays for GP proactive care and the trust's cost-plus bill.

# %% tags=["remove-input"]
adm = [ws.effect(runs, PBR, IHO, "nel_admissions", y) for y in range(1, YEARS + 1)]
base1 = ws.level(runs, PBR, "nel_admissions", 1).mean
assert all(e.below_zero for e in adm), f"Admissions no longer fall clearly every year: {[e.text() for e in adm]}"
assert -0.08 < adm[0].mean / base1 < -0.03, f"Year-1 fall is {adm[0].mean / base1:.1%}, not about 5%"
marg1 = ws.effect(runs, PBR, IHO, "nel_marginal_admissions", 1)
comm1 = ws.effect(runs, PBR, IHO, "spend_community", 1)
assert marg1.below_zero and marg1.mean / adm[0].mean > 0.5, "Marginal admissions are no longer most of the fall"
assert abs(comm1.mean) < 10_000, f"Year-1 extra community spending is {comm1.mean:,.0f}, not about zero"
acute = ws.effect(runs, PBR, IHO, "spend_acute")
assert acute.mean > 0 and all(ws.effect(runs, PBR, IHO, "acute_surplus", y).mean > 0 for y in range(1, YEARS + 1))
gp = [ws.effect(runs, PBR, IHO, "spend_primary", y) for y in range(1, YEARS + 1)]
assert all(0.5e6 < g.mean < 1.0e6 for g in gp[1:3]) and gp[-1].mean < gp[2].mean, [g.text() for g in gp]
assert abs(ws.effect(runs, PBR, IHO, "spend_community").mean) < 50_000, "The host now invests in community care"
host = [ws.effect(runs, PBR, IHO, "host_surplus", y) for y in range(1, YEARS + 1)]
assert host[0].above_zero and all(h.below_zero for h in host[1:]), [h.text() for h in host]
print("Checked: admissions", [e.text() for e in adm], "| host result", [h.text(1e3) for h in host], "GBP k")

# %% [markdown]
# The same story against **today's rules**. `api_today` already pays for emergency care with a fixed sum, so
# the trust's reward for a marginal admission is gone there too.

# %%
ws.differences(runs, API, IHO, ["nel_admissions", "nel_marginal_admissions", "conveyances", "ae_attendances",
                                "spend_total", "host_surplus"], by_year=False)

# %% [markdown]
# **What the model shows against today's rules**, added up over the five years:
#
# * emergency admissions: **no clear difference** (the interval includes zero); the IHO has *more* marginal
#   admissions than today's rules, because a cost-plus trust still earns something on the margin;
# * ambulance conveyances and A&E attendances: **fewer** under the IHO, and the intervals exclude zero;
# * total spending: **higher** under the IHO, by about GBP 2.6 million over five years for 20,000 residents.

# %% tags=["remove-input"]
adm_api = ws.effect(runs, API, IHO, "nel_admissions")
marg_api = ws.effect(runs, API, IHO, "nel_marginal_admissions")
conv_api, ae_api = (ws.effect(runs, API, IHO, m) for m in ("conveyances", "ae_attendances"))
spend_api = ws.effect(runs, API, IHO, "spend_total")
assert not adm_api.clear and marg_api.above_zero, (adm_api.text(), marg_api.text())
assert conv_api.below_zero and ae_api.below_zero, (conv_api.text(), ae_api.text())
assert spend_api.above_zero and 1.5e6 < spend_api.mean < 3.5e6, spend_api.text()
print(f"IHO minus today's rules, 5 years: admissions {adm_api.text()}, conveyances {conv_api.text()}, "
      f"A&E {ae_api.text()}, spending GBP {spend_api.text(1e6, 2)} million")

# %% [markdown]
# ### The picture `ihoabm compare` draws
#
# Each arm minus PbR, year by year: today's rules and the IHO on the same axes, each with its 95% band.

# %%
ws.paired_figure(runs, PBR, [API, IHO], ["nel_admissions", "conveyances", "spend_total"])

# %% [markdown]
# A paired difference adds up, replication by replication: (IHO minus today) = (IHO minus PbR) minus (today
# minus PbR). The cell below checks the sum, so the gap between the two lines above is exactly the IHO's
# difference from today's rules.

# %% tags=["remove-input"]
for metric in KEY:
    for year in range(1, YEARS + 1):
        direct = ws.effect(runs, API, IHO, metric, year).mean
        via = ws.effect(runs, PBR, IHO, metric, year).mean - ws.effect(runs, PBR, API, metric, year).mean
        assert abs(direct - via) < 1e-6 * max(1.0, abs(direct)), "paired differences should add up"

# %% [markdown]
# ## Step 3: what did pairing buy us?
#
# For the last year, the spread of the **paired** differences (IHO minus PbR) against the spread you would face
# if the two scenarios had been run with unrelated random numbers. The smaller the spread, the fewer runs you
# need to see an effect of a given size.

# %%
ws.pairing_gain(runs, PBR, IHO, "nel_admissions", YEARS)

# %% [markdown]
# Here the spread of the paired differences is about a quarter of the unpaired one: without pairing you would
# need many times as many runs for an interval this narrow.

# %% tags=["remove-input"]
gain = ws.pairing_gain(runs, PBR, IHO, "nel_admissions", YEARS).iloc[:, 0]
assert gain.iloc[0] < 0.4 * gain.iloc[1], gain
print(f"Paired spread {gain.iloc[0]:.1f} against unpaired {gain.iloc[1]:.1f}: {gain.iloc[0] / gain.iloc[1]:.0%}")

# %% [markdown]
# ## Step 4: what does the difference do to people?
#
# In the model care changes health (`docs/ODD.md`, section 7.13): long waits in A&E for a bed, being sent home
# at the margin, waiting for planned treatment and unmet GP demand all cost quality of life, and some cost
# lives. Over all five years, the IHO minus each comparator:

# %%
HEALTH = ["qalys", "deaths_ae_delay", "deaths_not_admitted", "deaths_waiting", "care_failure_crises",
          "waiting_list_end"]
pd.concat({c: ws.differences(runs, c, IHO, HEALTH, by_year=False)["all years"] for c in COMPARATORS}, axis=1)

# %% [markdown]
# **Is the saving a harm?** Against either comparator the IHO's difference in QALYs lived is small (well under
# 1% of the QALYs lived) and its interval includes zero: the fall in admissions is not paid for in health here,
# and the waiting list at the end shows no clear difference either. Deaths after a care failure are a small share
# of all deaths (under a tenth): most people die of age and illness. Notebook 5 shows a contract where a saving
# *is* paid for in health.

# %% tags=["remove-input"]
for c in COMPARATORS:
    q = ws.effect(runs, c, IHO, "qalys")
    lived = ws.level(runs, c, "qalys").mean
    assert not q.clear and abs(q.mean) < 0.01 * lived, f"QALYs, IHO minus {c}: {q.text()} of {lived:,.0f}"
    assert not ws.effect(runs, c, IHO, "waiting_list_end", YEARS).clear
failures = sum(ws.level(runs, PBR, m).mean for m in HEALTH[1:4])
assert 0 < failures / ws.level(runs, PBR, "deaths").mean < 0.1
print("QALYs, IHO minus each comparator:", {c: ws.effect(runs, c, IHO, "qalys").text() for c in COMPARATORS},
      f"| deaths after a care failure under PbR: {failures / ws.level(runs, PBR, 'deaths').mean:.1%} of all deaths")

# %% [markdown]
# ### Statistically clear is not the same as important
#
# With enough replications almost any difference gets an interval that excludes zero. Ask instead:
#
# * Is the difference **big enough to matter** to a system (beds, staff, money)?
# * Is it **robust**: does it survive changes to the assumptions? (Notebook 4.)
# * Is the **mechanism** believable? The interval tells you how sure we are about *this model's* answer, not
#   whether the model is right about the world.

# %% [markdown]
# ## Try it yourself
#
# * Add another payment system to `COMPARATORS` in the set-up cell: `"pbr_mret"` (the marginal rate emergency
#   rule, 2010/11 to 2018/19), `"blended_2019"` or `"block_2020"`, and run the notebook again (the hidden checks
#   were written for the shipped choice and may then fail: that is them doing their job).
# * Change `IHO` to `"iho_lead_provider"` (no invest-to-save premium, a shorter planning horizon) or
#   `"iho_alliance"`.
# * From a terminal: `ihoabm compare` runs the main job and writes its tables and chart to `out/compare/`.
# * In the web app (`ihoabm app`, then the **compare** page) watch the runs step together.

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
# 2. Under the IHO the trust is paid cost plus a margin. It admits fewer patients at the margin **and** earns
#    more than under tariff. Who pays for that, and is it a price worth paying for the change in behaviour?
# 3. Today's rules already pay for emergency care with a fixed sum. A business case for an IHO compares it with
#    something: which comparator is honest, and what does the choice do to the case?
# 4. If the host ends a year in deficit, who pays? Look at how the risk-share corridor works in `docs/ODD.md`.
# 5. A board member says "the model proves IHOs cut admissions by X%". What would you say back?
