"""Sweep files: what to vary, how to sample it, how often to replicate, and what to report.

A sweep file is TOML with four parts::

    [sweep]                      # name, base scenario, sweep seed, replications, fixed overrides
    [design]                     # method = "grid" | "latin" | "sobol" | "morris", samples, levels
    [[parameters]]               # one table per swept scenario key, with values or a low-high range
    [[arms]]                     # optional: several base scenarios crossed with the same design
    [report]                     # optional: metrics and the year that summaries and indices use

Like scenarios, sweep files are validated strictly (unknown keys refused) and a bad file is reported in one
line naming the file, the key path and what is allowed.
"""

from __future__ import annotations

import json
import tomllib
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from ihoabm.results import ANNUAL_COLUMNS, EXTRA_COUNTS
from ihoabm.scenario import Scenario, ScenarioError, load_scenario
from ihoabm.scenario.loader import BUILTIN_DIR, FIELD_SECTIONS

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]
Scalar = bool | int | float | str
METRICS = tuple(c for c in (*ANNUAL_COLUMNS, "host_surplus", *EXTRA_COUNTS) if c not in ("scenario", "seed", "year"))
DEFAULT_METRICS = ("nel_admissions", "conveyances", "ae_attendances", "community_contacts", "spend_total",
                   "host_surplus")
SAMPLED = ("latin", "sobol", "morris")


class SweepError(ScenarioError):
    """A sweep file that cannot be used; the message is one line naming the file, key and what is allowed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SweepMeta(_Strict):
    """What the sweep is and what every run shares."""

    name: Identifier
    description: str = ""
    question: str = ""
    scenario: str = "baseline"
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 1
    replications: Annotated[int, Field(ge=1, le=10_000)] = 1
    paired: bool = True
    format: Literal["parquet", "csv"] = "parquet"
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


def field_kind(name: str) -> type:
    """Python type of a `section.key` scenario field: bool, int, float, or str for a choice of words."""
    section, key = name.split(".", 1)
    annotation = Scenario.model_fields[section].annotation.model_fields[key].annotation  # type: ignore[union-attr]
    if typing.get_origin(annotation) is Literal:
        return str
    if annotation in (bool, int, float):
        return annotation
    return list


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


def _loc(parts: tuple[Any, ...]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _model_at(parts: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of an error location."""
    model: Any = SweepSpec
    for part in parts:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            return None
        model = fields[part].annotation
        while typing.get_origin(model) is not None and not isinstance(model, type):
            args = [a for a in typing.get_args(model) if a is not type(None)]
            model = args[0] if args else None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


_TAGS = {"bool", "int", "float", "str"}


def _describe(exc: ValidationError, origin: str) -> str:
    err = exc.errors()[0]
    # Drop the union-member tags pydantic adds to locations ("values[0].bool").
    loc = _loc(tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p in _TAGS))))
    if err["type"] == "string_pattern_mismatch":
        return f"{origin}: {loc}: use letters, digits and _, starting with a letter (got {err.get('input')!r})"
    if len(err["loc"]) > 1 and err["loc"][-1] in _TAGS:
        return f"{origin}: {loc}: must be a number, true/false or a word (got {err.get('input')!r})"
    if err["type"] == "extra_forbidden":
        owner = _model_at(err["loc"][:-1])
        allowed = ", ".join(owner.model_fields) if owner else "see the documentation"
        return f"{origin}: {loc}: unknown key; allowed keys here: {allowed}"
    if err["type"] == "missing":
        return f"{origin}: {loc}: required key is missing"
    return f"{origin}: {loc}: {err['msg']} (got {err.get('input')!r})"


