"""The outputs catalogue: every metric the model reports, stated once.

Each `Metric` has a name (its column or series name), a human label, a unit, a kind, and how it is counted:
a series of the daily tally (`ihoabm.outputs.tally`), a ledger account (`ihoabm.money.ledger`), a model
attribute, or a derivation from those. Everything that lists outputs reads this module:

* the tally's series and which are counted by group or are levels (`tally.COUNTS`, `GROUPED`, `STOCKS`);
* the columns of annual.csv, by_group.csv and daily.csv, and how each annual value is computed (`tables`);
* Mesa's DataCollector reporters (`reporters.MODEL_REPORTERS`), read live after every simulated day;
* the sweep's allowed and default metrics (`experiments.sweep.spec`), the app's series (`app.series`), the
  provider network's patient flows (`providers.network.PATIENT_FLOWS`);
* every human-facing label and unit: plot titles and axes, the command line's tables.

The order of the metrics below is the order of annual.csv's columns. daily.csv and by_group.csv keep their
own column orders (`DAILY`, `BY_GROUP`): those files are formats that others read, so their orders are fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    import numpy as np

Kind = Literal["count by group", "daily count", "level", "money", "rate", "time"]
KINDS: dict[str, str] = {
    "count by group": "events counted every day, and every year by age band x IMD quintile x LTC group",
    "daily count": "events (or days) counted every day; a year's value is the sum over its days",
    "level": "how many there are at a moment: a year's value is the last day's",
    "money": "GBP, from the ledger of money transfers; a surplus below zero is a deficit",
    "rate": "a ratio of two counts (a share, a mean)",
    "time": "the simulation clock",
}
IDENTIFIERS = ("scenario", "seed", "year")   # annual.csv's leading columns: which run and which year
# What people call the settings and organisations a metric can be about (`Metric.setting`).
ORGANISATIONS = {"acute": "acute trust", "community": "community provider", "primary": "GP practices",
                 "ambulance": "ambulance service", "prevention": "prevention", "host": "host provider",
                 "icb": "ICB"}


# --- what a metric reads ---------------------------------------------------------------------------------
class TallyLike(Protocol):
    """What the catalogue reads from the daily tally."""

    daily: np.ndarray
    index: dict[str, int]

    def year_total(self, name: str, year: int) -> float:
        """Sum of a flow (or the year-end level of a stock) over a simulation year."""
        ...


class LedgerLike(Protocol):
    """What the catalogue reads from the ledger."""

    def balance(self, account: str) -> int:
        """Net pence received by an account since the start."""
        ...

    def received(self, account: str) -> int:
        """Total pence ever paid to an account."""
        ...

    def year_result(self, account: str, year: int) -> float:
        """Income minus spending of one account in one contract year, GBP."""
        ...

    def spend_by_setting(self, year: int) -> dict[str, float]:
        """Payments to providers for care by setting in one contract year, GBP."""
        ...

    def year_flows(self, year: int) -> dict[tuple[str, str, str], int]:
        """Pence by (payer, payee, category) in one contract year."""
        ...


class ModelLike(Protocol):
    """What the catalogue reads from a model (`ihoabm.core.model.IHOModel` has all of it)."""

    day: int
    tally: TallyLike
    ledger: LedgerLike
    scenario: Any


def _attribute(m: object, path: str) -> Any:
    for part in path.split("."):
        m = getattr(m, part)
    return m


@dataclass(frozen=True)
class Tally:
    """A series of the daily tally: a year's value is its sum (or, for a level, its last day's)."""

    series: str

    def year(self, m: ModelLike, y: int) -> float:
        """The value for simulation year `y`."""
        return m.tally.year_total(self.series, y)

    def now(self, m: ModelLike) -> float:
        """The value on the last simulated day (0 before the first)."""
        return m.tally.daily[max(m.day - 1, 0), m.tally.index[self.series]] if m.day else 0.0

    def __str__(self) -> str:
        return f"tally series {self.series!r}"


@dataclass(frozen=True)
class TallyRatio:
    """One tally series' year total over another's (the denominator at least 1)."""

    numerator: str
    denominator: str

    def year(self, m: ModelLike, y: int) -> float:
        """The value for simulation year `y`."""
        return m.tally.year_total(self.numerator, y) / max(m.tally.year_total(self.denominator, y), 1)

    def __str__(self) -> str:
        return f"tally {self.numerator!r} / tally {self.denominator!r} over the year"


@dataclass(frozen=True)
class TallyComplement:
    """One minus one tally series' year total (or year-end level) over another's: the share not counted."""

    numerator: str
    denominator: str

    def year(self, m: ModelLike, y: int) -> float:
        """The value for simulation year `y` (1 when the denominator is 0)."""
        return 1.0 - m.tally.year_total(self.numerator, y) / max(m.tally.year_total(self.denominator, y), 1)

    def __str__(self) -> str:
        return f"1 - tally {self.numerator!r} / tally {self.denominator!r} over the year (levels: at year end)"


@dataclass(frozen=True)
class LedgerCategory:
    """Transfers of one ledger category in a contract year, GBP."""

    category: str

    def year(self, m: ModelLike, y: int) -> float:
        """The value for contract year `y`."""
        return sum(p for (_, _, c), p in m.ledger.year_flows(y).items() if c == self.category) / 100

    def __str__(self) -> str:
        return f"ledger: transfers of category {self.category!r} in the contract year"


@dataclass(frozen=True)
class SettingSpend:
    """Payments by the commissioners (ICB, host) for care in a setting over a contract year; all settings if none."""

    setting: str | None = None

    def year(self, m: ModelLike, y: int) -> float:
        """The value for contract year `y`."""
        spend = m.ledger.spend_by_setting(y)
        return sum(spend.values()) if self.setting is None else spend[self.setting]

    def __str__(self) -> str:
        what = "every setting" if self.setting is None else f"setting {self.setting!r}"
        return f"ledger: commissioners' payments for care, {what}, in the contract year"


@dataclass(frozen=True)
class YearResult:
    """A ledger account's income minus spending in a contract year."""

    account: str

    def year(self, m: ModelLike, y: int) -> float:
        """The value for contract year `y`."""
        return m.ledger.year_result(self.account, y)

    def __str__(self) -> str:
        return f"ledger account {self.account!r}: income minus spending in the contract year"


