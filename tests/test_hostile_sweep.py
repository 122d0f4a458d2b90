"""Hostile sweep files: each is refused before anything runs, in one line naming the file and the key path.

Issue 10 ("nothing lost, nothing misread"): booleans only as booleans, numbers finite and inside the scenario
schema's bounds, `report.year` within the runs' years, designs counted (and limited) before they are built,
and unreadable or misshapen files refused with exit code 2 instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from typer.testing import CliRunner

from ihoabm.cli.commands import app
from ihoabm.core.model import IHOModel
from ihoabm.experiments.sweep import SweepError, SweepSpec, load_sweep
from ihoabm.experiments.sweep.design import make_tasks, sample_points
from ihoabm.experiments.sweep.report import SweepData
from ihoabm.experiments.sweep.spec import Report, grid_values, point_count

HEAD = """
[sweep]
name = "hostile"
scenario = "iho_lead_provider"
{sweep_extra}
[sweep.overrides]
"run.patients" = 1000
"run.years" = {years}
{overrides}
"""


def head(sweep_extra: str = "", overrides: str = "", years: int = 1) -> str:
    return HEAD.format(sweep_extra=sweep_extra, overrides=overrides, years=years)


def grid(name: str, values: str, **kw: str) -> str:
    return head(**kw) + f'[design]\nmethod = "grid"\n[[parameters]]\nname = "{name}"\nvalues = {values}\n'


def latin(name: str, low: str, high: str, samples: str = "4") -> str:
    return head() + (f'[design]\nmethod = "latin"\nsamples = {samples}\n[[parameters]]\nname = "{name}"\n'
                     f"low = {low}\nhigh = {high}\n")


def many(n_params: int, n_values: int) -> str:
    keys = ["host.risk_appetite", "host.population_health_weight", "host.max_invest_share", "host.learning_rate",
            "network.trust_initial", "network.trust_gain", "network.trust_loss"][:n_params]
    values = ", ".join(f"{(i + 1) / (n_values + 1):.4f}" for i in range(n_values))
    return head() + '[design]\nmethod = "grid"\n' + "".join(
        f'[[parameters]]\nname = "{k}"\nvalues = [{values}]\n' for k in keys)


def sampled(method: str, samples: int, extra: str = "") -> str:
    return head() + (f'[design]\nmethod = "{method}"\nsamples = {samples}\n{extra}'
                     '[[parameters]]\nname = "host.risk_appetite"\nlow = 0.1\nhigh = 0.9\n'
                     '[[parameters]]\nname = "host.horizon_years"\nlow = 1.0\nhigh = 5.0\n')


ONE = '[design]\nmethod = "grid"\n[[parameters]]\nname = "host.horizon_years"\nvalues = [3.0]\n'
THREE = head() + """[design]
method = "grid"
[[parameters]]
name = "host.horizon_years"
values = [3.0]
[[parameters]]
name = "contract.capitation_level"
values = [1.0]
[[parameters]]
name = "contract.need_weighting"
values = [true, "yes"]
"""

# case: (file content: text, bytes, or None for a folder; what the one line must say)
CASES: dict[str, tuple[str | bytes | None, str]] = {
    # 4. booleans only as booleans; numbers never as booleans or text
    "bool as strings": (grid("contract.need_weighting", '["false", "true"]'),
                        "parameters[0].values[0]: contract.need_weighting takes true or false"),
    "bool as fractions": (grid("contract.need_weighting", "[0.2, 0.9]"),
                          "parameters[0].values[0]: contract.need_weighting takes true or false"),
    "bool as 0/1": (grid("contract.need_weighting", "[0, 1]"), "parameters[0].values[0]: contract.need_weighting"),
    "bool as word, third parameter": (THREE, "parameters[2].values[1]: contract.need_weighting takes true or false"),
    "float key given true": (grid("contract.capitation_level", "[true]"),
                             "parameters[0].values[0]: contract.capitation_level takes a number, not true/false"),
    "float key given text": (grid("contract.capitation_level", '["1.0"]'),
                             "parameters[0].values[0]: contract.capitation_level takes a number"),
    "int key given true": (grid("contract.invest_to_save_years", "[true]"),
                           "parameters[0].values[0]: contract.invest_to_save_years takes a whole number"),
    "int key given a fraction": (grid("contract.invest_to_save_years", "[2, 2.5]"),
                                 "parameters[0].values[1]: contract.invest_to_save_years takes whole numbers"),
    "range on a bool key (latin)": (latin("contract.need_weighting", "0.2", "0.9"),
                                    "parameters[0]: contract.need_weighting is true/false"),
    "range on a bool key (grid)": (head() + '[design]\nmethod = "grid"\n[[parameters]]\n'
                                   'name = "contract.need_weighting"\nlow = 0\nhigh = 1\nlevels = 2\n',
                                   "parameters[0]: contract.need_weighting is not a number; low/high/levels are "
                                   "only for number keys"),
    "low given true": (latin("contract.capitation_level", "true", "1.2"),
                       "parameters[0].low: must be a number, not true/false"),
    "word not a choice": (grid("contract.regime", '["iho", "capitated"]'),
                          "parameters[0].values[1]: contract.regime takes one of 'icb', 'iho'"),
    "value listed twice": (grid("contract.capitation_level", "[1.0, 1.0]"),
                           "parameters[0].values[1]: 1.0 is listed twice"),
    "override bool as string": (head(overrides='"contract.need_weighting" = "false"') + ONE,
                                "sweep.overrides.contract.need_weighting: contract.need_weighting takes true or "
                                "false"),
    "override int given true": (head(overrides="host = { planning_interval_months = true }") + ONE,
                                "sweep.overrides.host.planning_interval_months: host.planning_interval_months "
                                "takes a whole number"),
    "arm override bool as 1": (head() + ONE + '[[arms]]\nname = "a"\n'
                               'overrides = { "contract.need_weighting" = 1 }\n',
                               "arms[0].overrides.contract.need_weighting: contract.need_weighting takes true or "
                               "false"),
    # 5. finite, ordered, inside the schema's bounds
    "latin high = inf": (latin("contract.capitation_level", "0.5", "inf"),
                         "parameters[0].high: contract.capitation_level takes a finite number, not nan or inf"),
    "latin low = nan": (latin("contract.capitation_level", "nan", "1.0"),
                        "parameters[0].low: contract.capitation_level takes a finite number"),
    "grid value -inf": (grid("host.horizon_years", "[3.0, -inf]"),
                        "parameters[0].values[1]: host.horizon_years takes a finite number"),
    "override nan": (head(overrides='"host.horizon_years" = nan') + grid("contract.capitation_level", "[1.0]")[
        len(head()):], "sweep.overrides.host.horizon_years: host.horizon_years takes a finite number"),
    "low equals high": (latin("contract.capitation_level", "1.0", "1.0"),
                        "parameters[0].high: must be greater than low"),
    "low below the schema's bound": (latin("contract.capitation_level", "0.0", "1.0"),
                                     "parameters[0].low: contract.capitation_level must be >"),
    "value above the schema": (grid("host.risk_appetite", "[0.5, 1.5]"),
                               "parameters[0].values[1]: host.risk_appetite must be >= 0 and <= 1 (got 1.5)"),
    # 6. report.year within every arm's run.years
    "report.year past run.years": (grid("host.horizon_years", "[3.0]") + "[report]\nyear = 3\n",
                                   "report.year: 3 is past the last reported year; allowed 1 to 1"),
    "report.year past an arm's years": (head(years=3) + ONE + '[[arms]]\nname = "long"\n[[arms]]\nname = "short"\n'
                                        'overrides = { "run.years" = 2 }\n[report]\nyear = 3\n',
                                        "report.year: 3 is past the last reported year; allowed 1 to 2 (arm short "
                                        "has run.years = 2)"),
    # 11. designs counted before they are built; whole-number keys refuse floats
    "10^7-point grid": (many(7, 10), "design: 10,000,000 runs (10,000,000 points x 1 arm x 1 replication) "
                                     "exceeds the default limit of 100,000 (set sweep.max_runs"),
    "samples = 1e6": (latin("contract.capitation_level", "0.5", "1.5", samples="1e6"),
                      "design.samples: must be a whole number"),
    "latin 10^6 samples": (latin("contract.capitation_level", "0.5", "1.5", samples="1000000"),
                           "design: 1,000,000 runs"),
    "sobol second order": (sampled("sobol", 32768, "second_order = true\n"),
                           "design: 196,608 runs (196,608 points"),
    "morris trajectories": (sampled("morris", 50000), "design: 150,000 runs (150,000 points"),
    "arms x replications": (head(sweep_extra="replications = 10000")
                            + grid("host.horizon_years", "[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]")[len(head()):]
                            + '[[arms]]\nname = "a"\n[[arms]]\nname = "b"\n',
                            "design: 120,000 runs (6 points x 2 arms x 10,000 replications) exceeds"),
    "max_runs above the hard cap": (head(sweep_extra="max_runs = 100000000") + ONE,
                                    "sweep.max_runs: Input should be less than or equal to 10000000"),
    "max_runs as a float": (head(sweep_extra="max_runs = 1e6") + ONE, "sweep.max_runs: must be a whole number"),
    "replications = true": (head(sweep_extra="replications = true") + ONE,
                            "sweep.replications: must be a whole number"),
    "paired = 'yes'": (head(sweep_extra='paired = "yes"') + ONE, "sweep.paired: must be true or false"),
    # the file itself
    "sweep = 5": ("sweep = 5\n" + ONE, "sweep: must be a table, written [sweep]"),
    "parameters = 3": ('parameters = 3\n[sweep]\nname = "x"\n[design]\nmethod = "grid"\n',
                       "parameters: must be a list of tables, written [[parameters]]"),
    "overrides = 3": ('[sweep]\nname = "x"\noverrides = 3\n' + ONE, "sweep.overrides: must be a table"),
    "binary file": (b"\x00\x9f\x92\x96\xff\xfe sweep", "not UTF-8 text"),
    "latin-1 file": ('[sweep]\nname = "caf\xe9"\n'.encode("latin-1"), "not UTF-8 text"),
    "a folder": (None, "is a folder; give a sweep .toml file"),
}


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts model runs started in this process (the serial backend runs them here)."""
    started: list[int] = []
    original = IHOModel.__init__

    def counting(self: IHOModel, *args: object, **kwargs: object) -> None:
        started.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(IHOModel, "__init__", counting)
    monkeypatch.delenv("IHOABM_MAX_RUNS", raising=False)
    return started


