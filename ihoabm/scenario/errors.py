"""One pydantic `ValidationError` as one line: `<origin>: <section.key>: <what is allowed> (got <value>)`.

This is the one formatter for every file ihoabm validates with pydantic: scenario files (the default
`Wording`) and sweep files (`ihoabm.experiments.sweep.spec` passes its own `Wording`). A `Wording` changes
only the words, never the shape of the line.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

MAX_SHOWN = 80      # characters of an offending value quoted back to the user
MAX_DETAIL = 800    # characters of a message after the origin (an allowed-keys list fits)
MAX_KEY = 120       # characters of a key path

# Pydantic's wording is kept where it already says what is allowed ("Input should be greater than 0");
# these replace the wording that does not.
_ALLOWED = {
    "bool_type": "Input should be true or false (a TOML boolean, not text or a number)",
    "bool_parsing": "Input should be true or false (a TOML boolean, not text or a number)",
    "float_type": "Input should be a number (not text or true/false)",
    "float_parsing": "Input should be a number (not text or true/false)",
    "int_type": "Input should be a whole number (not text, true/false or a decimal)",
    "int_parsing": "Input should be a whole number (not text, true/false or a decimal)",
    "int_from_float": "Input should be a whole number (not text, true/false or a decimal)",
    "finite_number": "Input should be a finite number (not inf or nan)",
    "string_type": "Input should be text in quotes",
    "list_type": "Input should be a list of values in square brackets",
    "list_of_tables": "Input should be a list of tables, written {table} once per entry",
    "dict_type": "Input should be a table",
    "model_type": "Input should be a table",
    "model_attributes_type": "Input should be a table",
    "too_short": "List should have at least {min_length} values, not {actual_length}",
    "too_long": "List should have at most {max_length} values, not {actual_length}",
    "greater_than": "Input should be greater than {gt}",
    "greater_than_equal": "Input should be greater than or equal to {ge}",
    "less_than": "Input should be less than {lt}",
    "less_than_equal": "Input should be less than or equal to {le}",
    # A value that matches no kind a key allows (a pydantic union, such as bool | int | float | str).
    "union": "Input should be a number, true/false or text",
}
# The names pydantic gives the members of a union in an error's location ("values[0].bool").
_UNION_TAGS = {"bool", "int", "float", "str"}


@dataclass(frozen=True)
class Wording:
    """The words one kind of file uses in its one-line errors; the default is the scenario file's.

    `allowed` maps a pydantic error type to what is allowed (formatted with the error's context and
    `{table}`, the TOML spelling of the table at the key), falling back to pydantic's own message.
    """

    allowed: Mapping[str, str] = field(default_factory=lambda: dict(_ALLOWED))
    missing_section: str = ('required section is missing; list every section, or extend another scenario with '
                            '[meta] extends = "pbr_2004"')
    unknown_help: str = "see ihoabm scenario show pbr_2004"
    whole: str = "(scenario)"


SCENARIO_WORDING = Wording()


def _bound(value: Any) -> Any:
    """A bound as a person would write it: 1/12 as 0.0833333, 1e7 as 10000000."""
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"
    return value


# TOML string escapes, so a quoted value is one line and reads as the user would type it.
_ESCAPES = {chr(c): f"\\u{c:04x}" for c in [*range(32), 127]} | {
    "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def key_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """`("acute", "los_mean_by_band", 2)` as `acute.los_mean_by_band[2]`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """A value as TOML would spell it, cut to `limit` characters."""
    text = _toml_like(value, depth=0)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _toml_like(value: Any, depth: int) -> str:
    if depth > 3:
        return "..."
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        text = "".join(_ESCAPES.get(ch, ch) for ch in value)
        return f'"{text}"'
    if isinstance(value, list | tuple):
        parts = []
        for item in value[:12]:
            parts.append(_toml_like(item, depth + 1))
        if len(value) > 12:
            parts.append("...")
        return "[" + ", ".join(parts) + "]"
    if isinstance(value, dict):
        return "a table"
    return " ".join(repr(value).split())


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The model inside `X | None`, `list[X]` or `Annotated[X, ...]`, and whether it was a list."""
    listed = False
    while typing.get_origin(annotation) is not None and not isinstance(annotation, type):
        listed = listed or typing.get_origin(annotation) is list
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0] if args else None
    return annotation, listed


def _field_at(root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[type[BaseModel] | None, bool]:
    """The pydantic model at the end of `loc` (list positions skipped), and whether its field is a list.

    (None, False) when the path leaves the models, at a number, a word or a free table.
    """
    model: Any = root
    listed = False
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return None, False
        model, listed = _unwrap(fields[part].annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return model, listed
    return None, False


def _parent_model(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that holds the last element of `loc`, if the path walks through models only."""
    return _field_at(root, loc)[0]


