"""Property: every scenario the schema accepts runs.

Scenarios are drawn from the schema's own bounds (pydantic field constraints: ge/gt/le/lt, list lengths,
Literal choices, booleans), starting from the baseline and perturbing several keys at once. Those the schema
refuses must be refused in one line; those it accepts must build, step and keep the model's invariants: no
exception, finite non-negative daily counts, finite reporter values, no negative stays, a balanced ledger.
Set IHOABM_PROPERTY_EXAMPLES to explore further than the default (deterministic) budget.
"""

from __future__ import annotations

import copy
import os
import typing
from typing import Any, Literal

import annotated_types as at
import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from pydantic.fields import FieldInfo

from ihoabm.core.model import IHOModel
from ihoabm.scenario import Scenario, ScenarioError, load_scenario
from ihoabm.scenario.loader import build

PATIENTS = 2000
EXAMPLES = int(os.environ.get("IHOABM_PROPERTY_EXAMPLES", "0"))
FIXED = {("run", "patients")}      # the test's own size; everything else is drawn


CONSTRAINTS = {"ge": at.Ge, "gt": at.Gt, "le": at.Le, "lt": at.Lt, "min_length": at.MinLen, "max_length": at.MaxLen}


def _constraints(metadata: list[Any]) -> dict[str, Any]:
    """ge/gt/le/lt/min_length/max_length from pydantic metadata (nested FieldInfo included)."""
    out: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, FieldInfo):
            out.update(_constraints(item.metadata))
        for name, kind in CONSTRAINTS.items():
            if isinstance(item, kind):
                out[name] = getattr(item, name)
    return out


def _scalar(tp: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:
    if typing.get_origin(tp) is typing.Annotated:
        base, *extra = typing.get_args(tp)
        return _scalar(base, [*metadata, *extra])
    if typing.get_origin(tp) is Literal:
        return st.sampled_from(typing.get_args(tp))
    c = _constraints(metadata)
    if tp is bool:
        return st.booleans()
    if tp is int:
        lo, hi = c.get("ge", c.get("gt", -1) + 1), c.get("le", c.get("lt", 1) - 1)
        return st.integers(lo, hi)
    if tp is float:
        lo, hi = c.get("ge", c.get("gt")), c.get("le", c.get("lt"))
        assert lo is not None and hi is not None, "every number in the schema needs both bounds"
        return st.floats(min_value=lo, max_value=hi, exclude_min="gt" in c, exclude_max="lt" in c,
                         allow_nan=False, allow_infinity=False)
    raise TypeError(f"no strategy for {tp!r}")


def _field(info: FieldInfo) -> st.SearchStrategy[Any] | None:
    tp = info.annotation
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp)
        c = _constraints(info.metadata)
        return st.lists(_scalar(item, []), min_size=c["min_length"], max_size=c["max_length"])
    if tp is str:
        return None
    return _scalar(tp, list(info.metadata))


KEYS: dict[str, st.SearchStrategy[Any]] = {}
for _section, _info in Scenario.model_fields.items():
    for _name, _finfo in _info.annotation.model_fields.items():  # type: ignore[union-attr]
        _strategy = _field(_finfo)
        if _strategy is not None and (_section, _name) not in FIXED and _section != "meta":
            KEYS[f"{_section}.{_name}"] = _strategy

BASES = {name: load_scenario(name, {"run.patients": PATIENTS}).model_dump(mode="json")
         for name in ("pbr_2004", "iho_invest_to_save", "api_today")}


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A shipped scenario (mostly the baseline) with 3 to 10 keys redrawn from the schema's own bounds."""
    base = draw(st.sampled_from(["pbr_2004", "pbr_2004", "iho_invest_to_save", "api_today"]))
    raw = copy.deepcopy(BASES[base])
    for key in draw(st.lists(st.sampled_from(sorted(KEYS)), min_size=3, max_size=10, unique=True)):
        section, name = key.split(".")
        raw[section][name] = draw(KEYS[key], label=key)
    try:
        return build(raw, "drawn")
    except ScenarioError as exc:
        message = str(exc)
        assert "\n" not in message and message.startswith("drawn: "), message
        reject()


