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
# # 5. Design an IHO contract
#
# An integrated health organisation is not one thing. The source documents (see the ODD's references) describe a set of choices an ICB and
# its providers make when they write the contract, and each choice changes who is paid what, who carries the
# risk and what it pays to do. In this notebook you try those choices, one at a time and then together, on
# the same simulated population.
#
# The levers, what each changes in the model, and the documents they come from:
#
# * **Need weighting**: capitation per head adjusted for expected need (age, conditions, deprivation), or
#   flat (De Santis (Edge Health), “IHOs: Another NHS rebrand?”, NHS Confederation and Browne Jacobson, press release on “Towards integrated health organisations”).
# * **Funding level and risk share**: capitation as a share of the cost the ICB observed; how much of a
#   surplus or deficit the host keeps (an overview article on IHOs in the 10 Year Health Plan).
# * **Invest-to-save premium**: an extra payment for each community contact, for the first years
#   (De Santis (Edge Health), “IHOs: Another NHS rebrand?”).
# * **Tied funding**: part of the capitation held back and paid only if emergency admissions do not rise
#   (De Santis (Edge Health), “IHOs: Another NHS rebrand?”, NHS Confederation and Browne Jacobson, “Towards integrated health organisations” (summary)).
# * **Lead provider or alliance**: the host bears the result alone, or shares it with its partners
#   (Copps (Mutual Ventures), “Three questions about integrated care”, an overview article on IHOs in the 10 Year Health Plan).
# * **A lower-performing host**: a host that learns slowly, plans rarely and is cautious
#   (NHS Confederation and Browne Jacobson, press release on “Towards integrated health organisations”).
# * **Social care inside the contract**: more discharge support paid for from the contract, as an
#   approximation (NHS Confederation and Browne Jacobson, press release on “Towards integrated health organisations”, NHS Confederation and Browne Jacobson, “Towards integrated health organisations” (summary)).
#
# **Learning objectives.** By the end you will be able to:
#
# 1. say what each lever changes in the flow of money, and predict which provider reacts to it;
# 2. recognise the failure modes of capitation: deficits when it is set too low, cut purchasing and longer
#    waits, wider inequalities when it ignores need, and a saving that is paid for in health (stinting);
# 3. compare a lead-provider and an alliance arrangement by who ends up with the surplus or deficit;
# 4. put levers together into a contract and defend it to a sceptical board.

# %% [markdown]
# ## Predict before you run
#
# For each lever in the table, predict on the handout, compared with Payment by Results:
#
# * emergency admissions: up, down or no change?
# * the host's financial result over the contract: surplus or deficit?
# * the elective waiting list at the end: longer or shorter?
# * the gap in unmet GP need between the most and the least deprived fifth of the population: wider or
#   narrower?

# %% [markdown]
# ## Set-up

# %%
import os

import matplotlib.pyplot as plt
import pandas as pd

from ihoabm.experiments.compare import paired_differences
from ihoabm.experiments.run import run, simulate
from ihoabm.scenario import load_scenario

# %matplotlib inline

FAST = os.environ.get("IHOABM_FAST") == "1"
PATIENTS = 10_000 if FAST else 20_000
YEARS = 2 if FAST else 4
SEEDS = [1, 2] if FAST else [1, 2, 3]
SIZE = {"run.patients": PATIENTS, "run.years": YEARS}
pd.set_option("display.width", 180)
pd.set_option("display.max_columns", 20)
print(f"{len(SEEDS)} replications, {PATIENTS:,} residents, {YEARS} reported years")

# %% [markdown]
# ## The contract designs
#
# Each design is a built-in scenario plus, where needed, a few parameter overrides. Open `docs/ODD.md` to see
# what each parameter means and where its default comes from.
#
# Two designs need a word of explanation:
#
# * **A lower-performing host.** The model has no single "performance" dial. Here we describe a host with
#   weaker capabilities: it learns slowly from evidence, re-plans only once a year, is cautious about
#   untested investments and starts out pessimistic about their return. That is our assumption of what
#   "lower-performing" means; change it if you disagree.
# * **Social care inside the contract.** The model does not yet have a local authority or social care agent
#   (see the limitations in `docs/ODD.md`). As an approximation we give the contract an extra GBP 10 a head a
#   year, spent on discharge support, the community service that lets medically fit patients leave hospital.
#   The GBP 10 is an illustrative assumption, not a published figure.

