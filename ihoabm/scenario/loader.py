"""Load scenarios from TOML: resolve `extends`, apply overrides, validate, report errors in one line."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ValidationError

from ihoabm.scenario.schema import Scenario

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "scenarios"


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message is one line naming the file, key and what is allowed."""


def builtin_names() -> list[str]:
    """Names of the scenarios shipped inside the package."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


def _locate(ref: str, relative_to: Path | None = None) -> Path:
    path = Path(ref)
    if path.suffix == ".toml" or path.exists():
        if not path.is_absolute() and relative_to is not None and not path.exists():
            path = relative_to / path
        if not path.exists():
            raise ScenarioError(f"{ref}: no such scenario file")
        return path
    candidate = BUILTIN_DIR / f"{ref}.toml"
    if not candidate.exists():
        raise ScenarioError(f"{ref}: unknown scenario; built-in names are {', '.join(builtin_names())}")
    return candidate


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML ({exc})") from None


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def resolve_raw(ref: str | Path, _seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], Path]:
    """Read a scenario and everything it extends; return the merged raw table and the file it came from."""
    path = _locate(str(ref), _seen[-1].parent if _seen else None).resolve()
    if path in _seen:
        raise ScenarioError(f"{path}: meta.extends forms a cycle")
    raw = _read_toml(path)
    parent = raw.get("meta", {}).get("extends")
    if parent is not None:
        if not isinstance(parent, str):
            raise ScenarioError(f"{path}: meta.extends must be a scenario name or path (text)")
        base, _ = resolve_raw(parent, (*_seen, path))
        # A child never inherits the parent's identity.
        base["meta"] = {"schema_version": base.get("meta", {}).get("schema_version")}
        raw = _merge(base, raw)
    raw.get("meta", {}).pop("extends", None)
    return raw, path


def _field_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for section, info in Scenario.model_fields.items():
        model = info.annotation
        for name in model.model_fields:  # type: ignore[union-attr]
            index.setdefault(name, []).append(section)
    return index


FIELD_SECTIONS = _field_index()


def apply_overrides(raw: dict[str, Any], overrides: dict[str, Any], origin: str) -> dict[str, Any]:
    """Apply `{"section.key": v}` or flat `{"key": v}` overrides (flat names must be unambiguous)."""
    out = copy.deepcopy(raw)
    for key, value in overrides.items():
        if "." in key:
            section, name = key.split(".", 1)
        else:
            sections = FIELD_SECTIONS.get(key, [])
            if len(sections) != 1:
                allowed = "section.key for any scenario key"
                raise ScenarioError(f"{origin}: {key}: unknown or ambiguous parameter; use {allowed}")
            section, name = sections[0], key
        out.setdefault(section, {})[name] = value
    return out


def _describe(exc: ValidationError, origin: str) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        parent: type[BaseModel] = Scenario
        for part in err["loc"][:-1]:
            parent = parent.model_fields[str(part)].annotation  # type: ignore[assignment]
        allowed = ", ".join(parent.model_fields)
        return f"{origin}: {loc}: unknown key; allowed keys here: {allowed}"
    if kind == "missing":
        return f"{origin}: {loc}: required key is missing"
    return f"{origin}: {loc}: {err['msg']} (got {err.get('input')!r})"


def build(raw: dict[str, Any], origin: str) -> Scenario:
    """Validate a raw table into an immutable `Scenario`, or raise a one-line `ScenarioError`."""
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(_describe(exc, origin)) from None


def load_scenario(ref: str | Path = "baseline", overrides: dict[str, Any] | None = None,
                  origin: str = "overrides") -> Scenario:
    """Load a built-in scenario by name or a TOML file by path, with optional overrides.

    Args:
        ref: A built-in name (`baseline`, `iho_invest_to_save`, ...) or a path to a `.toml` file.
        overrides: Parameter overrides, as `section.key` or unambiguous flat key names.
        origin: How to name the overrides in error messages (for example "command line").

    Raises:
        ScenarioError: With one line naming the file, the key path and what is allowed.
    """
    raw, path = resolve_raw(ref)
    scenario = build(raw, str(path))
    if overrides:
        scenario = build(apply_overrides(raw, overrides, origin), origin)
    return scenario


def to_toml(scenario: Scenario) -> str:
    """Render a resolved scenario as TOML (what `ihoabm scenario show` prints and runs save)."""
    return tomli_w.dumps(scenario.model_dump(mode="json"))