def test_every_number_in_the_schema_is_drawn_from_finite_bounds():
    assert len(KEYS) > 100
    floats = [k for k, s in KEYS.items() if "floats" in repr(s)]
    assert len(floats) > 60
    # The strategies really come from the schema: a share is drawn on [0, 1], a price from 0.01.
    assert "min_value=0.0, max_value=1.0" in repr(KEYS["ambulance.minor_call_share"])
    assert "min_value=0.01, max_value=10000000.0" in repr(KEYS["prices.community_contact"])


def _check_run(m: IHOModel, days: int) -> None:
    for _ in range(days):
        m.step()                                  # check=True: invariants after every step
    daily = m.tally.daily[: m.day]
    assert np.isfinite(daily).all(), "NaN or infinity in the daily counts"
    assert (daily >= 0).all(), "a negative daily count"
    reporters = m.datacollector.get_model_vars_dataframe().to_numpy(dtype=float)
    assert np.isfinite(reporters).all(), "NaN or infinity in a model reporter"
    occupied = m.acute.occupant >= 0
    assert (m.acute.fit_day[occupied] >= m.acute.admit_day[occupied]).all(), "a negative length of stay"
    assert 0.0 <= m.acute.admission_propensity <= 1.0
    m.ledger.check_balanced()
    debits, credits = m.ledger.totals()
    assert debits == credits > 0


@pytest.mark.slow
@settings(max_examples=EXAMPLES or 150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(scenarios())
def test_accepted_scenarios_run_60_days_with_invariants(sc: Scenario):
    _check_run(IHOModel(sc, check=True), 60)


@pytest.mark.slow
@settings(max_examples=EXAMPLES or 30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(scenarios())
def test_accepted_scenarios_run_through_a_year_end(sc: Scenario):
    # Settlement, contracts from the burn-in year, host planning and trust updates happen at day 365.
    m = IHOModel(sc, check=True)
    _check_run(m, min(400, m.total_days))


# Combinations found by exploring further (IHOABM_PROPERTY_EXAMPLES, and all keys at their bounds at once),
# kept as fixed cases so they stay fixed.
FOUND = {
    "everything_on_the_margin_without_spare_virtual_wards": {
        "acute.marginal_band": 1.0, "acute.base_admission_propensity": 1.0, "acute.vw_substitution": 1.0,
        "health.crisis_rate_base": 1.0, "health.crisis_age_rr": [2.0] * 5, "health.minor_episode_rate": [20.0] * 5},
    "smallest_positive_values": {"demography.gompertz_a": 5e-324, "health.prevention_half_effect_per_head": 5e-324,
                                 "host.horizon_years": 5e-324, "acute.beds_per_1000": 5e-324,
                                 "ambulance.responses_per_100k_per_day": 5e-324},
    "largest_values": {"community.funding_per_head": 1e7, "prices.community_contact": 1e7,
                       "acute.los_mean_by_band": [365.0] * 5, "acute.los_frailty_multiplier": [10.0] * 4,
                       "acute.los_shape": 0.5, "elective.ordinary_los_mean": 365.0, "acute.margin_sensitivity": 100.0,
                       "acute.pressure_sensitivity": 100.0, "host.prior_return": 10.0},
}


def _run_with(base: str, overrides: dict[str, Any], name: str) -> None:
    raw = copy.deepcopy(BASES[base])
    for key, value in overrides.items():
        section, field = key.split(".")
        raw[section][field] = value
    m = IHOModel(build(raw, name), check=True)
    _check_run(m, 400)


@pytest.mark.parametrize("base", ["pbr_2004", "iho_invest_to_save"])
@pytest.mark.parametrize("case", list(FOUND))
def test_found_extreme_combinations_run_through_a_year_end(base: str, case: str):
    _run_with(base, FOUND[case], case)


def test_one_person_never_takes_two_virtual_ward_places():
    _run_with("pbr_2004", {"community.funding_per_head": 1e7, "health.minor_episode_rate": [20.0] * 5},
              "double_arrival")