# %%
lead = load_scenario("iho_lead_provider")
c = lead.community
EXTRA_SOCIAL_CARE = 10.0  # GBP per head a year: an illustrative assumption
funding = c.funding_per_head + EXTRA_SOCIAL_CARE
shares = [s * c.funding_per_head / funding for s in c.stream_shares[:3]]
shares.append(1.0 - sum(shares))  # what is left (the old discharge share plus the extra) is discharge support

DESIGNS = {
    "PbR (2004 rules)": ("pbr_2004", {}),
    "API (today)": ("api_today", {}),
    "lead provider": ("iho_lead_provider", {}),
    "no need weighting": ("iho_no_need_weighting", {}),
    "under-funded": ("iho_underfunded", {}),
    "under-funded, ICB shares risk": ("iho_underfunded", {"contract.risk_share_corridor": 0.0,
                                                          "contract.risk_share_icb": 0.9}),
    "under-funded, no 18-week pressure": ("iho_underfunded", {"oversight.rtt_purchase_restore": 0.0}),
    "invest-to-save premium": ("iho_invest_to_save", {}),
    "tied funding 5%": ("iho_lead_provider", {"contract.tied_funding_share": 0.05}),
    "alliance": ("iho_alliance", {}),
    "lower-performing host": ("iho_lead_provider", {"host.learning_rate": 0.2,
                                                    "host.planning_interval_months": 12,
                                                    "host.risk_appetite": 0.2, "host.prior_return": 0.6}),
    "social care inside": ("iho_lead_provider", {"community.funding_per_head": funding,
                                                 "community.stream_shares": shares}),
}
print("Capitation in the under-funded designs, as a share of the cost the ICB observed:",
      load_scenario("iho_underfunded").contract.capitation_level)
pd.DataFrame([{"design": name, "scenario": scenario, "overrides": overrides or ""}
              for name, (scenario, overrides) in DESIGNS.items()]).set_index("design")

# %% [markdown]
# ## Run every design with the same seeds
#
# Every design is run with the same seeds, so each one meets the same patients and the same chance events
# (common random numbers, notebook 2). We keep the yearly results and the results by age, deprivation and
# long-term conditions.

# %%
annual, by_group = [], []
for design, (scenario, overrides) in DESIGNS.items():
    for replication, seed in enumerate(SEEDS):
        result = run(scenario, **SIZE, **overrides, **{"run.seed": seed})
        annual.append(result.annual.assign(scenario=design, replication=replication))
        by_group.append(result.by_group.assign(scenario=design, replication=replication))
annual = pd.concat(annual, ignore_index=True)
by_group = pd.concat(by_group, ignore_index=True)
print(f"{annual['scenario'].nunique()} designs x {len(SEEDS)} replications done")

# %% [markdown]
# ## Each design against Payment by Results
#
# Mean paired differences from PbR, added up over all the reported years (money in GBP million), except the
# waiting list, which is the difference at the end. Read across a row to see a design's whole story: does it
# change activity, and who pays?

# %%
SUMMED = {"nel_admissions": "emergency admissions", "conveyances": "conveyances",
          "delayed_discharge_days": "delayed discharge days", "gp_unmet": "unmet GP requests"}
MONEY = {"spend_total": "total spending", "host_surplus": "host result", "acute_surplus": "acute result",
         "icb_balance": "ICB result"}


def against(reference, design):
    """One design's paired differences from a reference, summed over the years."""
    comp = paired_differences(annual, reference, design)
    total = comp.groupby("metric")["diff"].sum()
    row = {label: total[metric] for metric, label in SUMMED.items()}
    row.update({f"{label}, GBP m": total[metric] / 1e6 for metric, label in MONEY.items()})
    end = comp[(comp["metric"] == "waiting_list_end") & (comp["year"] == YEARS)].iloc[0]
    row["waiting list at end"] = end["diff"]
    return row


versus_pbr = pd.DataFrame({d: against("PbR (2004 rules)", d) for d in DESIGNS if d != "PbR (2004 rules)"}).T
versus_pbr.round(1)

# %% [markdown]
# To see what one lever adds **on top of** the plain lead-provider contract, compare each design with that
# row instead:

# %%
versus_lead = pd.DataFrame({d: against("lead provider", d) for d in DESIGNS
                            if d not in ("PbR (2004 rules)", "API (today)", "lead provider")}).T
versus_lead.round(1)

# %% [markdown]
# ## Need weighting and inequalities
#
# NHS Confederation and Browne Jacobson, press release on “Towards integrated health organisations” warns that IHOs could widen inequalities; De Santis (Edge Health), “IHOs: Another NHS rebrand?” argues the
# budget must follow need. Here are unmet GP requests and emergency admissions per 1,000 residents by
# deprivation fifth (1 = most deprived), averaged over replications and years.

