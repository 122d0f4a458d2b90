"""Experiments made of many runs: paired comparisons and sweeps, and the executor that runs them in parallel."""
