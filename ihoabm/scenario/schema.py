"""The scenario schema: every parameter of the model, typed and range-checked, immutable once built.

Each section is a frozen pydantic model that refuses unknown keys. Defaults live in one place only, the
embedded `pbr_2004.toml`, where every value carries its source or the word "assumption".

Every number is finite and bounded on both sides (the bounds are what the model can run; a property test
draws scenarios from them), never a boolean or text; booleans are TOML booleans only; shares and
probabilities lie in [0, 1]; prices and anything the model divides by are strictly positive. Rules across
keys (model validators) raise errors whose message starts with the keys they concern.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator
from pydantic_core import PydanticCustomError

from ihoabm.scenario.authorisation import authorisation_error
from ihoabm.scenario.errors import shown

SCHEMA_VERSION = 1
MAX_EVENT_RATE = 100.0   # highest crisis or GP-demand rate for one person, events a year (keeps days bounded)


def _python(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (so numpy is never imported here just to recognise one)."""
    return value.item() if type(value).__module__ == "numpy" and hasattr(value, "item") else value


def _number(value: Any) -> Any:
    """Numbers only: TOML true/false and text are refused, numpy scalars become Python numbers."""
    value = _python(value)
    if isinstance(value, bool):
        raise PydanticCustomError("number_not_bool", "Input should be a number, not true or false")
    return value


def _whole(value: Any) -> Any:
    """Whole numbers only: true/false, text and decimals (5000.0 included) are refused."""
    value = _python(value)
    if isinstance(value, bool):
        raise PydanticCustomError("whole_not_bool", "Input should be a whole number, not true or false")
    return value


def _flag(value: Any) -> Any:
    """True/false only (a numpy boolean is a boolean); 0, 1 and "false" are refused by strict mode."""
    return _python(value)


