"""Long-term condition onset and frailty progression (monthly). Prevention slows onset, with a lag."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ihoabm.core.hazards import MAX_AGE
from ihoabm.core.population import ltc_mean

if TYPE_CHECKING:
    from ihoabm.core.world import World


def prevention_multiplier(m: World) -> float:
    """Share of LTC onset hazard left after the prevention effect built up so far."""
    h = m.scenario.health
    stock = m.prevention_stock
    return 1.0 - h.prevention_max_reduction * stock / (stock + h.prevention_half_effect_per_head)


def progress(m: World) -> None:
    """One month of LTC onset and frailty progression for the living."""
    h = m.scenario.health
    pop = m.pop
    rows = np.flatnonzero(pop.alive)
    # Onset follows the slope of prevalence with age, so the cross-section stays calibrated.
    ages = np.arange(MAX_AGE + 1, dtype=np.float64)
    slope = np.maximum(ltc_mean(m.scenario, ages + 1.0) - ltc_mean(m.scenario, ages), 0.0)
    kept = prevention_multiplier(m)
    table = slope[:, None] * np.asarray(h.ltc_imd_multiplier)[None, :] * kept / 12.0
    hazard = table[np.minimum(pop.age[rows], MAX_AGE), pop.imd[rows]]
    onset = m.streams["ltc_onset"].random(rows.size) < hazard
    gain = onset & (pop.ltc[rows] < h.ltc_max)
    # What a risk model fitted before any prevention expects, against what happened: a leading indicator
    # of prevention that a host can read years before fewer crises show.
    room = pop.ltc[rows] < h.ltc_max
    m.tally.add("ltc_onsets", int(np.count_nonzero(gain)))
    m.tally.add("ltc_onsets_expected", float(hazard[room].sum() / kept) if kept > 0 else 0.0)
    pop.ltc[rows[gain]] += 1
    older = pop.age[rows] >= 65
    pop.frailty_score[rows] += (h.frailty_ltc_weight * gain + h.frailty_age_slope / 12.0 * older)\
        .astype(np.float32)
    m.tracker.record(rows[gain], "new long-term condition")


def update_prevention(m: World, spend_per_head: float) -> None:
    """Monthly: the prevention effect moves toward what current spending sustains, over years."""
    lag_months = m.scenario.health.prevention_lag_years * 12.0
    m.prevention_stock += (spend_per_head - m.prevention_stock) / lag_months
