"""Scenario sweeps: designs and seeds, failure isolation, interrupt and resume, backends, bad files, reports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ihoabm.cli.commands import app
from ihoabm.experiments.run import run
from ihoabm.experiments.sweep import SweepError, load_sweep, run_sweep, summarise
from ihoabm.experiments.sweep.design import make_tasks, sample_points
from ihoabm.experiments.sweep.store import FolderError, SweepFolder

SHIPPED = Path(__file__).resolve().parents[1] / "ihoabm" / "scenario" / "builtin" / "sweeps"
VOLATILE = ["wall_time_s", "finished_at", "host", "pid"]

TINY = """
[sweep]
name = "tiny"
scenario = "iho_lead_provider"
seed = 11
replications = {replications}

[sweep.overrides]
run = {{ patients = 2000, years = 1 }}

[design]
method = "grid"

[[parameters]]
name = "community.funding_per_head"
values = [150.0, 250.0]

[[parameters]]
name = "contract.capitation_level"
values = {capitation}
"""


def tiny(tmp_path: Path, replications: int = 2, capitation: str = "[1.0]", name: str = "tiny.toml") -> Path:
    path = tmp_path / name
    path.write_text(TINY.format(replications=replications, capitation=capitation))
    return path


def sampled(tmp_path: Path, method: str, samples: int) -> Path:
    path = tmp_path / f"{method}.toml"
    path.write_text(f"""
[sweep]
name = "{method}_tiny"
scenario = "iho_lead_provider"
seed = 5
[sweep.overrides]
"run.patients" = 1000
"run.years" = 1
[design]
method = "{method}"
samples = {samples}
[[parameters]]
name = "contract.capitation_level"
low = 0.8
high = 1.2
[[parameters]]
name = "community.funding_per_head"
low = 120.0
high = 260.0
[report]
metrics = ["spend_total", "community_contacts"]
""")
    return path


def by_run(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["run_id", "year"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def tiny_reference(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The tiny sweep with 5 replications, run serially once: the reference that interrupted, resumed and
    killed sweeps must reproduce. Its first k replications are the tiny sweep with k replications (paired seeds
    depend on the replication only)."""
    folder = tmp_path_factory.mktemp("reference")
    return run_sweep(tiny(folder, replications=5), folder / "out", backend="serial")


def replications(results: pd.DataFrame, k: int) -> pd.DataFrame:
    """The rows of the first k replications."""
    return results[results["replication"] < k]


# --- design and seeds ---------------------------------------------------------------------------------------
def test_seeds_derive_from_the_sweep_seed_and_pair_across_points(tmp_path: Path) -> None:
    spec = load_sweep(tiny(tmp_path, replications=3, capitation="[0.9, 1.1]"))
    tasks = make_tasks(spec)
    assert len(tasks) == 2 * 2 * 3
    assert [t.seed for t in tasks] == [t.seed for t in make_tasks(spec)]
    assert len({t.run_id for t in tasks}) == len(tasks)
    for r in range(3):  # paired: one seed per replication, shared by every point
        assert len({t.seed for t in tasks if t.replication == r}) == 1
    assert len({t.seed for t in tasks}) == 3
    unpaired = load_sweep({**_raw(spec), "sweep": {**_raw(spec)["sweep"], "paired": False}})
    assert len({t.seed for t in make_tasks(unpaired)}) == len(tasks)
    reseeded = load_sweep({**_raw(spec), "sweep": {**_raw(spec)["sweep"], "seed": 12}})
    assert {t.seed for t in make_tasks(reseeded)}.isdisjoint({t.seed for t in tasks})


def _raw(spec) -> dict:
    return json.loads(spec.to_json())


def test_arms_share_seeds_and_the_design(tmp_path: Path) -> None:
    raw = _raw(load_sweep(tiny(tmp_path)))
    raw["arms"] = [{"name": "lead", "scenario": "iho_lead_provider"}, {"name": "alliance",
                                                                       "scenario": "iho_alliance"}]
    tasks = make_tasks(load_sweep(raw))
    assert len(tasks) == 2 * 2 * 2
    for point, rep in {(t.point, t.replication) for t in tasks}:
        pair = [t for t in tasks if t.point == point and t.replication == rep]
        assert {t.arm for t in pair} == {"lead", "alliance"} and len({t.seed for t in pair}) == 1