def _version(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": SCHEMA_VERSION})
    return value


def _rule(keys: str, message: str, got: str | None = None) -> PydanticCustomError:
    """A rule across keys: `keys` (comma-separated, relative to the section) lead the one-line message."""
    ctx: dict[str, Any] = {"keys": keys}
    if got is not None:
        ctx["got"] = got
    return PydanticCustomError("scenario_rule", message, ctx)


# The rules every number obeys live here: finite (no inf or nan), no true/false, no text, explicit bounds.
Real = Annotated[float, BeforeValidator(_number), Strict(), Field(allow_inf_nan=False)]
Whole = Annotated[int, BeforeValidator(_whole), Strict()]
Flag = Annotated[bool, BeforeValidator(_flag), Strict()]

Share = Annotated[Real, Field(ge=0.0, le=1.0)]                 # a share or probability
Positive = Annotated[Real, Field(gt=0.0, le=1e6)]                # generic bounded numbers, for new keys
NonNeg = Annotated[Real, Field(ge=0.0, le=1e6)]
RelRisk = Annotated[Real, Field(ge=0.01, le=10.0)]             # a multiplier of a rate, ratio or length
Money = Annotated[Real, Field(ge=0.0, le=1e7)]                 # GBP
Price = Annotated[Real, Field(ge=0.01, le=1e7)]                # GBP the model prices activity at or divides by
_Item = TypeVar("_Item")
FiveBands = Annotated[list[_Item], Field(min_length=5, max_length=5)]       # 0-17, 18-64, 65-74, 75-84, 85+
FiveQuintiles = Annotated[list[_Item], Field(min_length=5, max_length=5)]   # IMD quintile 1 (most deprived) .. 5
FourFrailty = Annotated[list[_Item], Field(min_length=4, max_length=4)]     # fit, mild, moderate, severe
FourStreams = Annotated[list[_Item], Field(min_length=4, max_length=4)]     # caseload, UCR, virtual ward, discharge
# Who holds an IHO contract (the registry in ihoabm/money/host_types.py; a test keeps the two the same).
HostTypeName = Literal["separate", "acute_trust", "community_trust", "primary_care", "integrated"]
ContractForm = Literal["block", "cost_plus", "activity", "shared_savings"]        # a host's sub-contracts
ServiceForm = Literal["activity", "marginal_rate", "blended", "block", "bundled_episode"]   # an ICB acute service


def _sums_to_one(values: list[float]) -> bool:
    return abs(sum(values) - 1.0) <= 1e-6


class Section(BaseModel):
    """Base for all sections: immutable and strict about unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Meta(Section):
    """Who the scenario is and what question it answers."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    schema_version: Annotated[Literal[1], BeforeValidator(_version)]
    description: str = ""
    question: str = ""
    source: str = ""


class Run(Section):
    """Size and length of a run."""

    patients: Annotated[Whole, Field(ge=1_000, le=3_000_000)]
    years: Annotated[Whole, Field(ge=1, le=50)]
    burn_in_years: Annotated[Whole, Field(ge=0, le=5)]
    seed: Annotated[Whole, Field(ge=0, le=2**32 - 1)]
    tracked_patients: Annotated[Whole, Field(ge=0, le=1_000)]


class Population(Section):
    """Synthetic population and GP practice structure."""

    # Relative sizes of the 19 five-year bands (any scale: percentages or head counts; normalised in code).
    age_band_shares: Annotated[list[Annotated[Real, Field(ge=0.0, le=1e9)]], Field(min_length=19, max_length=19)]
    female_share_under_65: Share
    female_share_65_84: Share
    female_share_85_plus: Share
    practice_list_mean: Annotated[Real, Field(ge=500, le=100_000)]
    practice_list_sigma: Annotated[Real, Field(ge=0.0, le=2.0)]
    registration_turnover_per_year: Share

    @model_validator(mode="after")
    def _some_people(self) -> Population:
        if not sum(self.age_band_shares) > 0:
            raise _rule("age_band_shares", "must not all be 0: they are the relative sizes of the 19 age bands",
                        shown(self.age_band_shares))
        return self


class Demography(Section):
    """Births and deaths."""

    birth_rate_per_1000: Annotated[Real, Field(ge=0.0, le=50.0)]
    gompertz_a: Annotated[Real, Field(gt=0.0, le=0.01)]
    gompertz_b: Annotated[Real, Field(gt=0.0, le=0.2)]
    male_mortality_ratio: RelRisk
    imd_mortality_ratio: FiveQuintiles[RelRisk]
    frailty_mortality_hr: FourFrailty[RelRisk]


class Health(Section):
    """Long-term conditions, frailty and crisis hazards."""

    ltc_mean_age_knots: Annotated[list[Annotated[Real, Field(ge=0.0, le=120.0)]], Field(min_length=2, max_length=12)]
    ltc_mean_values: Annotated[list[Annotated[Real, Field(ge=0.0, le=20.0)]], Field(min_length=2, max_length=12)]
    ltc_imd_multiplier: FiveQuintiles[RelRisk]
    ltc_max: Annotated[Whole, Field(ge=1, le=20)]
    frailty_shares_65_plus: FourFrailty[Share]
    frailty_age_slope: Annotated[Real, Field(ge=0.0, le=10.0)]
    frailty_ltc_weight: Annotated[Real, Field(ge=0.0, le=10.0)]
    frailty_noise_sd: Annotated[Real, Field(gt=0.0, le=10.0)]
    crisis_rate_base: Annotated[Real, Field(ge=0.0, le=5.0)]
    crisis_ltc_rr: RelRisk
    crisis_frailty_rr: FourFrailty[RelRisk]
    crisis_age_rr: FiveBands[Annotated[Real, Field(ge=0.0, le=10.0)]]
    minor_episode_rate: FiveBands[Annotated[Real, Field(ge=0.0, le=20.0)]]
    caseload_crisis_rr: Share        # care can only lower the hazard: a drawn crisis is kept with this probability
    proactive_crisis_rr: Share
    prevention_max_reduction: Share
    prevention_half_effect_per_head: Annotated[Real, Field(gt=0.0, le=1e7)]
    prevention_lag_years: Annotated[Real, Field(ge=1 / 12, le=30.0)]   # at least the monthly update step

    @model_validator(mode="after")
    def _consistent(self) -> Health:
        knots, values = self.ltc_mean_age_knots, self.ltc_mean_values
        if len(knots) != len(values):
            raise _rule("ltc_mean_age_knots,ltc_mean_values", "must have the same length",
                        f"{len(knots)} and {len(values)}")
        if any(b <= a for a, b in zip(knots, knots[1:], strict=False)):
            raise _rule("ltc_mean_age_knots", "must be strictly increasing ages", shown(knots))
        if not _sums_to_one(self.frailty_shares_65_plus):
            raise _rule("frailty_shares_65_plus", "must sum to 1 (fit, mild, moderate, severe shares of people 65+)",
                        f"sum {sum(self.frailty_shares_65_plus):g}")
        peak = self.crisis_rate_base * max(1.0, self.crisis_ltc_rr) ** 6 * max(self.crisis_frailty_rr) \
            * max(self.crisis_age_rr)
        if peak > MAX_EVENT_RATE:
            raise _rule("crisis_rate_base,crisis_ltc_rr,crisis_frailty_rr,crisis_age_rr",
                        f"must together give a highest crisis rate (base x ltc_rr^6 x largest frailty rr x largest "
                        f"age rr) of at most {MAX_EVENT_RATE:g} a year", f"{peak:.4g}")
        return self


class Primary(Section):
    """GP demand and capacity."""

    gp_demand_by_band: FiveBands[Annotated[Real, Field(ge=0.01, le=100.0)]]   # > 0: need weights divide by it
    gp_demand_ltc_rr: RelRisk
    gp_demand_imd_multiplier: FiveQuintiles[RelRisk]
    gp_capacity_per_weighted_head: Annotated[Real, Field(ge=0.0, le=50.0)]
    unmet_to_ae_share: Share
    gp_emergency_referral_share: Share
    proactive_cost_per_patient_year: Price
    proactive_eligible_share: Share

    @model_validator(mode="after")
    def _bounded_demand(self) -> Primary:
        peak = max(self.gp_demand_by_band) * max(1.0, self.gp_demand_ltc_rr) ** 4 \
            * max(self.gp_demand_imd_multiplier)
        if peak > MAX_EVENT_RATE:
            raise _rule("gp_demand_by_band,gp_demand_ltc_rr,gp_demand_imd_multiplier",
                        f"must together give a highest GP demand (largest band x ltc_rr^4 x largest IMD "
                        f"multiplier) of at most {MAX_EVENT_RATE:g} appointments a year", f"{peak:.4g}")
        return self


class Ambulance(Section):
    """999 calls and triage."""

    crisis_call_share: FourFrailty[Share]
    minor_call_share: Share
    hear_and_treat_below: Share
    see_and_treat_below: Share
    ucr_band_width: Share
    conveyed_elsewhere_share: Share
    responses_per_100k_per_day: Annotated[Real, Field(gt=0.0, le=100_000.0)]

    @model_validator(mode="after")
    def _triage_order(self) -> Ambulance:
        if self.hear_and_treat_below > self.see_and_treat_below:
            raise _rule("hear_and_treat_below,see_and_treat_below",
                        "hear and treat is the band below see and treat, so hear_and_treat_below must be at most "
                        "see_and_treat_below", f"{self.hear_and_treat_below:g} > {self.see_and_treat_below:g}")
        return self


class Acute(Section):
    """A&E, beds, length of stay, discharge and the trust's cost structure and behaviour."""

    beds_per_1000: Annotated[Real, Field(gt=0.0, le=20.0)]
    admit_acuity_conveyed: Share
    admit_acuity_walk_in: Share
    marginal_band: Share
    base_admission_propensity: Share
    vw_substitution: Share
    zero_day_share_clinical: Share
    zero_day_share_marginal: Share
    los_mean_by_band: FiveBands[Annotated[Real, Field(ge=0.0, le=365.0)]]
    los_frailty_multiplier: FourFrailty[RelRisk]
    los_shape: Annotated[Real, Field(ge=0.5, le=10.0)]
    step_down_need_by_frailty: FourFrailty[Share]
    variable_cost_share: Share
    bed_day_cost: Price
    margin_sensitivity: Annotated[Real, Field(ge=0.0, le=100.0)]
    pressure_sensitivity: Annotated[Real, Field(ge=0.0, le=100.0)]
    behaviour_adjust_per_month: Share
    behaviour_fixed: Flag
    discharge_urgency_max: Share
    bed_closure_per_year: Share      # share of the beds it wants closed that the trust closes in a year
    # Several acute trusts (providers/trusts.py): each one's share of the place's catchment and beds, and its
    # costs relative to the national average; one trust, [1.0], is the model as it was.
    trust_shares: Annotated[list[Annotated[Real, Field(gt=0.0, le=1.0)]], Field(min_length=1, max_length=3)]
    trust_cost_index: Annotated[list[Annotated[Real, Field(ge=0.5, le=2.0)]], Field(min_length=1, max_length=3)]
    divert_occupancy: Share          # a trust above this occupancy diverts ambulances to the least full one
    catchments: Literal["alike", "by_deprivation"]   # by_deprivation: the first trust serves the most deprived

    @model_validator(mode="after")
    def _trusts_consistent(self) -> Acute:
        if not _sums_to_one(self.trust_shares):
            raise _rule("trust_shares", "must sum to 1 (one share per acute trust)", f"sum {sum(self.trust_shares):g}")
        if len(self.trust_cost_index) != len(self.trust_shares):
            raise _rule("trust_cost_index, trust_shares", "need one entry per acute trust",
                        f"{len(self.trust_cost_index)} and {len(self.trust_shares)}")
        return self


class Elective(Section):
    """Elective referrals, waiting list, day cases and outpatients."""

    referral_rate_per_1000: Annotated[Real, Field(ge=0.0, le=1000.0)]
    capacity_per_1000: Annotated[Real, Field(ge=0.0, le=1000.0)]
    day_case_share: Share
    ordinary_los_mean: Annotated[Real, Field(gt=0.0, le=365.0)]
    emergency_bed_reserve: Share
    # > 0: referrals follow the age profile of outpatient use, divided by its mean.
    outpatient_rate_by_band: FiveBands[Annotated[Real, Field(ge=0.01, le=100.0)]]
    outpatient_ltc_rr: RelRisk
    independent_capacity_per_1000: Annotated[Real, Field(ge=0.0, le=100.0)]   # independent sector electives
    independent_after_weeks: Annotated[Real, Field(ge=0.0, le=104.0)]          # waited this long: may choose it


class Community(Section):
    """Community services: district nursing caseloads, UCR, virtual wards, discharge support."""

    funding_per_head: Money
    stream_shares: FourStreams[Share]
    caseload_visits_per_year: Annotated[Real, Field(ge=1.0, le=365.0)]
    ucr_contacts_per_episode: Annotated[Real, Field(ge=1.0, le=100.0)]
    vw_length_of_stay: Annotated[Real, Field(ge=1.0, le=365.0)]
    discharge_contacts_per_case: Annotated[Real, Field(ge=1.0, le=100.0)]
    hiring_lag_months: Annotated[Real, Field(ge=0.0, le=60.0)]
    utilisation_target: Share

    @model_validator(mode="after")
    def _shares_sum(self) -> Community:
        if not _sums_to_one(self.stream_shares):
            raise _rule("stream_shares", "must sum to 1 (caseload, ucr, virtual_ward, discharge)",
                        f"sum {sum(self.stream_shares):g}")
        return self


class Prices(Section):
    """Unit prices (national tariff and unit costs), GBP; all positive (the model divides by some)."""

    nel_long_stay: Price
    nel_short_stay: Price
    elective_inpatient: Price
    day_case: Price
    ae_attendance: Price
    outpatient: Price
    gp_consultation: Price
    community_contact: Price
    ambulance_incident: Price


class Contract(Section):
    """How money flows: who holds the contracts, the payment forms, and their levers."""

    regime: Literal["icb", "iho"]
    icb_allocation_per_head: Money
    gp_capitation_per_weighted_head: Price
    ambulance_payment: Literal["per_incident", "block"]
    community_block_uplift: Annotated[Real, Field(ge=-0.5, le=0.5)]
    acute_admissions_payment: ServiceForm
    acute_ae_payment: ServiceForm
    acute_planned_payment: ServiceForm
    marginal_rate: Share
    blended_variable_share: Share
    capitation_level: Annotated[Real, Field(ge=0.01, le=3.0)]
    need_weighting: Flag
    host_variant: Literal["lead_provider", "alliance"]
    acute_subcontract: ContractForm
    community_subcontract: ContractForm
    cost_plus_margin: Annotated[Real, Field(ge=0.0, le=0.5)]
    shared_savings_share: Share
    invest_to_save_premium: Share
    invest_to_save_years: Annotated[Whole, Field(ge=0, le=50)]
    risk_share_corridor: Share
    risk_share_icb: Share
    tied_funding_share: Share
    tied_funding_measures: Annotated[list[Literal["nel_admissions", "qalys", "rtt_within_18_weeks"]],
                                     Field(min_length=1, max_length=3)]
    host_type: HostTypeName                # whose books the host is (ihoabm/money/host_types.py)
    host_own_delivery_min: Share           # authorisation: share of the contract value the host delivers itself
    host_min_horizon_years: Annotated[Real, Field(ge=0.0, le=30.0)]   # authorisation: planning capability
    alliance_pool_share: Share             # share of the host's result after the corridor the partners pool


class Host(Section):
    """The host provider's governance: how it plans investment."""

    invest: Flag
    planning_interval_months: Annotated[Whole, Field(ge=1, le=24)]
    horizon_years: Annotated[Real, Field(gt=0.0, le=30.0)]
    risk_appetite: Share
    population_health_weight: Share
    qaly_value: Annotated[Real, Field(ge=0.0, le=1_000_000.0)]
    pilot_share: Share
    max_invest_share: Share
    prior_return: Annotated[Real, Field(ge=0.0, le=10.0)]
    learning_rate: Share
    discount_rate: Annotated[Real, Field(ge=0.0, le=0.5)]
    turnover_per_year: Share                              # leadership turnover (providers/governance.py)
    turnover_delay_months: Annotated[Whole, Field(ge=0, le=24)]


class Network(Section):
    """Trust on the provider network."""

    trust_initial: Share
    trust_gain: Share
    trust_loss: Share
    stratification_accuracy_low: Share
    stratification_accuracy_high: Share
    shared_risk_weight: Share    # how far an alliance partner's decisions weigh its share of the host's result

    @model_validator(mode="after")
    def _accuracy_order(self) -> Network:
        if self.stratification_accuracy_low > self.stratification_accuracy_high:
            raise _rule("stratification_accuracy_low,stratification_accuracy_high",
                        "low is the accuracy without shared data, so it must be at most high",
                        f"{self.stratification_accuracy_low:g} > {self.stratification_accuracy_high:g}")
        return self


class Oversight(Section):
    """The oversight that surrounds payment: the 18-week and 4-hour standards and what missing them brings."""

    rtt_standard: Share
    rtt_weeks: Annotated[Real, Field(ge=1.0, le=104.0)]
    rtt_sanction_per_breach: Money
    rtt_capacity_response: Annotated[Real, Field(ge=0.0, le=10.0)]
    rtt_max_extra_capacity: Share
    extra_capacity_cost_share: Annotated[Real, Field(ge=0.0, le=5.0)]
    rtt_purchase_restore: Annotated[Real, Field(ge=0.0, le=100.0)]
    four_hour_standard: Share
    four_hour_sensitivity: Annotated[Real, Field(ge=0.0, le=100.0)]
    intervention_deficit_share: Share                     # a host deficit beyond this share of its contract ...
    intervention_years: Annotated[Whole, Field(ge=0, le=10)]   # ... this many years running: services taken back


Days = Annotated[Whole, Field(ge=1, le=365)]
Utility = Annotated[Real, Field(ge=0.0, le=1.0)]     # a utility or a decrement of one (EQ-5D scale)


class Outcomes(Section):
    """Health: what care failures do to people (`pathways/harm.py`) and quality of life (`pathways/quality.py`).

    Each effect follows a care event; `health_effects = false` switches every effect of care on health off.
    """

    health_effects: Flag
    boarding_death_risk: Share                 # excess 30-day mortality of one episode waiting in A&E for a bed
    death_window_days: Days
    sent_home_crisis_risk: Share
    sent_home_death_risk: Share
    sent_home_window_days: Days
    unmet_gp_crisis_risk: Share
    unmet_gp_window_days: Days
    long_wait_weeks: Annotated[Real, Field(ge=0.0, le=104.0)]
    deterioration_per_year: Annotated[Real, Field(ge=0.0, le=10.0)]
    deterioration_death_risk: Share
    deconditioning_per_delayed_day: Annotated[Real, Field(ge=0.0, le=1.0)]   # latent frailty score per day
    norm_intercept: Utility
    norm_male: Annotated[Real, Field(ge=-0.2, le=0.2)]
    norm_age: Annotated[Real, Field(ge=-0.01, le=0.01)]
    norm_age_squared: Annotated[Real, Field(ge=-0.001, le=0.001)]
    utility_per_ltc: Utility
    utility_frailty: FourFrailty[Utility]
    utility_waiting: Utility
    utility_episode: Utility


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
    oversight: Oversight
    outcomes: Outcomes

    @model_validator(mode="after")
    def _burn_in_for_observed_contracts(self) -> Scenario:
        c = self.contract
        forms = (c.acute_admissions_payment, c.acute_ae_payment, c.acute_planned_payment)
        if (c.regime != "icb" or any(f != "activity" for f in forms)) and self.run.burn_in_years < 1:
            raise _rule("run.burn_in_years,contract.regime",
                        "burn_in_years must be at least 1 for the iho regime and for acute payments other than "
                        "activity: their contracts are set from what was observed in the burn-in year",
                        f"burn_in_years = {self.run.burn_in_years}, regime = {shown(c.regime)}")
        return self

    @model_validator(mode="after")
    def _authorised(self) -> Scenario:
        broken = authorisation_error(self.contract, self.host)
        if broken:
            raise _rule(*broken)
        return self