# %%
FOCUS = ["PbR (2004 rules)", "lead provider", "no need weighting"]
groups = by_group[by_group["scenario"].isin(FOCUS)]
COUNTS = ["gp_unmet", "nel_admissions", "population"]
per_quintile = groups.groupby(["scenario", "imd_quintile"])[COUNTS].sum()
rates = per_quintile[["gp_unmet", "nel_admissions"]].div(per_quintile["population"], axis=0) * 1000
unmet = rates["gp_unmet"].unstack("scenario")[FOCUS]
unmet.round(1)

# %%
gap = (rates.xs(1, level="imd_quintile") - rates.xs(5, level="imd_quintile")).reindex(FOCUS)
gap.columns = ["gap in unmet GP requests per 1,000", "gap in emergency admissions per 1,000"]
print("Most deprived fifth minus least deprived fifth:")
gap.round(1)

# %%
fig, ax = plt.subplots(figsize=(7, 4))
unmet.plot(kind="bar", ax=ax)
ax.set_xlabel("IMD quintile (1 = most deprived)")
ax.set_ylabel("unmet GP requests per 1,000 a year")
ax.set_title("Unmet GP need by deprivation")
fig.tight_layout()

# %% [markdown]
# *Discussion:* with flat capitation, the money per unit of need falls where need is highest. Which
# practices lose capacity? Would it show up in the host's accounts?

# %% [markdown]
# ## Under-funding and the risk share
#
# The host's result year by year, and the elective waiting list, for the plain contract, the under-funded
# contract and the under-funded contract where the ICB shares most of the risk. A host in deficit beyond its
# risk-share corridor protects itself: it buys less planned care and invests less.

# %%
RISK = ["lead provider", "under-funded", "under-funded, ICB shares risk"]
risk = annual[annual["scenario"].isin(RISK)].groupby(["scenario", "year"])[
    ["host_surplus", "icb_balance", "waiting_list_end", "elective_admissions"]].mean()
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
for name in RISK:
    r = risk.xs(name, level="scenario")
    axes[0].plot(r.index, r["host_surplus"] / 1e6, marker="o", label=name)
    axes[1].plot(r.index, r["waiting_list_end"], marker="o", label=name)
axes[0].axhline(0, color="grey", lw=0.8)
axes[0].set_title("Host surplus (+) or deficit (-), GBP million")
axes[1].set_title("Elective waiting list at year end")
for ax in axes:
    ax.set_xlabel("year")
axes[0].legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# *Discussion:* sharing risk moves the deficit to the ICB. Does it change what happens to patients on the
# waiting list? Who should hold the risk when the capitation was set too low?

# %% [markdown]
# ## Stinting: when a saving is a harm
#
# The central risk of capitation is **stinting**: a budget holder that saves money by giving less care. In the
# model, care changes health (`docs/ODD.md`, section 7.13): a night waiting in A&E for a bed raises the risk of
# death, a patient at the margin who is sent home may come back in crisis, waiting for planned treatment lowers
# quality of life and some long waiters deteriorate into emergencies, and unmet GP demand raises the chance of
# a crisis. Every run reports the quality-adjusted life years (QALYs) its residents lived, the deaths after
# each kind of care failure and the crises that care failures caused.
#
# The under-funded contract is where stinting shows. Its host, in deficit beyond its corridor, buys less
# planned care; the regulator's pressure on 18-week waits makes it restore part of the cut (section 7.12). The
# design "under-funded, no 18-week pressure" takes that pressure away (`oversight.rtt_purchase_restore` 0), so
# the host keeps the whole cut. Below, each of the two minus the adequately funded lead provider, PbR and
# today's API, paired replication by replication and added up over the reported years: the mean and its 95%
# interval.

# %%
from ihoabm.experiments.stats import mean_interval
from ihoabm.outputs import catalogue

STINTED = ["under-funded", "under-funded, no 18-week pressure"]
AGAINST = ["lead provider", "PbR (2004 rules)", "API (today)"]
CARE_FAILURE_DEATHS = ["deaths_ae_delay", "deaths_not_admitted", "deaths_waiting"]
HARM = ["spend_total", "qalys", "elective_wait_days", "care_failure_crises", *CARE_FAILURE_DEATHS]
LABELS = {name: catalogue.label(name) for name in HARM}
LABELS["spend_total"] = catalogue.axis("spend_total", 1e6)
LABELS["care_failure_deaths"] = "Deaths after a care failure, all three causes"

