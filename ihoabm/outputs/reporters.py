"""Model reporters for Mesa's DataCollector: named functions (they pickle and can be tested)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ihoabm.core.model import IHOModel


def _last(m: IHOModel, name: str) -> float:
    return m.tally.daily[max(m.day - 1, 0), m.tally.index[name]] if m.day else 0.0


def day(m: IHOModel) -> int:
    """Days simulated so far."""
    return m.day


def nel_admissions(m: IHOModel) -> float:
    """Emergency admissions on the last day."""
    return _last(m, "nel_admissions")


def conveyances(m: IHOModel) -> float:
    """Ambulance conveyances to A&E on the last day."""
    return _last(m, "conveyances")


def ae_attendances(m: IHOModel) -> float:
    """A&E attendances on the last day."""
    return _last(m, "ae_attendances")


def ambulance_incidents(m: IHOModel) -> float:
    """999 incidents on the last day."""
    return _last(m, "ambulance_incidents")


def bed_occupancy(m: IHOModel) -> float:
    """Share of beds occupied at the last midnight."""
    return m.acute.occupied / m.acute.beds


def delayed_discharges(m: IHOModel) -> float:
    """Patients in beds who are fit to leave but waiting for support."""
    return _last(m, "delayed_discharge_days")


def waiting_list(m: IHOModel) -> int:
    """People on the elective waiting list."""
    return len(m.waiting_list)


def caseload(m: IHOModel) -> int:
    """People on district nursing caseloads."""
    return m.community.caseload_size


def community_capacity(m: IHOModel) -> float:
    """Community staff capacity, contacts a year."""
    return float(m.community.capacity_by_stream.sum())


def admission_propensity(m: IHOModel) -> float:
    """The acute trust's readiness to admit a marginal patient."""
    return m.acute.admission_propensity


def _balance(m: IHOModel, account: str) -> float:
    return m.ledger.balance(account) / 100


def acute_balance(m: IHOModel) -> float:
    """Acute trust cumulative surplus (+) or deficit (-), GBP."""
    return _balance(m, "acute")


def community_balance(m: IHOModel) -> float:
    """Community provider cumulative surplus or deficit, GBP."""
    return _balance(m, "community")


def host_balance(m: IHOModel) -> float:
    """Host provider cumulative surplus or deficit, GBP (0 when there is no host)."""
    return _balance(m, "host")


def spend_acute(m: IHOModel) -> float:
    """Cumulative payments to the acute trust, GBP."""
    return _balance_in(m, "acute")


def spend_community(m: IHOModel) -> float:
    """Cumulative payments to community services, GBP."""
    return _balance_in(m, "community")


def spend_primary(m: IHOModel) -> float:
    """Cumulative payments to GP practices, GBP."""
    return _balance_in(m, "gp")


def spend_ambulance(m: IHOModel) -> float:
    """Cumulative payments to the ambulance service, GBP."""
    return _balance_in(m, "ambulance")


def _balance_in(m: IHOModel, account: str) -> float:
    return m.ledger.received(account) / 100


MODEL_REPORTERS = {
    "day": day,
    "nel_admissions": nel_admissions,
    "conveyances": conveyances,
    "ae_attendances": ae_attendances,
    "ambulance_incidents": ambulance_incidents,
    "bed_occupancy": bed_occupancy,
    "delayed_discharges": delayed_discharges,
    "waiting_list": waiting_list,
    "caseload": caseload,
    "community_capacity": community_capacity,
    "admission_propensity": admission_propensity,
    "acute_balance": acute_balance,
    "community_balance": community_balance,
    "host_balance": host_balance,
    "spend_acute": spend_acute,
    "spend_community": spend_community,
    "spend_primary": spend_primary,
    "spend_ambulance": spend_ambulance,
}
