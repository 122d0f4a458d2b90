"""Three acute trusts against one: the time of a run of the same place, and the ratio.

Usage: python benchmarks/bench_trusts.py [--patients 1000000] [--years 5] [--seed 1] [--scenario pbr_2004]

Runs the scenario twice on the same population: as shipped (one acute trust) and with three trusts of
different size and efficiency (`acute.trust_shares = [0.5, 0.3, 0.2]`, `acute.trust_cost_index =
[1.0, 0.95, 1.08]`, as `pbr_2004_three_trusts`), one after the other in this process, and prints both wall
times and the ratio. Use `--patients 50000 --years 2` for a quick check. Needs no farm or other tool.
Target (issue 15): a place with three trusts and 1,000,000 residents runs 5 years within 1.5x of one trust.
"""

from __future__ import annotations

import argparse
import time

from ihoabm.core.model import IHOModel

THREE = {"acute.trust_shares": [0.5, 0.3, 0.2], "acute.trust_cost_index": [1.0, 0.95, 1.08]}
TARGET = 1.5


def time_run(scenario: str, patients: int, years: int, seed: int, **overrides: object) -> float:
    """Wall seconds to build and run the model to its end."""
    start = time.perf_counter()
    m = IHOModel(scenario, seed=seed, patients=patients, years=years, **overrides)
    while m.running:
        m.step()
    return time.perf_counter() - start


def main() -> None:
    """Time one trust, then three, and report the ratio against the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenario", default="pbr_2004")
    args = parser.parse_args()
    one = time_run(args.scenario, args.patients, args.years, args.seed)
    print(f"one trust:    {one:8.1f} s  ({args.patients:,} residents, {args.years} years)", flush=True)
    three = time_run(args.scenario, args.patients, args.years, args.seed, **THREE)
    print(f"three trusts: {three:8.1f} s", flush=True)
    ratio = three / one
    print(f"ratio: {ratio:.2f} (target at most {TARGET}): {'met' if ratio <= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
