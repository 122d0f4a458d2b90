"""The `ihoabm sweep` and `ihoabm sweep-report` commands (registered in `ihoabm/cli/commands.py`).

The sweep machinery (pandas, the model, SALib, scipy) is imported inside the commands, so `ihoabm --help`
does not pay for it; `sweep-report` reads and summarises a grid or Latin sweep without pandas or scipy, and
imports matplotlib (and pandas) only to draw plots (tests/test_startup.py keeps it so).
"""

from __future__ import annotations

import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table as RichTable

from ihoabm.cli.tools import UsageError, console, err, friendly, progress_bar

if TYPE_CHECKING:
    from ihoabm.experiments.sweep.execute import SweepStatus
    from ihoabm.experiments.sweep.store import Table


class Backend(StrEnum):
    """Where runs execute."""

    processes = "processes"
    dask = "dask"
    serial = "serial"


class Format(StrEnum):
    """Table format of the saved runs."""

    parquet = "parquet"
    csv = "csv"


class _Reporter:
    """Progress: a rich bar with ETA and failed count on a terminal, a line every 10% otherwise."""

    def __init__(self, bar: Any, name: str) -> None:
        self.bar, self.name, self.task = bar, name, None
        self.next_line, self.tty = 0.0, sys.stderr.isatty()

    def __call__(self, done: int, total: int, failed: int) -> None:
        text = f"{self.name}: runs ({failed} failed)"
        if self.task is None:  # start at the resumed count, so the ETA measures only this session's speed
            self.task = self.bar.add_task(text, total=total, completed=done)
        self.bar.update(self.task, completed=done, total=total, description=text)
        if not self.tty and (done >= self.next_line or done == total):
            err.print(f"{time.strftime('%H:%M:%S')} {self.name}: {done}/{total} runs, {failed} failed",
                      highlight=False)
            self.next_line = done + max(total // 10, 1)


@friendly
def sweep_command(
        sweep_file: Annotated[str, typer.Argument(help="Sweep file (.toml), or a shipped sweep's name.")],
        workers: Annotated[int, typer.Option("--workers", "-w", min=1, max=1024,
                                             help="Parallel workers.")] = 1,
        backend: Annotated[Backend, typer.Option("--backend", "-b", help="Local process pool, Dask "
                                                 "distributed, or serial in this process.")] = Backend.processes,
        scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address "
                                                      "(tcp://host:8786); without it a local cluster starts.")] = None,
        out: Annotated[str | None, typer.Option("--out", "-o", help="Output folder "
                                                 "(default: out/sweeps/NAME).")] = None,
        resume: Annotated[bool, typer.Option("--resume", help="Finish a stopped sweep: run only the missing "
                                             "runs.")] = False,
        retry_failed: Annotated[bool, typer.Option("--retry-failed", help="With --resume, rerun failed runs "
                                                   "too.")] = False,
        overwrite: Annotated[bool, typer.Option("--overwrite", help="Start an earlier sweep in --out again, or "
                                                "write beside files ihoabm did not write (never over them).")] = False,
        fmt: Annotated[Format | None, typer.Option("--format", help="Table format (default: the sweep "
                                                   "file's, else parquet).")] = None,
        report: Annotated[bool, typer.Option("--report/--no-report", help="Write summaries and plots at the "
                                             "end.")] = True,
) -> None:
    """Run a scenario sweep (grid, Latin hypercube, Sobol or Morris), saving each run as it finishes."""
    from ihoabm.experiments.sweep.execute import SweepInterrupted, execute_sweep
    from ihoabm.experiments.sweep.report import build
    from ihoabm.experiments.sweep.spec import load_sweep
    from ihoabm.experiments.sweep.store import FolderError
    from ihoabm.outputs.folder import out_path

    spec = load_sweep(sweep_file)
    out = out_path(out) if out is not None else Path("out/sweeps") / spec.sweep.name
    if retry_failed and not resume:
        raise UsageError("--retry-failed: only used with --resume")
    with progress_bar(lines=False) as bar:   # _Reporter prints its own lines off a terminal
        try:
            _, status = execute_sweep(sweep_file, out, workers, backend.value, scheduler, resume,
                                      fmt=fmt.value if fmt else None, retry_failed=retry_failed,
                                      progress=_Reporter(bar, spec.sweep.name), overwrite=overwrite)
        except FolderError as exc:
            raise UsageError(str(exc)) from None
        except SweepInterrupted as exc:
            bar.stop()
            err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(130) from None
    if report and status.done:
        try:
            tables = build(out)
            console.print(report_table(tables))
            _notes(tables)
            shared = _shareable(out, tables)
            console.print(f"summary tables in {out}/summary/, plots in {out}/plots/; {shared}", highlight=False)
        except Exception as exc:  # the runs are saved whatever happens to the report
            err.print(f"warning: the report failed ({type(exc).__name__}: {exc}); the runs are saved, rebuild it "
                      f"with: ihoabm sweep-report {out}", markup=False, highlight=False, soft_wrap=True)
    _finish(status)


WORKBOOK = "sweep.xlsx"


