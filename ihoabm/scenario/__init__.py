"""Scenarios: the schema, the loader and its one-line errors, and the built-in TOML scenarios and sweeps.

The names below are imported on first use, so listing the shipped scenarios needs no schema.
"""

from __future__ import annotations

from typing import Any

from ihoabm.scenario.shipped import builtin_names

_LAZY = {"ScenarioError": "loader", "load_scenario": "loader", "to_toml": "loader", "SCHEMA_VERSION": "schema",
         "Scenario": "schema"}
__all__ = ["SCHEMA_VERSION", "Scenario", "ScenarioError", "builtin_names", "load_scenario", "to_toml"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"ihoabm.scenario.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'ihoabm.scenario' has no attribute {name!r}")
