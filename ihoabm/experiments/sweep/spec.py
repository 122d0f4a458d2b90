"""Sweep files: what to vary, how to sample it, how often to replicate, and what to report.

A sweep file is TOML with four parts::

    [sweep]                      # name, base scenario, sweep seed, replications, fixed overrides, max_runs
    [design]                     # method = "grid" | "latin" | "sobol" | "morris", samples, levels
    [[parameters]]               # one table per swept scenario key, with values or a low-high range
    [[arms]]                     # optional: several base scenarios crossed with the same design
    [report]                     # optional: metrics and the year that summaries and indices use

Like scenarios, sweep files are validated strictly (unknown keys refused) and a bad file is reported in one
line naming the file, the key path and what is allowed. Every value is checked against the Python kind of
its scenario key: true/false keys take only TOML booleans, number keys refuse true/false and text, whole-number
keys refuse fractions, numbers must be finite and inside the scenario schema's own bounds. The sweep file's own
whole-number keys (seed, replications, samples, levels, max_runs, report.year) refuse floats such as `1e6`.

A design is counted before it is built: more runs than `sweep.max_runs` (default 100,000, or the environment
variable IHOABM_MAX_RUNS; at most 10,000,000) is refused.
"""

from __future__ import annotations

import json
import math
import os
import tomllib
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError
from pydantic.fields import FieldInfo

from ihoabm.outputs import catalogue
from ihoabm.scenario import Scenario, ScenarioError, load_scenario
from ihoabm.scenario.errors import Wording, describe
from ihoabm.scenario.loader import BUILTIN_DIR, FIELD_SECTIONS

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]
Scalar = bool | int | float | str
METRICS = catalogue.ANNUAL   # every column of annual.csv but the identifiers
DEFAULT_METRICS = catalogue.SWEEP_DEFAULT
SAMPLED = ("latin", "sobol", "morris")
DEFAULT_MAX_RUNS = 100_000
HARD_MAX_RUNS = 10_000_000
MAX_RUNS_ENV = "IHOABM_MAX_RUNS"


class SweepError(ScenarioError):
    """A sweep file that cannot be used; the message is one line naming the file, key and what is allowed."""


class _Strict(BaseModel):
    # strict: no coercion, so `samples = 1e6`, `paired = "yes"` or `low = true` are refused, not reinterpreted.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SweepMeta(_Strict):
    """What the sweep is and what every run shares."""

    name: Identifier
    description: str = ""
    question: str = ""
    scenario: str = "pbr_2004"
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 1
    replications: Annotated[int, Field(ge=1, le=10_000)] = 1
    paired: bool = True
    format: Literal["parquet", "csv"] = "parquet"
    max_runs: Annotated[int, Field(ge=1, le=HARD_MAX_RUNS)] | None = None
    overrides: dict[str, Any] = Field(default_factory=dict)


class Design(_Strict):
    """How parameter points are chosen."""

    method: Literal["grid", "latin", "sobol", "morris"]
    samples: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    second_order: bool = False
    levels: Annotated[int, Field(ge=2, le=100)] = 4


class Parameter(_Strict):
    """One swept scenario key: explicit `values` (grid), or a `low`-`high` range (`levels` for a grid)."""

    name: str
    values: Annotated[list[Scalar], Field(min_length=1)] | None = None
    low: float | None = None
    high: float | None = None
    levels: Annotated[int, Field(ge=2, le=1_000)] | None = None


class Arm(_Strict):
    """A base scenario crossed with the whole design (paired arms share seeds)."""

    name: Identifier
    scenario: str | None = None
    overrides: dict[str, Any] = Field(default_factory=dict)


class Report(_Strict):
    """What the summaries, indices and plots show."""

    metrics: Annotated[list[str], Field(min_length=1)] = Field(default_factory=lambda: list(DEFAULT_METRICS))
    year: Annotated[int, Field(ge=1, le=50)] | None = None


