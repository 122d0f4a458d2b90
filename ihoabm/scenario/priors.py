"""Priors of the behavioural parameters: the range each could plausibly take, and why.

The model's answer rests on how providers respond to money (ODD 7.5, 7.8, 7.10 to 7.13), and most of those
responses are assumptions. `PRIORS` says, for each behavioural parameter (its dotted scenario key), what we
believe about it: a uniform or triangular distribution over `low` to `high` (triangular peaks at `mode`,
always the calibrated default) and either its published source or, where there is none, the reasoning
(`basis` starts "assumption:" then). `ihoabm compare --uncertainty N` draws from these (ODD 7.15), and the
ODD's section 8 tables show each one in their "prior" column (`docs/tools/sync_odd_defaults.py` writes it).

A list parameter (`utility_frailty`) has a prior on a multiplier of its default, so its shape is kept.
Integer parameters are sampled over `low - 0.5` to `high + 0.5` and rounded, so every whole value is as
likely as its neighbours. Every range holds the default and lies within the schema's bounds
(tests/test_priors.py).

Sources read for these priors (cited by short name below):
- NAO 2013: National Audit Office, "Emergency admissions to hospital: managing the demand", HC 739, 31 October
  2013 (key facts: emergency admissions up 47% and short stays under two days up 124% over 15 years), read as
  the copy of its summary at https://studylib.net/doc/8705805/executive-summary---national-audit-office.
- Health Foundation 2018: Steventon A, Deeny S, Friebel R, Gardner T, Thorlby R, "Briefing: Emergency
  hospital admissions in England: which may be avoidable and how?", The Health Foundation, May 2018
  (admissions up 42% in 12 years against 13% for major A&E attendances; the share of major A&E attendances
  admitted rose from 22% in 2006/07 to 29% in 2017/18; about a third of admissions are zero-day stays),
  https://www.health.org.uk/publications/emergency-hospital-admissions-in-england-which-may-be-avoidable-and-how.
- King's Fund 2013: "Is it worth tinkering with an emergency care payment system in need of a thorough
  overhaul?", The King's Fund blog, July 2013 (emergency admissions levelled off after the marginal rate rule
  began in 2010/11, but Monitor and NHS England found no local relationship with the rule and many other
  factors were at work), https://www.kingsfund.org.uk/blog/2013/07/it-worth-tinkering-emergency-care-payment-system-need-thorough-overhaul.
- HFMA 2013: "Tariff raises prospect of marginal rate changes", HFMA news, 3 October 2013 (Monitor and NHS
  England: "to some extent" the rule slowed emergency admissions),
  https://www.hfma.org.uk/news/healthcare-finance/news-item/tariff-raises-prospect-of-marginal-rate-changes.
- Stokes 2015: Stokes J, Panagioti M, Alam R, Checkland K, Cheraghi-Sohi S, Bower P, "Effectiveness of case
  management for 'at risk' patients in primary care: a systematic review and meta-analysis", PLoS One
  10(7):e0132340, 2015 (36 studies: no significant difference in secondary care use, total cost or mortality),
  https://doi.org/10.1371/journal.pone.0132340.
- McWilliams 2016: McWilliams JM, "Changes in Medicare Shared Savings Program savings from 2013 to 2014",
  JAMA 316(16):1711-1713, 2016 (first-year savings were offset by bonuses; savings grew in the second year),
  https://doi.org/10.1001/jama.2016.12049.
- Edgar 2024 (Cochrane), Jones 2022, the Health Foundation 2022 independent sector report, Mason 2012 and Weber
  2012: as cited in the ODD's references (sections 7.12, 7.13).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Shape = Literal["uniform", "triangular"]


@dataclass(frozen=True)
class Prior:
    """What we believe about one parameter: a distribution over [low, high] and why."""

    shape: Shape
    low: float
    high: float
    basis: str                  # the source, or "assumption: " and the reasoning
    mode: float | None = None   # triangular only: the most likely value (the default)
    scale: bool = False         # a multiplier of a list parameter's default, not the value itself

    def describe(self) -> str:
        """One cell of the ODD's prior column: 'triangular 0 to 4, mode 2' or 'uniform x0.5 to x1.5'."""
        fmt = (lambda v: f"x{v:g}") if self.scale else (lambda v: f"{v:g}")
        text = f"{self.shape} {fmt(self.low)} to {fmt(self.high)}"
        return text + (f", mode {fmt(self.mode)}" if self.mode is not None else "")

    def ppf(self, u: float) -> float:
        """The value at quantile `u` in [0, 1] (how a Latin hypercube point becomes a draw)."""
        lo, hi = self.low, self.high
        if self.shape == "uniform" or hi == lo:
            return lo + u * (hi - lo)
        c = ((self.mode if self.mode is not None else (lo + hi) / 2) - lo) / (hi - lo)
        if u < c:
            return lo + (u * (hi - lo) * (hi - lo) * c) ** 0.5
        return hi - ((1 - u) * (hi - lo) * (hi - lo) * (1 - c)) ** 0.5


