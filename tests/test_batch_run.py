"""`mesa.batch_run(IHOModel, ...)` works and gives the same metrics as ihoabm for the same seed.

Mesa 3.3.1's batch_run takes the seed inside `parameters`, steps the model `max_steps + 1` times and reports
the DataCollector rows 0 .. max_steps (row k is the state after k days; row 0 is collected in `__init__`).
"""

from __future__ import annotations

import mesa
import pandas as pd

from ihoabm.core.model import IHOModel
from ihoabm.experiments.run import run

SCENARIO = "iho_lead_provider"
SIZE = {"patients": 5000, "years": 1}
STEPS = 60
# DataCollector reporter -> column of `ihoabm run`'s daily table
DAILY = {"nel_admissions": "nel_admissions", "conveyances": "conveyances", "ae_attendances": "ae_attendances",
         "ambulance_incidents": "ambulance_incidents", "delayed_discharges": "delayed_discharge_days"}


def batch(seeds: list[int], processes: int, steps: int = STEPS) -> pd.DataFrame:
    rows = mesa.batch_run(IHOModel, parameters={"scenario": SCENARIO, **SIZE, "seed": seeds}, max_steps=steps,
                          number_processes=processes, data_collection_period=1, display_progress=False)
    return pd.DataFrame(rows)


def test_batch_run_gives_the_same_metrics_as_ihoabm_for_the_same_seed() -> None:
    df = batch([3, 4], processes=1)
    assert set(df["seed"]) == {3, 4}
    for seed in (3, 4):
        b = df[df["seed"] == seed].set_index("Step").sort_index()
        assert list(b.index) == list(range(STEPS + 1))
        # The same model stepped by hand: identical DataCollector rows.
        model = IHOModel(SCENARIO, seed=seed, **SIZE)
        for _ in range(STEPS + 1):
            model.step()
        direct = model.datacollector.get_model_vars_dataframe().loc[: STEPS]
        pd.testing.assert_frame_equal(b[direct.columns], direct, check_names=False)
        # `ihoabm run` with the same seed: batch row k reports the counts of day k - 1.
        daily = run(SCENARIO, seed=seed, **SIZE).daily
        for reporter, column in DAILY.items():
            assert b.loc[1:STEPS, reporter].tolist() == daily.loc[: STEPS - 1, column].tolist(), reporter
            assert b[reporter].sum() > 0, reporter
    other = df[df["seed"] == 4].set_index("Step")["ae_attendances"]
    assert not other.equals(df[df["seed"] == 3].set_index("Step")["ae_attendances"])


def test_batch_run_in_parallel_matches_serial() -> None:
    serial = batch([3, 4], processes=1, steps=20).sort_values(["seed", "Step"]).reset_index(drop=True)
    parallel = batch([3, 4], processes=2, steps=20).sort_values(["seed", "Step"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(parallel.drop(columns="RunId"), serial.drop(columns="RunId"))
