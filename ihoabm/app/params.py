"""What a user typed, turned into a valid scenario: bad input becomes a message, never an exception.

The app's controls send text and numbers; `resolve_inputs` checks each one against the range the app
allows, replaces anything unusable by its default, and says so in a sentence a workshop participant can act
on. `AppModel` is `IHOModel` built that way, so a page can build it from whatever the controls hold.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from ihoabm.core.model import IHOModel
from ihoabm.scenario import Scenario, ScenarioError, builtin_names, load_scenario
from ihoabm.scenario.shipped import RENAMED

POPULATION_MIN, POPULATION_MAX = 1_000, 200_000
DEFAULT_POPULATION = 20_000
SEED_MAX = 2**32 - 1
DEFAULT_SEED = 1
DEFAULT_SCENARIO = "pbr_2004"


@dataclass(frozen=True)
class Lever:
    """A scenario parameter the app shows as a slider.

    Attributes:
        key: The scenario key it overrides (`section.name`).
        label: What the slider says.
        low: Smallest value the app allows.
        high: Largest value the app allows.
        step: Slider step.
        fmt: How to print a value.
    """

    key: str
    label: str
    low: float
    high: float
    step: float
    fmt: str = "{:g}"

    @property
    def name(self) -> str:
        """The flat parameter name (`capitation_level`)."""
        return self.key.split(".", 1)[1]

    @property
    def default(self) -> float:
        """The baseline scenario's value: where the slider starts."""
        return self.value_in(_baseline())

    def value_in(self, scenario: Scenario) -> float:
        """Read this lever's value from a resolved scenario."""
        section, name = self.key.split(".", 1)
        return float(getattr(getattr(scenario, section), name))


LEVERS: tuple[Lever, ...] = (
    Lever("contract.capitation_level", "Capitation level", 0.80, 1.20, 0.01, "{:.2f} x burn-in cost"),
    Lever("community.funding_per_head", "Community investment", 100.0, 300.0, 5.0,
          "GBP {:.0f} a head a year"),
    Lever("host.horizon_years", "Host planning horizon", 1.0, 15.0, 1.0, "{:.0f} years"),
    Lever("contract.risk_share_icb", "ICB risk share", 0.0, 1.0, 0.05,
          "{:.0%} of surplus or deficit beyond the corridor"),
)
LEVER_BY_NAME = {lever.name: lever for lever in LEVERS}

@functools.cache
def _baseline() -> Scenario:
    return load_scenario(DEFAULT_SCENARIO)


@dataclass(frozen=True)
class Inputs:
    """The outcome of checking the controls.

    Attributes:
        scenario: A valid scenario to build the model from.
        messages: One sentence per rejected input, saying what was used instead.
        from_slider: Names of levers whose slider value overrides the scenario's own.
    """

    scenario: Scenario
    messages: tuple[str, ...] = ()
    from_slider: frozenset[str] = field(default_factory=frozenset)