@dataclass(frozen=True)
class Balance:
    """A ledger account's cumulative income minus spending since the start, GBP."""

    account: str

    def now(self, m: ModelLike) -> float:
        """The value now."""
        return m.ledger.balance(self.account) / 100

    def __str__(self) -> str:
        return f"ledger account {self.account!r}: income minus spending since the start"


@dataclass(frozen=True)
class Received:
    """Everything ever paid to a ledger account, GBP."""

    account: str

    def now(self, m: ModelLike) -> float:
        """The value now."""
        return m.ledger.received(self.account) / 100

    def __str__(self) -> str:
        return f"ledger account {self.account!r}: payments received since the start"


@dataclass(frozen=True)
class Priced:
    """A tally series' year total valued at a scenario price (`prices.<price>`)."""

    series: str
    price: str

    def year(self, m: ModelLike, y: int) -> float:
        """The value for simulation year `y`."""
        return m.tally.year_total(self.series, y) * getattr(m.scenario.prices, self.price)

    def __str__(self) -> str:
        return f"tally {self.series!r} over the year x scenario price prices.{self.price}"


@dataclass(frozen=True)
class State:
    """A model attribute (dotted path) read as it is, or its length or sum."""

    path: str
    reduce: Literal["", "len", "sum"] = ""

    def value(self, m: object) -> Any:
        """The attribute, reduced."""
        v = _attribute(m, self.path)
        if self.reduce == "len":
            return len(v)
        if self.reduce == "sum":
            return float(v.sum())
        return v

    def year(self, m: ModelLike, y: int) -> Any:
        """The value when the table is made (the attribute has no history)."""
        return self.value(m)

    def now(self, m: ModelLike) -> Any:
        """The value now."""
        return self.value(m)

    def __str__(self) -> str:
        return {"": f"model.{self.path}", "len": f"len(model.{self.path})",
                "sum": f"sum of model.{self.path}"}[self.reduce]


