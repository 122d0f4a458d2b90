"""The `ihoabm` command line: run, validate, compare and inspect scenarios.

Bad input (an unknown scenario, a wrong key, a value out of range) is reported in one line naming the file,
the key and what is allowed, with exit code 2 and no traceback.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from ihoabm.cli.tools import UsageError, console, friendly, overrides_from, progress_bar

# Only what `ihoabm --help` needs is imported here. Each command imports what it uses (the scenario schema,
# the model, pandas), so a command pays only for itself; tests/test_startup.py keeps it so.


app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Agent-based simulation of a local health economy under PbR and capitated IHO contracts.")
scenario_app = typer.Typer(no_args_is_help=True, help="Inspect scenarios.")
app.add_typer(scenario_app, name="scenario")


def rates_table(title: str, summary: Any) -> Table:
    """A rich table of per-1,000 rates by year, each measure named by the outputs catalogue."""
    from ihoabm.outputs import catalogue, present

    table = Table(title=title, caption=present.burn_in_note())
    table.add_column("measure")
    for year in summary["year"]:
        table.add_column(present.year_heading(year), justify="right")
    for col in summary.columns:
        if col == "year":
            continue
        share = catalogue.metric(catalogue.SUMMARY[col][0]).unit == "share"
        fmt = "{:.3f}" if share else "{:,.1f}"
        m = catalogue.metric(catalogue.SUMMARY[col][0])
        name = present.gbp(catalogue.summary_label(col))
        if m.kind in ("count by group", "daily count", "money"):   # counted over a year
            name = name[:-1] + " a year)" if name.endswith(")") else name + " a year"
        table.add_row(name, *(fmt.format(v) for v in summary[col]))
    return table


Patients = Annotated[int | None, typer.Option("--patients", "-n", show_default=False, help=(
    "Residents (1,000 to 3,000,000). Default: the scenario's run.patients (100,000 in the shipped scenarios)."))]
Years = Annotated[int | None, typer.Option("--years", "-y", show_default=False, help=(
    "Contract years reported, after the burn-in year. Default: the scenario's run.years (5 when shipped)."))]
MAX_SEED = 2**32 - 1
Seed = Annotated[int | None, typer.Option("--seed", "-s", show_default=False, help=(
    "Random seed (0 to 4,294,967,295); the same seed gives the same run. Default: the scenario's run.seed (1)."))]
Overwrite = Annotated[bool, typer.Option("--overwrite", help="Replace an earlier ihoabm result set in --out, or "
                                         "write beside files ihoabm did not write (never over them).")]


@app.command()
@friendly
def run(scenario: Annotated[str, typer.Argument(help="Built-in name or path to a .toml file.")] = "pbr_2004",
        patients: Patients = None, years: Years = None, seed: Seed = None,
        out: Annotated[str, typer.Option("--out", "-o", help="Output folder (created if missing).")] = "out/run",
        overwrite: Overwrite = False) -> None:
    """Run one scenario and write annual.csv, by_group.csv, daily.csv, ledger.csv, scenario.toml and plots."""
    from ihoabm.experiments.run import RUN_FILES, about, output_files
    from ihoabm.experiments.run import run as run_scenario
    from ihoabm.outputs import tables
    from ihoabm.outputs.folder import OutputFolder, out_path
    from ihoabm.scenario import load_scenario

    folder = OutputFolder(out_path(out), overwrite=overwrite)
    sc = load_scenario(scenario, overrides_from(patients, years, seed), origin="command line")
    with folder.claim(RUN_FILES), progress_bar() as bar:
        task = bar.add_task(f"{sc.meta.name}: simulating days", total=1)
        result = run_scenario(sc, progress=lambda d, t: bar.update(task, completed=d, total=t))
        files = folder.publish(output_files(result), about(sc))
    console.print(rates_table(f"{sc.meta.name}: rates per 1,000 residents ({sc.run.patients:,} residents, seed "
                              f"{sc.run.seed})",
                              tables.summary(result.annual)))
    console.print(f"wrote {len(files)} files to {folder.root}/")


@app.command()
@friendly
def validate(patients: Patients = None, seed: Seed = None, years: Annotated[int, typer.Option(
        "--years", "-y", help="Reported years to average.")] = 2) -> None:
    """Run the calibrated reference (pbr_2004) and compare it with published England figures (pass or fail per row)."""
    from ihoabm.experiments.run import run as run_scenario
    from ihoabm.outputs import calibration
    from ihoabm.scenario import load_scenario

    sc = load_scenario("pbr_2004", overrides_from(patients, years, seed), origin="command line")
    with progress_bar() as bar:
        task = bar.add_task("pbr_2004: simulating days", total=1)
        result = run_scenario(sc, progress=lambda d, t: bar.update(task, completed=d, total=t))
    comp = calibration.compare(result.annual)
    table = Table(title=f"pbr_2004 vs England ({sc.run.patients:,} residents, {sc.run.years} contract years, "
                        f"seed {sc.run.seed})")
    for col in ("metric", "target", "allowed range", "model", "result"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for _, r in comp.iterrows():
        fmt = "{:,.3f}" if r["target"] < 10 else "{:,.1f}"
        verdict = "[green]pass[/]" if r["pass"] else (
            "[yellow]outside (too small to judge)[/]" if sc.run.patients < calibration.MIN_JUDGED else "[red]FAIL[/]")
        table.add_row(r["metric"].replace("_", " "), fmt.format(r["target"]),
                      f"{fmt.format(r['low'])} - {fmt.format(r['high'])}", fmt.format(r["model"]), verdict)
    console.print(table)
    failed = int((~comp["pass"]).sum())
    console.print(f"{len(comp) - failed} of {len(comp)} targets within tolerance (each range is the target's "
                  f"tolerance widened by this run's sampling noise)", highlight=False)
    if failed and sc.run.patients < calibration.MIN_JUDGED:
        # A small run is a quick look, not a verdict: say so rather than fail on chance and lumpy capacity.
        console.print(f"{sc.run.patients:,} residents is too small to judge the calibration: chance and whole beds "
                      f"and staff move the rates; run with --patients {calibration.MIN_JUDGED:,} or more for a "
                      f"verdict", highlight=False)
        return
    if failed:
        raise typer.Exit(1)


@app.command()
@friendly
def compare(scenarios: Annotated[list[str] | None, typer.Argument(
                help="Scenarios (built-in names or .toml paths), two or more; the first is the reference each "
                     "other arm is compared with. Default, the main job: pbr_2004 api_today iho_invest_to_save.",
                show_default=False)] = None,
            replications: Annotated[int, typer.Option(
                "--replications", "-r", min=2, max=1000,
                help="Paired replications per arm (2 to 1,000); more narrow the 95% intervals.")] = 6,
            years: Annotated[int, typer.Option(
                "--years", "-y", min=1, max=50, help="Contract years reported, after the burn-in year.")] = 5,
            patients: Annotated[int, typer.Option(
                "--patients", "-n", help="Residents in each run (1,000 to 3,000,000).")] = 50_000,
            seed: Annotated[int, typer.Option(
                "--seed", "-s", min=0, help="Seed of the first replication; replication k uses seed + k in every "
                                            "arm.")] = 1,
            workers: Annotated[int, typer.Option(
                "--workers", "-w", min=1, max=64, help="Runs in parallel, one process each (1 runs here).")] = 2,
            out: Annotated[str, typer.Option(
                "--out", "-o", help="Output folder: CSV tables, plots, comparison.xlsx and report.html.")
            ] = "out/compare",
            uncertainty: Annotated[int | None, typer.Option(
                "--uncertainty", "-u", min=0, max=4096, show_default=False,
                help="Parameter draws from the behavioural priors, each run in every arm with its own seed; adds "
                     "combined intervals, p_better, draws.csv and the CEAC (ceac.csv, ceac.png). 0 for none. "
                     "Default: 4 for the main job, 0 otherwise.")] = None,
            decompose: Annotated[bool, typer.Option(
                "--decompose", help="Also split each arm's difference from the reference into channels (Shapley "
                                    "values on the same seeds; 1 + 2^k runs per replication for k channels that "
                                    "differ): decomposition.csv and decomposition.png (the first other arm).")
            ] = False,
            overwrite: Overwrite = False) -> None:
    """Paired comparison of two or more scenarios with common random numbers; writes comparison.csv and plots.

    Replication k of every arm uses seed k; each arm after the first is reported as its difference from it.
    """
    from ihoabm.experiments import uncertainty as unc
    from ihoabm.experiments.compare import (
        COMPARE_FILES,
        MAIN_JOB,
        MAX_ARMS,
        about,
        arm_differences,
        arm_labels,
        replicate_with_uncertainty,
    )
    from ihoabm.experiments.payback import j_curve, payback_table
    from ihoabm.experiments.value import equity_table, value_table
    from ihoabm.outputs import plots, report, workbook
    from ihoabm.outputs.folder import OutputFolder, out_path, package_version
    from ihoabm.scenario import load_scenario

    refs = list(scenarios or MAIN_JOB)
    if not 2 <= len(refs) <= MAX_ARMS:
        raise UsageError(f"compare: give from 2 to {MAX_ARMS} scenarios, the reference first (got {len(refs)}: "
                         f"{' '.join(refs)}), or none for the main job ({' '.join(MAIN_JOB)})")
    folder = OutputFolder(out_path(out), overwrite=overwrite)
    overrides = {"run.patients": patients, "run.years": years}
    loaded = [load_scenario(ref, {**overrides, "run.seed": seed}, origin="command line") for ref in refs]
    last = seed + replications - 1
    if last > MAX_SEED:  # replication k runs with seed + k: the last one must be a valid seed too
        raise UsageError(f"--seed {seed}: with --replications {replications} the runs use seeds {seed} to {last}; "
                         f"seeds go up to {MAX_SEED}, so give --seed {MAX_SEED - replications + 1} or less")
    draws_n = (0 if scenarios else unc.MAIN_JOB_DRAWS) if uncertainty is None else uncertainty
    if last + draws_n > MAX_SEED:  # draw d runs with seed + replications + d
        raise UsageError(f"--seed {seed}: with --replications {replications} and --uncertainty {draws_n} the runs "
                         f"use seeds up to {last + draws_n}; give --seed {MAX_SEED - replications - draws_n + 1} "
                         "or less")
    labels = arm_labels([sc.meta.name for sc in loaded])
    seeds = [seed + k for k in range(replications)]
    draw_seeds = [last + 1 + d for d in range(draws_n)]
    reference = load_scenario("pbr_2004", overrides, origin="command line")   # the priors' defaults
    drawn_keys, held_keys = unc.split_keys(reference, loaded)
    draws = unc.draw_parameters(draws_n, seed, drawn_keys, reference)
    files = COMPARE_FILES + (unc.UNCERTAINTY_FILES if draws_n else ())
    # The scenario record and the workbook, then the report, which reads the files written before it.
    if decompose:
        from ihoabm.experiments import decomposition as dc
        files += dc.DECOMPOSE_FILES
    files += (report.SCENARIOS, WORKBOOK, report.REPORT)
    arms = _arms_record(refs, loaded, labels)
    info = {**about(loaded, labels, seeds), **unc.about(draws_n, draw_seeds, drawn_keys, held_keys)}
    with folder.claim(files), progress_bar() as bar:
        task = bar.add_task(f"{' vs '.join(labels)}: runs", total=len(labels) * (replications + draws_n))
        runs, groups, draw_runs, _ = replicate_with_uncertainty(
            refs, seeds, draw_seeds, draws, overrides, workers, lambda d, t: bar.update(task, completed=d),
            labels=labels)
        comp = arm_differences(runs, labels)
        value, equity = value_table(runs, labels), equity_table(groups, labels)
        payback = payback_table(runs, labels)
        extra = unc.output_files(draw_runs, labels, draws, draw_seeds) if draws_n else {}
        comp = unc.with_combined(comp, draw_runs, labels) if draws_n else comp
        if decompose:
            extra.update(_decompositions(refs, labels, seeds, overrides, workers, bar))
        folder.publish({
            **extra,
            "comparison.csv": lambda p: comp.to_csv(p, index=False),
            "runs.csv": lambda p: runs.to_csv(p, index=False),
            "comparison.png": lambda p: plots.comparison(
                comp, labels[0], labels[1:], about=f"{replications} replications of {patients:,} residents"
            ).savefig(p, dpi=110),
            "value.csv": lambda p: value.to_csv(p, index=False),
            "equity.csv": lambda p: equity.to_csv(p, index=False),
            "payback.csv": lambda p: payback.to_csv(p, index=False),
            "payback.png": lambda p: j_curve(payback, f"Cumulative extra spending against {labels[0]}: "
                                             f"{replications} replications of {patients:,} residents").savefig(
                p, dpi=110),
            report.SCENARIOS: lambda p: p.write_text(json.dumps(arms, indent=1), encoding="utf-8"),
            WORKBOOK: lambda p: workbook.write(p, workbook.compare_sheets(comp, runs, value, equity, arms, info)),
            report.REPORT: lambda p: p.write_text(report.compare_html(p.parent, {
                **info, "ihoabm_version": package_version(),
                "written_at": datetime.now(UTC).isoformat(timespec="seconds")}), encoding="utf-8"),
        }, info)
    if labels != [sc.meta.name for sc in loaded]:   # names repeat: say which arm is which
        console.print("arms: " + ", ".join(f"{label} = {ref}" for label, ref in zip(labels, refs, strict=True)))
    for label in labels[1:]:   # one table per arm: each fits a terminal as the two-arm table always has
        console.print(comparison_table(comp, labels[0], label, replications, patients,
                                       loaded[0].run.burn_in_years))
    console.print(value_summary_table(value, equity, labels, years, replications, patients))
    console.print(payback_summary(payback, labels, years))
    if draws_n:
        console.print(unc.uncertainty_table(comp, labels, draws_n, replications, held_keys))
    if decompose:
        import pandas as pd

        table = pd.read_csv(folder.root / "decomposition.csv", dtype={"period": str})
        coalitions = pd.read_csv(folder.root / "decomposition_runs.csv", usecols=["arm", "coalition"])
        for label in labels[1:]:
            runs_each = 1 + coalitions.loc[coalitions["arm"] == label, "coalition"].nunique()
            console.print(dc.summary_table(table[table["arm"] == label], labels[0], label, replications, runs_each))
    console.print(f"wrote {', '.join(files[:-1])} and {files[-1]} (open it in a browser; it prints to PDF) "
                  f"to {folder.root}/", highlight=False)


WORKBOOK = "comparison.xlsx"


def _decompositions(refs: list[str], labels: list[str], seeds: list[int], overrides: dict[str, Any], workers: int,
                    bar: Any) -> dict[str, Any]:
    """Each arm's difference from the reference split into channels, on the comparison's seeds.

    For `compare --decompose`: the files to write, keyed by name.
    """
    import pandas as pd

    from ihoabm.experiments import decomposition as dc

    tables, coalition_runs = [], []
    for ref, label in zip(refs[1:], labels[1:], strict=True):
        task = bar.add_task(f"{label}: channels, runs", total=None)
        a_runs, runs, how = dc.run_coalitions(refs[0], ref, seeds, overrides, False, workers,
                                              lambda d, t, task=task: bar.update(task, completed=d, total=t))
        tables.append(dc.decompose(a_runs, runs, how, label))
        coalition_runs.append(runs.assign(arm=label))
    table, runs = pd.concat(tables, ignore_index=True), pd.concat(coalition_runs, ignore_index=True)
    first = tables[0]
    return {"decomposition.csv": lambda p: table.to_csv(p, index=False),
            "decomposition.png": lambda p: dc.waterfall(first, labels[0], labels[1]).savefig(p, dpi=110),
            "decomposition_runs.csv": lambda p: runs.to_csv(p, index=False)}


def payback_summary(payback: Any, labels: list[str], years: int) -> str:
    """One line per arm: does its extra spending come back within the run, and when (payback.csv has more)."""
    from ihoabm.outputs.present import money

    lines = []
    for label in labels[1:]:
        rows = payback[payback["arm"] == label].set_index("measure")
        paid, year = rows.loc["paid_back", "mean"], rows.loc["payback_year"]
        end = payback[(payback["arm"] == label) & (payback["measure"] == "cumulative_extra_spend")].iloc[-1]
        when = (f"median contract year {year['mean']:.0f}" if year["mean"] == year["mean"]
                else "not within the run for most replications")
        lines.append(f"{label}: cumulative extra spending after {years} years {money(end['mean'])} "
                     f"({money(end['lo'])} to {money(end['hi'])}); paid back in {paid:.0%} of "
                     f"replications, {when} (payback.csv, payback.png)")
    return "\n".join(lines)


def _arms_record(refs: list[str], loaded: list[Any], labels: list[str]) -> dict[str, Any]:
    """Each arm's scenario, question, resolved settings and their sources, for the report and the workbook."""
    from ihoabm.scenario.sources import flat_settings, sources

    return {label: {"scenario": sc.meta.name, "given_as": ref, "question": sc.meta.question,
                    "settings": flat_settings(sc), "sources": sources(ref)}
            for label, ref, sc in zip(labels, refs, loaded, strict=True)}