totals = annual.groupby(["scenario", "replication"])[HARM].sum()
totals["spend_total"] /= 1e6
totals["care_failure_deaths"] = totals[CARE_FAILURE_DEATHS].sum(axis=1)


def paired(design, reference):
    """A design minus a reference, replication by replication: mean and 95% interval of each total."""
    diff = totals.loc[design] - totals.loc[reference]
    return {name: mean_interval(diff[name]) for name in diff.columns}


harm = {(design, ref): paired(design, ref) for design in STINTED for ref in AGAINST}
stint = {design: pd.DataFrame({ref: {name: m for name, (m, _, _) in harm[design, ref].items()} for ref in AGAINST})
         for design in STINTED}
pd.DataFrame({f"{design} minus {ref}": {LABELS[name]: f"{m:+,.1f} ({lo:+,.1f} to {hi:+,.1f})"
                                        for name, (m, lo, hi) in rows.items()}
              for (design, ref), rows in harm.items()})

# %% [markdown]
# Read the table down each column. Against the lead provider and against today's API, the under-funded
# contract **spends less**: on a finance committee's spreadsheet, a saving. Against every comparator, including
# PbR, its residents **live fewer QALYs** and **wait longer for planned treatment**, and against the lead
# provider and PbR more of them **come to a crisis because care failed them**. The saving is paid for in health.
#
# Without the regulator's pressure on waits the host keeps the whole cut: it saves more against the lead
# provider, its residents lose **more QALYs** than under the under-funded contract with that pressure, and care
# failures cause more crises than under every comparator. Oversight is what limits the harm.
#
# Deaths after a care failure are rare at this population size: read them with their intervals, and do not
# lean on their direction unless you run many more replications. The cell below checks the claims above
# against the numbers the notebook has just computed.

# %%
for design in STINTED:
    for ref in ("lead provider", "API (today)"):
        d = stint[design][ref]
        print(f"{design} minus {ref}: GBP {-d['spend_total']:,.2f} million saved, {-d['qalys']:,.1f} QALYs lost "
              f"(GBP {d['spend_total'] * 1e6 / d['qalys']:,.0f} saved per QALY lost), "
              f"{d['care_failure_crises']:+,.0f} crises caused by care failures, "
              f"{d['care_failure_deaths']:+,.1f} deaths after a care failure")
spend, qalys, waits, crises = (stint[STINTED[0]].loc[n] for n in ("spend_total", "qalys", "elective_wait_days",
                                                                  "care_failure_crises"))
assert spend["lead provider"] < 0 and spend["API (today)"] < 0, (
    "The under-funded contract no longer spends less than the lead provider and today's API, as the text says. "
    "Look at the table: if it now costs more, rewrite the paragraph above (or run more SEEDS if the interval is wide).")
assert (qalys < 0).all(), (
    f"The under-funded contract no longer loses QALYs against every comparator ({qalys.round(1).to_dict()}). "
    "Check outcomes.* in the scenario and docs/ODD.md 7.13, then rewrite the paragraph above to match the table.")
assert (waits > 0).all(), (
    "The under-funded contract's residents no longer wait longer for planned treatment than under every "
    "comparator; rewrite the paragraph above to match the table.")
assert crises["lead provider"] > 0 and crises["PbR (2004 rules)"] > 0, (
    f"Care-failure crises no longer rise against the lead provider and PbR ({crises.round(0).to_dict()}); "
    "rewrite the paragraph above to match the table, or run more SEEDS.")
unchecked = stint[STINTED[1]]
assert unchecked.loc["spend_total", "lead provider"] < spend["lead provider"] and (
    unchecked.loc["spend_total", "API (today)"] < 0), (
    "Without 18-week pressure the host no longer saves more than with it, or no longer saves against the API: "
    "rewrite the paragraph on oversight above to match the table.")
assert unchecked.loc["qalys", "lead provider"] < qalys["lead provider"] and (unchecked.loc["qalys"] < 0).all(), (
    "Without 18-week pressure residents no longer lose more QALYs than with it, or than every comparator: "
    "check oversight.rtt_purchase_restore (docs/ODD.md 7.12) and rewrite the paragraph on oversight above.")
assert (unchecked.loc["care_failure_crises"] > 0).all(), (
    "Without 18-week pressure care-failure crises no longer rise against every comparator: rewrite the "
    "paragraph on oversight above to match the table, or run more SEEDS.")