@dataclass(frozen=True)
class StateRatio:
    """One model attribute over another."""

    numerator: str
    denominator: str

    def now(self, m: ModelLike) -> float:
        """The value now."""
        return _attribute(m, self.numerator) / _attribute(m, self.denominator)

    def __str__(self) -> str:
        return f"model.{self.numerator} / model.{self.denominator}"


YearSource = Tally | TallyRatio | TallyComplement | LedgerCategory | SettingSpend | YearResult | Priced | State
LiveSource = Tally | Balance | Received | State | StateRatio


# --- the metrics -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Metric:
    """One output of the model.

    Attributes:
        name: Column or series name.
        label: What people read: "Emergency admissions".
        unit: What one of it is: "admissions", "GBP", "days", "share", "people".
        kind: One of `KINDS`.
        tally: True if it is a series of the daily tally (a column of daily.csv).
        annual: How a year's value (a column of annual.csv) is computed, if it is one.
        live: How the DataCollector reads it after each day, if it does.
        setting: The care setting or organisation it is about, if any (for colours and grouping).
        flow: The provider network edge (from, to) whose patient flow it counts, if any.
        note: Anything more about how it is counted.
        decimals: True if its counts by group are not whole numbers (QALYs), so by_group.csv keeps decimals.
    """

    name: str
    label: str
    unit: str
    kind: Kind
    tally: bool = False
    annual: YearSource | None = None
    live: LiveSource | None = None
    setting: str = ""
    flow: tuple[str, str] | None = None
    note: str = ""
    decimals: bool = False

    @property
    def counted(self) -> str:
        """How it is counted, in words."""
        parts = [f"{self.kind}: {KINDS[self.kind]}"]
        if self.tally:
            parts.append(f"counted in tally series {self.name!r}")
        if self.annual is not None:
            parts.append(f"annual.csv: {self.annual}")
        if self.live is not None:
            parts.append(f"DataCollector: {self.live}")
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)

    def axis(self, scale: float = 1.0, per: str = "") -> str:
        """Axis label: the label and, unless it says it already, the unit (scaled and per something)."""
        unit = scaled_unit(self.unit, scale) + (f" {per}" if per else "")
        return self.label if unit in self.label.lower() else f"{self.label} ({unit})"


def scaled_unit(unit: str, scale: float = 1.0) -> str:
    """The unit of a value divided by `scale`: 'GBP million' for GBP / 1e6."""
    words = {1.0: "", 1e3: " thousand", 1e6: " million"}
    if scale not in words:
        raise ValueError(f"no name for a scale of {scale}; use one of {sorted(words)}")
    return unit + words[scale] if scale != 1.0 else unit


def _count(name: str, label: str, unit: str, grouped: bool = False, **kw: Any) -> Metric:
    """A count kept in the tally, reported yearly in annual.csv."""
    return Metric(name, label, unit, "count by group" if grouped else "daily count", tally=True,
                  annual=Tally(name), **kw)


def _series(name: str, label: str, unit: str, kind: Kind = "daily count", **kw: Any) -> Metric:
    """A tally series seen only in daily.csv (and what reads the tally)."""
    return Metric(name, label, unit, kind, tally=True, **kw)


