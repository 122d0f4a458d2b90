"""Payback: the J-curve and the payback year of a comparison."""

import math

import numpy as np
import pandas as pd
import pytest

from ihoabm.experiments.payback import j_curve, payback_table, payback_year


def test_payback_year_is_the_first_year_from_which_the_extra_spending_stays_repaid():
    assert payback_year(np.array([-1.0, -2.0])) == 1.0
    assert payback_year(np.array([3.0, 1.0, -0.5, -2.0])) == 3.0
    assert payback_year(np.array([3.0, -1.0, 0.5, -2.0])) == 4.0      # dipped, then rose again: year 4
    assert math.isnan(payback_year(np.array([3.0, 2.0, 1.0])))        # not within the run


def _runs(extra_by_year: dict[int, list[float]]) -> pd.DataFrame:
    rows = []
    for rep, extras in extra_by_year.items():
        for year, extra in enumerate(extras, start=1):
            rows.append({"arm": "A", "replication": rep, "year": year, "spend_total": 100.0})
            rows.append({"arm": "B", "replication": rep, "year": year, "spend_total": 100.0 + extra})
    return pd.DataFrame(rows)


def test_the_j_curve_is_the_paired_cumulative_difference_and_the_payback_year_its_median():
    runs = _runs({1: [2.0, 1.0, -2.0, -2.0], 2: [2.0, 1.0, -4.0, -1.0], 3: [2.0, 2.0, -1.0, -1.0]})
    table = payback_table(runs, ["A", "B"])
    curve = table[table["measure"] == "cumulative_extra_spend"].set_index("year")
    assert curve.loc[2, "mean"] == pytest.approx((3 + 3 + 4) / 3)
    assert curve.loc[4, "mean"] == pytest.approx((-1 - 2 + 2) / 3)
    paid = table[table["measure"] == "paid_back"]["mean"].item()
    assert paid == pytest.approx(2 / 3)      # replication 3 is still 2 above at the end
    payback = table[table["measure"] == "payback_year"].iloc[0]
    assert payback["mean"] == 4.0            # years 3 (rep 2), 4 (rep 1) and never (rep 3): median 4
    assert np.isnan(payback["hi"])           # the slowest has not paid back within the run
    fig = j_curve(table, "test")
    assert fig.axes[0].get_xlabel() == "Contract year"