class SweepSpec(_Strict):
    """A validated sweep file. Parameter names are normalised to `section.key`."""

    sweep: SweepMeta
    design: Design
    parameters: Annotated[list[Parameter], Field(min_length=1, max_length=50)]
    arms: list[Arm] = Field(default_factory=list)
    report: Report = Field(default_factory=Report)
    _origin: str = PrivateAttr(default="sweep")
    _folder: Path | None = PrivateAttr(default=None)

    @property
    def origin(self) -> str:
        """The file (or description) the spec came from, for messages."""
        return self._origin

    @property
    def path(self) -> Path | None:
        """The sweep file, when the spec was loaded from one."""
        return Path(self._origin) if self._folder is not None else None

    def kind(self, name: str) -> type:
        """The Python type (`bool`, `int`, `float` or `str`) of a swept parameter in the scenario schema."""
        return field_kind(name)

    def arm_list(self) -> list[Arm]:
        """The arms, or one arm named after the sweep when the file defines none."""
        return list(self.arms) or [Arm(name=self.sweep.name, scenario=self.sweep.scenario)]

    def scenario_ref(self, arm: Arm) -> str:
        """The arm's scenario reference, with relative paths resolved against the sweep file's folder."""
        ref = arm.scenario or self.sweep.scenario
        path = Path(ref)
        if (path.suffix == ".toml" or "/" in ref) and not path.is_absolute() and self._folder is not None:
            local = self._folder / path
            if local.exists() or not path.exists():
                return str(local)
        return ref

    def arm_scenario(self, arm: Arm) -> Scenario:
        """The arm's base scenario with the sweep's and the arm's fixed overrides applied."""
        return load_scenario(self.scenario_ref(arm), {**self.sweep.overrides, **arm.overrides},
                             origin=f"{self.origin}: overrides")

    def to_json(self) -> str:
        """Canonical JSON (what the output folder keeps to rebuild reports)."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True)


# --- the scenario schema, key by key ------------------------------------------------------------------------
def _field(name: str) -> FieldInfo:
    section, key = name.split(".", 1)
    return Scenario.model_fields[section].annotation.model_fields[key]  # type: ignore[union-attr]


def field_kind(name: str) -> type:
    """Python type of a `section.key` scenario field: bool, int, float, str (words), or list."""
    annotation = _field(name).annotation
    if typing.get_origin(annotation) is Literal:
        kinds = {type(a) for a in typing.get_args(annotation)}
        return kinds.pop() if len(kinds) == 1 and kinds <= {bool, int, str} else str
    if annotation in (bool, int, float, str):
        return annotation  # type: ignore[return-value]
    return list


def field_choices(name: str) -> tuple[Any, ...] | None:
    """The allowed values of a choice key (`contract.regime`), or None for a free key."""
    annotation = _field(name).annotation
    return typing.get_args(annotation) if typing.get_origin(annotation) is Literal else None


_OPS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}


def field_bounds(name: str) -> list[tuple[str, float]]:
    """The schema's bounds on a number key, as `(op, bound)` with op one of ge, gt, le, lt."""
    out = []
    for meta in _field(name).metadata:
        for op in _OPS:
            bound = getattr(meta, op, None)
            if isinstance(bound, int | float) and not isinstance(bound, bool):
                out.append((op, bound))
    return out


def _inside(value: float, bounds: list[tuple[str, float]]) -> bool:
    for op, bound in bounds:
        if ((op == "ge" and not value >= bound) or (op == "gt" and not value > bound)
                or (op == "le" and not value <= bound) or (op == "lt" and not value < bound)):
            return False
    return True


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:g}"


def _range_text(bounds: list[tuple[str, float]]) -> str:
    return " and ".join(f"{_OPS[op]} {_number(bound)}" for op, bound in bounds)


def check_value(value: Any, name: str, at: str) -> Any:
    """A fixed or swept value checked against its scenario key's kind, choices and bounds.

    Booleans only as booleans; numbers not as booleans or text; whole numbers not as fractions (an integral
    float such as 3.0 becomes 3); no NaN or inf; inside the schema's bounds. `at` is `file: key path`.

    Raises:
        SweepError: One line naming `at`, the key and what is allowed.
    """
    kind = field_kind(name)
    if kind is list:
        if not isinstance(value, list):
            raise SweepError(f"{at}: {name} takes a list of numbers, e.g. [1.0, 2.0] (got {value!r})")
        for j, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, int | float) or not math.isfinite(item):
                raise SweepError(f"{at}[{j}]: {name} takes finite numbers, not true/false, text, nan or inf "
                                 f"(got {item!r})")
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise SweepError(f"{at}: {name} takes true or false, unquoted TOML booleans, not 0/1 or text "
                             f"(got {value!r})")
        return value
    if kind is str:
        if not isinstance(value, str):
            raise SweepError(f"{at}: {name} takes a word in quotes (got {value!r})")
    else:
        what = "a whole number" if kind is int else "a number"
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SweepError(f"{at}: {name} takes {what}, not true/false or text (got {value!r})")
        if isinstance(value, float) and not math.isfinite(value):
            raise SweepError(f"{at}: {name} takes a finite number, not nan or inf (got {value!r})")
        if kind is int and isinstance(value, float):
            if not value.is_integer():
                raise SweepError(f"{at}: {name} takes whole numbers (got {value!r})")
            value = int(value)
        bounds = field_bounds(name)
        if not _inside(value, bounds):
            raise SweepError(f"{at}: {name} must be {_range_text(bounds)} (got {value!r})")
    choices = field_choices(name)
    if choices is not None and value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise SweepError(f"{at}: {name} takes one of {allowed} (got {value!r})")
    return value