def test_salib_designs_have_the_expected_shape_and_types(tmp_path: Path) -> None:
    spec = load_sweep(SHIPPED / "iho_levers_sobol.toml")
    points = sample_points(spec)
    d = len(spec.parameters)
    assert len(points) == spec.design.samples * (d + 2)          # Saltelli, first and total order
    assert points["contract.need_weighting"].map(type).eq(bool).all()
    assert points["contract.need_weighting"].nunique() == 2
    assert points["host.horizon_years"].between(1.0, 10.0).all()
    assert points.equals(sample_points(spec))                      # the sweep seed fixes the sample
    morris = sample_points(load_sweep(sampled(tmp_path, "morris", 3)))
    assert len(morris) == 3 * (2 + 1)
    latin = sample_points(load_sweep(sampled(tmp_path, "latin", 7)))
    assert len(latin) == 7 and latin["contract.capitation_level"].between(0.8, 1.2).all()


def test_shipped_sweeps_load_and_are_small() -> None:
    for path in sorted(SHIPPED.glob("*.toml")):
        spec = load_sweep(path)
        assert spec.sweep.question and path.read_text().lstrip().startswith("#")
        assert spec.sweep.overrides["run.patients"] <= 20_000
        assert len(make_tasks(spec)) <= 300
    assert load_sweep("community_vs_capitation").design.method == "grid"


# --- failure isolation --------------------------------------------------------------------------------------
@pytest.mark.parametrize("backend, workers", [("serial", 1), ("processes", 2)])
def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path: Path, backend: str, workers: int) -> None:
    out = tmp_path / "out"
    results = run_sweep(tiny(tmp_path), out, workers=workers, backend=backend, fail_runs=("*-p001-r00",))
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 4
    failed = runs[runs["status"] == "failed"]
    assert list(failed["run_id"]) == ["tiny-p001-r00"]
    assert failed["error"].iloc[0].startswith("InjectedFailure: failure injected")
    assert (runs.loc[runs["status"] == "ok", "error"] == "").all()
    assert sorted(results["run_id"].unique()) == ["tiny-p000-r00", "tiny-p000-r01", "tiny-p001-r01"]
    assert results.attrs["status"] == {"total": 4, "skipped": 0, "ok": 3, "failed": 1, "lost": 0}
    tables = summarise(out, plots=False)
    assert list(tables["failures"]["run_id"]) == ["tiny-p001-r00"]
    assert tables["status"][["ok", "failed", "missing"]].iloc[0].tolist() == [3, 1, 0]
    # Failed runs are done: resume leaves them, --retry-failed reruns them.
    again = run_sweep(tiny(tmp_path), out, backend="serial", resume=True)
    assert again.attrs["status"]["skipped"] == 4 and again.attrs["status"]["ok"] == 0
    fixed = run_sweep(tiny(tmp_path), out, backend="serial", resume=True, retry_failed=True)
    assert fixed.attrs["status"] == {"total": 4, "skipped": 3, "ok": 1, "failed": 0, "lost": 0}
    assert fixed["run_id"].nunique() == 4


def test_a_model_error_is_caught_with_its_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IHOABM_SWEEP_FAIL_RUNS", "tiny-p000-r01")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sweep", str(tiny(tmp_path)), "--out", str(out), "--backend", "serial",
                                      "--no-report"])
    assert result.exit_code == 1, result.output
    assert "1 runs failed" in result.output
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs.set_index("run_id").loc["tiny-p000-r01", "status"] == "failed"


