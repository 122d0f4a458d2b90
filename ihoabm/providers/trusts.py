"""Several acute trusts and the independent sector: who serves whom, and where a patient goes.

Each acute trust is its own `AcuteTrust` (its own beds, costs, contracts and behaviour); the first is the
place's main trust, account `acute`, and the others are `acute_2` and `acute_3`. Each resident has a home
trust, the nearest hospital to where they live (`catchment`), in the shares `acute.trust_shares`. Walk-ins
go to their home trust; an ambulance goes to the home trust unless that trust is on divert (its recent
occupancy above `acute.divert_occupancy`), when it takes the patient to the least full trust. Planned care is
one pooled list that every trust treats from as it has capacity (a patient chooses the first hospital that
can see them), and the independent sector takes patients who have waited longer than
`elective.independent_after_weeks` (the right to choose another provider).

Everything is chosen by array indexing, never a loop over patients; loops run over the (at most three) trusts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ihoabm.core.world import World
    from ihoabm.providers.acute import AcuteTrust

GOLDEN = (5 ** 0.5 - 1) / 2


def catchment(rows: np.ndarray, shares: list[float], imd: np.ndarray | None = None) -> np.ndarray:
    """Each resident's home trust: where they live, fixed for life, so that the catchments match the shares.

    A resident's place in the catchments is the fractional part of their row times the golden ratio, a
    low-discrepancy sequence: any run of rows, and so any population and its births, is split between the
    trusts in their shares to within a person or two, without a random draw (which would shift other streams).
    Given `imd` (0 = most deprived quintile), places are ordered by deprivation instead: the place runs through
    the quintiles in turn, so the first trust serves the most deprived areas (quintiles are equal in size).
    """
    if len(shares) == 1:
        return np.zeros(rows.size, dtype=np.intp)
    place = (rows * GOLDEN) % 1.0
    if imd is not None:
        place = (imd + place) / 5.0
    return np.searchsorted(np.cumsum(shares)[:-1], place, side="right")


def home_trust(m: World, rows: np.ndarray) -> np.ndarray:
    """Each person's home trust (an index into `m.trusts`)."""
    a = m.scenario.acute
    return catchment(rows, a.trust_shares, m.pop.imd[rows] if a.catchments == "by_deprivation" else None)


def route(m: World, rows: np.ndarray, by_ambulance: np.ndarray) -> np.ndarray:
    """Where each A&E arrival goes: home, or for an ambulance from a trust on divert, the least full trust."""
    where = home_trust(m, rows)
    if len(m.trusts) == 1:
        return where
    occupancy = np.array([t.occupancy_recent for t in m.trusts])
    on_divert = occupancy > m.scenario.acute.divert_occupancy
    if on_divert.any():
        diverted = by_ambulance & on_divert[where]
        where = where.copy()
        where[diverted] = int(np.argmin(occupancy))
        m.trust_tally.add(m.year, "diverted_conveyances", where[diverted & (where != home_trust(m, rows))])
    return where


def admits_at_margin(m: World, where: np.ndarray, u: np.ndarray, alternative: np.ndarray) -> np.ndarray:
    """Which marginal A&E patients their trust admits: each trust's own readiness (`AcuteTrust.admits_at_margin`)."""
    if len(m.trusts) == 1:
        return m.acute.admits_at_margin(u, alternative)
    propensity = np.array([t.admission_propensity for t in m.trusts])[where]
    return u < propensity * np.where(alternative, 1.0 - m.scenario.acute.vw_substitution, 1.0)


def split(n: int, shares: list[float], rng: np.random.Generator) -> np.ndarray:
    """Split `n` units (outpatient attendances) among trusts by their shares."""
    return rng.multinomial(n, shares) if len(shares) > 1 else np.array([n])


def all_occupants(trusts: list[AcuteTrust]) -> np.ndarray:
    """Everyone in a bed at any trust."""
    if len(trusts) == 1:
        t = trusts[0]
        return t.occupant[t.occupant >= 0]
    return np.concatenate([t.occupant[t.occupant >= 0] for t in trusts])


def all_queued(trusts: list[AcuteTrust]) -> np.ndarray:
    """Everyone admitted and waiting in A&E for a bed, at any trust."""
    return trusts[0].queue_rows if len(trusts) == 1 else np.concatenate([t.queue_rows for t in trusts])