def _tri(low: float, mode: float, high: float, basis: str) -> Prior:
    return Prior("triangular", low, high, basis, mode)


def _uni(low: float, high: float, basis: str, scale: bool = False) -> Prior:
    return Prior("uniform", low, high, basis, scale=scale)


PRIORS: dict[str, Prior] = {
    # --- the acute trust (ODD 7.4 to 7.6) ---------------------------------------------------------------
    "acute.margin_sensitivity": _tri(0.0, 2.0, 4.0, "assumption: from no response to margin (0) to twice the "
        "default. Short stays grew fastest under tariff (NAO 2013: +124% in 15 years; Health Foundation 2018: "
        "the share of A&E attendances admitted rose from 22% to 29%), so some response is likely; the "
        "marginal rate rule's effect was small and confounded (King's Fund 2013; HFMA 2013), so not a large one"),
    "acute.pressure_sensitivity": _tri(0.25, 1.0, 2.0, "assumption: full beds must restrain admission "
        "somewhat (not 0); no study gives the size, so a quarter to twice the default"),
    "acute.base_admission_propensity": _uni(0.3, 0.7, "assumption: a marginal patient is a coin toss at "
        "tariff; +/-0.2 keeps the calibrated admission rate within its 15% tolerance"),
    "acute.marginal_band": _tri(0.04, 0.08, 0.12, "assumption: the discretionary band; the A&E admission share "
        "moved by 7 points in 11 years under tariff (Health Foundation 2018), of the order of this band"),
    "acute.vw_substitution": _uni(0.3, 0.9, "assumption: a free virtual-ward place replaces many marginal "
        "admissions; hospital at home is a safe alternative for selected patients (Edgar et al. 2024, "
        "Cochrane) but how often it is used instead of admission is not measured"),
    "acute.zero_day_share_marginal": _uni(0.5, 0.8, "assumption: marginal admissions are mostly short "
        "assessment stays; about a third of all emergency admissions are zero-day (Health Foundation 2018), "
        "so marginal ones are well above that"),
    "acute.variable_cost_share": _uni(0.3, 0.6, "assumption: the part of tariff that is variable cost; "
        "spans the range argued over for the marginal rate rule, under which trusts said 30% of tariff did "
        "not cover their cost (King's Fund 2013)"),
    "acute.behaviour_adjust_per_month": _uni(0.1, 0.5, "assumption: a trust takes from about 2 to 10 months "
        "to adjust its behaviour (a half-life of 1 to 6.6 months)"),
    "acute.discharge_urgency_max": _uni(0.05, 0.25, "assumption: the largest cut in length of stay effort "
        "can make; overnight stays of people with five or more conditions fell by a third in 10 years "
        "(Health Foundation 2018), far beyond what one trust can do in a year"),
    "acute.divert_occupancy": _uni(0.92, 0.99, "assumption: the range given with the parameter (ODD 8.8); bed "
        "crises become near-certain above about 95% occupancy (Bagust, Place and Posnett 1999, BMJ)"),
    "acute.trust_cost_index": _uni(0.9, 1.1, "NHS England National Cost Collection: most trusts' market-forces-"
        "adjusted reference cost index lies within 10% of 100 (every trust's index scaled together)", scale=True),
    # --- community services (ODD 7.8) ------------------------------------------------------------------
    "community.hiring_lag_months": _tri(3.0, 6.0, 12.0, "assumption: recruitment and notice periods take "
        "months; from a quarter to a year"),
    "community.utilisation_target": _uni(0.5, 0.8, "assumption: a caseload team cannot fill every slot"),
    "health.caseload_crisis_rr": _uni(0.6, 1.0, "assumption: up to no effect at all (1.0), since case "
        "management showed no significant difference in secondary care use (Stokes 2015)"),
    "health.proactive_crisis_rr": _uni(0.75, 1.0, "Stokes 2015: no significant effect of case management on "
        "secondary care use; the range allows a small effect down to 0.75 and none"),
    # --- the host (ODD 7.10) ---------------------------------------------------------------------------
    "host.planning_interval_months": _uni(1.0, 6.0, "assumption: monthly to half-yearly planning"),
    "host.horizon_years": _uni(2.0, 10.0, "assumption: from a two-year financial plan to a decade; US "
        "accountable care savings took several years to appear (McWilliams 2016)"),
    "host.risk_appetite": _uni(0.2, 0.8, "assumption: neither blind to nor paralysed by untested levers"),
    "host.population_health_weight": _uni(0.0, 1.0, "assumption: from money only to valuing health as NICE does"),
    "host.max_invest_share": _uni(0.01, 0.06, "assumption: 1% to 6% of the capitation a year"),
    "host.prior_return": _tri(0.25, 1.0, 2.0, "assumption: first-year savings in US accountable care were "
        "small and offset by bonuses (McWilliams 2016), so a host may expect well below a pound per pound"),
    "host.pilot_share": _uni(0.0, 0.3, "assumption: from no pilots to a third of the budget"),
    "host.turnover_delay_months": _uni(3.0, 12.0, "assumption: the range given with the parameter (ODD 8.13); "
        "matters only where a scenario turns leadership turnover on"),
    "host.learning_rate": _uni(0.2, 0.8, "assumption: each year's evidence counts for a fifth to most of the "
        "belief"),
    # --- trust on the network (ODD 7.11) ---------------------------------------------------------------
    "network.trust_initial": _uni(0.3, 0.7, "assumption: partners start neither trusting nor distrusting"),
    "network.trust_gain": _uni(0.05, 0.2, "assumption: trust is built over years (5% to 20% of the gap closed a year)"),
    "network.trust_loss": _uni(0.05, 0.3, "assumption: trust is lost faster than it is built"),
    "network.stratification_accuracy_low": _uni(0.1, 0.5, "assumption: without shared data, risk lists "
        "are poor"),
    "network.stratification_accuracy_high": _uni(0.6, 0.95, "assumption: even full data sharing does not "
        "give a perfect risk list"),
    # --- oversight (ODD 7.12; ranges as given in the ODD's 8.15 table) -------------------------------------
    "oversight.rtt_capacity_response": _uni(0.0, 0.5, "assumption: range from the ODD 8.15 table"),
    "oversight.rtt_max_extra_capacity": _uni(0.05, 0.2, "Health Foundation 2022 (Peytrignet et al.): the "
        "independent sector did about 12% of NHS-funded admitted planned care before the pandemic"),
    "oversight.extra_capacity_cost_share": _uni(1.0, 1.5, "assumption: independent providers are paid tariff "
        "(Independent Healthcare Providers Network 2019); premium-rate sessions cost more"),
    "oversight.rtt_purchase_restore": _uni(0.0, 4.0, "assumption: from no pressure on a host's purchasing to "
        "twice the default"),
    "oversight.intervention_deficit_share": _uni(0.01, 0.05, "assumption: the range given with the parameter "
        "(ODD 8.15); matters only where a scenario turns intervention on"),
    "oversight.four_hour_sensitivity": _uni(0.0, 1.0, "Mason et al. 2012 (admissions bunched before 4 hours) "
        "give the direction; Weber et al. 2012 (admission rate unchanged) keep it small"),
    # --- health effects of care (ODD 7.13; ranges as given in the ODD's 8.16 table) ------------------------
    "outcomes.boarding_death_risk": _uni(0.010, 0.018, "Jones et al. 2022: the 95% interval of the SMR "
        "(1.12 to 1.21) as an excess 30-day death risk"),
    "outcomes.sent_home_crisis_risk": _uni(0.0, 0.15, "assumption: range from the ODD 8.16 table"),
    "outcomes.sent_home_death_risk": _uni(0.0, 0.005, "assumption: kept small after Coussens and Ly 2025"),
    "outcomes.sent_home_window_days": _uni(7.0, 30.0, "assumption: range from the ODD 8.16 table"),
    "outcomes.unmet_gp_crisis_risk": _uni(0.0, 0.02, "assumption: range from the ODD 8.16 table"),
    "outcomes.unmet_gp_window_days": _uni(3.0, 14.0, "assumption: range from the ODD 8.16 table"),
    "outcomes.long_wait_weeks": _uni(0.0, 52.0, "assumption: range from the ODD 8.16 table"),
    "outcomes.deterioration_per_year": _uni(0.0, 0.2, "assumption: James et al. 2026 counted about 0.75 "
        "emergency admissions of any cause per year waited, only some related to the condition awaited"),
    "outcomes.deterioration_death_risk": _uni(0.0, 0.05, "assumption: range from the ODD 8.16 table"),
    "outcomes.deconditioning_per_delayed_day": _uni(0.0, 0.06, "assumption: up to a year of ageing a day "
        "(Kortebein et al. 2007 for the order)"),
    "outcomes.utility_per_ltc": _uni(0.02, 0.08, "assumption: range from the ODD 8.16 table"),
    "outcomes.utility_frailty": _uni(0.5, 1.5, "assumption: the default's shape scaled by half to one and a "
        "half (the ODD's 8.16 range reaches [0, 0.1, 0.2, 0.3])", scale=True),
    "outcomes.utility_waiting": _uni(0.02, 0.45, "NHS PROMs 2018-19: the top is the mean EQ-5D gain after hip "
        "replacement (0.454); most procedures gain far less"),
    "outcomes.utility_episode": _uni(0.1, 0.4, "assumption: range from the ODD 8.16 table"),
}

