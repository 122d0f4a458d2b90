"""Patterns from England's payment history that the trust's responses must reproduce (issue 14).

Each pattern is measured on paired runs (common random numbers) of the shipped scenarios for the rules in
question. The model is not tuned to them: a failure here means a behaviour needs its evidence rechecked.
"""

import numpy as np
import pytest

from ihoabm.experiments.run import run

SEEDS = (1, 2, 3)
COLUMNS = ["nel_admissions", "nel_zero_day_admissions", "bed_days"]


def _year_3(scenario: str) -> np.ndarray:
    """Emergency admissions, zero-day admissions, overnight admissions and bed days in contract year 3, per seed."""
    rows = []
    for seed in SEEDS:
        last = run(scenario, patients=30_000, years=3, seed=seed).annual.iloc[-1]
        rows.append([last["nel_admissions"], last["nel_zero_day_admissions"],
                     last["nel_admissions"] - last["nel_zero_day_admissions"], last["bed_days"]])
    return np.array(rows, dtype=float)


@pytest.fixture(scope="module")
def history():
    return {name: _year_3(name) for name in ("pbr_2004", "pbr_mret", "block_2020")}


def _change(history, scenario: str) -> np.ndarray:
    """Per-seed % change of each measure from pbr_2004 to `scenario`."""
    return (history[scenario] / history["pbr_2004"] - 1.0) * 100.0


@pytest.mark.slow
def test_paying_by_tariff_adds_short_stays_not_bed_days(history):
    """Under tariff, emergency admissions grew mostly as zero-day stays while bed days barely moved: in England
    emergency admissions grew 3.2% a year from 2006/07 to 2017/18 and emergency bed days 0.3% a year, with about a
    third of admissions zero-day stays (Steventon et al., "Emergency hospital admissions in England: which may be
    avoidable and how?", The Health Foundation, May 2018,
    https://www.health.org.uk/publications/emergency-hospital-admissions-in-england-which-may-be-avoidable-and-how).
    Here: going from tariff to a block contract, zero-day admissions fall far more than overnight ones, and bed
    days change by a small fraction of the change in admissions."""
    block = -_change(history, "block_2020")          # what tariff adds over a block, per seed
    admissions, zero_day, overnight, bed_days = block.T
    assert np.all(admissions > 0), f"tariff adds emergency admissions: {admissions}"
    assert np.all(zero_day > 2 * overnight), f"mostly zero-day stays: {zero_day} against {overnight}"
    assert abs(bed_days.mean()) < 0.5 * admissions.mean(), f"bed days barely move: {bed_days} against {admissions}"


@pytest.mark.slow
def test_the_marginal_rate_rule_had_a_small_effect_on_admissions(history):
    """Paying 30% of tariff above a baseline (2010/11 to 2018/19) had little discernible effect on emergency
    admissions. The Monitor and NHS England review of the rule, as reported by The King's Fund ("Is it worth
    tinkering with an emergency care payment system in need of a thorough overhaul?", blog, July 2013,
    http://www.kingsfund.org.uk/blog/2013/07/it-worth-tinkering-emergency-care-payment-system-need-thorough-overhaul),
    could not relate local changes in emergency activity to the rule, with many other things changing at the same
    time; see also National Audit Office, "Emergency admissions to hospital: managing the demand" (HC 739, 31
    October 2013). Here the rule moves admissions by
    less than a third as much as leaving tariff for a block contract, and by no more than 5%."""
    mret = _change(history, "pbr_mret")[:, 0]
    block = _change(history, "block_2020")[:, 0]
    assert abs(mret.mean()) <= 5.0, f"small: {mret}"
    assert abs(mret.mean()) < abs(block.mean()) / 3, f"smaller than a block's: {mret} against {block}"
