"""Headless scenario sweeps: designs over named parameters, replications, backends, summaries.

For notebooks::

    from ihoabm.sweeps import load_sweep, run_sweep, summarise

    spec = load_sweep("community_vs_capitation")          # or a path to a sweep .toml file
    results = run_sweep(spec, out=Path("out/sweeps/cvc"), workers=2)
    tables = summarise("out/sweeps/cvc")                  # also writes summary/*.csv and plots/*.png
"""

from ihoabm.sweeps.execute import run_sweep
from ihoabm.sweeps.report import summarise
from ihoabm.sweeps.spec import SweepError, SweepSpec, load_sweep

__all__ = ["SweepError", "SweepSpec", "load_sweep", "run_sweep", "summarise"]
