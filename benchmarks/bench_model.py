"""Patient-days per second for the full model (all processes), one core.

Usage: python benchmarks/bench_model.py [--patients 250000] [--years 5] [--scenario baseline] [--repeats 3]
Prints the median over repeats of (residents x simulated days) / wall seconds, burn-in included.
"""

from __future__ import annotations

import argparse
import statistics
import time

from ihoabm import IHOModel


def patient_days_per_second(scenario: str, patients: int, years: int, seed: int) -> tuple[float, float]:
    """Run once; return (patient-days per second, seconds)."""
    model = IHOModel(scenario, patients=patients, years=years, seed=seed)
    start = time.perf_counter()
    while model.running:
        model.step()
    seconds = time.perf_counter() - start
    return patients * model.total_days / seconds, seconds


def main() -> None:
    """Parse arguments, run, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=250_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--scenario", default="pbr_2004")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rates, secs = [], []
    for k in range(args.repeats):
        rate, seconds = patient_days_per_second(args.scenario, args.patients, args.years, seed=k + 1)
        rates.append(rate)
        secs.append(seconds)
        print(f"run {k + 1}: {rate / 1e6:.1f} million patient-days/s ({seconds:.1f} s)")
    print(f"{args.scenario}, {args.patients:,} residents, {args.years} years + burn-in: "
          f"median {statistics.median(rates) / 1e6:.1f} million patient-days per second "
          f"(median {statistics.median(secs):.1f} s per run)")


if __name__ == "__main__":
    main()