def write(tmp_path: Path, content: str | bytes | None) -> Path:
    path = tmp_path / "hostile.toml"
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def sweep(path: Path, out: Path, *extra: str):
    return CliRunner().invoke(app, ["sweep", str(path), "--out", str(out), "--backend", "serial", *extra])


def assert_refused(result, path: Path, out: Path, expected: str, models: list[int]) -> str:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception   # no traceback
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    line = lines[0]
    assert line.startswith("error: ") and "Traceback" not in result.output
    assert expected in line, line
    assert models == [], "a refused sweep simulated something"
    assert not out.exists(), "a refused sweep wrote into --out"
    return line


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_sweep_files_are_refused_in_one_line(tmp_path: Path, case: str, models: list[int]) -> None:
    content, expected = CASES[case]
    path, out = write(tmp_path, content), tmp_path / "o"
    line = assert_refused(sweep(path, out), path, out, expected, models)
    assert str(path) in line, line
    with pytest.raises(SweepError):
        load_sweep(path)


def test_a_scenario_that_is_a_folder_is_refused(tmp_path: Path, models: list[int]) -> None:
    base = tmp_path / "base"
    base.mkdir()
    path, out = write(tmp_path, head().replace('"iho_lead_provider"', f'"{base}"') + ONE), tmp_path / "o"
    line = assert_refused(sweep(path, out), path, out, str(base), models)
    assert "sweep.scenario" in line and str(path) in line


