"""Whole-ICB scale: patient-days per second and peak memory, and the ratio against a naive Mesa model.

Usage:
    python benchmarks/bench_scale.py                 # 100k and 1M residents x 5 years, plus the naive ratio
    python benchmarks/bench_scale.py --with-3m       # also 3M residents x 1 year (memory check)

Each size runs in a fresh subprocess so its peak memory (max RSS) is its own. The naive reference
(`ihoabm.core.reference.NaiveModel`, one `mesa.Agent` per patient) runs at 20,000 residents in the same session;
the ratio compares patient-days per second of the full vectorised model against the naive patient step.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

CHILD = """
import json, resource, sys, time
from ihoabm import IHOModel
scenario, patients, years = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0 = time.perf_counter()
m = IHOModel(scenario, patients=patients, years=years, seed=1)
build = time.perf_counter() - t0
t0 = time.perf_counter()
while m.running:
    m.step()
run = time.perf_counter() - t0
print(json.dumps({"patients": patients, "days": m.total_days, "build_s": build, "run_s": run,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def full_model(scenario: str, patients: int, years: int) -> dict:
    """Run the full model in a subprocess; return its timings and peak memory."""
    out = subprocess.run([sys.executable, "-c", CHILD, scenario, str(patients), str(years)], check=True,
                         capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["rate"] = result["patients"] * result["days"] / result["run_s"]
    return result


def naive_rate(patients: int = 20_000, days: int = 10) -> float:
    """Patient-days per second of the naive one-agent-per-patient reference."""
    from ihoabm.core.reference import NaiveModel

    model = NaiveModel("pbr_2004", patients=patients, seed=1)
    start = time.perf_counter()
    for _ in range(days):
        model.step()
    return patients * days / (time.perf_counter() - start)


def main() -> None:
    """Run the sizes asked for and print one summary."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="iho_invest_to_save")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--with-3m", action="store_true", help="also run 3,000,000 residents for 1 year")
    args = parser.parse_args()
    sizes = [(100_000, args.years), (1_000_000, args.years)] + ([(3_000_000, 1)] if args.with_3m else [])
    naive = naive_rate()
    print(f"naive Mesa reference (one agent per patient, 20,000 residents): {naive / 1e6:.2f} million "
          "patient-days/s")
    for patients, years in sizes:
        r = full_model(args.scenario, patients, years)
        print(f"full model, {args.scenario}, {patients:,} residents x {years} years + 1 burn-in year: "
              f"{r['rate'] / 1e6:.1f} million patient-days/s ({r['run_s']:.1f} s stepping, "
              f"{r['build_s']:.1f} s building), peak memory {r['peak_mb']:,.0f} MB, "
              f"{r['rate'] / naive:,.0f}x the naive reference per patient-day; "
              f"{patients * 365 * years / r['rate']:.1f} s for the {years} reported years at that rate")


if __name__ == "__main__":
    main()
