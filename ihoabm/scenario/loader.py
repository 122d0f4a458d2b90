"""Load scenarios from TOML: resolve `extends`, apply overrides, validate, report errors in one line.

Whatever a file holds (binary, another encoding, a folder, a non-table section, arrays nested a thousand
deep, an endless `extends` chain), loading ends in a result or in a one-line `ScenarioError` naming the file,
the key path and what is allowed; never a traceback.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from ihoabm.scenario.errors import describe, shown
from ihoabm.scenario.schema import Scenario
from ihoabm.scenario.shipped import BUILTIN_DIR, DEFAULT, RENAMED, builtin_names

MAX_EXTENDS = 16           # files in one `meta.extends` chain, the scenario itself included
MAX_NESTING = 8            # tables and arrays inside one another (a scenario needs 3: section, key, list)
MAX_FILE_BYTES = 1_000_000
MAX_MESSAGE = 1000         # characters of an error message


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message is one line naming the file, key and what is allowed."""

    def __init__(self, message: str) -> None:
        line = "".join(_CONTROL.get(ch, ch) for ch in str(message))
        super().__init__(line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 3] + "...")


# Control characters (a newline in a key, a NUL in a file name) are escaped so a message stays one line.
_CONTROL = {chr(c): f"\\x{c:02x}" for c in [*range(32), 127]} | {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _short(ref: str, limit: int = 200) -> str:
    """A reference the user gave, cut to `limit` characters for a message."""
    return ref if len(ref) <= limit else ref[: limit - 3] + "..."


def _probe(path: Path, test: str) -> bool:
    """`path.exists()`, `.is_file()` or `.is_dir()`, False for names the system cannot even look up."""
    try:
        return bool(getattr(path, test)())
    except (OSError, ValueError):
        return False


def _builtin_list() -> str:
    return ", ".join(builtin_names())


def _locate(ref: str, relative_to: Path | None = None) -> Path | None:
    """The file `ref` names (a path, or a built-in name), or None if there is none."""
    path = Path(ref)
    nearby = relative_to / path if relative_to is not None and not path.is_absolute() else None
    as_path = path.suffix == ".toml" or "/" in ref or "\\" in ref or _probe(path, "is_file")
    if not as_path:
        candidate = BUILTIN_DIR / f"{RENAMED.get(ref, ref)}.toml"
        if _probe(candidate, "is_file"):
            return candidate
    if _probe(path, "exists"):
        return path
    if nearby is not None and _probe(nearby, "exists"):
        return nearby
    return None


def _check_file(path: Path, where: str) -> None:
    """Refuse folders, devices and oversized files before reading them."""
    if _probe(path, "is_dir"):
        raise ScenarioError(f"{where}: is a folder, not a scenario file; give a .toml file or a built-in name "
                            f"({_builtin_list()})")
    if not _probe(path, "is_file"):
        raise ScenarioError(f"{where}: is not a regular file; give a .toml file or a built-in name")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ScenarioError(f"{where}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    if size > MAX_FILE_BYTES:
        raise ScenarioError(f"{where}: is {size:,} bytes; scenario files are at most {MAX_FILE_BYTES:,} bytes")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(f"{path}: is larger than {MAX_FILE_BYTES:,} bytes, the most a scenario file may be")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                            "scenario files are TOML, saved as UTF-8") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML ({' '.join(str(exc).split())})") from None
    except RecursionError:
        raise ScenarioError(f"{path}: {_deep_line(text)}: arrays or tables nested more than {MAX_NESTING} deep; "
                            f"scenario files nest them at most {MAX_NESTING} levels") from None
    _check_depth(raw, str(path))
    return raw


def _deep_line(text: str) -> str:
    """Where brackets first nest too deeply (`line N, key`), by a rough scan that skips strings and comments."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        quote = ""
        for i, ch in enumerate(line):
            if quote:
                if ch == quote and (quote == "'" or line[i - 1] != "\\"):
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch == "#":
                break
            elif ch in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    key = line.split("=", 1)[0].strip() if "=" in line else ""
                    key = key if key and len(key) <= 60 and "[" not in key else ""
                    return f"line {number}" + (f", key {key}" if key else "")
            elif ch in "]}":
                depth = max(depth - 1, 0)
    return "somewhere"


def _check_depth(value: Any, origin: str, where: str = "", depth: int = 0) -> None:
    """Refuse tables and arrays nested more than `MAX_NESTING` deep (checked without recursion).

    `depth` is how deep `value` itself sits: 0 for a whole file, 2 for the value of `section.key`.
    """
    stack: list[tuple[Any, str, int]] = [(value, where, depth)]
    while stack:
        item, at, level = stack.pop()
        if not isinstance(item, dict | list):
            continue
        if level > MAX_NESTING:
            at = at if len(at) <= 120 else at[:117] + "..."
            raise ScenarioError(f"{origin}: {at}: tables and arrays nested more than {MAX_NESTING} deep; "
                                f"scenario files nest them at most {MAX_NESTING} levels")
        children = item.items() if isinstance(item, dict) else enumerate(item)
        for key, child in children:
            path = f"{at}[{key}]" if isinstance(key, int) else (f"{at}.{key}" if at else str(key))
            stack.append((child, path, level + 1))


def _check_sections(raw: dict[str, Any], where: str) -> None:
    """Every top-level entry must be a section table; `extends` at the top is a common slip."""
    if "extends" in raw:
        raise ScenarioError(f'{where}: extends: belongs under [meta] (write [meta] then extends = '
                            f'{shown(raw["extends"])})')
    for key, value in raw.items():
        if key not in Scenario.model_fields:
            raise ScenarioError(f"{where}: {_short(key, 120)}: unknown key; allowed keys here: "
                                f"{', '.join(Scenario.model_fields)}")
        if not isinstance(value, dict):
            raise ScenarioError(f"{where}: {key}: must be a table (a [{key}] section) (got {shown(value)})")


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _chain(ref: str | Path) -> list[tuple[Path, dict[str, Any]]]:
    """The files of an `extends` chain, the scenario first and its furthest ancestor last."""
    ref = str(ref)
    path = _locate(ref)
    if path is None:
        if Path(ref).suffix == ".toml" or "/" in ref:
            raise ScenarioError(f"{_short(ref)}: no such scenario file")
        raise ScenarioError(f"{_short(ref)}: unknown scenario; built-in names are {_builtin_list()}")
    _check_file(path, _short(ref))
    chain: list[tuple[Path, dict[str, Any]]] = []
    while True:
        path = path.resolve()
        if any(path == seen for seen, _ in chain):
            raise ScenarioError(f"{chain[-1][0]}: meta.extends: forms a cycle through {path.name}")
        raw = _read_toml(path)
        _check_sections(raw, str(path))
        chain.append((path, raw))
        parent = raw.get("meta", {}).get("extends")
        if parent is None:
            return chain
        if not isinstance(parent, str) or not parent.strip():
            raise ScenarioError(f"{path}: meta.extends: must be a built-in scenario name or a path to a .toml file "
                                f"(got {shown(parent)})")
        if len(chain) >= MAX_EXTENDS:
            raise ScenarioError(f"{chain[0][0]}: meta.extends: the chain is more than {MAX_EXTENDS} files long "
                                f"(limit {MAX_EXTENDS}); extend a scenario closer to the base")
        located = _locate(parent, path.parent)
        if located is None:
            kind = "scenario file" if Path(parent).suffix == ".toml" or "/" in parent else "scenario"
            raise ScenarioError(f'{path}: meta.extends: no such {kind} {shown(parent)}; built-in names are '
                                f"{_builtin_list()}")
        _check_file(located, f"{path}: meta.extends: {shown(parent)}")
        path = located


def resolve_raw(ref: str | Path) -> tuple[dict[str, Any], Path]:
    """Read a scenario and everything it extends; return the merged raw table and the file it came from."""
    chain = _chain(ref)
    path, _ = chain[0]
    raw: dict[str, Any] = {}
    for _, table in reversed(chain):
        table = copy.deepcopy(table)
        if raw:
            # A child never inherits the parent's identity.
            raw["meta"] = {"schema_version": raw.get("meta", {}).get("schema_version")}
        raw = _merge(raw, table)
        raw.get("meta", {}).pop("extends", None)
    meta = raw.setdefault("meta", {})
    # A minimal child ([meta] extends = "pbr_2004" plus overrides) is named after its file.
    meta.setdefault("name", path.stem)
    if meta.get("schema_version") is None:
        meta.pop("schema_version", None)
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
        key = str(key)
        if "." in key:
            section, name = key.split(".", 1)
        else:
            sections = FIELD_SECTIONS.get(key, [])
            if len(sections) != 1:
                allowed = "section.key for any scenario key"
                raise ScenarioError(f"{origin}: {shown(key)}: unknown or ambiguous parameter; use {allowed}")
            section, name = sections[0], key
        if section not in Scenario.model_fields:
            raise ScenarioError(f"{origin}: {key}: unknown section {shown(section)}; allowed sections: "
                                f"{', '.join(Scenario.model_fields)}")
        _check_depth(value, origin, key, depth=2)
        target = out.setdefault(section, {})
        if not isinstance(target, dict):
            raise ScenarioError(f"{origin}: {section}: must be a table (got {shown(target)})")
        target[name] = value
    return out


def build(raw: dict[str, Any], origin: str) -> Scenario:
    """Validate a raw table into an immutable `Scenario`, or raise a one-line `ScenarioError`."""
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(describe(exc, origin, Scenario)) from None
    except RecursionError:
        raise ScenarioError(f"{origin}: values are nested too deeply; scenario values nest at most "
                            f"{MAX_NESTING} levels") from None


def load_scenario(ref: str | Path = DEFAULT, overrides: dict[str, Any] | None = None,
                  origin: str = "overrides") -> Scenario:
    """Load a built-in scenario by name or a TOML file by path, with optional overrides.

    Args:
        ref: A built-in name (`pbr_2004`, `iho_invest_to_save`, ...) or a path to a `.toml` file.
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
