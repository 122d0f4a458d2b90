"""Checking mode: invariants that must hold after every step (people, beds, capacities, money)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ihoabm.core.population import DEAD, DELAYED, INPATIENT, VIRTUAL_WARD


class InvariantError(AssertionError):
    """An invariant of the model was broken."""


def check_invariants(m: Any) -> None:
    """Raise `InvariantError` naming the first broken invariant (`m` is a model, or anything shaped like one)."""
    pop = m.pop
    state = pop.state[: pop.n]
    dead = int(np.count_nonzero(state == DEAD))
    if pop.n != pop.initial_n + pop.births or dead != pop.deaths:
        raise InvariantError("people not conserved: rows, births and deaths disagree")
    for trust in m.trusts:
        if np.count_nonzero(trust.occupant >= 0) > trust.beds:
            raise InvariantError(f"more occupied beds than beds at {trust.account}")
    occupied = np.concatenate([t.occupant[t.occupant >= 0] for t in m.trusts])
    queued = np.concatenate([t.queue_rows for t in m.trusts])
    if np.unique(occupied).size != occupied.size:
        raise InvariantError("one person in two beds")
    if np.intersect1d(occupied, queued).size or np.unique(queued).size != queued.size:
        raise InvariantError("one person both in a bed and waiting for one, or waiting twice")
    in_hospital = int(np.count_nonzero((state == INPATIENT) | (state == DELAYED)))
    if in_hospital != occupied.size + queued.size:
        raise InvariantError("inpatient states do not match beds plus the A&E bed queue")
    if np.any(state[occupied] == DEAD):
        raise InvariantError("a dead person is in a bed")
    if int(np.count_nonzero(state == VIRTUAL_WARD)) != m.community.vw_rows.size:
        raise InvariantError("virtual-ward states do not match the virtual ward")
    c = m.community
    if (c.capacity_by_stream < 0).any() or c.ucr_slots_today < 0 or c.discharge_slots_today < 0:
        raise InvariantError("negative community capacity")
    if (m.practices.capacity < 0).any():
        raise InvariantError("negative GP capacity")
    if np.any(pop.on_caseload[: pop.n] & (state == DEAD)):
        raise InvariantError("a dead person on a caseload")
    m.ledger.check_balanced()
