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
#
# 20,000 residents, four contract years, three replications: the workshop size, and the size the automatic
# tests run, so the checks below hold at it. Running every design takes a few minutes.

# %%
import pandas as pd

from ihoabm.outputs import workshop as ws
from ihoabm.outputs.levers import Panel
from ihoabm.scenario import load_scenario

# %matplotlib inline

PATIENTS, YEARS, SEEDS = 20_000, 4, [1, 2, 3]
SIZE = {"run.patients": PATIENTS, "run.years": YEARS}
pd.set_option("display.width", 180)
pd.set_option("display.max_columns", 20)
print(f"{len(SEEDS)} replications, {PATIENTS:,} residents, {YEARS} contract years")

# %% [markdown]
# ## The contract designs
#
# Each design is a built-in scenario plus, where needed, a few parameter overrides. Open `docs/ODD.md` to see
# what each parameter means and where its default comes from.
#
# * **A lower-performing host.** The model has no single "performance" dial. Here a host learns slowly from
#   evidence, re-plans only once a year, is cautious about untested investments and starts out pessimistic
#   about their return. That is our assumption of what "lower-performing" means; change it if you disagree.
# * **Social care inside the contract.** The model has no local authority or social care agent (see the
#   limitations in `docs/ODD.md`). As an approximation the contract gets an extra GBP 10 a head a year, spent
#   on discharge support. The GBP 10 is an illustrative assumption, not a published figure.
# * **The risk share** is tried two ways: the ICB taking 90% of a result beyond the corridor, and the same with
#   the corridor set to zero.