_METRICS = (
    # annual.csv, in column order
    Metric("population", "Residents", "people", "level", tally=True, annual=Tally("population")),
    _count("deaths", "Deaths", "deaths", grouped=True),
    _count("gp_appointments", "GP appointments", "appointments", grouped=True),
    _count("ae_attendances", "A&E attendances", "attendances", grouped=True, live=Tally("ae_attendances")),
    _count("ambulance_incidents", "999 incidents", "incidents", live=Tally("ambulance_incidents")),
    _count("hear_and_treat", "999 incidents closed by phone (hear and treat)", "incidents"),
    _count("see_and_treat", "999 incidents treated at the scene (see and treat)", "incidents"),
    _count("ucr_referrals", "Ambulance referrals to urgent community response", "referrals",
           flow=("ambulance", "community")),
    _count("conveyances", "Ambulance conveyances to A&E", "conveyances", grouped=True, live=Tally("conveyances"),
           flow=("ambulance", "acute")),
    _count("nel_admissions", "Emergency admissions", "admissions", grouped=True, live=Tally("nel_admissions")),
    _count("elective_admissions", "Elective admissions", "admissions"),
    _count("community_contacts", "Community contacts", "contacts",
           note="caseload, urgent response, virtual ward and supported-discharge contacts"),
    _count("virtual_ward_admissions", "Virtual ward admissions", "admissions"),
    _count("nel_zero_day_admissions", "Zero-day emergency admissions", "admissions"),
    _count("bed_days", "Bed days", "bed-days", grouped=True, note="occupied beds counted at each midnight"),
    _count("delayed_discharge_days", "Delayed discharge days", "bed-days",
           note="bed days of patients fit to leave but waiting for support"),
    Metric("beds", "General and acute beds", "beds", "level", annual=State("beds_open"),
           note="open beds at every acute trust of the place"),
    Metric("mean_occupancy", "Bed occupancy", "share", "rate", annual=TallyRatio("bed_days", "beds_available")),
    Metric("nel_mean_los", "Mean length of stay, overnight emergency admissions", "days", "rate",
           annual=TallyRatio("nel_overnight_los_days", "nel_overnight_discharges")),
    Metric("waiting_list_end", "Elective waiting list at year end", "people", "level", annual=Tally("waiting_list")),
    Metric("spend_total", "Spending on care", "GBP", "money", annual=SettingSpend()),
    Metric("spend_acute", "Spending on acute care", "GBP", "money", annual=SettingSpend("acute"),
           live=Received("acute"), setting="acute"),
    Metric("spend_community", "Spending on community care", "GBP", "money", annual=SettingSpend("community"),
           live=Received("community"), setting="community"),
    Metric("spend_primary", "Spending on primary care", "GBP", "money", annual=SettingSpend("primary"),
           live=Received("gp"), setting="primary"),
    Metric("spend_ambulance", "Spending on ambulance services", "GBP", "money", annual=SettingSpend("ambulance"),
           live=Received("ambulance"), setting="ambulance"),
    Metric("spend_prevention", "Spending on prevention", "GBP", "money", annual=SettingSpend("prevention"),
           setting="prevention"),
    Metric("acute_surplus", "Acute trust surplus", "GBP", "money", annual=YearResult("acute"),
           setting="acute"),
    Metric("community_surplus", "Community provider surplus", "GBP", "money",
           annual=YearResult("community"), setting="community"),
    Metric("icb_balance", "ICB surplus", "GBP", "money", annual=YearResult("icb"), setting="icb"),
    Metric("host_surplus", "Host provider surplus", "GBP", "money", annual=YearResult("host"),
           setting="host", note="0 when there is no host"),
    Metric("primary_activity_value", "GP activity valued at unit cost", "GBP", "money",
           annual=Priced("gp_appointments", "gp_consultation"),
           note="practices are paid by capitation; this values their appointments at the PSSRU unit cost"),
    _count("gp_unmet", "Unmet requests for a GP appointment", "requests", grouped=True, flow=("gp", "acute")),
    _count("crises", "Health crises", "crises"),
    _count("outpatient_attendances", "Outpatient attendances", "attendances"),
    _count("day_cases", "Day cases", "day cases"),
    _count("elective_cancelled", "Cancelled elective admissions", "admissions"),
    _count("conveyed_elsewhere", "Ambulance conveyances to other hospitals", "conveyances"),
    _count("boarding_days", "Boarding days (admitted, waiting in A&E for a bed)", "days", grouped=True,
           note="admitted patients still waiting in A&E for a bed at each midnight"),
    _count("births", "Births", "births"),
    _count("nel_marginal_admissions", "Marginal emergency admissions", "admissions",
           note="patients the trust could have sent home, admitted by its readiness to admit"),
    Metric("caseload_size", "People on district nursing caseloads", "people", "level", tally=True,
           annual=Tally("caseload_size"), flow=("gp", "community")),
    _count("vw_step_up", "Virtual ward step-up admissions", "admissions"),
    _count("vw_step_down", "Virtual ward step-down admissions", "admissions", flow=("acute", "community")),
    _count("nel_readmissions", "Emergency readmissions within 30 days", "admissions",
           note="emergency admissions within 30 days of discharge from an emergency admission"),
    Metric("rtt_within_18_weeks", "Waiting list within 18 weeks of referral", "share", "rate",
           annual=TallyComplement("rtt_breaches", "waiting_list"),
           note="at year end; the standard's weeks are oversight.rtt_weeks (18 in the shipped scenarios)"),
    Metric("rtt_breaches", "People waiting longer than 18 weeks", "people", "level", tally=True,
           annual=Tally("rtt_breaches"), note="longer than oversight.rtt_weeks since referral"),
    Metric("rtt_sanctions", "Sanctions for waits over 18 weeks", "GBP", "money",
           annual=LedgerCategory("rtt_sanction"),
           note="paid to the ICB by the holder of its contract for planned care (the trust, or a host)"),
    _count("elective_extra_capacity", "Extra elective capacity booked to meet the 18-week standard", "admissions",
           note="additional sessions the trust books beyond what its payer buys, in admissions"),
    Metric("ae_within_4_hours", "A&E attendances within 4 hours (proxy)", "share", "rate",
           annual=TallyComplement("ae_four_hour_breaches", "ae_attendances"),
           note="a breach is proxied by an admitted patient who found no free bed on arrival"),
    _count("ae_four_hour_breaches", "A&E 4-hour breaches (proxy: admitted, no free bed on arrival)", "attendances",
           note="the model has no clock inside A&E; exit block stands for a breach"),
    _count("qalys", "Quality-adjusted life years lived", "QALYs", grouped=True, decimals=True,
           live=Tally("qalys"),
           note="living residents' utility summed over the days / 365: EQ-5D norms by age and sex less decrements "
                "for long-term conditions, frailty, waiting for planned treatment and acute episodes"),
    _count("deaths_ae_delay", "Deaths after a long wait in A&E for a bed", "deaths",
           live=Tally("deaths_ae_delay"),
           note="excess deaths within 30 days of a night waiting in A&E for a bed (included in deaths)"),
    _count("deaths_not_admitted", "Deaths after being sent home from A&E at the margin", "deaths",
           live=Tally("deaths_not_admitted"),
           note="excess deaths in the weeks after a marginal patient was sent home (included in deaths)"),
    _count("deaths_waiting", "Deaths after deteriorating on the elective waiting list", "deaths",
           live=Tally("deaths_waiting"),
           note="fatal deteriorations of people waiting longer than outcomes.long_wait_weeks (included in deaths)"),
    _count("care_failure_crises", "Crises caused by care failures", "crises",
           live=Tally("care_failure_crises"),
           note="returns after being sent home from A&E, crises after unmet GP demand, deteriorations after a long "
                "wait for planned treatment (included in crises)"),
    _count("marginal_sent_home", "Marginal A&E patients sent home", "attendances",
           note="patients the trust could have admitted, neither admitted nor given a virtual-ward place"),
    _count("elective_wait_days", "Days waited for planned treatment", "days", grouped=True,
           note="people on the elective waiting list, counted each day"),
    # daily.csv only
    _series("caseload_crises", "Crises among caseload patients", "crises"),
    _series("proactive_crises", "Crises among patients in GP proactive care", "crises"),
    _series("nel_gp_direct", "Emergency admissions referred by a GP", "admissions", flow=("gp", "acute")),
    _series("nel_overnight_discharges", "Discharges after an overnight emergency stay", "discharges"),
    _series("nel_overnight_los_days", "Length of stay of overnight emergency discharges", "days"),
    _series("elective_referrals", "Referrals for planned treatment", "referrals"),
    _series("caseload_contacts", "District nursing caseload contacts", "contacts"),
    _series("ucr_contacts", "Urgent community response contacts", "contacts"),
    _series("vw_contacts", "Virtual ward contacts", "contacts"),
    _series("discharge_contacts", "Supported-discharge contacts", "contacts"),
    _series("supported_discharges", "Supported discharges", "discharges", flow=("acute", "community")),
    _series("beds_available", "Beds available", "bed-days", note="beds open each day, summed: bed-days"),
    _series("waiting_list", "Elective waiting list", "people", "level", live=State("waiting_list", "len")),
    _series("ucr_full_days", "Days the urgent community response ran out of slots", "days",
            note="what the host can see of the return to one more slot"),
    _series("vw_full_days", "Days marginal A&E patients found no virtual-ward place", "days",
            note="what the host can see of the return to one more place"),
    _series("ltc_onsets", "New long-term conditions", "conditions"),
    _series("ltc_onsets_expected", "New long-term conditions expected without prevention", "conditions",
            note="the risk model's expectation, a month at a time"),
    _series("caseload_expected_crises", "Expected crises among caseload patients", "crises",
            note="the risk model's expectation, a month at a time"),
    _series("proactive_expected_crises", "Expected crises among patients in GP proactive care", "crises",
            note="the risk model's expectation, a month at a time"),
    # DataCollector only
    Metric("day", "Day", "days", "time", live=State("day")),
    Metric("bed_occupancy", "Bed occupancy", "share", "rate", live=StateRatio("beds_occupied", "beds_open"),
           setting="acute", note="beds occupied at the last midnight"),
    Metric("delayed_discharges", "Patients fit to leave, waiting for support", "patients", "level",
           live=Tally("delayed_discharge_days")),
    Metric("caseload", "District nursing caseload", "people", "level", live=State("community.caseload_size")),
    Metric("community_capacity", "Community staff capacity", "contacts a year", "level",
           live=State("community.capacity_by_stream", "sum")),
    Metric("admission_propensity", "Acute trust's readiness to admit a marginal patient", "probability", "rate",
           live=State("acute.admission_propensity")),
    Metric("acute_balance", "Acute trust surplus", "GBP", "money", live=Balance("acute"),
           setting="acute", note="cumulative since the start"),
    Metric("community_balance", "Community provider surplus", "GBP", "money",
           live=Balance("community"), setting="community", note="cumulative since the start"),
    Metric("host_balance", "Host provider surplus", "GBP", "money", live=Balance("host"),
           setting="host", note="cumulative since the start; 0 when there is no host"),
)
METRICS: dict[str, Metric] = {m.name: m for m in _METRICS}

