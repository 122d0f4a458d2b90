"""Where each scenario value comes from: the source comments written beside it in the TOML files.

Every value in `pbr_2004.toml` carries a comment naming its published source, or "assumption", or the
calibration target it was tuned to; a scenario that `extends` another carries comments for what it changes.
TOML parsers drop comments, so this module reads them from the files' text, following the `extends` chain:
the nearest file that sets a key gives its source. A key a file sets without a comment of its own takes that
file's `meta.source`, so every value names where it came from. Used by `ihoabm scenario show --sources`,
`ihoabm scenario diff` and the HTML report.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-]+)*)\s*=")


def _comment(line: str) -> str:
    """The comment at the end of a line, outside strings ('' if none)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote and line[i - 1] != "\\":
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[i + 1:].strip()
    return ""


def file_comments(path: Path) -> dict[str, str]:
    """Dotted key -> the comment beside it (or, failing that, the comment lines just above it) in one file."""
    out: dict[str, str] = {}
    section, above, depth = "", [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if depth > 0:   # inside a multi-line array: only count brackets
            depth += stripped.count("[") - stripped.count("]")
            continue
        if not stripped:
            above = []
            continue
        if stripped.startswith("#"):
            above.append(stripped.lstrip("#").strip())
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            section, above = header.group(1).replace(" ", ""), []
            continue
        key = _KEY.match(line)
        if key:
            name = key.group(1).replace(" ", "")
            full = f"{section}.{name}" if section else name
            inline = _comment(line)
            value = line[key.end():].split("#")[0] if inline else line[key.end():]
            depth = value.count("[") - value.count("]")
            note = inline or " ".join(above)
            if note:
                out[full] = note
            above = []
    return out


def _flat(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, f"{name}."))
        else:
            out[name] = value
    return out


def sources(ref: str | Path) -> dict[str, str]:
    """Dotted key -> where its value comes from, for a scenario (built-in name or path) and what it extends.

    The nearest file in the chain that sets a key gives its source: its comment, else (for a file that extends
    another) that file's `meta.source`, prefixed with its name. Keys no file sets (schema defaults) are absent.
    """
    from ihoabm.scenario.loader import _chain

    out: dict[str, str] = {}
    for path, raw in reversed(_chain(ref)):   # the furthest ancestor first; nearer files override
        comments = file_comments(path)
        meta = raw.get("meta", {}) if isinstance(raw.get("meta"), dict) else {}
        name = meta.get("name", path.stem)
        # A file that extends another changes values for the reason its meta.source gives; the base file's
        # own uncommented values (run sizes, seeds) have no published source, and we say so.
        fallback = (f"{name}: {meta['source']}" if "extends" in meta and meta.get("source")
                    else f"set in {name}, no source comment")
        for key in _flat(raw):
            if key.startswith("meta."):
                continue
            out[key] = comments.get(key, fallback)
    return out


def flat_settings(scenario: Any) -> dict[str, Any]:
    """A resolved scenario as dotted key -> value (lists as they are), for tables and diffs."""
    return _flat(scenario.model_dump(mode="json"))


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Dotted keys whose values differ between two flat settings, in `a`'s order then `b`'s new keys."""
    keys = list(a) + [k for k in b if k not in a]
    return [k for k in keys if a.get(k) != b.get(k)]
