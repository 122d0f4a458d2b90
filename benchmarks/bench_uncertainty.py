"""Time `ihoabm compare` with parameter uncertainty: 3 arms, --uncertainty N, 50,000 residents, 5 years.

    .venv/bin/python benchmarks/bench_uncertainty.py [--draws 64] [--replications 6] [--patients 50000]
        [--years 5] [--workers 2] [--backend processes]

Target (issue 14): the main job's three arms with --uncertainty 64 at 50,000 residents over 5 years in at most
10 minutes on 2 cores with the process pool. The command is run exactly as a user runs it (a subprocess of the
installed `ihoabm`), once; its wall time, the CPU time of it and its workers, and the machine's load average
before and after are printed. Run a smaller N (--draws 8, say) to save the shared machine: the time of a run
does not depend on N, so the time for 64 draws is extrapolated from the seconds per run, and labelled so.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 600
TARGET_DRAWS = 64
ARMS = ("pbr_2004", "api_today", "iho_invest_to_save")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=TARGET_DRAWS)
    parser.add_argument("--replications", type=int, default=6)
    parser.add_argument("--patients", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    exe = Path(sys.executable).with_name("ihoabm")
    work = Path(tempfile.mkdtemp(prefix="bench_uncertainty_"))
    command = [str(exe), "compare", *ARMS, "--uncertainty", str(args.draws), "--replications",
               str(args.replications), "--patients", str(args.patients), "--years", str(args.years), "--workers",
               str(args.workers), "--out", str(work / "out")]
    load_before = os.getloadavg()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_after = os.getloadavg()
    shutil.rmtree(work, ignore_errors=True)
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
        return done.returncode

    runs = len(ARMS) * (args.replications + args.draws)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    print(f"compare {' '.join(ARMS)} --uncertainty {args.draws} -r {args.replications} -n {args.patients:,} "
          f"-y {args.years} -w {args.workers}")
    print(f"  runs: {runs}  wall: {wall:,.1f} s  CPU (all processes): {cpu:,.1f} s  "
          f"wall per run: {wall / runs:.2f} s")
    print(f"  load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (the machine is shared: a "
          "load above the worker count slows this run)")
    full = len(ARMS) * (args.replications + TARGET_DRAWS)
    on_free_cores = cpu / runs * full / args.workers   # the CPU the runs need, shared by the workers
    if args.draws != TARGET_DRAWS:
        print(f"  EXTRAPOLATED to --uncertainty {TARGET_DRAWS} ({full} runs): {wall / runs * full:,.0f} s at this "
              f"run's wall time per run; {on_free_cores:,.0f} s from its CPU time on {args.workers} free cores")
    busy = max(load_before[0], load_after[0]) > args.workers
    estimate = on_free_cores if busy else (wall if args.draws == TARGET_DRAWS else wall / runs * full)
    basis = "CPU time on free cores (the machine was busier than the workers)" if busy else "wall time"
    print(f"  target: at most {TARGET_SECONDS} s -> {'met' if estimate <= TARGET_SECONDS else 'NOT met'} "
          f"({estimate:,.0f} s, from {basis})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