# daily.csv's columns after day and year: the tally's series in the file's (fixed) order.
DAILY = (
    "deaths", "births", "gp_appointments", "gp_unmet", "crises", "caseload_crises",
    "proactive_crises", "ae_attendances", "ambulance_incidents", "hear_and_treat", "see_and_treat",
    "ucr_referrals", "conveyances", "conveyed_elsewhere", "nel_admissions", "nel_zero_day_admissions",
    "nel_marginal_admissions", "nel_gp_direct", "nel_overnight_discharges", "nel_overnight_los_days",
    "elective_admissions", "day_cases", "elective_cancelled", "outpatient_attendances", "elective_referrals",
    "community_contacts", "caseload_contacts", "ucr_contacts", "vw_contacts", "discharge_contacts",
    "virtual_ward_admissions", "vw_step_up", "vw_step_down", "supported_discharges", "bed_days",
    "delayed_discharge_days", "boarding_days", "beds_available", "caseload_size", "waiting_list",
    "caseload_expected_crises", "proactive_expected_crises", "population", "nel_readmissions",
    "rtt_breaches", "elective_extra_capacity", "ae_four_hour_breaches", "qalys", "deaths_ae_delay",
    "deaths_not_admitted", "deaths_waiting", "care_failure_crises", "marginal_sent_home", "elective_wait_days",
    "ucr_full_days", "vw_full_days", "ltc_onsets", "ltc_onsets_expected",
)
# by_group.csv's counts after population, in the file's (fixed) order.
BY_GROUP = ("nel_admissions", "ae_attendances", "conveyances", "bed_days", "gp_appointments", "gp_unmet", "qalys",
            "deaths", "elective_wait_days", "boarding_days")