def comparison_table(comp: Any, a: str, b: str, replications: int, patients: int | None = None,
                     burn_in: int = 1) -> Table:
    """Readable table of one arm's paired differences from the reference, a year, by section.

    Activity, waiting and delays, health and money (`ihoabm.outputs.present.SECTIONS`), labelled with units from
    the outputs catalogue; money in £, and a surplus never as a percentage of itself (its base can be near
    zero). Full intervals are in comparison.csv, the HTML report and the workbook.

    Args:
        comp: `arm_differences` rows (only arm `b`'s are shown), or `paired_differences` rows of B minus A.
        a: The reference arm's label.
        b: The label of the arm shown.
        replications: Replications per arm, for the title.
        patients: Residents per run, for the title.
        burn_in: Burn-in years before contract year 1, for the caption.
    """
    from ihoabm.outputs import present

    rows = present.headline(comp, b)
    table = Table(title=present.who_title(a, b, patients, replications) + f" (% of {a})",
                  caption=f"* the 95% interval of the paired differences excludes zero; see comparison.csv. "
                          f"{present.burn_in_note(burn_in)}")
    table.add_column("measure")
    years = sorted({y for _, _, cells in rows for y in cells})
    for year in years:
        table.add_column(present.year_heading(year), justify="right")
    section = None
    for sec, metric, cells in rows:
        if sec != section:
            table.add_row(f"[bold]{sec}[/]", *([""] * len(years)))
            section = sec
        table.add_row("  " + present.label(metric),
                      *(present.cell_text(metric, cells[y]) if y in cells else "-" for y in years))
    return table


