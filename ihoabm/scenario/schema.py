"""The scenario schema: every parameter of the model, typed and range-checked, immutable once built.

Each section is a frozen pydantic model that refuses unknown keys. Defaults live in one place only, the
embedded `baseline.toml`, where every value carries its source or the word "assumption".
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = 1

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]
NonNeg = Annotated[float, Field(ge=0.0)]
RelRisk = Annotated[float, Field(gt=0.0, le=10.0)]
Money = Annotated[float, Field(ge=0.0, le=1e7)]
FiveBands = Annotated[list[NonNeg], Field(min_length=5, max_length=5)]
FiveQuintiles = Annotated[list[Positive], Field(min_length=5, max_length=5)]
FourFrailty = Annotated[list[Positive], Field(min_length=4, max_length=4)]
ContractForm = Literal["block", "cost_plus", "activity", "shared_savings"]


class Section(BaseModel):
    """Base for all sections: immutable and strict about unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Meta(Section):
    """Who the scenario is and what question it answers."""

    name: str
    schema_version: Literal[1]
    description: str = ""
    question: str = ""
    source: str = ""


class Run(Section):
    """Size and length of a run."""

    patients: Annotated[int, Field(ge=1_000, le=3_000_000)]
    years: Annotated[int, Field(ge=1, le=50)]
    burn_in_years: Annotated[int, Field(ge=0, le=5)]
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)]
    tracked_patients: Annotated[int, Field(ge=0, le=1_000)]


class Population(Section):
    """Synthetic population and GP practice structure."""

    age_band_shares: Annotated[list[NonNeg], Field(min_length=19, max_length=19)]
    female_share_under_65: Share
    female_share_65_84: Share
    female_share_85_plus: Share
    practice_list_mean: Annotated[float, Field(ge=500, le=100_000)]
    practice_list_sigma: Annotated[float, Field(ge=0.0, le=2.0)]
    registration_turnover_per_year: Share


class Demography(Section):
    """Births and deaths."""

    birth_rate_per_1000: Annotated[float, Field(ge=0.0, le=50.0)]
    gompertz_a: Annotated[float, Field(gt=0.0, le=0.01)]
    gompertz_b: Annotated[float, Field(gt=0.0, le=0.2)]
    male_mortality_ratio: RelRisk
    imd_mortality_ratio: FiveQuintiles
    frailty_mortality_hr: FourFrailty


class Health(Section):
    """Long-term conditions, frailty and crisis hazards."""

    ltc_mean_age_knots: Annotated[list[NonNeg], Field(min_length=2, max_length=12)]
    ltc_mean_values: Annotated[list[NonNeg], Field(min_length=2, max_length=12)]
    ltc_imd_multiplier: FiveQuintiles
    ltc_max: Annotated[int, Field(ge=1, le=20)]
    frailty_shares_65_plus: FourFrailty
    frailty_age_slope: NonNeg
    frailty_ltc_weight: NonNeg
    frailty_noise_sd: Positive
    crisis_rate_base: Annotated[float, Field(ge=0.0, le=5.0)]
    crisis_ltc_rr: RelRisk
    crisis_frailty_rr: FourFrailty
    crisis_age_rr: FiveBands
    minor_episode_rate: FiveBands
    caseload_crisis_rr: RelRisk
    proactive_crisis_rr: RelRisk
    prevention_max_reduction: Share
    prevention_half_effect_per_head: Positive
    prevention_lag_years: Annotated[float, Field(gt=0.0, le=30.0)]

    @model_validator(mode="after")
    def _knots_match(self) -> Health:
        if len(self.ltc_mean_age_knots) != len(self.ltc_mean_values):
            raise ValueError("ltc_mean_age_knots and ltc_mean_values must have the same length")
        return self


class Primary(Section):
    """GP demand and capacity."""

    gp_demand_by_band: FiveBands
    gp_demand_ltc_rr: RelRisk
    gp_demand_imd_multiplier: FiveQuintiles
    gp_capacity_per_weighted_head: Annotated[float, Field(ge=0.0, le=50.0)]
    unmet_to_ae_share: Share
    gp_emergency_referral_share: Share
    proactive_cost_per_patient_year: Positive
    proactive_eligible_share: Share


class Ambulance(Section):
    """999 calls and triage."""

    crisis_call_share: FourFrailty
    minor_call_share: Share
    hear_and_treat_below: Share
    see_and_treat_below: Share
    ucr_band_width: Share
    conveyed_elsewhere_share: Share
    responses_per_100k_per_day: Positive


