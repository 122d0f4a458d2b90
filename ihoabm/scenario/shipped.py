"""The scenarios and sweeps shipped in `builtin/`: their names and questions, read without validating them.

Kept apart from the loader so that listing them (`ihoabm scenario list`) needs no schema and no pydantic.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
# Names a shipped scenario had before, so files and commands that use them keep working.
RENAMED = {"baseline": "pbr_2004"}
DEFAULT = "pbr_2004"   # the calibrated reference: Payment by Results as introduced from 2004


def builtin_names() -> list[str]:
    """Names of the scenarios shipped inside the package."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


def question_of(name: str) -> str:
    """The question a shipped scenario answers (its own `meta.question`; a child does not inherit one)."""
    with (BUILTIN_DIR / f"{name}.toml").open("rb") as fh:
        meta = tomllib.load(fh).get("meta", {})
    return str(meta.get("question", "")) if isinstance(meta, dict) else ""