# --- interrupt and resume -----------------------------------------------------------------------------------
def _start(sweep: Path, out: Path, *extra: str) -> subprocess.Popen:
    code = "from ihoabm.cli.commands import app; app()"
    return subprocess.Popen([sys.executable, "-c", code, "sweep", str(sweep), "--out", str(out), "--no-report",
                             *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_for_records(out: Path, n: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Finished records only: a record being written is a hidden temporary file until it is renamed.
        if (out / "records").exists() and len([p for p in (out / "records").glob("*.json")
                                                if not p.name.startswith(".")]) >= n:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("sweep made no progress")


def test_resume_after_ctrl_c_and_kill_loses_and_duplicates_nothing(tmp_path: Path, tiny_reference) -> None:
    sweep = tiny(tmp_path, replications=5)                       # 10 runs
    reference = replications(tiny_reference, 5)
    out = tmp_path / "out"

    # Ctrl-C during a process-pool sweep: exit 130, finished runs saved, tables consistent with them.
    proc = _start(sweep, out, "--workers", "2")
    _wait_for_records(out, 2, proc)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "--resume" in stderr
    saved = {p.stem: p.read_text() for p in (out / "records").glob("*.json")}
    assert 2 <= len(saved) < 10
    assert set(pd.read_parquet(out / "runs.parquet")["run_id"]) == set(saved)
    assert set(pd.read_parquet(out / "results.parquet")["run_id"]) == set(saved)

    # Without --resume the folder is refused.
    refused = CliRunner().invoke(app, ["sweep", str(sweep), "--out", str(out)])
    assert refused.exit_code == 2 and "--resume" in refused.output

    # SIGKILL of the whole process group (no chance to tidy up) while resuming serially.
    proc = _start(sweep, out, "--backend", "serial", "--resume")
    _wait_for_records(out, len(saved) + 2, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    killed = {p.stem: p.read_text() for p in (out / "records").glob("*.json")}
    assert len(killed) < 10 and set(saved) <= set(killed)
    partial = summarise(out, plots=False)                        # a killed sweep still reads fine
    assert int(partial["status"]["ok"].sum()) == len(killed)

    # Resume runs only what is missing, and the result equals an uninterrupted sweep.
    results = run_sweep(sweep, out, workers=2, resume=True)
    assert results.attrs["status"]["skipped"] == len(killed)
    assert results.attrs["status"]["ok"] == 10 - len(killed)
    for run_id, text in killed.items():                          # finished runs were not run again
        assert (out / "records" / f"{run_id}.json").read_text() == text
    assert not results.duplicated(["run_id", "year"]).any()
    pd.testing.assert_frame_equal(by_run(results), by_run(reference))
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 10 and runs["run_id"].is_unique and (runs["status"] == "ok").all()
    assert not list(out.rglob(".*.parquet")) and not list(out.rglob(".*.json"))


def _pool_workers(parent: int) -> list[int]:
    """Process-pool workers (spawned children) of a process, from /proc."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in cmdline:
            pids.append(int(stat.parent.name))
    return pids


def test_a_killed_worker_loses_nothing(tmp_path: Path, tiny_reference) -> None:
    sweep = tiny(tmp_path, replications=4)                       # 8 runs
    reference = replications(tiny_reference, 4)
    out = tmp_path / "out"
    proc = _start(sweep, out, "--workers", "2")
    _wait_for_records(out, 2, proc)
    workers = _pool_workers(proc.pid)
    assert workers, "no pool workers found"
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    results = pd.read_parquet(out / "results.parquet")
    pd.testing.assert_frame_equal(by_run(results), by_run(reference))
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 8 and runs["run_id"].is_unique and (runs["status"] == "ok").all()
    assert runs["pid"].nunique() >= 3                            # a fresh pool took over


def test_resume_refuses_a_different_sweep(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_sweep(tiny(tmp_path, replications=1), out, backend="serial")
    other = tiny(tmp_path, replications=1, capitation="[0.95]", name="other.toml")
    with pytest.raises(FolderError, match="holds a different sweep .saved run tiny-p000-r00 has other"):
        run_sweep(other, out, backend="serial", resume=True)
    raw = _raw(load_sweep(tiny(tmp_path, replications=1)))
    raw["sweep"]["overrides"]["host.horizon_years"] = 2.0
    with pytest.raises(FolderError, match="base scenario of arm tiny has changed"):
        run_sweep(raw, out, backend="serial", resume=True)
    more = run_sweep(tiny(tmp_path, replications=2), out, backend="serial", resume=True)   # more replications
    assert more.attrs["status"] == {"total": 4, "skipped": 2, "ok": 2, "failed": 0, "lost": 0}
    with SweepFolder(out).lock(), pytest.raises(FolderError, match="another ihoabm command is writing"):
        run_sweep(tiny(tmp_path, replications=1), out, backend="serial", resume=True)


# --- backends -----------------------------------------------------------------------------------------------
def test_serial_processes_and_dask_give_identical_results(tmp_path: Path) -> None:
    from distributed import LocalCluster

    sweep = tiny(tmp_path, replications=2)
    serial = run_sweep(sweep, tmp_path / "serial", backend="serial")
    pool = run_sweep(sweep, tmp_path / "pool", workers=2, backend="processes")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        dask = run_sweep(sweep, tmp_path / "dask", backend="dask", scheduler=cluster.scheduler_address)
    assert len(serial) == 4 and serial["seed"].nunique() == 2
    for other in (pool, dask):
        pd.testing.assert_frame_equal(by_run(other), by_run(serial))
    tables = [pd.read_parquet(tmp_path / b / "runs.parquet").drop(columns=VOLATILE) for b in ("serial", "pool",
                                                                                             "dask")]
    pd.testing.assert_frame_equal(tables[1], tables[0])
    pd.testing.assert_frame_equal(tables[2], tables[0])
    # A sweep run is the same run as `ihoabm run` with that seed.
    first = serial[serial["run_id"] == "tiny-p001-r00"]
    direct = run("iho_lead_provider", **{"run.patients": 2000, "run.years": 1, "run.seed": int(first["seed"].iloc[0]),
                                         "community.funding_per_head": 250.0, "contract.capitation_level": 1.0})
    pd.testing.assert_frame_equal(first[direct.annual.columns].reset_index(drop=True), direct.annual)


# --- bad sweep files ----------------------------------------------------------------------------------------
BAD = {
    "unknown key": ("[sweep]\nname='x'\nreplicates=2\n[design]\nmethod='grid'\n[[parameters]]\n"
                    "name='host.horizon_years'\nvalues=[3.0]\n", "sweep.replicates: unknown key; allowed keys here"),
    "bad method": ("[sweep]\nname='x'\n[design]\nmethod='factorial'\n[[parameters]]\nname='host.horizon_years'\n"
                   "values=[3.0]\n", "design.method: Input should be 'grid', 'latin', 'sobol' or 'morris'"),
    "not a key": ("[sweep]\nname='x'\n[design]\nmethod='grid'\n[[parameters]]\nname='host.horizon'\n"
                  "values=[3.0]\n", "parameters[0].name: 'host.horizon' is not a scenario key"),
    "out of range": ("[sweep]\nname='x'\nscenario='iho_lead_provider'\n[design]\nmethod='latin'\nsamples=4\n"
                     "[[parameters]]\nname='contract.capitation_level'\nlow=0.5\nhigh=5.0\n",
                     "parameters[0].high: contract.capitation_level must be"),
    "sobol samples": ("[sweep]\nname='x'\n[design]\nmethod='sobol'\nsamples=10\n[[parameters]]\n"
                      "name='host.horizon_years'\nlow=1.0\nhigh=5.0\n[[parameters]]\nname='host.risk_appetite'\n"
                      "low=0.1\nhigh=0.9\n", "design.samples: Sobol sampling needs a power of two"),
    "missing samples": ("[sweep]\nname='x'\n[design]\nmethod='morris'\n[[parameters]]\n"
                        "name='host.horizon_years'\nlow=1.0\nhigh=5.0\n", "design.samples: required"),
    "grid needs values": ("[sweep]\nname='x'\n[design]\nmethod='grid'\n[[parameters]]\n"
                          "name='host.horizon_years'\nlow=1.0\nhigh=5.0\n", "method 'grid' needs values"),
    "seed swept": ("[sweep]\nname='x'\n[design]\nmethod='grid'\n[[parameters]]\nname='run.seed'\n"
                   "values=[1, 2]\n", "run.seed cannot be swept"),
    "no parameters": ("[sweep]\nname='x'\n[design]\nmethod='grid'\n", "parameters: required key is missing"),
    "bad metric": ("[sweep]\nname='x'\n[design]\nmethod='grid'\n[[parameters]]\nname='host.horizon_years'\n"
                   "values=[3.0]\n[report]\nmetrics=['admissions']\n", "report.metrics[0]: unknown metric"),
    "bad scenario": ("[sweep]\nname='x'\nscenario='nowhere'\n[design]\nmethod='grid'\n[[parameters]]\n"
                     "name='host.horizon_years'\nvalues=[3.0]\n", "nowhere: unknown scenario; built-in names"),
    "bad override": ("[sweep]\nname='x'\n[sweep.overrides]\nrun={patients=10}\n[design]\nmethod='grid'\n"
                     "[[parameters]]\nname='host.horizon_years'\nvalues=[3.0]\n",
                     "sweep.overrides.run.patients: run.patients must be >= 1000"),
    "not toml": ("[sweep\nname=", "not valid TOML"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_sweep_files_are_refused_in_one_line_with_exit_code_2(tmp_path: Path, case: str) -> None:
    text, expected = BAD[case]
    path = tmp_path / "bad.toml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert expected in lines[0] and (str(path) in lines[0] or case == "bad scenario")
    with pytest.raises(SweepError):
        load_sweep(path)
    assert not (tmp_path / "out").exists()


def test_missing_sweep_file_and_bad_options_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["sweep", str(tmp_path / "nope.toml")])
    assert missing.exit_code == 2 and "no such sweep file" in missing.stderr
    sched = runner.invoke(app, ["sweep", str(tiny(tmp_path)), "--scheduler", "tcp://x:1", "--out",
                                str(tmp_path / "o")])
    assert sched.exit_code == 2 and "only used with --backend dask" in sched.stderr
    report = runner.invoke(app, ["sweep-report", str(tmp_path)])
    assert report.exit_code == 2 and len(report.stderr.strip().splitlines()) == 1


# --- summaries and plots ------------------------------------------------------------------------------------
def test_grid_summary_and_sweep_report_rebuild_plots(tmp_path: Path) -> None:
    out = tmp_path / "out"
    results = run_sweep(tiny(tmp_path, replications=3, capitation="[0.9, 1.1]"), out, backend="serial",
                        fmt="csv")
    assert len(results) == 12 and (out / "results.csv").exists() and (out / "runs.csv").exists()
    assert len(list((out / "parts").glob("*.csv"))) == 12
    result = CliRunner().invoke(app, ["sweep-report", str(out)])
    assert result.exit_code == 0, result.output
    points = pd.read_csv(out / "summary" / "points.csv")
    spend = points[points["metric"] == "spend_total"]
    assert len(spend) == 4 and (spend["n"] == 3).all()
    assert (spend["lo"] <= spend["mean"]).all() and (spend["mean"] <= spend["hi"]).all()
    manual = results[results["point"] == 0]["spend_total"]
    half = 4.302652729911275 * manual.std(ddof=1) / np.sqrt(3)      # t(0.975, 2)
    assert spend.iloc[0]["hi"] == pytest.approx(manual.mean() + half)
    tornado = pd.read_csv(out / "summary" / "tornado.csv")
    assert set(tornado["parameter"]) == {"community.funding_per_head", "contract.capitation_level"}
    names = {p.name for p in (out / "plots").glob("*.png")}
    assert {"fan_spend_total.png", "tornado_spend_total.png", "heatmap_spend_total.png"} <= names
    assert all((out / "plots" / n).stat().st_size > 5_000 for n in names)


@pytest.mark.parametrize("method, samples", [("sobol", 4), ("morris", 4)])
def test_sobol_and_morris_indices_come_from_salib(tmp_path: Path, method: str, samples: int) -> None:
    out = tmp_path / "out"
    # Serially: the backends give identical results (test_serial_processes_and_dask_give_identical_results),
    # and worker processes would each import the model again, on a machine the suite already keeps busy.
    run_sweep(sampled(tmp_path, method, samples), out, backend="serial")
    tables = summarise(out)
    table = tables[method]
    assert set(table["parameter"]) == {"contract.capitation_level", "community.funding_per_head"}
    assert set(table["metric"]) <= {"spend_total", "community_contacts"} and len(table) >= 2
    columns = ["S1", "S1_conf", "ST", "ST_conf"] if method == "sobol" else ["mu", "mu_star", "mu_star_conf",
                                                                             "sigma"]
    assert table[columns].notna().all().all()
    assert (out / "plots" / f"{method}_spend_total.png").exists()


# --- the report without pandas writes what pandas wrote ------------------------------------------------------
def pandas_summaries(out: Path) -> dict[str, str]:
    """The summary CSVs as the report computed them with pandas (the reference the pandas-free report keeps)."""
    from ihoabm.experiments.stats import mean_intervals
    from ihoabm.experiments.sweep.spec import SweepSpec

    manifest = json.loads((out / "sweep.json").read_text())
    spec = SweepSpec.model_validate(manifest["spec"])
    folder = SweepFolder(out, manifest.get("format", "parquet"))
    records = folder.records()
    design, runs, res = folder.load_design(), folder.runs_table(records), folder.results(records)
    params = [p.name for p in spec.parameters]
    metrics = [m for m in spec.report.metrics if m in res.columns]
    columns = ["arm", "point", *params, "year", "metric", "n", "mean", "sd", "lo", "hi"]
    long = res.melt(id_vars=["arm", "point", "year"], value_vars=metrics, var_name="metric")
    points = long.groupby(["arm", "point", "year", "metric"], sort=True)["value"].agg(
        n="count", mean="mean", sd="std").reset_index()
    points["lo"], points["hi"] = mean_intervals(points["mean"], points["sd"], points["n"])
    values = design.drop_duplicates("point")[["point", *params]]
    points = points.merge(values, on="point", how="left")[columns]
    planned = design.groupby("arm").size().rename("planned")
    counts = runs.pivot_table(index="arm", columns="status", values="run_id", aggfunc="count", fill_value=0)
    status = pd.concat([planned, counts], axis=1).fillna(0)
    for col in ("ok", "failed"):
        if col not in status:
            status[col] = 0
    status["missing"] = status["planned"] - status["ok"] - status["failed"]
    status = status[["planned", "ok", "failed", "missing"]].astype(int).rename_axis("arm").reset_index()
    failures = runs.loc[runs["status"] != "ok", ["run_id", "arm", "point", "replication", "seed", *params,
                                                 "error"]]
    year = spec.report.year or int(res.groupby("run_id")["year"].max().min())
    pts = design.drop_duplicates("point").set_index("point")
    rows = []
    for arm in design["arm"].unique():
        for metric in metrics:
            sel = res[(res["arm"] == arm) & (res["year"] == year)]
            means = sel.groupby("point")[metric].mean().reindex(range(int(design["point"].max()) + 1))
            y = pd.Series(means.to_numpy(dtype=float), index=pts.index)
            for name in params:
                if spec.design.method == "grid":
                    levels = list(dict.fromkeys(pts[name]))
                    if all(isinstance(v, int | float | bool | np.number) for v in levels):
                        levels = sorted(levels)
                    lo_mask, hi_mask, low, high = pts[name] == levels[0], pts[name] == levels[-1], levels[0], levels[-1]
                else:
                    raw = pts[f"raw:{name}"]
                    lo_mask, hi_mask = raw <= raw.quantile(0.25), raw >= raw.quantile(0.75)
                    low, high = pts.loc[lo_mask, name].min(), pts.loc[hi_mask, name].max()
                short = [round(float(v), 4) if isinstance(v, float | np.floating) else v for v in (low, high)]
                y_low, y_high = float(y[lo_mask].mean()), float(y[hi_mask].mean())
                rows.append({"arm": arm, "metric": metric, "year": year, "parameter": name, "low": short[0],
                             "high": short[1], "y_low": y_low, "y_high": y_high, "swing": y_high - y_low,
                             "overall_mean": float(y.mean())})
    tables = {"points": points, "status": status, "failures": failures.reset_index(drop=True),
              "tornado": pd.DataFrame(rows), "notes": pd.DataFrame({"note": []})}
    return {name: table.to_csv(index=False) for name, table in tables.items()}


MIXED = """
[sweep]
name = "mixed"
scenario = "iho_lead_provider"
replications = 3
[design]
method = "grid"
[[parameters]]
name = "contract.invest_to_save_years"
values = [1, 5]
[[parameters]]
name = "contract.need_weighting"
values = [true, false]
[[parameters]]
name = "contract.acute_subcontract"
values = ["cost_plus", "block"]
[[arms]]
name = "lead"
[[arms]]
name = "alliance"
scenario = "iho_alliance"
[report]
metrics = ["spend_total", "nel_admissions", "beds", "host_surplus"]
"""
ONE_POINT = """
[sweep]
name = "one"
replications = 5
[design]
method = "grid"
[[parameters]]
name = "community.funding_per_head"
values = [150.0]
[report]
metrics = ["spend_total"]
"""
LATIN = """
[sweep]
name = "latin"
seed = 3
replications = 2
[design]
method = "latin"
samples = 9
[[parameters]]
name = "contract.invest_to_save_years"
low = 0
high = 6
[[parameters]]
name = "host.horizon_years"
low = 1.0
high = 10.0
[[parameters]]
name = "contract.need_weighting"
low = 0
high = 1
[report]
year = 1
"""


@pytest.mark.parametrize("case", ["mixed parquet", "mixed csv with gaps", "one point in order", "latin"])
def test_the_report_writes_what_pandas_wrote_byte_for_byte(fake_sweep, case: str) -> None:
    text, options = {"mixed parquet": (MIXED, {"fail": ("lead-p001-r00", "*-p005-*")}),
                     "mixed csv with gaps": (MIXED, {"fmt": "csv", "gaps": 0.1, "fail": ("alliance-p002-r01",)}),
                     "one point in order": (ONE_POINT, {"years": 1}),
                     "latin": (LATIN, {"fail": ("*-p003-r01",)})}[case]
    out = fake_sweep(text, **options)
    result = CliRunner().invoke(app, ["sweep-report", str(out), "--no-plots"])
    assert result.exit_code == 0, result.output
    for name, expected in pandas_summaries(out).items():
        assert (out / "summary" / f"{name}.csv").read_text() == expected, name
    tables = summarise(out, plots=False)                          # the data frames say what the files say
    for name, table in tables.items():
        assert table.to_csv(index=False) == (out / "summary" / f"{name}.csv").read_text(), name


def test_the_group_arithmetic_is_pandas_to_the_last_bit() -> None:
    from ihoabm.experiments.sweep.report import _groups, _in_order, group_stats, nanmean

    rng = np.random.default_rng(7)
    for trial in range(300):
        n = int(rng.integers(1, 200))
        groups = rng.integers(0, int(rng.integers(1, 8)), n)
        if trial % 2:
            groups = np.sort(groups)                          # rows already in group order: pandas sums apart
        values = rng.normal(rng.normal() * 1e6, 10.0 ** rng.integers(-3, 7), n)
        if trial % 3 == 0:
            values[rng.random(n) < 0.2] = np.nan
        expected = pd.DataFrame({"g": groups, "v": values}).groupby("g")["v"].agg(n="count", mean="mean",
                                                                                   sd="std")
        order, starts, sizes = _groups([groups])
        count, mean, sd = group_stats(values[order], starts, sizes, _in_order(order))
        assert np.array_equal(expected["n"], count)
        assert np.array_equal(expected["mean"], mean, equal_nan=True)
        assert np.array_equal(expected["sd"], sd, equal_nan=True)
        mask = rng.random(n) < 0.5
        assert nanmean(values[mask]) == pd.Series(values[mask]).mean() or not mask.any() or \
            np.isnan(pd.Series(values[mask]).mean())


@pytest.mark.parametrize("values", [[1, 2], [1, None], [None, None], [True, None], [1, True], [1.5, 2],
                                    ["a", None], ["a", 1.5], [1e-7, 1e16], [np.nan, 3], [0.1 + 0.2, -0.0],
                                    ["x,y", 'a "quote"'], [True, False]])
def test_tables_infer_write_and_read_columns_as_pandas(tmp_path: Path, values: list) -> None:
    from ihoabm.experiments.sweep.store import Table, missing

    def same(ours: Table, theirs: pd.DataFrame) -> None:
        assert ours.names == list(theirs.columns)
        for name in theirs.columns:
            gaps = missing(ours[name])
            assert gaps.tolist() == theirs[name].isna().tolist(), name
            assert [v for v, gap in zip(ours[name].tolist(), gaps, strict=True) if not gap] == \
                theirs[name].dropna().tolist(), name
            assert ours[name].dtype.kind == theirs[name].to_numpy().dtype.kind or str(theirs[name].dtype) == "str"

    rows = [{"a": v, "b": i} for i, v in enumerate(values)] + [{"b": 9}]
    frame, table = pd.DataFrame(rows), Table.from_rows(rows)
    same(table, frame)
    table.write_csv(tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text() == frame.to_csv(index=False)
    same(Table.read(tmp_path / "t.csv"), pd.read_csv(tmp_path / "t.csv"))
    try:
        frame.to_parquet(tmp_path / "t.parquet", index=False)
    except TypeError:
        return                                            # mixed kinds: no Parquet file holds such a column
    same(Table.read(tmp_path / "t.parquet"), pd.read_parquet(tmp_path / "t.parquet"))