# Mechanisms switched off in the reference (their value 0 is "off"): drawing them would switch a mechanism on in
# every arm, a change of model, not an uncertainty. The range the ODD gives applies where a scenario turns one on.
NOT_DRAWN: dict[str, str] = {
    "host.turnover_per_year": "off in the reference; a scenario that turns leadership turnover on should span "
                              "its ODD range",
    "network.shared_risk_weight": "off in the reference; a scenario that turns it on should span its ODD range",
    "elective.independent_capacity_per_1000": "off in the reference (no independent sector capacity); a scenario "
                                              "that adds it should span its ODD range (0 to 15 per 1,000)",
    "oversight.intervention_years": "off in the reference (never); a scenario that turns intervention on should "
                                    "span its ODD range",
}

# Sections whose every parameter marked "assumption" (a behaviour, not a scenario lever or switch) must have a
# prior (or be in NOT_DRAWN); and the behavioural keys of other sections. tests/test_priors.py holds the
# registry to these.
BEHAVIOURAL_SECTIONS = ("host", "network", "oversight", "outcomes")
BEHAVIOURAL_KEYS = ("acute.margin_sensitivity", "acute.pressure_sensitivity", "acute.base_admission_propensity",
                    "acute.marginal_band", "acute.vw_substitution", "acute.zero_day_share_marginal",
                    "acute.variable_cost_share", "acute.behaviour_adjust_per_month",
                    "acute.discharge_urgency_max", "community.hiring_lag_months", "community.utilisation_target",
                    "health.caseload_crisis_rr", "health.proactive_crisis_rr")