def parse_whole(text: Any, low: int, high: int) -> int | None:
    """Read a whole number within [low, high] from typed text ("20,000" and " 7 " are fine), or None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        value = text
    elif isinstance(text, float):
        if not text.is_integer():
            return None
        value = int(text)
    else:
        cleaned = str(text).strip().replace(",", "").replace("_", "").replace(" ", "")
        try:
            value = int(cleaned)
        except ValueError:
            return None
    return value if low <= value <= high else None


def parse_number(value: Any, low: float, high: float) -> float | None:
    """Read a number within [low, high], or None."""
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def check_population(text: Any) -> tuple[int | None, str]:
    """Read the number of residents typed, or None and what is wrong with it."""
    n = parse_whole(text, POPULATION_MIN, POPULATION_MAX)
    if n is None:
        return None, (f"Population must be a whole number from {POPULATION_MIN:,} to {POPULATION_MAX:,} "
                      f"(got {_shown(text)})")
    return n, ""


def check_seed(text: Any) -> tuple[int | None, str]:
    """Read the seed typed, or None and what is wrong with it."""
    s = parse_whole(text, 0, SEED_MAX)
    if s is None:
        return None, f"Seed must be a whole number from 0 to {SEED_MAX:,} (got {_shown(text)})"
    return s, ""


def resolve_inputs(scenario: Any = DEFAULT_SCENARIO, patients: Any = DEFAULT_POPULATION,
                   seed: Any = DEFAULT_SEED, levers: dict[str, Any] | None = None,
                   extra: dict[str, Any] | None = None) -> Inputs:
    """Check the controls and build a valid scenario, replacing bad values by defaults.

    A slider left at its starting value keeps the scenario's own setting (so `iho_underfunded` keeps its
    lower capitation); a slider moved away from it overrides the scenario.

    Args:
        scenario: A built-in scenario name.
        patients: Residents, as typed.
        seed: Random seed, as typed.
        levers: Slider values by flat name (`capitation_level`, ...); `None` values are ignored.
        extra: Further scenario overrides (`years`, `run.tracked_patients`, ...).

    Returns:
        The scenario and a message for each input that was not used.
    """
    messages: list[str] = []
    names = builtin_names()
    name = str(scenario).strip() if scenario is not None else DEFAULT_SCENARIO
    name = RENAMED.get(name, name)
    if name not in names:
        messages.append(f"Scenario {scenario!r} is not one of the built-in scenarios; "
                        f"using {DEFAULT_SCENARIO}.")
        name = DEFAULT_SCENARIO
    n, problem = check_population(patients)
    if n is None:
        messages.append(f"{problem}; using {DEFAULT_POPULATION:,}.")
        n = DEFAULT_POPULATION
    s, problem = check_seed(seed)
    if s is None:
        messages.append(f"{problem}; using {DEFAULT_SEED}.")
        s = DEFAULT_SEED
    overrides: dict[str, Any] = {"run.patients": n, "run.seed": s}
    moved: set[str] = set()
    for lever_name, raw in (levers or {}).items():
        lever = LEVER_BY_NAME.get(lever_name)
        if lever is None or raw is None:
            continue
        value = parse_number(raw, lever.low, lever.high)
        if value is None:
            messages.append(f"{lever.label} must be a number from {lever.low:g} to {lever.high:g} "
                            f"(got {_shown(raw)}); using the scenario's own value.")
        elif abs(value - lever.default) > 1e-9:
            overrides[lever.key] = value
            moved.add(lever.name)
    for key, value in (extra or {}).items():
        if value is None:
            continue
        try:
            load_scenario(name, {key: value}, origin="app")
        except ScenarioError as exc:
            messages.append(f"{exc}; ignored.")
        else:
            overrides[key] = value
    try:
        sc = load_scenario(name, overrides, origin="app")
    except ScenarioError as exc:
        # Each value passed its own check; a combination the schema rejects falls back to the scenario's own.
        messages.append(f"{exc}; using the scenario's own settings.")
        sc = load_scenario(name, {"run.patients": n, "run.seed": s}, origin="app")
        moved.clear()
    return Inputs(sc, tuple(messages), frozenset(moved))


def _shown(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


class AppModel(IHOModel):
    """`IHOModel` as the app builds it: control values in, messages (not exceptions) for bad ones.

    Args:
        scenario: A built-in scenario name.
        seed: Random seed as typed (text or number).
        patients: Residents as typed (text or number).
        capitation_level: Slider value; see `resolve_inputs` for when it overrides the scenario.
        funding_per_head: Slider value for community funding, GBP per head a year.
        horizon_years: Slider value for the host's planning horizon.
        risk_share_icb: Slider value for the ICB's share of risk beyond the corridor.
        **kwargs: Further scenario overrides; `check=True` checks invariants every step.
    """

    def __init__(self, scenario: Any = DEFAULT_SCENARIO, seed: Any = DEFAULT_SEED,
                 patients: Any = DEFAULT_POPULATION, capitation_level: Any = None,
                 funding_per_head: Any = None, horizon_years: Any = None, risk_share_icb: Any = None,
                 **kwargs: Any) -> None:
        check = bool(kwargs.pop("check", False))
        levers = {"capitation_level": capitation_level, "funding_per_head": funding_per_head,
                  "horizon_years": horizon_years, "risk_share_icb": risk_share_icb}
        inputs = resolve_inputs(scenario, patients, seed, levers, kwargs)
        super().__init__(inputs.scenario, check=check)
        self.inputs = inputs