# Counted by provider (each acute trust, then the independent sector) in by_trust.csv: market shares and flows
# between places and trusts (`tally.TrustTally`, `tables.by_trust`, `tables.trust_flows`). Names that are also
# place-wide metrics keep their label; the rest are named here.
BY_TRUST = ("ae_attendances", "conveyances", "diverted_conveyances", "nel_admissions", "elective_admissions",
            "bed_days")
TRUST_LABELS = {"diverted_conveyances": ("Ambulances diverted from a full trust", "conveyances")}
ANNUAL = tuple(m.name for m in _METRICS if m.annual is not None)
LIVE = tuple(m.name for m in _METRICS if m.live is not None)
LEVELS = tuple(n for n in DAILY if METRICS[n].kind == "level")

# Selections: which metrics each view shows, in its order.
SWEEP_DEFAULT = ("nel_admissions", "conveyances", "ae_attendances", "community_contacts", "spend_total",
                 "host_surplus")
KEY_DIFFERENCES = ("nel_admissions", "conveyances", "ae_attendances", "bed_days", "community_contacts",
                   "spend_total", "acute_surplus", "host_surplus")      # the command line's comparison table
PLOTTED_DIFFERENCES = ("nel_admissions", "conveyances", "spend_total", "qalys")   # comparison.png: the question asked
ACTIVITY_PLOT = ("nel_admissions", "conveyances", "ae_attendances", "community_contacts")  # activity.png
PER_1000 = ("gp_appointments", "ae_attendances", "ambulance_incidents", "conveyances", "nel_admissions",
            "elective_admissions", "community_contacts", "bed_days", "deaths")   # a run's printed summary