def _check_parameters(spec: SweepSpec, fixed: dict[str, Any]) -> list[Parameter]:
    """Normalise names and check each parameter fits the method and the scenario schema."""
    where, method = spec.origin, spec.design.method
    params, seen = [], set()
    for i, p in enumerate(spec.parameters):
        at = f"{where}: parameters[{i}]"
        name = _normalise(p.name)
        if name is None:
            raise SweepError(f"{at}.name: {p.name!r} is not a scenario key; use section.key, e.g. "
                             "contract.capitation_level (see `ihoabm scenario show baseline`)")
        if name == "run.seed":
            raise SweepError(f"{at}.name: run.seed cannot be swept; run seeds derive from sweep.seed")
        if name in seen:
            raise SweepError(f"{at}.name: {name} is listed twice; list each parameter once")
        if name in fixed:
            raise SweepError(f"{at}.name: {name} is also a fixed override; a swept key cannot be fixed too")
        seen.add(name)
        kind = field_kind(name)
        if kind is list:
            raise SweepError(f"{at}.name: {name} is a list; only single numbers, true/false or words can be swept")
        has_range = p.low is not None or p.high is not None
        if p.values is not None and (has_range or p.levels is not None):
            raise SweepError(f"{at}: give either values or low/high, not both")
        if method in SAMPLED:
            if p.values is not None or p.levels is not None:
                raise SweepError(f"{at}: method {method!r} samples a range; give low and high, not values/levels")
            if kind is str:
                raise SweepError(f"{at}.name: {name} is a choice of words; sweep it with method 'grid' or arms")
            if kind is not bool and (p.low is None or p.high is None):
                raise SweepError(f"{at}: method {method!r} needs low and high")
        elif p.values is None and (p.low is None or p.high is None or p.levels is None):
            raise SweepError(f"{at}: method 'grid' needs values = [...] or low, high and levels")
        if kind is str and p.values is not None and not all(isinstance(v, str) for v in p.values):
            raise SweepError(f"{at}.values: {name} takes words, e.g. values = [\"a\", \"b\"]")
        if kind is bool and has_range and (p.low, p.high) not in ((0, 1), (None, None)):
            raise SweepError(f"{at}: {name} is true/false; its range is low = 0, high = 1 (0 means false)")
        if kind is int and any((isinstance(v, float) and not v.is_integer()) or isinstance(v, str)
                               for v in [p.low, p.high, *(p.values or [])] if v is not None):
            raise SweepError(f"{at}: {name} takes whole numbers; give whole-number values or low and high")
        if p.low is not None and p.high is not None and not p.low < p.high:
            raise SweepError(f"{at}.high: must be greater than low (got low {p.low}, high {p.high})")
        params.append(p.model_copy(update={"name": name}))
    return params


def _check_scenarios(spec: SweepSpec) -> None:
    """Every arm's base must load, and every swept value at its extremes must pass the scenario schema."""
    from ihoabm.sweeps.design import extreme_values

    names = [a.name for a in spec.arm_list()]
    if len(set(names)) != len(names):
        raise SweepError(f"{spec.origin}: arms: names must be unique (got {', '.join(names)})")
    for arm in spec.arm_list():
        try:
            spec.arm_scenario(arm)
        except ScenarioError as exc:
            msg = str(exc)
            raise SweepError(msg if msg.startswith(spec.origin) else f"{spec.origin}: arm {arm.name}: {msg}") from None
        ref = spec.scenario_ref(arm)
        base = {**spec.sweep.overrides, **arm.overrides}
        for i, p in enumerate(spec.parameters):
            for value in extreme_values(p, spec.kind(p.name)):
                try:
                    load_scenario(ref, {**base, p.name: value}, origin=f"{spec.origin}: parameters[{i}] "
                                  f"{p.name} = {value!r}")
                except ScenarioError as exc:
                    raise SweepError(str(exc)) from None


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


def build_spec(raw: dict[str, Any], origin: str = "sweep", folder: Path | None = None) -> SweepSpec:
    """Validate a raw sweep table into a `SweepSpec`, or raise a one-line `SweepError`."""
    raw = dict(raw)
    if isinstance(raw.get("sweep"), dict):
        raw["sweep"] = {**raw["sweep"], "overrides": _flatten(raw["sweep"].get("overrides", {}))}
    if isinstance(raw.get("arms"), list):
        raw["arms"] = [{**a, "overrides": _flatten(a.get("overrides", {}))} if isinstance(a, dict) else a
                       for a in raw["arms"]]
    try:
        spec = SweepSpec.model_validate(raw)
    except ValidationError as exc:
        raise SweepError(_describe(exc, origin)) from None
    spec._origin, spec._folder = origin, folder
    fixed: dict[str, Any] = {}
    for key, value in spec.sweep.overrides.items():
        name = _normalise(key)
        if name is None:
            raise SweepError(f"{origin}: sweep.overrides.{key}: not a scenario key; use section.key")
        if name == "run.seed":
            raise SweepError(f"{origin}: sweep.overrides.run.seed: run seeds derive from sweep.seed; set that")
        fixed[name] = value
    params = _check_parameters(spec, fixed)
    spec = spec.model_copy(update={"parameters": params, "sweep": spec.sweep.model_copy(update={"overrides": fixed})})
    spec._origin, spec._folder = origin, folder
    _check_design(spec)
    _check_scenarios(spec)
    return spec


def load_sweep(source: str | Path | dict[str, Any] | SweepSpec) -> SweepSpec:
    """Load and validate a sweep file (or a dict with the same tables).

    Args:
        source: Path to a sweep `.toml` file, a name of a sweep shipped in `ihoabm/scenarios/sweeps/`
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
        raise SweepError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise SweepError(f"{path}: not a text file; give a sweep .toml file") from None
    return build_spec(raw, str(path), path.resolve().parent)
