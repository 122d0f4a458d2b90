"""`ihoabm decompose A B`: how much of B's difference from A comes from each channel (Shapley values)."""

from __future__ import annotations

from typing import Annotated

import typer

from ihoabm.cli.tools import UsageError, console, friendly, progress_bar


@friendly
def decompose_command(
        a: Annotated[str, typer.Argument(help="Arm A, the reference (built-in name or .toml path).")],
        b: Annotated[str, typer.Argument(help="Arm B, the arm whose difference from A is decomposed.")],
        replications: Annotated[int, typer.Option("--replications", "-r", min=1, max=100)] = 3,
        years: Annotated[int, typer.Option("--years", "-y", min=1, max=50)] = 5,
        patients: Annotated[int, typer.Option("--patients", "-n", help="Residents (smaller than compare's "
                                              "default: exact Shapley values need 2^k runs per replication).")]
        = 20_000,
        seed: Annotated[int, typer.Option("--seed", "-s", min=0, max=2**32 - 101)] = 1,
        per_lever: Annotated[bool, typer.Option("--per-lever", help="One channel per host lever instead of one "
                                                "for all host investment (up to 16 times the runs).")] = False,
        workers: Annotated[int, typer.Option("--workers", "-w", min=1, max=64)] = 2,
        out: Annotated[str, typer.Option("--out", "-o")] = "out/decompose",
        overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an earlier ihoabm result set in "
                                                "--out.")] = False) -> None:
    """Split B - A into channels (Shapley values on common random numbers); writes decomposition.csv and .png.

    Channels: the trust's admission and discharge behaviour, host investment, elective purchasing, community
    funding, need weighting and oversight. A channel is on with B's setting and off with A's.
    """
    from ihoabm.experiments import decomposition as dc
    from ihoabm.outputs.folder import OutputFolder, out_path
    from ihoabm.scenario import load_scenario

    folder = OutputFolder(out_path(out), overwrite=overwrite)
    overrides = {"run.patients": patients, "run.years": years}
    sc_a, sc_b = (load_scenario(ref, overrides, origin="command line") for ref in (a, b))
    try:
        active, _ = dc.channels(sc_a, sc_b, per_lever)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    seeds = [seed + k for k in range(replications)]
    runs_each = 1 + 2 ** len(active)
    with folder.claim(dc.DECOMPOSE_FILES), progress_bar() as bar:
        task = bar.add_task(f"{sc_b.meta.name} vs {sc_a.meta.name}: {len(active)} channels, runs",
                            total=replications * runs_each)
        a_runs, runs, how = dc.run_coalitions(a, b, seeds, overrides, per_lever, workers,
                                              lambda d, t: bar.update(task, completed=d))
        table = dc.decompose(a_runs, runs, how, sc_b.meta.name)
        folder.publish({
            "decomposition.csv": lambda p: table.to_csv(p, index=False),
            "decomposition.png": lambda p: dc.waterfall(table, sc_a.meta.name, sc_b.meta.name).savefig(p, dpi=110),
            "decomposition_runs.csv": lambda p: runs.to_csv(p, index=False),
        }, {"kind": "decompose", "a": sc_a.meta.name, "b": sc_b.meta.name, "seeds": seeds, "patients": patients,
            "years": years, "channels": active, "switched": how["switched"].to_dict()})
    console.print(dc.summary_table(table, sc_a.meta.name, sc_b.meta.name, replications, runs_each))
    console.print(f"wrote {', '.join(dc.DECOMPOSE_FILES)} to {folder.root}/")
