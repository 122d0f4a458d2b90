"""The regression net: small runs of every shipped scenario must reproduce their recorded hashes, bit for bit.

`tests/regression/baseline.json` holds, for each shipped scenario run at 5,000 residents for 2 reported
years with seed 1, the SHA-256 of its `annual.csv`, `by_group.csv` and `ledger.csv` as `ihoabm run` writes
them. Small runs can miss a change that only shifts a rounding now and then (a practice's appointment count,
say), so four scenarios whose providers react to money are also recorded at 20,000 residents for 3 years
(seed 2), under the key `NAME@20000x3`. A change that alters results on purpose regenerates the file in the
same commit and says why:

    IHOABM_UPDATE_BASELINE=1 python -m pytest tests/test_regression.py
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from ihoabm.experiments.run import output_files, run
from ihoabm.scenario import builtin_names

BASELINE = Path(__file__).parent / "regression" / "baseline.json"
SIZE = {"patients": 5_000, "years": 2, "seed": 1}
LARGER = {"patients": 20_000, "years": 3, "seed": 2}
LARGER_SCENARIOS = ("pbr_2004", "api_today", "iho_invest_to_save", "iho_lead_provider")
HASHED = ("annual.csv", "by_group.csv", "ledger.csv")
UPDATE = os.environ.get("IHOABM_UPDATE_BASELINE") == "1"


def fingerprints(name: str, tmp: Path, size: dict[str, int] = SIZE) -> dict[str, str]:
    """SHA-256 of the hashed files of one run, written exactly as `ihoabm run` writes them."""
    writers = output_files(run(name, **size))
    out = {}
    for file in HASHED:
        writers[file](tmp / file)
        out[file] = hashlib.sha256((tmp / file).read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def recorded() -> dict[str, dict[str, str]]:
    return json.loads(BASELINE.read_text()) if BASELINE.exists() else {}


def test_every_shipped_scenario_is_in_the_baseline(recorded):
    if UPDATE:
        pytest.skip("updating the baseline")
    small = sorted(k for k in recorded if "@" not in k)
    assert small == builtin_names(), "a shipped scenario was added or removed: update the baseline"


@pytest.mark.parametrize("name", [*builtin_names(), *(f"{n}@20000x3" for n in LARGER_SCENARIOS)])
def test_run_reproduces_its_recorded_hashes(name, recorded, tmp_path):
    got = fingerprints(name.split("@")[0], tmp_path, LARGER if "@" in name else SIZE)
    if UPDATE:
        data = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
        data[name] = got
        BASELINE.write_text(json.dumps(dict(sorted(data.items())), indent=1) + "\n")
        return
    assert name in recorded, f"{name}: not in {BASELINE.name}; update the baseline on purpose"
    changed = [f for f in HASHED if got[f] != recorded[name][f]]
    assert not changed, f"{name}: results changed in {', '.join(changed)}; if on purpose, update the baseline"