# %% [markdown]
# *Discussion:* the saving per QALY lost printed above is what the host's budget gained for each year of
# healthy life its residents lost. Would your ICB accept a trade at that price? Which of the contract's levers
# (a wider risk share, tied funding on waits, the regulator's 18-week pressure) would stop the host from making
# it? What would the host's board see in its own accounts?

# %% [markdown]
# ## Lead provider or alliance
#
# In a lead-provider arrangement the host keeps its surplus or deficit. In an alliance, partners share it in
# proportion to their contract values. Sharing gains, and keeping promises, builds **trust** between partners
# in the model; shunting costs erodes it. Trust decides how readily the community team accepts early
# discharges and how well partners share data to find the patients at highest risk.

# %%
ALLIANCE = ["lead provider", "alliance"]
results_by_partner = annual[annual["scenario"].isin(ALLIANCE)].groupby("scenario")[
    ["host_surplus", "acute_surplus", "community_surplus"]].sum() / len(SEEDS) / 1e6
print("Total result over the contract, GBP million (mean of replications):")
results_by_partner.round(2)

# %%
trust = {}
for design in ALLIANCE:
    scenario, overrides = DESIGNS[design]
    model = simulate(scenario, **SIZE, **overrides, **{"run.seed": SEEDS[0]})
    trust[design] = {f"{a} - {b}": model.network.edges[a, b]["trust"]
                     for a, b in (("acute", "community"), ("gp", "community"))}
print("Trust at the end of the run (0 none, 1 complete), one replication:")
pd.DataFrame(trust).round(2)

# %% [markdown]
# ## A lower-performing host
#
# Compare the "lower-performing host" row with the "lead provider" row in the table against the lead provider
# above. NHS Confederation and Browne Jacobson, press release on “Towards integrated health organisations” warns that keeping IHOs for high performers only could widen the gap
# between places, and asks for a pathway for others. What in the contract could help a weaker host: a longer
# premium, a wider risk share, support to learn faster?

# %% [markdown]
# ## Social care inside the contract (an approximation)
#
# Delayed discharges happen when medically fit patients wait for support to go home. Compare delayed
# discharge days and bed days for the plain contract and the one with extra discharge support.

# %%
SOCIAL = ["lead provider", "social care inside"]
DISCHARGE = ["delayed_discharge_days", "bed_days", "nel_mean_los", "mean_occupancy", "spend_community"]
annual[annual["scenario"].isin(SOCIAL)].groupby("scenario")[DISCHARGE].mean().round(2)

# %% [markdown]
# ## Your design
#
# Now put levers together. Edit `MY_DESIGN` (a scenario to start from, and overrides) and run the cells
# below. Some ideas: a premium **and** tied funding; a lower-performing host with a wider risk share; flat
# capitation with a premium. Parameter names are listed in `docs/ODD.md`.

# %%
MY_DESIGN = ("iho_invest_to_save", {"contract.tied_funding_share": 0.03,
                                    "contract.risk_share_corridor": 0.01})

scenario, overrides = MY_DESIGN
mine = [run(scenario, **SIZE, **overrides, **{"run.seed": seed}).annual.assign(scenario="my design",
                                                                                 replication=replication)
        for replication, seed in enumerate(SEEDS)]
annual = pd.concat([annual[annual["scenario"] != "my design"], *mine], ignore_index=True)
pd.DataFrame({"my design vs PbR": against("PbR (2004 rules)", "my design"),
              "lead provider vs PbR": against("PbR (2004 rules)", "lead provider")}).round(1)

# %% [markdown]
# ## Check your predictions
#
# Go back to your predictions for each lever. Which lever did what you expected? Which surprised you, and
# which mechanism explains it?

# %% [markdown]
# ## Discussion questions
#
# 1. Which single lever did most to reduce emergency admissions? Which did most to protect the host's
#    finances? Are they the same lever?
# 2. Tied funding rewards fewer emergency admissions. What could a host do to earn it that would not be good
#    for patients? What other outcome would you tie funding to? (NHS Confederation and Browne Jacobson, “Towards integrated health organisations” (summary) discusses
#    oversight metrics that reward collaboration.)
# 3. If your design were adopted, who would be the first organisation to complain, and about what?
# 4. Copps (Mutual Ventures), “Three questions about integrated care” suggests moving from contractual to structural integration in phases. Where
#    would an alliance sit on that path, and what would you need to see before moving on?
# 5. The model leaves out social care as an organisation, mental health and public health (see the
#    limitations in `docs/ODD.md`). Which of your conclusions might change if they were in?