def test_the_run_limit_comes_from_the_environment_unless_the_file_sets_it(tmp_path: Path, models: list[int],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path, out = write(tmp_path, grid("host.horizon_years", "[1.0, 2.0]")), tmp_path / "o"
    monkeypatch.setenv("IHOABM_MAX_RUNS", "1")
    assert_refused(sweep(path, out), path, out, "design: 2 runs (2 points x 1 arm x 1 replication) exceeds the "
                   "IHOABM_MAX_RUNS limit of 1", models)
    monkeypatch.setenv("IHOABM_MAX_RUNS", "1e6")
    assert_refused(sweep(path, out), path, out, "IHOABM_MAX_RUNS='1e6': must be a whole number from 1 to "
                   "10,000,000", models)
    (tmp_path / "ok").mkdir()
    allowed = write(tmp_path / "ok", grid("host.horizon_years", "[1.0, 2.0]", sweep_extra="max_runs = 2"))
    assert load_sweep(allowed).sweep.max_runs == 2                         # the file's own limit wins


# --- accepted edges: these run ------------------------------------------------------------------------------
def test_booleans_run_as_written_at_the_limits(tmp_path: Path, models: list[int]) -> None:
    """true/false as TOML booleans, an integral float for a whole-number key, runs exactly at max_runs and
    report.year exactly at run.years: accepted, and false really runs false."""
    text = head(sweep_extra="max_runs = 2") + """[design]
method = "grid"
[[parameters]]
name = "contract.need_weighting"
values = [false, true]
[[parameters]]
name = "contract.invest_to_save_years"
values = [2.0]
[report]
year = 1
"""
    path, out = write(tmp_path, text), tmp_path / "o"
    spec = load_sweep(path)
    points = sample_points(spec)
    assert points["contract.need_weighting"].tolist() == [False, True]
    assert points["contract.invest_to_save_years"].map(type).eq(int).all()
    assert [t.values["contract.need_weighting"] for t in make_tasks(spec)] == [False, True]
    result = sweep(path, out, "--no-report")
    assert result.exit_code == 0, result.output
    assert len(models) == 2
    assert out.is_dir()


def test_a_latin_range_on_the_schema_bounds_runs(tmp_path: Path, models: list[int],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Inclusive schema bounds (0 <= risk_appetite <= 1) are allowed, and a true/false key keeps its
    documented low = 0, high = 1 range in a sampled design."""
    monkeypatch.setenv("IHOABM_MAX_RUNS", "2")
    text = head() + """[design]
method = "latin"
samples = 2
[[parameters]]
name = "host.risk_appetite"
low = 0.0
high = 1.0
[[parameters]]
name = "contract.need_weighting"
low = 0
high = 1
"""
    path, out = write(tmp_path, text), tmp_path / "o"
    points = sample_points(load_sweep(path))
    assert points["host.risk_appetite"].between(0.0, 1.0).all()
    assert points["contract.need_weighting"].map(type).eq(bool).all()
    result = sweep(path, out, "--no-report")
    assert result.exit_code == 0, result.output
    assert len(models) == 2


# --- the design and the report never reinterpret --------------------------------------------------------------
@pytest.mark.parametrize("method, samples, extra", [("grid", None, ""), ("latin", 5, ""), ("sobol", 4, ""),
                                                    ("sobol", 4, "second_order = true\n"), ("morris", 3, "")])
def test_counted_runs_match_the_built_design(tmp_path: Path, method: str, samples: int | None, extra: str) -> None:
    if method == "grid":
        text = grid("host.horizon_years", "[1.0, 2.0, 3.0]", sweep_extra="replications = 2")
        text += '[[parameters]]\nname = "host.risk_appetite"\nvalues = [0.1, 0.5]\n[[arms]]\nname = "a"\n'
        text += '[[arms]]\nname = "b"\n'
    else:
        text = sampled(method, samples, extra)        # type: ignore[arg-type]
    spec = load_sweep(write(tmp_path, text))
    assert point_count(spec) == len(sample_points(spec))
    assert len(make_tasks(spec)) == point_count(spec) * len(spec.arm_list()) * spec.sweep.replications


def _unchecked(raw_values: list, name: str = "contract.need_weighting") -> SweepSpec:
    """A spec that skipped load_sweep's checks (built directly from its tables)."""
    return SweepSpec.model_validate({"sweep": {"name": "x"}, "design": {"method": "grid"},
                                     "parameters": [{"name": name, "values": raw_values}]})


def test_the_design_refuses_what_the_loader_would_have_refused() -> None:
    with pytest.raises(SweepError, match="'false' is not a bool value"):
        grid_values(_unchecked(["false", "true"]).parameters[0], bool)
    with pytest.raises(SweepError, match="0.2 is not a bool value"):
        sample_points(_unchecked([0.2, 0.9]))
    huge = SweepSpec.model_validate({"sweep": {"name": "x"}, "design": {"method": "grid"}, "parameters": [
        {"name": f"host.{k}", "values": [i / 20 for i in range(1, 11)]}
        for k in ("risk_appetite", "population_health_weight", "max_invest_share", "learning_rate",
                  "discount_rate", "prior_return")]})
    with pytest.raises(SweepError, match="design: 1,000,000 runs"):
        sample_points(huge)                            # refused before the million rows are built


def test_report_year_is_never_silently_replaced(tmp_path: Path) -> None:
    spec = load_sweep(write(tmp_path, grid("host.horizon_years", "[3.0]", years=2)))
    results = pd.DataFrame({"run_id": ["a", "a", "b"], "year": [1, 2, 1]})      # run b stopped after year 1
    folder = SimpleNamespace(root=tmp_path / "o")

    def data(year: int | None) -> SweepData:
        return SweepData(spec.model_copy(update={"report": Report(year=year)}), pd.DataFrame(), pd.DataFrame(),
                         results, folder)  # type: ignore[arg-type]

    assert data(None).year() == 1                      # the last year every run reports
    assert data(1).year() == 1
    with pytest.raises(SweepError, match=r"report.year: 2 is past the last year the saved runs report; "
                                         r"allowed 1 to 1"):
        data(2).year()
    with pytest.raises(SweepError, match="report.year: 7 is past"):
        data(7).year()