def _normalise(name: str) -> str | None:
    """`section.key` for a dotted or unambiguous flat scenario key, or None when there is no such key."""
    if "." in name:
        section, key = name.split(".", 1)
        sect = Scenario.model_fields.get(section)
        return name if sect is not None and key in sect.annotation.model_fields else None  # type: ignore[union-attr]
    sections = FIELD_SECTIONS.get(name, [])
    return f"{sections[0]}.{name}" if len(sections) == 1 else None


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """`{"run": {"patients": 1}}` and `{"run.patients": 1}` both become `{"run.patients": 1}`."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict) and not prefix:
            out.update(_flatten(value, f"{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


# --- one-line messages from pydantic errors (the scenario formatter, in a sweep file's words) ---------------
SWEEP_WORDING = Wording(
    # Pydantic's own words for list lengths ("at least 1 item"); the rest as a sweep file says it.
    allowed={**{k: v for k, v in Wording().allowed.items() if k not in ("too_short", "too_long")},
             "int_type": "must be a whole number such as 64, not 64.0, 1e6 or true/false",
             "float_type": "must be a number, not true/false or text",
             "bool_type": "must be true or false, an unquoted TOML boolean",
             "string_type": "must be text in quotes",
             "dict_type": "must be a table of keys",
             "model_type": "must be a table, written {table}",
             "list_type": 'must be a list, e.g. ["a", "b"]',
             "list_of_tables": "must be a list of tables, written {table} once per entry",
             "union": "must be a number, true/false or a word",
             "string_pattern_mismatch": "use letters, digits and _, starting with a letter"},
    missing_section="required key is missing",
    unknown_help="see the documentation",
    whole="file",
)


# --- checks beyond the shape of the file --------------------------------------------------------------------
def _check_overrides(table: dict[str, Any], at: str, swept: set[str] | None = None) -> dict[str, Any]:
    """Fixed overrides as `section.key: value`, each checked like a swept value."""
    fixed: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    for key, value in table.items():
        name = _normalise(key)
        if name is None:
            raise SweepError(f"{at}.{key}: not a scenario key; use section.key, e.g. run.patients")
        if name == "run.seed":
            raise SweepError(f"{at}.{key}: run seeds derive from sweep.seed; set that")
        if name in spelled:
            raise SweepError(f"{at}.{key}: {name} is given twice (also as {spelled[name]}); give it once")
        if swept is not None and name in swept:
            raise SweepError(f"{at}.{key}: {name} is swept; a swept key cannot be fixed too")
        spelled[name] = key
        fixed[name] = check_value(value, name, f"{at}.{key}")
    return fixed


def _check_parameters(spec: SweepSpec, fixed: dict[str, Any]) -> list[Parameter]:
    """Normalise names and check each parameter fits the method and the scenario schema."""
    where, method = spec.origin, spec.design.method
    params, seen = [], set()
    for i, p in enumerate(spec.parameters):
        at = f"{where}: parameters[{i}]"
        name = _normalise(p.name)
        if name is None:
            raise SweepError(f"{at}.name: {p.name!r} is not a scenario key; use section.key, e.g. "
                             "contract.capitation_level (see `ihoabm scenario show pbr_2004`)")
        if name == "run.seed":
            raise SweepError(f"{at}.name: run.seed cannot be swept; run seeds derive from sweep.seed")
        if name in seen:
            raise SweepError(f"{at}.name: {name} is listed twice; list each parameter once")
        if name in fixed:
            raise SweepError(f"{at}.name: {name} is also a fixed override; a swept key cannot be fixed too")
        seen.add(name)
        kind, choices = field_kind(name), field_choices(name)
        numeric = kind in (int, float) and choices is None
        if kind is list:
            raise SweepError(f"{at}.name: {name} is a list; only single numbers, true/false or words can be swept")
        has_range = p.low is not None or p.high is not None
        if p.values is not None and (has_range or p.levels is not None):
            raise SweepError(f"{at}: give either values or low/high, not both")
        if method in SAMPLED:
            if p.values is not None or p.levels is not None:
                raise SweepError(f"{at}: method {method!r} samples a range; give low and high, not values/levels")
            if kind is str or choices is not None:
                raise SweepError(f"{at}.name: {name} is a choice of words; sweep it with method 'grid' or arms")
            if kind is bool and has_range and (p.low, p.high) != (0, 1):
                raise SweepError(f"{at}: {name} is true/false; leave out low and high (it is sampled as false and "
                                 f"true), or give low = 0, high = 1 (got low {p.low}, high {p.high})")
            if kind is not bool and (p.low is None or p.high is None):
                raise SweepError(f"{at}: method {method!r} needs low and high")
        elif p.values is None:
            if not numeric:
                example = "[false, true]" if kind is bool else "[\"a\", \"b\"]"
                raise SweepError(f"{at}: {name} is not a number; low/high/levels are only for number keys, list "
                                 f"values = {example}")
            if p.low is None or p.high is None or p.levels is None:
                raise SweepError(f"{at}: method 'grid' needs values = [...] or low, high and levels")
        values = None
        if p.values is not None:
            values, listed = [], set()
            for j, value in enumerate(p.values):
                value = check_value(value, name, f"{at}.values[{j}]")
                if value in listed:
                    raise SweepError(f"{at}.values[{j}]: {value!r} is listed twice; list each value once")
                values.append(value)
                listed.add(value)
        if numeric and has_range:
            for side in ("low", "high"):
                check_value(getattr(p, side), name, f"{at}.{side}")
            if not p.low < p.high:  # type: ignore[operator]
                raise SweepError(f"{at}.high: must be greater than low (got low {p.low}, high {p.high})")
        params.append(p.model_copy(update={"name": name, "values": values}))
    return params


# --- a design's values and size, without building it (design.py builds it) ----------------------------------
def _as_kind(value: Any, kind: type, name: str) -> Any:
    """A listed value as the scenario value; never reinterpreted ("false" is not a boolean, 0.2 not true)."""
    ok = {bool: isinstance(value, bool), str: isinstance(value, str),
          int: (isinstance(value, int) and not isinstance(value, bool))
          or (isinstance(value, float) and value.is_integer()),
          float: isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)}
    if not ok.get(kind, False):
        raise SweepError(f"{name}: {value!r} is not a {kind.__name__} value; load the sweep with load_sweep")
    return int(value) if kind is int else float(value) if kind is float else value


def grid_values(p: Parameter, kind: type) -> list[Any]:
    """The levels of one grid axis, as scenario values."""
    if p.values is not None:
        return list(dict.fromkeys(_as_kind(v, kind, p.name) for v in p.values))
    if kind not in (int, float):
        raise SweepError(f"{p.name}: low/high/levels are only for number keys; list its values")
    raw = np.linspace(float(p.low), float(p.high), int(p.levels))  # type: ignore[arg-type]
    if kind is int:
        return list(dict.fromkeys(int(round(float(v))) for v in raw))
    return [float(v) for v in raw]


def extreme_values(p: Parameter, kind: type) -> list[Any]:
    """The values a sweep can give this parameter at its extremes.

    Lowest and highest for numbers; every distinct value for true/false and words.
    """
    if p.values is not None or p.levels is not None:
        values = grid_values(p, kind)
        return sorted({min(values), max(values)}) if kind in (int, float) else values
    if kind is bool:
        return [False, True]
    return [kind(p.low), kind(p.high)]


def point_count(spec: SweepSpec) -> int:
    """Parameter points of the design, counted without building it.

    Grid: the product of the axes' lengths; Latin: samples; Sobol (Saltelli): samples x (D + 2), or
    samples x (2D + 2) with second order; Morris: samples x (D + 1) (trajectories of D + 1 points).
    """
    d, n_params = spec.design, len(spec.parameters)
    if d.method == "grid":
        return math.prod(len(grid_values(p, field_kind(p.name))) for p in spec.parameters)
    samples = int(d.samples or 0)
    if d.method == "latin":
        return samples
    if d.method == "morris":
        return samples * (n_params + 1)
    return samples * (2 * n_params + 2 if d.second_order else n_params + 2)


def run_limit(spec: SweepSpec) -> tuple[int, str]:
    """The most runs this sweep may have: `sweep.max_runs`, else IHOABM_MAX_RUNS, else 100,000; and its source."""
    if spec.sweep.max_runs is not None:
        return spec.sweep.max_runs, "sweep.max_runs"
    text = os.environ.get(MAX_RUNS_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_RUNS, "default"
    limit = int(text) if text.isascii() and text.isdigit() else 0  # digits only: "1e6" and "1_000" are refused
    if not 1 <= limit <= HARD_MAX_RUNS:
        raise SweepError(f"{MAX_RUNS_ENV}={text!r}: must be a whole number from 1 to {HARD_MAX_RUNS:,}")
    return limit, MAX_RUNS_ENV


def run_count(spec: SweepSpec) -> tuple[int, int]:
    """Parameter points and runs of the design, counted without building it."""
    points = point_count(spec)
    return points, points * len(spec.arm_list()) * spec.sweep.replications


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def check_size(spec: SweepSpec) -> int:
    """The number of runs, or a one-line `SweepError` when the design is larger than the limit."""
    points, runs = run_count(spec)
    limit, source = run_limit(spec)
    if runs > limit:
        arms, reps = len(spec.arm_list()), spec.sweep.replications
        how = (f"set sweep.max_runs or {MAX_RUNS_ENV}, at most {HARD_MAX_RUNS:,}, to allow more"
               if runs <= HARD_MAX_RUNS else f"the most any sweep can have is {HARD_MAX_RUNS:,}; use fewer points")
        raise SweepError(f"{spec.origin}: design: {runs:,} runs ({_count(points, 'point')} x {_count(arms, 'arm')} "
                         f"x {_count(reps, 'replication')}) exceeds the {source} limit of {limit:,} ({how})")
    return runs


def _check_design(spec: SweepSpec) -> None:
    d, where = spec.design, spec.origin
    if d.method in SAMPLED and d.samples is None:
        hint = "a power of two, e.g. 64" if d.method == "sobol" else "e.g. 20"
        raise SweepError(f"{where}: design.samples: required for method {d.method!r} ({hint})")
    if d.method == "sobol" and d.samples is not None and d.samples & (d.samples - 1):
        raise SweepError(f"{where}: design.samples: Sobol sampling needs a power of two (got {d.samples}; "
                         "try 16, 32, 64, 128 ...)")
    if d.method == "sobol" and len(spec.parameters) < 2:
        raise SweepError(f"{where}: parameters: Sobol indices need at least two parameters")
    if d.method == "grid" and d.samples is not None:
        raise SweepError(f"{where}: design.samples: not used by method 'grid' (the grid sets the points)")
    for i, m in enumerate(spec.report.metrics):
        if m not in METRICS:
            raise SweepError(f"{where}: report.metrics[{i}]: unknown metric {m!r}; allowed: {', '.join(METRICS)}")
    names = [a.name for a in spec.arm_list()]
    if len(set(names)) != len(names):
        raise SweepError(f"{where}: arms: names must be unique (got {', '.join(names)})")
    check_size(spec)


def _arm_scenario(spec: SweepSpec, i: int | None, arm: Arm) -> Scenario:
    key = f"arms[{i}].scenario" if i is not None and arm.scenario else "sweep.scenario"
    try:
        return spec.arm_scenario(arm)
    except ScenarioError as exc:
        msg = str(exc)
        raise SweepError(msg if msg.startswith(spec.origin) else f"{spec.origin}: {key}: {msg}") from None
    except (OSError, UnicodeDecodeError, RecursionError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else type(exc).__name__
        raise SweepError(f"{spec.origin}: {key}: {spec.scenario_ref(arm)} cannot be read as a scenario file "
                         f"({reason}); give a built-in name or a scenario .toml file") from None


def _check_scenarios(spec: SweepSpec) -> None:
    """Check every arm's base scenario, the swept values at their extremes and the reported year.

    Every arm's base must load, every swept value at its extremes must pass the scenario schema, and
    `report.year` must be a year every run reports.
    """
    years: list[tuple[int, str]] = []
    for a, arm in enumerate(spec.arm_list()):
        scenario = _arm_scenario(spec, a if spec.arms else None, arm)
        years.append((scenario.run.years, f"arm {arm.name} has run.years = {scenario.run.years}"))
        ref = spec.scenario_ref(arm)
        base = {**spec.sweep.overrides, **arm.overrides}
        for i, p in enumerate(spec.parameters):
            for value in extreme_values(p, spec.kind(p.name)):
                try:
                    load_scenario(ref, {**base, p.name: value}, origin=f"{spec.origin}: parameters[{i}] "
                                  f"{p.name} = {value!r}")
                except ScenarioError as exc:
                    raise SweepError(str(exc)) from None
                if p.name == "run.years":
                    years.append((int(value), f"parameters[{i}] sweeps run.years down to {value}"))
    wanted = spec.report.year
    shortest, where = min(years)
    if wanted is not None and wanted > shortest:
        raise SweepError(f"{spec.origin}: report.year: {wanted} is past the last reported year; allowed 1 to "
                         f"{shortest} ({where})")


def _shape(raw: dict[str, Any]) -> dict[str, Any]:
    """Overrides flattened to `section.key` where they are tables; anything else is left for validation."""
    raw = dict(raw)
    sweep = raw.get("sweep")
    if isinstance(sweep, dict) and isinstance(sweep.get("overrides"), dict):
        raw["sweep"] = {**sweep, "overrides": _flatten(sweep["overrides"])}
    if isinstance(raw.get("arms"), list):
        raw["arms"] = [{**a, "overrides": _flatten(a["overrides"])}
                       if isinstance(a, dict) and isinstance(a.get("overrides"), dict) else a for a in raw["arms"]]
    return raw


def build_spec(raw: dict[str, Any], origin: str = "sweep", folder: Path | None = None) -> SweepSpec:
    """Validate a raw sweep table into a `SweepSpec`, or raise a one-line `SweepError`."""
    if not isinstance(raw, dict):
        raise SweepError(f"{origin}: must be a table of sweep, design and parameters (got {type(raw).__name__})")
    try:
        spec = SweepSpec.model_validate(_shape(raw))
    except ValidationError as exc:
        raise SweepError(describe(exc, origin, SweepSpec, SWEEP_WORDING)) from None
    spec._origin, spec._folder = origin, folder
    fixed = _check_overrides(spec.sweep.overrides, f"{origin}: sweep.overrides")
    params = _check_parameters(spec, fixed)
    swept = {p.name for p in params}
    arms = [a.model_copy(update={"overrides": _check_overrides(a.overrides, f"{origin}: arms[{i}].overrides",
                                                               swept)})
            for i, a in enumerate(spec.arms)]
    spec = spec.model_copy(update={"parameters": params, "arms": arms,
                                   "sweep": spec.sweep.model_copy(update={"overrides": fixed})})
    spec._origin, spec._folder = origin, folder
    _check_design(spec)
    _check_scenarios(spec)
    return spec


def load_sweep(source: str | Path | dict[str, Any] | SweepSpec) -> SweepSpec:
    """Load and validate a sweep file (or a dict with the same tables).

    Args:
        source: Path to a sweep `.toml` file, a name of a sweep shipped in `ihoabm/scenario/builtin/sweeps/`
            (`community_vs_capitation`, `iho_levers_sobol`), a dict, or an already loaded spec.

    Raises:
        SweepError: With one line naming the file, the key path and what is allowed.
    """
    if isinstance(source, SweepSpec):
        return source
    if isinstance(source, dict):
        return build_spec(source)
    path = Path(source)
    if not path.exists() and path.suffix != ".toml" and (BUILTIN_DIR / "sweeps" / f"{source}.toml").exists():
        path = BUILTIN_DIR / "sweeps" / f"{source}.toml"
    if not path.exists():
        shipped = ", ".join(sorted(p.stem for p in (BUILTIN_DIR / "sweeps").glob("*.toml")))
        raise SweepError(f"{source}: no such sweep file (shipped sweeps: {shipped})")
    if path.is_dir():
        raise SweepError(f"{source}: is a folder; give a sweep .toml file")
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SweepError(f"{path}: not valid TOML ({' '.join(str(exc).split())})") from None
    except UnicodeDecodeError:
        raise SweepError(f"{path}: not UTF-8 text; give a sweep .toml file saved as UTF-8") from None
    except RecursionError:
        raise SweepError(f"{path}: not valid TOML (nested too deeply)") from None
    except OSError as exc:
        raise SweepError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    return build_spec(raw, str(path), path.resolve().parent)