APP_ACTIVITY = ("nel_admissions", "conveyances", "ae_attendances")   # the app's weekly activity plots
APP_COMPARED = ("nel_admissions", "conveyances", "ae_attendances", "bed_occupancy", "spend_total",
                "acute_balance")   # the app's comparison page
# The app's health panel and the comparison page's health figure, each counted from the start of the run:
# QALYs lived, then deaths by the care failure that caused them, then crises caused by care failures.
APP_HEALTH = ("qalys", "deaths_ae_delay", "deaths_not_admitted", "deaths_waiting", "care_failure_crises")
# Which way is better, where a policy reader would agree on it (-1 fewer or less, +1 more): a comparison's
# probability that one arm is better than another (`p_better`) reads this. Money moving between organisations
# (surpluses, balances), inputs (community contacts) and counts with no agreed direction have none.
BETTER: dict[str, int] = {
    **dict.fromkeys(("deaths", "ae_attendances", "ambulance_incidents", "conveyances", "nel_admissions",
                     "bed_days", "delayed_discharge_days", "waiting_list_end", "spend_total", "gp_unmet", "crises",
                     "elective_cancelled", "boarding_days", "nel_readmissions", "rtt_breaches", "rtt_sanctions",
                     "ae_four_hour_breaches", "deaths_ae_delay", "deaths_not_admitted", "deaths_waiting",
                     "care_failure_crises", "elective_wait_days"), -1),
    **dict.fromkeys(("elective_admissions", "rtt_within_18_weeks", "ae_within_4_hours", "qalys"), 1),
}

