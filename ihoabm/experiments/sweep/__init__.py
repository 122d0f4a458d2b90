"""Headless scenario sweeps: designs over named parameters, replications, backends, summaries.

For notebooks::

    from ihoabm.experiments.sweep import load_sweep, run_sweep, summarise

    spec = load_sweep("community_vs_capitation")          # or a path to a sweep .toml file
    results = run_sweep(spec, out=Path("out/sweeps/cvc"), workers=2)
    tables = summarise("out/sweeps/cvc")                  # also writes summary/*.csv and plots/*.png

The names are imported on first use, so a worker process that only runs models does not import the
reporting stack (scipy.stats, matplotlib).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ihoabm.experiments.sweep.execute import run_sweep
    from ihoabm.experiments.sweep.report import summarise
    from ihoabm.experiments.sweep.spec import SweepError, SweepSpec, load_sweep

__all__ = ["SweepError", "SweepSpec", "load_sweep", "run_sweep", "summarise"]
_HOME = {"run_sweep": "execute", "summarise": "report", "SweepError": "spec", "SweepSpec": "spec",
         "load_sweep": "spec"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f"ihoabm.experiments.sweep.{_HOME[name]}"), name)
    raise AttributeError(f"module 'ihoabm.experiments.sweep' has no attribute {name!r}")