class Acute(Section):
    """A&E, beds, length of stay, discharge and the trust's cost structure and behaviour."""

    beds_per_1000: Annotated[float, Field(gt=0.0, le=20.0)]
    admit_acuity_conveyed: Share
    admit_acuity_walk_in: Share
    marginal_band: Share
    base_admission_propensity: Share
    vw_substitution: Share
    zero_day_share_clinical: Share
    zero_day_share_marginal: Share
    los_mean_by_band: FiveBands
    los_frailty_multiplier: FourFrailty
    los_shape: Positive
    step_down_need_by_frailty: Annotated[list[Share], Field(min_length=4, max_length=4)]
    variable_cost_share: Share
    bed_day_cost: Money
    margin_sensitivity: NonNeg
    pressure_sensitivity: NonNeg
    behaviour_adjust_per_month: Share
    behaviour_fixed: bool
    discharge_urgency_max: Share


class Elective(Section):
    """Elective referrals, waiting list, day cases and outpatients."""

    referral_rate_per_1000: Annotated[float, Field(ge=0.0, le=1000.0)]
    capacity_per_1000: Annotated[float, Field(ge=0.0, le=1000.0)]
    day_case_share: Share
    ordinary_los_mean: Positive
    emergency_bed_reserve: Share
    outpatient_rate_by_band: FiveBands
    outpatient_ltc_rr: RelRisk


class Community(Section):
    """Community services: district nursing caseloads, UCR, virtual wards, discharge support."""

    funding_per_head: Money
    stream_shares: Annotated[list[Share], Field(min_length=4, max_length=4)]
    caseload_visits_per_year: Positive
    ucr_contacts_per_episode: Positive
    vw_length_of_stay: Positive
    discharge_contacts_per_case: Positive
    hiring_lag_months: Annotated[float, Field(ge=0.0, le=60.0)]
    utilisation_target: Share

    @model_validator(mode="after")
    def _shares_sum(self) -> Community:
        if abs(sum(self.stream_shares) - 1.0) > 1e-6:
            raise ValueError("stream_shares must sum to 1 (caseload, ucr, virtual_ward, discharge)")
        return self


class Prices(Section):
    """Unit prices (national tariff and unit costs), GBP."""

    nel_long_stay: Money
    nel_short_stay: Money
    elective_inpatient: Money
    day_case: Money
    ae_attendance: Money
    outpatient: Money
    gp_consultation: Money
    community_contact: Money
    ambulance_incident: Money


class Contract(Section):
    """How money flows: the payment regime and its levers."""

    regime: Literal["pbr", "blended", "iho"]
    icb_allocation_per_head: Money
    gp_capitation_per_weighted_head: Money
    ambulance_payment: Literal["per_incident", "block"]
    community_block_uplift: Annotated[float, Field(ge=-0.5, le=0.5)]
    blended_variable_share: Share
    capitation_level: Annotated[float, Field(gt=0.0, le=3.0)]
    need_weighting: bool
    host_variant: Literal["lead_provider", "alliance"]
    acute_subcontract: ContractForm
    community_subcontract: ContractForm
    cost_plus_margin: Annotated[float, Field(ge=0.0, le=0.5)]
    shared_savings_share: Share
    invest_to_save_premium: Share
    invest_to_save_years: Annotated[int, Field(ge=0, le=50)]
    risk_share_corridor: Share
    risk_share_icb: Share
    tied_funding_share: Share


class Host(Section):
    """The host provider's governance: how it plans investment."""

    invest: bool
    planning_interval_months: Annotated[int, Field(ge=1, le=24)]
    horizon_years: Annotated[float, Field(gt=0.0, le=30.0)]
    risk_appetite: Share
    population_health_weight: Share
    max_invest_share: Share
    prior_return: Annotated[float, Field(ge=0.0, le=10.0)]
    learning_rate: Share
    discount_rate: Annotated[float, Field(ge=0.0, le=0.5)]


class Network(Section):
    """Trust on the provider network."""

    trust_initial: Share
    trust_gain: Share
    trust_loss: Share
    stratification_accuracy_low: Share
    stratification_accuracy_high: Share


class Scenario(Section):
    """A fully resolved scenario: the single source of parameters for one model run."""

    meta: Meta
    run: Run
    population: Population
    demography: Demography
    health: Health
    primary: Primary
    ambulance: Ambulance
    acute: Acute
    elective: Elective
    community: Community
    prices: Prices
    contract: Contract
    host: Host
    network: Network

    @model_validator(mode="after")
    def _burn_in_for_observed_contracts(self) -> Scenario:
        if self.contract.regime != "pbr" and self.run.burn_in_years < 1:
            raise ValueError("run.burn_in_years must be at least 1 for the blended and iho regimes: their "
                             "contracts are set from the costs observed in the burn-in year")
        return self