# A run's printed summary (`tables.summary`): column -> (metric, how it is expressed).
SUMMARY: dict[str, tuple[str, str]] = {
    **{f"{n}/1000": (n, "per 1,000 residents") for n in PER_1000},
    "occupancy": ("mean_occupancy", ""),
    "nel_los": ("nel_mean_los", ""),
    "spend/head": ("spend_total", "per resident"),
}


def metric(name: str) -> Metric:
    """The catalogue entry called `name`.

    Raises:
        KeyError: If there is none, naming the metric.
    """
    try:
        return METRICS[name]
    except KeyError:
        raise KeyError(f"{name!r} is not in the outputs catalogue (ihoabm.outputs.catalogue)") from None


def label(name: str) -> str:
    """The human label of a metric."""
    return metric(name).label


def axis(name: str, scale: float = 1.0, per: str = "") -> str:
    """Axis label of a metric: its label with its unit, e.g. 'Spending on care (GBP million)'."""
    return metric(name).axis(scale, per)


def who(name: str) -> str:
    """What people call the setting or organisation a metric is about ('acute trust' for acute_balance)."""
    m = metric(name)
    if not m.setting:
        raise KeyError(f"{name!r} is not about one setting or organisation")
    return ORGANISATIONS[m.setting]


def summary_label(column: str) -> str:
    """Human label of a column of a run's printed summary (`SUMMARY`), e.g. 'Deaths per 1,000 residents'."""
    name, how = SUMMARY[column]
    m = metric(name)
    if m.kind == "money":
        return f"{m.label} ({m.unit} {how})".replace(" )", ")")
    if m.kind == "rate":
        return m.axis()
    return f"{m.label} {how}"


def patient_flows() -> dict[tuple[str, str], tuple[str, ...]]:
    """Provider network edges (from, to) and the tally series whose year totals are the patients on each."""
    flows: dict[tuple[str, str], tuple[str, ...]] = {}
    for m in _METRICS:
        if m.flow:
            flows[m.flow] = (*flows.get(m.flow, ()), m.name)
    return flows


def check() -> None:
    """Raise ValueError if the catalogue contradicts itself (run at import)."""
    problems = []
    if len(METRICS) != len(_METRICS):
        problems.append("a name is used twice")
    tally = [m.name for m in _METRICS if m.tally]
    if sorted(tally) != sorted(DAILY):
        problems.append(f"DAILY and the tally series differ: {sorted(set(tally) ^ set(DAILY))}")
    grouped = [m.name for m in _METRICS if m.kind == "count by group"]
    if sorted(grouped) != sorted(BY_GROUP):
        problems.append(f"BY_GROUP and the counts by group differ: {sorted(set(grouped) ^ set(BY_GROUP))}")
    for m in _METRICS:
        if m.kind not in KINDS:
            problems.append(f"{m.name}: unknown kind {m.kind!r}")
        if not m.label.strip() or not m.unit.strip():
            problems.append(f"{m.name}: empty label or unit")
        if m.flow and not m.tally:
            problems.append(f"{m.name}: a patient flow must be a tally series")
        if m.setting and m.setting not in ORGANISATIONS:
            problems.append(f"{m.name}: unknown setting {m.setting!r}")
        if m.name in IDENTIFIERS:
            problems.append(f"{m.name}: an identifier, not a metric")
    selections = (SWEEP_DEFAULT, KEY_DIFFERENCES, PLOTTED_DIFFERENCES, ACTIVITY_PLOT, PER_1000, APP_ACTIVITY,
                  APP_COMPARED, APP_HEALTH, tuple(n for n, _ in SUMMARY.values()), tuple(BETTER))
    for names in selections:
        problems += [f"{n}: selected but not in the catalogue" for n in names if n not in METRICS]
    if problems:
        raise ValueError("outputs catalogue: " + "; ".join(problems))


check()