# %%
lead = load_scenario("iho_lead_provider")
c = lead.community
EXTRA_SOCIAL_CARE = 10.0  # GBP per head a year: an illustrative assumption
funding = c.funding_per_head + EXTRA_SOCIAL_CARE
shares = [s * c.funding_per_head / funding for s in c.stream_shares[:3]]
shares.append(1.0 - sum(shares))  # what is left (the old discharge share plus the extra) is discharge support
PBR, LEAD = "PbR (2004 rules)", "lead provider"
DESIGNS = {
    PBR: ("pbr_2004", {}),
    "API (today)": ("api_today", {}),
    LEAD: ("iho_lead_provider", {}),
    "no need weighting": ("iho_no_need_weighting", {}),
    "under-funded": ("iho_underfunded", {}),
    "under-funded, ICB takes 90%": ("iho_underfunded", {"contract.risk_share_icb": 0.9}),
    "under-funded, ICB takes 90%, no corridor": ("iho_underfunded", {"contract.risk_share_corridor": 0.0,
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
IHOS = [d for d in DESIGNS if d not in (PBR, "API (today)")]
pd.DataFrame([{"design": name, "scenario": scenario, "overrides": overrides or ""}
              for name, (scenario, overrides) in DESIGNS.items()]).set_index("design")

# %% [markdown]
# ## Run every design with the same seeds
#
# Every design meets the same patients and the same chance events (common random numbers, notebook 2).

# %%
done = [ws.run_design(name, scenario, overrides, SEEDS, SIZE) for name, (scenario, overrides) in DESIGNS.items()]
annual = pd.concat([a for a, _ in done], ignore_index=True)
groups = pd.concat([g for _, g in done], ignore_index=True)
print(f"{annual['arm'].nunique()} designs x {len(SEEDS)} replications done")

# %% [markdown]
# ## Each design against Payment by Results
#
# Mean paired differences from PbR, added up over the four years (money in GBP million), with 95% intervals;
# `*` marks an interval that excludes zero. Read across a row to see a design's whole story.

# %%
SUMMED = ["nel_admissions", "conveyances", "delayed_discharge_days", "spend_total", "spend_primary",
          "host_surplus", "acute_surplus", "community_surplus", "icb_balance", "qalys"]
ws.design_table(annual, PBR, [d for d in DESIGNS if d != PBR], SUMMED)

# %% [markdown]
# **Which lever cut admissions most?** None of them, on its own. Every IHO design cuts emergency admissions
# against PbR by a similar amount, between about 370 and 500 over four years, and every interval excludes zero.
# Against the plain lead-provider contract no design changes emergency admissions clearly. The cut comes from
# what every IHO design shares: the **cost-plus sub-contract** with the acute trust, which stops paying the
# trust a tariff for each marginal admission (notebook 2). Today's API, which also removes that tariff, cuts
# admissions by more (about 620). And the acute trust's result is about GBP 1.9 million better than under PbR
# in every design except the alliance, because cost plus pays it more. (`ihoabm decompose` splits a difference
# into such channels; see `docs/ODD.md` 7.15.)

# %% tags=["remove-input"]
cuts = {d: ws.effect(annual, PBR, d, "nel_admissions") for d in IHOS}
assert all(e.below_zero and -550 < e.mean < -330 for e in cuts.values()), {d: e.text() for d, e in cuts.items()}
assert not any(ws.effect(annual, LEAD, d, "nel_admissions").clear for d in IHOS if d != LEAD)
api_cut = ws.effect(annual, PBR, "API (today)", "nel_admissions")
assert api_cut.mean < min(e.mean for e in cuts.values()), api_cut.text()
acute = {d: ws.effect(annual, PBR, d, "acute_surplus") for d in IHOS if d != "alliance"}
assert all(e.above_zero and 1.5e6 < e.mean < 2.5e6 for e in acute.values()), {d: e.text() for d, e in acute.items()}
print(f"Cuts against PbR: {min(e.mean for e in cuts.values()):+,.0f} to {max(e.mean for e in cuts.values()):+,.0f}; "
      f"today's API {api_cut.text()}")

# %% [markdown]
# To see what one lever adds **on top of** the plain lead-provider contract, compare each design with that row:

# %%
ws.design_table(annual, LEAD, [d for d in IHOS if d != LEAD], SUMMED)

# %% [markdown]
# What each lever does against the lead provider, over four years:
#
# * **invest-to-save premium** (with a longer-sighted host and a bigger investment budget): the host's result is
#   about GBP 1.4 million better, because the ICB pays the premium on **every** community contact, not only on
#   extra ones; the host spends about GBP 1.2 million more on GP proactive care, and residents live more QALYs
#   (a small gain whose interval excludes zero). Conveyances show no clear change.
# * **tied funding 5%**: no clear change in emergency admissions; the host buys less GP proactive care.
# * **social care inside**: delayed discharge days fall clearly (by about 575), at about GBP 1.1 million more
#   spending.

# %% tags=["remove-input"]
its = {m: ws.effect(annual, LEAD, "invest-to-save premium", m) for m in ("host_surplus", "spend_primary", "qalys",
                                                                         "conveyances")}
assert its["host_surplus"].above_zero and 1.0e6 < its["host_surplus"].mean < 2.0e6, its["host_surplus"].text()
assert its["spend_primary"].above_zero and its["qalys"].above_zero and not its["conveyances"].clear
tied = ws.effect(annual, LEAD, "tied funding 5%", "spend_primary")
assert tied.below_zero and not ws.effect(annual, LEAD, "tied funding 5%", "nel_admissions").clear
social = ws.effect(annual, LEAD, "social care inside", "delayed_discharge_days")
social_cost = ws.effect(annual, LEAD, "social care inside", "spend_total")
assert social.below_zero and social_cost.above_zero, (social.text(), social_cost.text())
print(f"Against the lead provider: premium host result GBP {its['host_surplus'].text(1e6, 2)} m, GP proactive care "
      f"GBP {its['spend_primary'].text(1e6, 2)} m, QALYs {its['qalys'].text()}; tied funding GP proactive care GBP "
      f"{tied.text(1e6, 2)} m; social care delayed discharge days {social.text()}, spending GBP {social_cost.text(1e6, 2)} m")

# %% [markdown]
# ## A lower-performing host "does better" on money
#
# Compare the "lower-performing host" with the lead provider. Its result is about GBP 0.4 million **better**
# over four years, and its residents' admissions, waits and QALYs show no clear difference. It is not better
# at anything: it learns slowly, is cautious and re-plans once a year, so it buys about GBP 0.75 million less
# GP proactive care, and what it does not spend shows up as a better result. In the first years of a contract,
# the accounts reward a host that does less.

# %% tags=["remove-input"]
weak = {m: ws.effect(annual, LEAD, "lower-performing host", m) for m in ("host_surplus", "spend_primary",
                                                                        "nel_admissions", "qalys")}
assert weak["host_surplus"].mean > 0.2e6 and weak["spend_primary"].below_zero, (weak["host_surplus"].text(),)
assert not weak["nel_admissions"].clear and not weak["qalys"].clear
assert not ws.effect(annual, LEAD, "lower-performing host", "waiting_list_end", YEARS).clear
print(f"Lower-performing host minus lead provider: result GBP {weak['host_surplus'].text(1e6, 2)} m, GP proactive care "
      f"GBP {weak['spend_primary'].text(1e6, 2)} m, admissions {weak['nel_admissions'].text()}, QALYs {weak['qalys'].text()}")

# %% [markdown]
# ## Need weighting and inequalities
#
# NHS Confederation and Browne Jacobson warn that IHOs could widen inequalities; De Santis (Edge Health) argues the
# budget must follow need. Unmet GP requests per 1,000 residents a year by deprivation fifth, averaged over
# replications and years:

# %%
FOCUS = [PBR, LEAD, "no need weighting"]
unmet = ws.quintile_rates(groups, FOCUS, "gp_unmet")
ws.bars(unmet, "IMD quintile (1 = most deprived)", "Unmet GP requests per 1,000 a year",
        "Unmet GP need by deprivation")

# %%
unmet

# %% [markdown]
# **What the model shows, and how sure it is.** Without need weighting, unmet GP requests in the most deprived
# fifth rise on average (against the need-weighted lead provider), but the interval includes zero; in the
# second most deprived fifth they fall, clearly. The gap between the most and least deprived fifths widens on
# average, but its interval also includes zero: at this size the model **cannot say** that flat capitation
# widens the gap, and the change is in one fifth, not a gradient. Emergency admissions by deprivation show no
# clear change. The host's finances hardly change either: whatever the harm, it does not show in the accounts.

# %% tags=["remove-input"]
q1 = ws.quintile_effect(groups, LEAD, "no need weighting", "gp_unmet", 1)
q2 = ws.quintile_effect(groups, LEAD, "no need weighting", "gp_unmet", 2)
gap = ws.quintile_effect(groups, LEAD, "no need weighting", "gp_unmet")
gap_adm = ws.quintile_effect(groups, LEAD, "no need weighting", "nel_admissions")
assert q1.mean > 0 and not q1.clear and q2.below_zero, (q1.text(1, 1), q2.text(1, 1))
assert gap.mean > 0 and not gap.clear and not gap_adm.clear, (gap.text(1, 1), gap_adm.text(1, 1))
assert not ws.effect(annual, LEAD, "no need weighting", "host_surplus").clear
print(f"No need weighting minus lead provider, per 1,000: most deprived fifth {q1.text(1, 1)}, second {q2.text(1, 1)},"
      f" gap between fifths 1 and 5 {gap.text(1, 1)}")

# %% [markdown]
# ## Under-funding and the risk share
#
# The host's result and the elective waiting list, year by year, for PbR, the plain contract, the under-funded
# contract and its two risk-share variants.

# %%
RISK = [PBR, LEAD, "under-funded", "under-funded, ICB takes 90%", "under-funded, ICB takes 90%, no corridor"]
ws.lines(annual, RISK[1:], "host_surplus", "Host provider surplus (+) or deficit (-)")

# %%
ws.lines(annual, RISK, "waiting_list_end", "Elective waiting list at the end of each year")

# %% [markdown]
# * The waiting list **grows under every design, PbR included** (under PbR from about 750 at the end of year 1
#   to about 1,060 at the end of year 4): elective demand outruns capacity in the model whatever the payment.
# * The under-funded host is in deficit every year, about GBP 6.8 million over four years.
# * **The ICB taking 90% moves money, not care.** It cuts the host's four-year loss by about GBP 3.7 million, and
#   the ICB's own surplus falls by the same; the waiting list and QALYs show no clear difference.
# * **Setting the corridor to zero is a different lever.** The host then treats any deficit above 0.5% of its
#   contract as a reason to protect itself: it buys less planned care from the first months, and the waiting
#   list at the end of year 1 is longer (by about 110) than with the corridor. It is the corridor, not the ICB's
#   share, that changes what the host does.

# %% tags=["remove-input"]
pbr_wl = [ws.level(annual, PBR, "waiting_list_end", y).mean for y in range(1, YEARS + 1)]
assert pbr_wl[-1] > 1.2 * pbr_wl[0], pbr_wl
under = [ws.effect(annual, PBR, "under-funded", "host_surplus", y) for y in range(1, YEARS + 1)]
assert all(e.below_zero for e in under), [e.text() for e in under]
share, nocorr = "under-funded, ICB takes 90%", "under-funded, ICB takes 90%, no corridor"
moved = ws.effect(annual, "under-funded", share, "host_surplus")
icb = ws.effect(annual, "under-funded", share, "icb_balance")
assert moved.above_zero and icb.below_zero and abs(moved.mean + icb.mean) < 0.2 * moved.mean, (moved.text(), icb.text())
assert not ws.effect(annual, "under-funded", share, "waiting_list_end", YEARS).clear
assert not ws.effect(annual, "under-funded", share, "qalys").clear
corridor = ws.effect(annual, share, nocorr, "waiting_list_end", 1)
assert corridor.above_zero and ws.effect(annual, "under-funded", share, "waiting_list_end", 1).mean == 0, corridor.text()
print(f"ICB taking 90%: host GBP {moved.text(1e6, 2)} million, ICB {icb.text(1e6, 2)} million; "
      f"no corridor: waiting list at end of year 1 {corridor.text()}")

# %% [markdown]
# *Discussion:* who should hold the risk when the capitation was set too low? If sharing it does not protect
# the waiting list, what would?

# %% [markdown]
# ## Stinting: when a saving is a harm
#
# The central risk of capitation is **stinting**: a budget holder that saves money by giving less care. In the
# model, care changes health (`docs/ODD.md`, section 7.13). The under-funded host, in deficit beyond its
# corridor, buys less planned care; the regulator's pressure on 18-week waits makes it restore part of the cut
# (section 7.12). "Under-funded, no 18-week pressure" takes that pressure away. Each of the two minus the lead
# provider, PbR and today's API, over the four years:

# %%
STINTED = ["under-funded", "under-funded, no 18-week pressure"]
AGAINST = [LEAD, PBR, "API (today)"]
HARM = ["spend_total", "qalys", "elective_wait_days", "care_failure_crises", "deaths_ae_delay",
        "deaths_not_admitted", "deaths_waiting"]
pd.concat({f"{d} minus {ref}": ws.differences(annual, ref, d, HARM, by_year=False)["all years"]
           for d in STINTED for ref in AGAINST}, axis=1)

# %% [markdown]
# * **The under-funded contract** does not clearly spend less than the lead provider, and spends about what
#   today's API does. Its residents **wait longer** for planned treatment than under every comparator (clearly),
#   and live **fewer QALYs** on average against every comparator (clearly only against PbR).
# * **Without the 18-week pressure** the host keeps the whole cut: it spends clearly less than the lead provider
#   (about GBP 1.1 million over four years), its residents live about 160 to 190 fewer QALYs against every
#   comparator, wait far longer, and come to a **crisis caused by a care failure** more often, all clearly.
#   That saving is paid for in health; oversight is what limits the harm.
# * Deaths after a care failure are rare at this size and show no clear difference.

# %% tags=["remove-input"]
e = {(d, r, m): ws.effect(annual, r, d, m) for d in STINTED for r in AGAINST for m in HARM}
u, n = STINTED
assert e[u, LEAD, "spend_total"].mean < 0 and not e[u, LEAD, "spend_total"].clear
assert not e[u, "API (today)", "spend_total"].clear
assert all(e[u, r, "elective_wait_days"].above_zero for r in AGAINST)
assert all(e[u, r, "qalys"].mean < 0 for r in AGAINST) and e[u, PBR, "qalys"].below_zero
assert e[n, LEAD, "spend_total"].below_zero and -1.6e6 < e[n, LEAD, "spend_total"].mean < -0.7e6
assert all(e[n, r, "qalys"].below_zero and -230 < e[n, r, "qalys"].mean < -130 for r in AGAINST)
assert all(e[n, r, "care_failure_crises"].above_zero and e[n, r, "elective_wait_days"].above_zero for r in AGAINST)
assert not any(e[d, r, m].clear for d in STINTED for r in AGAINST for m in HARM[4:])
q, s = e[n, LEAD, "qalys"].mean, e[n, LEAD, "spend_total"].mean
print(f"Without 18-week pressure, against the lead provider: GBP {-s:,.0f} saved, {-q:,.0f} QALYs lost "
      f"(GBP {s / q:,.0f} saved per QALY lost)")

# %% [markdown]
# *Discussion:* the saving per QALY lost printed above is what the host's budget gained for each year of
# healthy life its residents lost. NICE's threshold is GBP 20,000 to 30,000 per QALY. Would your ICB accept the
# trade? Which lever would stop the host from making it?

# %% [markdown]
# ## Lead provider or alliance: what is shared
#
# In a lead-provider arrangement the host keeps its surplus or deficit. In an alliance, partners share it in
# proportion to their contract values. Here the result being shared is a **deficit**: the alliance's host ends
# each year at zero, and the acute trust and the community provider carry its loss (totals over the four years,
# GBP million, against PbR):

# %%
ws.design_table(annual, PBR, [LEAD, "alliance"], ["host_surplus", "acute_surplus", "community_surplus"])

# %% [markdown]
# Partners come to trust the host as it shares gains with them, and less as it passes a deficit on
# (`docs/ODD.md`, the provider network). Trust decides how readily the community team accepts early discharges
# and how well partners share data. At the end of the run (one replication):

# %%
trust = pd.DataFrame({d: ws.trust_at_end(*DESIGNS[d], SEEDS[0], SIZE) for d in (LEAD, "alliance")}).round(2)
trust

# %% [markdown]
# The alliance ends with **lower** trust between the acute trust and the community provider than the lead
# provider, because what it shared was a loss. Sharing builds trust only when there are gains to share.

# %% tags=["remove-input"]
assert ws.effect(annual, LEAD, "alliance", "acute_surplus").below_zero
assert ws.effect(annual, LEAD, "alliance", "community_surplus").below_zero
assert abs(ws.level(annual, "alliance", "host_surplus").mean) < 1 and ws.level(annual, LEAD, "host_surplus").hi < 0
assert trust.loc["acute and community", "alliance"] < trust.loc["acute and community", LEAD], trust
print(f"Alliance minus lead provider: acute trust GBP {ws.effect(annual, LEAD, 'alliance', 'acute_surplus').text(1e6, 2)} m, "
      f"community provider GBP {ws.effect(annual, LEAD, 'alliance', 'community_surplus').text(1e6, 2)} m; trust "
      f"(acute and community) {trust.loc['acute and community', 'alliance']} against {trust.loc['acute and community', LEAD]}")

# %% [markdown]
# ## Your design
#
# Now put levers together. Move the sliders (each is limited to a range worth trying), then run the cell after
# the panel. It runs your design with the same seeds and sets it beside the lead provider, against PbR. A value
# typed outside the panel that the model does not allow prints one line saying what is allowed.

# %%
panel = Panel("iho_lead_provider")
panel.set(**{"contract.tied_funding_share": 0.03, "contract.risk_share_corridor": 0.01})
panel

# %%
mine = ws.run_design("my design", panel.scenario, panel.overrides(), SEEDS, SIZE)
if mine is not None:
    both = pd.concat([annual, mine[0]], ignore_index=True)
    display(ws.design_table(both, PBR, [LEAD, "my design"], SUMMED))  # noqa: F821 (IPython's display)

# %% [markdown]
# A wrong value, typed by hand, is refused in one line:

# %%
ws.run_design("typo", "iho_lead_provider", {"contract.capitation_level": 7}, SEEDS, SIZE)

# %% [markdown]
# ## Check your predictions
#
# Go back to your predictions for each lever. Which lever did what you expected? Which surprised you, and
# which mechanism explains it?

# %% [markdown]
# ## Discussion questions
#
# 1. Every IHO design cut emergency admissions by about the same amount, through the cost-plus sub-contract.
#    Which lever did most to protect the host's finances? Which did most for residents' health? Are they the
#    same lever?
# 2. Tied funding rewards fewer emergency admissions. What could a host do to earn it that would not be good
#    for patients? What other outcome would you tie funding to?
# 3. A weaker host looks better in its accounts because it invests less. How would you write a contract that
#    does not reward doing less?
# 4. If your design were adopted, who would be the first organisation to complain, and about what?
# 5. Copps (Mutual Ventures) suggests moving from contractual to structural integration in phases. The alliance
#    here shared a deficit and lost trust: what would you need to see before moving on?
# 6. The model leaves out social care as an organisation, mental health and public health (see the limitations
#    in `docs/ODD.md`). Which of your conclusions might change if they were in?