def _with_interval(mean: float, lo: float, hi: float, fmt: Any = None) -> str:
    """'+140k (-1.2M to +1.5M) *': a mean and its 95% interval, starred when the interval excludes zero."""
    from ihoabm.outputs import present

    fmt = fmt or present.money
    if not math.isfinite(mean):
        return "-"
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return fmt(mean)
    return f"{fmt(mean)} ({fmt(lo)} to {fmt(hi)}){' *' if lo > 0 or hi < 0 else ''}"


def value_summary_table(value: Any, equity: Any, labels: list[str], years: int, replications: int,
                        patients: int | None = None) -> Table:
    """Readable value and equity table, one column per arm after the first, over all reported years.

    Incremental cost and QALYs, the ICER, the net monetary benefit at each NICE threshold
    (`ihoabm.experiments.value.THRESHOLDS`) and the change in the slope index of inequality of each equity
    measure; labels come from the outputs catalogue. Per-year rows are in value.csv and equity.csv.
    """
    from ihoabm.experiments.value import ALL, EQUITY, THRESHOLDS, equity_label, nmb_name
    from ihoabm.outputs import catalogue

    def qaly(x: float) -> str:
        return f"{x:+,.1f}"

    def per_head(x: float) -> str:
        return f"{x:+,.4f}"

    span = f"{years} year{'s' if years > 1 else ''}"
    size = f" of {patients:,} residents" if patients else ""
    table = Table(title=f"Value and equity against {labels[0]}: mean paired difference over {span} (95% interval), "
                        f"{replications} replications{size}",
                  caption="* the interval excludes zero. ICER shown only when the QALY interval excludes zero "
                          "(a ratio has no t-interval); NMB = threshold x QALYs - cost. SII: slope index of "
                          "inequality across IMD quintiles (least minus most deprived); see value.csv, equity.csv")
    table.add_column("measure")
    for label in labels[1:]:
        table.add_column(label, justify="right")
    v = value[value["period"] == ALL].set_index(["measure", "arm"])
    e = equity[equity["period"] == ALL].set_index(["measure", "arm"])

    def row(name: str, frame: Any, measure: str, cols: tuple[str, str, str], fmt: Any = None) -> None:
        table.add_row(name, *(_with_interval(*(float(frame.loc[(measure, a), c]) for c in cols), fmt=fmt)
                              for a in labels[1:]))

    cols = ("mean", "lo", "hi")
    row(f"Incremental {catalogue.label('spend_total').lower()} (£)", v, "incremental_cost", cols)
    row(f"Incremental {catalogue.metric('qalys').unit}", v, "incremental_qalys", cols, qaly)
    row("ICER (£ per QALY gained)", v, "icer", cols)
    table.add_row("  where there is no ICER", *(_no_icer(float(v.loc[("incremental_cost", a), "mean"]),
                                                        *(float(v.loc[("incremental_qalys", a), c]) for c in cols))
                                               for a in labels[1:]))
    for t in THRESHOLDS:
        row(f"Net monetary benefit at £{t:,} per QALY (£)", v, nmb_name(t), cols)
    for measure in EQUITY:
        row(f"SII change: {equity_label(measure)}", e, measure, ("change", "change_lo", "change_hi"),
            per_head if EQUITY[measure][0] == 1 else qaly)
    return table