def _table(loc: tuple[Any, ...], listed: bool) -> str:
    """How the table at `loc` is written in TOML: `[run]`, `[sweep]`, `[[parameters]]`."""
    name = ".".join(str(p) for p in loc if not isinstance(p, int))
    return f"[[{name}]]" if listed else f"[{name}]"


def _without_union_tags(loc: tuple[Any, ...], kind: str) -> tuple[tuple[Any, ...], bool]:
    """`loc` without the union-member tags pydantic adds, and whether it ended in one.

    The last element of an unknown-key error is the user's key, so it is always kept.
    """
    keep = loc[-1:] if kind == "extra_forbidden" else ()
    body = loc[:-1] if keep else loc
    tagged = len(body) > 1 and isinstance(body[-1], str) and body[-1] in _UNION_TAGS

    def tag(part: Any) -> bool:
        return isinstance(part, str) and ("[" in part or part in _UNION_TAGS)

    return tuple(p for p in body if not tag(p)) + keep, tagged


def describe(exc: ValidationError, origin: str, root: type[BaseModel], wording: Wording = SCENARIO_WORDING) -> str:
    """The first error of `exc` as one line naming the origin, the key path and what is allowed.

    Args:
        exc: What pydantic raised validating a table against `root`.
        origin: The file (or "overrides", "command line") that the line starts with.
        root: The pydantic model that was validated (`Scenario`, `SweepSpec`).
        wording: The words for this kind of file (default: a scenario file's).
    """
    err = exc.errors(include_url=False)[0]
    kind = err["type"]
    loc, union = _without_union_tags(tuple(err["loc"]), kind)
    ctx = err.get("ctx") or {}
    where = key_path(loc)
    if len(where) > MAX_KEY:
        where = where[: MAX_KEY - 3] + "..."
    if kind == "extra_forbidden":
        parent = _parent_model(root, loc[:-1])
        allowed = ", ".join(parent.model_fields) if parent else wording.unknown_help
        return _cap(origin, f"{where}: unknown key; allowed keys here: {allowed}")
    if kind == "missing":
        if len(loc) == 1 and _parent_model(root, loc) is not None:
            return _cap(origin, f"{where}: {wording.missing_section}")
        return _cap(origin, f"{where}: required key is missing")
    if kind == "scenario_rule" and "keys" in ctx:
        # A rule across keys (a model validator): name the keys, never dump the table it was given.
        prefix = key_path(loc)
        keys = ", ".join(f"{prefix}.{k}" if prefix else str(k) for k in str(ctx["keys"]).split(","))
        got = f" (got {ctx['got']})" if "got" in ctx else ""
        return _cap(origin, f"{keys}: {err['msg']}{got}")
    model, listed = _field_at(root, loc)
    if union:
        kind = "union"
    elif kind == "list_type" and model is not None and listed:
        kind = "list_of_tables"
    msg = str(err["msg"])
    if kind in wording.allowed:
        table = _table(loc, listed) if model is not None and loc else "a table"
        try:
            msg = wording.allowed[kind].format(table=table, **{k: _bound(v) for k, v in ctx.items()})
        except (KeyError, IndexError, ValueError):
            msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    value = err.get("input")
    # A whole section or scenario is never quoted back (it would be the whole table); a value always is, and a
    # table where a list of tables belongs is "a table".
    whole_table = model is not None and not listed and isinstance(value, dict | BaseModel)
    got = "" if whole_table else f" (got {shown(value)})"
    return _cap(origin, f"{where or wording.whole}: {msg}{got}")


def _cap(origin: str, detail: str) -> str:
    origin = origin.replace("\n", "\\n").replace("\r", "\\r")
    detail = detail.replace("\n", "\\n").replace("\r", "\\r")
    if len(detail) > MAX_DETAIL:
        detail = detail[: MAX_DETAIL - 3] + "..."
    return f"{origin}: {detail}"