def _shareable(out: Path, tables: dict[str, Table]) -> str:
    """Write the workbook and the HTML report into the sweep's summary/ folder; say where they are."""
    import json

    from ihoabm.outputs import report, workbook
    from ihoabm.outputs.folder import atomic_write

    spec = json.loads((out / "sweep.json").read_text(encoding="utf-8")).get("spec", {})
    sheets = workbook.sweep_sheets({name: t.to_pandas() for name, t in tables.items()}, spec)
    book = out / "summary" / WORKBOOK
    atomic_write(book, lambda p: workbook.write(p, sheets))
    page = report.write(out)
    return f"workbook {book}, report {page}"


def _notes(tables: dict[str, Table]) -> None:
    for note in tables["notes"]["note"].tolist():
        err.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)


def _finish(status: SweepStatus) -> None:
    """The closing line, and exit code 1 when a run failed or was lost."""
    console.print(f"{status.ok + status.failed} runs done now ({status.failed} failed), {status.skipped} done "
                  f"before; results in {status.out}/", highlight=False)
    if status.lost:
        err.print(f"error: {len(status.lost)} runs were lost ({status.lost_reason}); finished runs are saved, "
                  f"rerun with --resume to finish", markup=False, highlight=False, soft_wrap=True)
    if status.failed_total:
        err.print(f"{status.failed_total} runs failed; their errors are in the error column of "
                  f"{status.runs_table} (rerun them with --resume --retry-failed)", markup=False, highlight=False,
                  soft_wrap=True)
    if status.failed_total or status.lost:
        raise typer.Exit(1)


def _metric(name: str) -> str:
    """A metric's label and unit from the outputs catalogue (the name itself if it is not there)."""
    from ihoabm.outputs import catalogue, present

    return present.label(name) if name in catalogue.METRICS else name


def _number(value: float) -> str:
    return f"{value:+,.0f}" if abs(value) >= 100 else f"{value:+.3g}"


def report_table(tables: dict[str, Table]) -> RichTable:
    """The headline of a sweep's summary, one row per metric and parameter.

    Sobol ST, Morris mu* or the tornado swing, whichever the design gives; the runs by status otherwise.
    """
    for name, title in (("sobol", "total-order Sobol index ST [95% interval]"),
                        ("morris", "Morris mu* [95% interval] and sigma"),
                        ("tornado", "mean at the parameter's low end -> high end (swing)")):
        df = tables.get(name)
        if df is None or df.empty:
            continue
        from ihoabm.outputs import catalogue, present

        table = RichTable(title=f"{title}, contract year {int(df['year'][0])}")
        arms = len(set(df["arm"].tolist())) > 1
        for col in (["arm"] if arms else []) + ["metric", "parameter", "value"]:
            table.add_column(col, justify="right" if col == "value" else "left")
        for r in df.rows():
            if name == "sobol":
                cell = f"{r['ST']:.2f} [{r['ST'] - r['ST_conf']:.2f}, {r['ST'] + r['ST_conf']:.2f}]"
            elif name == "morris":
                cell = (f"{_number(r['mu_star'])} [{_number(r['mu_star'] - r['mu_star_conf'])}, "
                        f"{_number(r['mu_star'] + r['mu_star_conf'])}], sigma {_number(r['sigma'])}")
            elif r["metric"] in catalogue.METRICS and present.is_money(str(r["metric"])):
                cell = (f"{present.money(r['y_low'], signed=False)} -> {present.money(r['y_high'], signed=False)} "
                        f"({present.money(r['swing'])})")
            else:
                cell = f"{r['y_low']:,.0f} -> {r['y_high']:,.0f} ({_number(r['swing'])})"
            table.add_row(*([str(r["arm"])] if arms else []), _metric(str(r["metric"])),
                          present.parameter_label(str(r["parameter"])), cell)
        return table
    status = tables["status"]
    table = RichTable(title="runs")
    for col in status.names:
        table.add_column(col)
    for r in status.rows():
        table.add_row(*(str(v) for v in r.values()))
    return table


@friendly
def sweep_report_command(
        out_dir: Annotated[Path, typer.Argument(help="A sweep's output folder.")],
        plots: Annotated[bool, typer.Option("--plots/--no-plots", help="Draw the PNG plots and write the workbook "
                                            "(summary/sweep.xlsx) and HTML report (summary/report.html); "
                                            "--no-plots writes the CSV summaries only, quickly.")] = True,
) -> None:
    """Rebuild a sweep's summaries, plots, workbook and HTML report from its saved results (also after a stop)."""
    from ihoabm.experiments.sweep.report import build
    from ihoabm.experiments.sweep.store import FolderError

    if not out_dir.is_dir():
        raise UsageError(f"{out_dir}: no such folder; give a sweep's --out folder")
    try:
        tables = build(out_dir, plots=plots)
    except FolderError as exc:
        raise UsageError(str(exc)) from None
    console.print(report_table(tables))
    status = tables["status"]
    missing = int(status["missing"].sum())
    _notes(tables)
    n_plots = len(list((out_dir / "plots").glob("*.png"))) if plots else 0
    # The workbook and report need pandas; --no-plots is the quick look that goes without it.
    shared = f"; {_shareable(out_dir, tables)}" if plots else ""
    console.print(f"wrote {len(tables)} tables to {out_dir}/summary/ and {n_plots} plots to {out_dir}/plots/"
                  f"{shared}" + (f"; {missing} runs missing (resume the sweep to finish)" if missing else ""),
                  highlight=False)