def _no_icer(cost: float, qalys: float, lo: float, hi: float) -> str:
    """Why an arm has no ICER (`ihoabm.outputs.present.no_icer`, shared with the HTML report)."""
    from ihoabm.outputs import present

    return present.no_icer(cost, qalys, lo, hi)


@app.command("report")
@friendly
def report_command(folder: Annotated[str, typer.Argument(
        help="The --out folder of ihoabm compare or ihoabm sweep.", show_default=False)]) -> None:
    """Write one self-contained HTML report (opens offline, prints to PDF) of a comparison or sweep folder.

    A comparison's goes beside its files as report.html; a sweep's into its summary/ folder. Run
    `ihoabm sweep-report` first for a sweep's summaries and plots.
    """
    from pathlib import Path

    from ihoabm.outputs import report

    root = Path(folder)
    if not root.is_dir():
        raise UsageError(f"{folder}: no such folder; give the --out folder of ihoabm compare or ihoabm sweep")
    try:
        path = report.write(root)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    console.print(f"wrote {path} (open it in a browser; it prints to PDF)", highlight=False)


@scenario_app.command("show")
@friendly
def scenario_show(ref: Annotated[str, typer.Argument(help="Built-in name or path to a .toml file.")],
                  sources: Annotated[bool, typer.Option("--sources", help="Add each value's source (the comment "
                                                        "beside it in the scenario files) as a TOML comment.")]
                  = False) -> None:
    """Print the fully resolved scenario as TOML (with --sources, each value's source as a comment)."""
    from ihoabm.scenario import load_scenario, to_toml

    text = to_toml(load_scenario(ref))
    if sources:
        from ihoabm.scenario.sources import sources as sources_of

        text = _with_sources(text, sources_of(ref))
    typer.echo(text)


