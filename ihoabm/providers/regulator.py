"""`Regulator`: the oversight that surrounds payment, the 18-week and 4-hour standards and what missing them brings.

Payment is not the only thing providers answer to. Each month the regulator (standing for the commissioner's
contract management and NHS England's oversight together) measures two standards and passes on what missing
them brings:

* **18 weeks from referral to treatment.** The share of the waiting list waiting no longer than
  `oversight.rtt_weeks` at the month's end, against `rtt_standard`. Below it, the organisation that holds the
  ICB's contract for planned care pays a sanction per patient over the tolerance the standard allows (a ledger
  transfer to the ICB, category `rtt_sanction`), and both the trust and a host purchaser meet regulatory
  pressure: the trust books extra elective sessions, a host that cut its purchasing is pushed back to buying.
* **4 hours in A&E.** Last month's share of A&E attendances without a breach, against `four_hour_standard`.
  The model has no clock inside A&E, so a breach is proxied by an admitted patient who found no free bed on
  arrival (exit block, the main cause of breaches among admitted patients). Below the standard the trust's
  readiness to admit a marginal patient rises (admitting stops the clock): a pressure in its admission
  decision, never an effect size on admissions.

Pressure is the shortfall below a standard in units of 10 percentage points, 0 at or above the standard. The
regulator reads the model's state and the tally; it changes providers only through their own methods.
"""

from __future__ import annotations

import mesa
import numpy as np

SANCTION = "rtt_sanction"   # the ledger category of 18-week sanctions
PRESSURE_SCALE = 0.10       # a shortfall of 10 percentage points is one unit of pressure


def shortfall(performance: float, standard: float) -> float:
    """How far performance falls below a standard, in units of 10 percentage points (0 if it meets it)."""
    return max(standard - performance, 0.0) / PRESSURE_SCALE


class Regulator(mesa.Agent):
    """Measures the two standards monthly, levies 18-week sanctions and passes regulatory pressure on."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.rtt_performance = 1.0        # share of the list within the standard's weeks, last month end
        self.four_hour_performance = 1.0  # share of last month's A&E attendances without a (proxy) breach
        self.rtt_pressure = 0.0
        self.four_hour_pressure = 0.0
        self.last_sanction = 0.0          # GBP levied at the last review
        self._since = 0                   # first day of the month under review

    def review_month(self) -> None:
        """Month start: measure the month just ended, levy any sanction, let providers meet the pressure."""
        self._review_rtt()
        self._review_four_hour()
        self._since = self.model.day

    def accountable_for_planned_care(self) -> str:
        """Who holds the ICB's contract for planned care: the trust, or the host that sub-contracts it."""
        payer = self.model.commissioner.payer_of("acute")
        return "acute" if payer == "icb" else payer

    def _review_rtt(self) -> None:
        m = self.model
        o = m.scenario.oversight
        waiting = len(m.waiting_list)
        over = m.waiting_list.waiting_longer_than(o.rtt_weeks * 7, m.day, m.pop.waiting_since)
        self.rtt_performance = 1.0 - over / waiting if waiting else 1.0
        self.rtt_pressure = shortfall(self.rtt_performance, o.rtt_standard)
        # The contract's sanction: each patient over the standard's weeks beyond the tolerance it permits.
        excess = max(over - (1.0 - o.rtt_standard) * waiting, 0.0)
        # The run's last month end comes after the last year is settled: nothing is invoiced after it.
        invoiced = m.day < m.total_days
        self.last_sanction = float(np.floor(excess)) * o.rtt_sanction_per_breach if invoiced else 0.0
        if self.last_sanction > 0:
            m.ledger.transfer(m.day, m.year, self.accountable_for_planned_care(), "icb", self.last_sanction,
                              SANCTION)
        for trust in m.trusts:
            trust.respond_to_rtt(self.rtt_pressure)
        if m.host is not None:
            m.host.meet_oversight(self.rtt_pressure)

    def _review_four_hour(self) -> None:
        m = self.model
        t = m.tally
        days = slice(self._since, m.day)
        attendances = float(t.daily[days, t.index["ae_attendances"]].sum())
        breaches = float(t.daily[days, t.index["ae_four_hour_breaches"]].sum())
        self.four_hour_performance = 1.0 - breaches / attendances if attendances else 1.0
        self.four_hour_pressure = shortfall(self.four_hour_performance, m.scenario.oversight.four_hour_standard)
        for trust in m.trusts:
            trust.face_four_hour_pressure(self.four_hour_pressure)
