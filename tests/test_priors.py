"""The priors registry: one prior for every behavioural assumption, each holding its default, within the schema."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from ihoabm.scenario import load_scenario
from ihoabm.scenario.loader import ScenarioError
from ihoabm.scenario.priors import BEHAVIOURAL_KEYS, BEHAVIOURAL_SECTIONS, NOT_DRAWN, PRIORS, Prior

ROOT = Path(__file__).resolve().parents[1]
BASE = load_scenario("pbr_2004")


def _tool():
    spec = importlib.util.spec_from_file_location("sync_odd_defaults", ROOT / "docs" / "tools" / "sync_odd_defaults.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _tool()
TEXT = (ROOT / "docs" / "ODD.md").read_text()
ROWS = {f"{section}.{name}": rest for _, section, name, _, rest in tool.table_rows(TEXT)}


def _default(key: str):
    section, name = key.split(".")
    return getattr(getattr(BASE, section), name)


def test_every_behavioural_assumption_in_the_odd_has_a_prior():
    """A behavioural section's parameters marked "assumption" (switches aside) all have a prior."""
    wanted = [key for key, rest in ROWS.items() if key.split(".")[0] in BEHAVIOURAL_SECTIONS
              and rest[2].startswith("assumption") and "(switch" not in rest[2]]
    assert len(wanted) >= 25
    missing = [key for key in [*wanted, *BEHAVIOURAL_KEYS] if key not in PRIORS and key not in NOT_DRAWN]
    assert not missing, f"behavioural parameters with no prior in ihoabm/scenario/priors.py: {missing}"


@pytest.mark.parametrize("key", sorted(NOT_DRAWN))
def test_only_a_mechanism_switched_off_goes_undrawn(key):
    assert _default(key) == 0, f"{key}: not drawn, so it must be a mechanism that is off (0) in the reference"
    assert key not in PRIORS


@pytest.mark.parametrize("key", sorted(PRIORS))
def test_prior_holds_the_default_and_its_ends_are_valid_scenarios(key):
    prior = PRIORS[key]
    default = _default(key)
    assert prior.low < prior.high, key
    centre = 1.0 if prior.scale else default
    assert isinstance(default, list) == prior.scale, f"{key}: list parameters take a scale prior, others not"
    assert prior.low <= centre <= prior.high, f"{key}: default {default} outside {prior.describe()}"
    if prior.shape == "triangular":
        assert prior.mode == centre, f"{key}: a triangular prior peaks at the default"
    for end in (prior.low, prior.high):
        value = [v * end for v in default] if prior.scale else end
        if isinstance(default, int) and not isinstance(default, bool):
            value = int(round(value))
        load_scenario("pbr_2004", {key: value})   # raises ScenarioError if outside the schema's bounds
    assert prior.basis.startswith("assumption:") or prior.basis[0].isupper(), f"{key}: a source or a reason"


def test_a_prior_outside_the_schema_would_be_caught():
    with pytest.raises(ScenarioError):
        load_scenario("pbr_2004", {"acute.vw_substitution": 1.5})


def test_odd_prior_column_matches_the_registry():
    _, changed = tool.sync_priors(TEXT, tool.prior_cells())
    assert not changed, f"docs/ODD.md prior column is stale ({changed[:3]}); run: docs/tools/sync_odd_defaults.py"


def test_quantile_function_spans_the_range_and_peaks_at_the_mode():
    tri = Prior("triangular", 0.0, 4.0, "assumption: test", mode=1.0)
    u = np.linspace(0, 1, 101)
    values = np.array([tri.ppf(x) for x in u])
    assert values[0] == 0.0 and values[-1] == 4.0
    assert np.all(np.diff(values) > 0)
    assert tri.ppf(0.25) == pytest.approx(1.0)          # the mode sits at quantile (mode - low) / (high - low)
    uni = Prior("uniform", 2.0, 6.0, "assumption: test")
    assert uni.ppf(0.5) == 4.0
    # A triangular sample's mean is (low + mode + high) / 3.
    assert np.mean([tri.ppf(x) for x in (np.arange(20000) + 0.5) / 20000]) == pytest.approx(5 / 3, rel=1e-3)
