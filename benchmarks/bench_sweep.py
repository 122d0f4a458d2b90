"""Sweep throughput: 1 vs 2 process-pool workers, and Dask's overhead against the process pool.

A 16-run sweep (4 grid points x 4 paired replications) is timed end to end (pool or cluster start-up
included) with each configuration, in interleaved order, several times; the medians are printed.

    .venv/bin/python benchmarks/bench_sweep.py [--patients 40000] [--years 3] [--repeats 3]

Targets (issue 4): 2 workers give at least 1.7x the throughput of 1; Dask's wall time is at most 15% above
the process pool's with the same number of workers. The machine is shared, so read medians, and the load
average printed with them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from ihoabm.experiments.sweep import load_sweep, run_sweep

SWEEP = """
[sweep]
name = "bench"
scenario = "iho_lead_provider"
seed = 99
replications = 4
[sweep.overrides]
run = {{ patients = {patients}, years = {years} }}
[design]
method = "grid"
[[parameters]]
name = "community.funding_per_head"
values = [150.0, 190.0, 230.0, 270.0]
"""


def timed(spec_path: Path, work: Path, label: str, **kwargs: object) -> tuple[float, pd.DataFrame]:
    out = work / label.replace(" ", "_")
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    results = run_sweep(spec_path, out, **kwargs)
    elapsed = time.perf_counter() - start
    assert results["run_id"].nunique() == 16, label
    return elapsed, pd.read_parquet(out / "runs.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=40_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from distributed import LocalCluster

    work = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    spec_path = work / "bench.toml"
    spec_path.write_text(SWEEP.format(patients=args.patients, years=args.years))
    load_sweep(spec_path)
    configs = {
        "processes, 1 worker": {"workers": 1, "backend": "processes"},
        "processes, 2 workers": {"workers": 2, "backend": "processes"},
        "dask local cluster, 2 workers": {"workers": 2, "backend": "dask"},
        "dask scheduler address, 2 workers": {"backend": "dask"},
    }
    times: dict[str, list[float]] = {k: [] for k in configs}
    run_seconds: dict[str, list[float]] = {k: [] for k in configs}
    reference = None
    print(f"16 runs of iho_lead_provider, {args.patients:,} residents, {args.years} years (+1 burn-in); "
          f"{os.cpu_count()} CPUs; load average at start {os.getloadavg()[0]:.2f}")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        for rep in range(args.repeats):
            for label, kwargs in configs.items():
                if label.startswith("dask scheduler"):
                    kwargs = {**kwargs, "scheduler": cluster.scheduler_address}
                elapsed, runs = timed(spec_path, work, label, **kwargs)
                values = runs.drop(columns=["wall_time_s", "finished_at", "host", "pid"])
                reference = values if reference is None else reference
                pd.testing.assert_frame_equal(values, reference)      # same seeds, same results everywhere
                times[label].append(elapsed)
                run_seconds[label].append(float(runs["wall_time_s"].mean()))
                print(f"  repeat {rep + 1}: {label:36s} {elapsed:6.1f} s  (mean run {run_seconds[label][-1]:.2f} s,"
                      f" load {os.getloadavg()[0]:.2f})", flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    print("\nmedian wall time for 16 runs, and throughput")
    for label, seconds in med.items():
        print(f"  {label:36s} {seconds:6.1f} s  {16 / seconds * 60:6.1f} runs/min")
    speedup = med["processes, 1 worker"] / med["processes, 2 workers"]
    dask_local = med["dask local cluster, 2 workers"] / med["processes, 2 workers"] - 1
    dask_addr = med["dask scheduler address, 2 workers"] / med["processes, 2 workers"] - 1
    print(f"\nthroughput, 2 workers / 1 worker:              {speedup:.2f}x  (target >= 1.70x)")
    print(f"dask overhead vs process pool (cluster started by the sweep): {dask_local:+.1%}  (target <= +15%)")
    print(f"dask overhead vs process pool (running scheduler, --scheduler): {dask_addr:+.1%}  (target <= +15%)")
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
