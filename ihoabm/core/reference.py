"""A naive Mesa reference of the patient daily step: every resident a `mesa.Agent` with its own `step`.

It exists for two reasons: it is the oracle the vectorised engine must agree with (same rates within
statistical intervals, see tests/test_reference.py), and the yardstick for the engine's speed
(benchmarks/bench_scale.py). It covers the per-patient daily processes: death, crises (thinned by caseload
and proactive care), minor episodes, GP demand and elective referral, with rates from `ihoabm.core.hazards`.
"""

from __future__ import annotations

from collections import Counter

import mesa
import numpy as np

from ihoabm.core.hazards import RATE_FUNCTIONS
from ihoabm.core.population import DAYS_PER_YEAR, Population, synthesize
from ihoabm.core.rng import Streams
from ihoabm.scenario import Scenario, load_scenario

PROCESSES = ("death", "crisis", "minor", "gp", "referral")


class NaivePatient(mesa.Agent):
    """One resident as a full Mesa agent: draws each daily event for itself."""

    def __init__(self, model: NaiveModel, rates: dict[str, float], thin: float) -> None:
        super().__init__(model)
        self.rates = rates
        self.thin = thin
        self.alive = True

    def step(self) -> None:
        """One day: a Bernoulli draw per process (the textbook agent-based way)."""
        if not self.alive:
            return
        rng = self.model.rng
        counts = self.model.counts
        for process in PROCESSES:
            if rng.random() < self.rates[process]:
                if process == "crisis" and rng.random() >= self.thin:
                    continue
                counts[process] += 1
                if process == "death":
                    self.alive = False
                    return


class NaiveModel(mesa.Model):
    """The same population and rates as `IHOModel`, stepped one agent at a time."""

    def __init__(self, scenario: str | Scenario = "pbr_2004", patients: int = 20_000, seed: int = 1) -> None:
        super().__init__(seed=seed)
        sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.pop: Population = synthesize(sc, patients, Streams(seed)["population"])
        self.counts: Counter[str] = Counter()
        daily = {p: RATE_FUNCTIONS[p](sc, self.pop) / DAYS_PER_YEAR for p in PROCESSES}
        thin = np.where(self.pop.on_caseload[:patients], sc.health.caseload_crisis_rr, 1.0) \
            * np.where(self.pop.proactive[:patients], sc.health.proactive_crisis_rr, 1.0)
        for i in range(patients):
            NaivePatient(self, {p: float(daily[p][i]) for p in PROCESSES}, float(thin[i]))

    def step(self) -> None:
        """Every agent takes its own daily step."""
        self.agents.do("step")


def vectorised_counts(scenario: str | Scenario = "pbr_2004", patients: int = 20_000, seed: int = 1,
                      days: int = 30) -> Counter[str]:
    """The engine's way: the same processes sampled from rate tables for the same population."""
    from ihoabm.core.hazards import rate_tables

    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    pop = synthesize(sc, patients, Streams(seed)["population"])
    tables = rate_tables(sc, pop)
    streams = Streams(seed + 1)
    thin = np.where(pop.on_caseload, sc.health.caseload_crisis_rr, 1.0) \
        * np.where(pop.proactive, sc.health.proactive_crisis_rr, 1.0)
    counts: Counter[str] = Counter()
    dead = np.zeros(pop.n, dtype=bool)
    for _ in range(days):
        for process in PROCESSES:
            idx, u = tables[process].draw(streams[process], 1)
            keep = ~dead[idx]
            if process == "crisis":
                keep &= u[:, 0] < thin[idx]
            if process == "death":
                idx = np.unique(idx[keep])
                dead[idx] = True
                counts[process] += idx.size
            else:
                counts[process] += int(np.count_nonzero(keep))
    return counts
