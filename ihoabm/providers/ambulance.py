"""`AmbulanceService`: crews and 999 triage (hear and treat, see and treat, UCR referral, conveyance)."""

from __future__ import annotations

import mesa
import numpy as np

HEAR_AND_TREAT, SEE_AND_TREAT, UCR_REFERRAL, CONVEY_ED, CONVEY_ELSEWHERE = range(5)


class AmbulanceService(mesa.Agent):
    """Responds to 999 incidents. Alternatives to conveyance depend on UCR capacity being free today."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        a = model.scenario.ambulance
        self.responses_per_day = a.responses_per_100k_per_day * model.scenario.run.patients / 100_000
        self.cost_per_incident = model.scenario.prices.ambulance_incident
        self._carry = 0.0

    def triage(self, acuity: np.ndarray, u_dest: np.ndarray, ucr_eligible: np.ndarray,
               ucr_slots: int) -> tuple[np.ndarray, int]:
        """Decide each incident's outcome.

        Args:
            acuity: Clinical acuity per incident, uniform on (0, 1).
            u_dest: A uniform per incident for where a conveyance goes.
            ucr_eligible: Whether a community team could safely see this person at home.
            ucr_slots: UCR episodes free today.

        Returns:
            Outcome code per incident and the UCR slots used.
        """
        a = self.model.scenario.ambulance
        out = np.full(acuity.size, CONVEY_ED, dtype=np.int8)
        out[u_dest < a.conveyed_elsewhere_share] = CONVEY_ELSEWHERE
        out[acuity < a.see_and_treat_below] = SEE_AND_TREAT
        out[acuity < a.hear_and_treat_below] = HEAR_AND_TREAT
        # UCR can safely take moderate-acuity patients just below the level that needs a hospital bed.
        admit = self.model.scenario.acute.admit_acuity_conveyed
        band = (acuity >= max(admit - a.ucr_band_width, a.see_and_treat_below)) & (acuity < admit)
        candidates = np.flatnonzero(band & ucr_eligible)[:ucr_slots]
        out[candidates] = UCR_REFERRAL
        # With too few crews, the least urgent face-to-face jobs get a clinical call back instead.
        f2f = np.flatnonzero(out != HEAR_AND_TREAT)
        # Fractional daily capacity carries over, so small populations still get their share of crews.
        available = self.responses_per_day + self._carry
        self._carry = available - int(available)
        excess = f2f.size - int(available)
        if excess > 0:
            lowest = f2f[np.argsort(acuity[f2f], kind="stable")[:excess]]
            out[lowest] = HEAR_AND_TREAT
        return out, int(np.count_nonzero(out == UCR_REFERRAL))