def _with_sources(text: str, found: dict[str, str]) -> str:
    """Resolved TOML with `# source` after each value whose source the scenario files give."""
    lines, section = [], ""
    for line in text.splitlines():
        if line.startswith("[") and line.rstrip().endswith("]"):
            section = line.strip("[] ")
        elif " = " in line and not line.startswith(" "):
            key = f"{section}.{line.split(' = ', 1)[0].strip()}" if section else line.split(" = ", 1)[0].strip()
            if key in found:
                line = f"{line}  # {found[key]}"
        lines.append(line)
    return "\n".join(lines)


@scenario_app.command("diff")
@friendly
def scenario_diff(a: Annotated[str, typer.Argument(help="First scenario: built-in name or .toml path.")],
                  b: Annotated[str, typer.Argument(help="Second scenario: built-in name or .toml path.")]) -> None:
    """Print the parameters whose resolved values differ between two scenarios, with each value's source."""
    from ihoabm.outputs import present
    from ihoabm.scenario import load_scenario
    from ihoabm.scenario.sources import differences, flat_settings, sources

    sa, sb = load_scenario(a), load_scenario(b)
    fa, fb = flat_settings(sa), flat_settings(sb)
    keys = [k for k in differences(fa, fb) if not k.startswith("meta.")]
    if not keys:
        console.print(f"{sa.meta.name} and {sb.meta.name}: no parameter differs", highlight=False)
        return
    src_a, src_b = sources(a), sources(b)
    table = Table(title=f"{len(keys)} parameters differ: {sa.meta.name} (A) and {sb.meta.name} (B)",
                  caption="source: the comment beside the value in the scenario file that sets it, else that "
                          "file's meta.source; '(default)' where no file sets it")
    for col in ("parameter", "key", "A", "B", "source of A", "source of B"):
        table.add_column(col, overflow="fold", no_wrap=col == "key")
    for key in keys:
        table.add_row(present.parameter_label(key), key, _shown(fa.get(key)), _shown(fb.get(key)),
                      src_a.get(key, "(default)"), src_b.get(key, "(default)"))
    console.print(table)


def _shown(value: Any) -> str:
    return "(not set)" if value is None else str(value)


@scenario_app.command("list")
def scenario_list() -> None:
    """List the built-in scenarios and the question each answers."""
    from ihoabm.scenario.shipped import builtin_names, question_of

    table = Table(title="built-in scenarios")
    table.add_column("name")
    table.add_column("question")
    for name in builtin_names():
        table.add_row(name, question_of(name))
    console.print(table)


def main() -> None:  # pragma: no cover - console entry point
    """Entry point."""
    app()


# --- commands that live with their feature -----------------------------------------------------------------
# Each feature module exposes a plain function with typer annotations; registration stays in this block.
from ihoabm.cli.sweep import sweep_command, sweep_report_command  # noqa: E402

app.command("sweep")(sweep_command)
app.command("sweep-report")(sweep_report_command)

from ihoabm.cli.serve import app_command  # noqa: E402

app.command("app")(app_command)

from ihoabm.cli.decompose import decompose_command  # noqa: E402

app.command("decompose")(decompose_command)
