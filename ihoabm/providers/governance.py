"""Governance of an IHO host: leadership turnover, and oversight intervention when a host fails.

Two yearly events, each drawn or judged at the end of a contract year, after settlement:

* **Leadership turnover.** With probability `host.turnover_per_year` a new leadership team arrives: the host's
  beliefs about what each lever returns go back to its prior (organisational memory is lost) and it does not
  re-plan for `host.turnover_delay_months`. The King's Fund and NHS Providers ("Leadership in today's NHS",
  2018) found a median trust chief executive tenure of three years, so about a third of boards change a year;
  the effect on beliefs and the delay are assumptions.
* **Oversight intervention.** When the host's result after risk sharing is a deficit beyond
  `oversight.intervention_deficit_share` of its contract value for `oversight.intervention_years` contract years
  running, the ICB takes services back: from the next contract year it contracts with each provider directly
  (the scenario's ICB payment forms) and the host stops investing. The rule and its thresholds are assumptions
  after the NHS Oversight Framework's segmentation, where sustained financial failure brings intensive support.

Neither event is drawn in burn-in years, and both are off by default (probability 0, no intervention).
"""

from __future__ import annotations

from typing import Any

from ihoabm.core.population import DAYS_PER_YEAR


class Governance:
    """Watches the host's board and finances; holds its plans back after a change of leadership."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.plans_resume_day = 0
        self.turnovers = 0              # leadership changes so far
        self.failing_years = 0          # consecutive contract years in deficit beyond the threshold
        self.taken_back_year: int | None = None

    @property
    def taken_back(self) -> bool:
        """Whether the ICB has taken the host's services back."""
        return self.taken_back_year is not None

    def may_plan(self) -> bool:
        """Whether the host may re-plan today: not while a new team settles in, never once services are taken back."""
        return not self.taken_back and self.model.day >= self.plans_resume_day

    def close_year(self, year: int) -> None:
        """Year end, after settlement: draw leadership turnover, then judge the host's finances."""
        m = self.model
        if m.host is None or year < m.scenario.run.burn_in_years or self.taken_back:
            return
        # One draw every contract year, whatever the probability, so the stream is the same across scenarios.
        if m.streams["governance"].random() < m.scenario.host.turnover_per_year:
            self.turnovers += 1
            m.host.reset_beliefs()
            self.plans_resume_day = m.day + round(m.scenario.host.turnover_delay_months * DAYS_PER_YEAR / 12)
        self._judge_finances(year)

    def _judge_finances(self, year: int) -> None:
        m = self.model
        o = m.scenario.oversight
        contract_value = m.commissioner.capitation_gross
        deficit = -m.ledger.year_result("host", year)
        failing = contract_value > 0 and deficit > o.intervention_deficit_share * contract_value
        self.failing_years = self.failing_years + 1 if failing else 0
        if o.intervention_years > 0 and self.failing_years >= o.intervention_years:
            self.taken_back_year = year
            m.commissioner.take_back_services()
            m.host.stand_down()
