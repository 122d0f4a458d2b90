"""Primary care: GP demand meets practice capacity; unmet demand spills over to A&E."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ihoabm.core.hazards import at_home
from ihoabm.pathways import harm
from ihoabm.pathways.episodes import COLUMNS, Episodes

if TYPE_CHECKING:
    from ihoabm.core.world import World


def gp_demand(m: World) -> tuple[Episodes, Episodes]:
    """Match today's GP demand to each practice's appointments.

    Returns:
        Unmet demand that goes to A&E instead, and patients the GP sends in for emergency admission.
    """
    pop = m.pop
    p = m.scenario.primary
    idx, u = m.tables["gp"].draw(m.streams["gp_demand"], 3 + COLUMNS)
    home = at_home(pop, idx)
    idx, u = idx[home], u[home]
    practice = pop.practice[idx]
    slots = m.practices.todays_slots()
    # Requests arrive in random order (a priority uniform); each practice serves the first `slots`.
    order = np.argsort(practice + u[:, 2])
    sorted_practice = practice[order]
    first = np.searchsorted(sorted_practice, sorted_practice, side="left")
    rank = np.arange(order.size) - first
    met = np.empty(order.size, dtype=bool)
    met[order] = rank < slots[sorted_practice]
    groups = pop.group[idx]
    m.tally.add_group("gp_appointments", groups[met])
    m.tally.add_group("gp_unmet", groups[~met])
    harm.unmet_gp(m, idx[~met])
    m.tracker.record(idx[met], "GP appointment")
    overflow = ~met & (u[:, 0] < p.unmet_to_ae_share)
    referred = met & (u[:, 1] < p.gp_emergency_referral_share)
    m.tracker.record(idx[overflow], "no GP appointment: went to A&E")
    return Episodes(idx[overflow], u[overflow, 3:]), Episodes(idx[referred], u[referred, 3:])
