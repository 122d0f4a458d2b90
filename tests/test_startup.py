"""Commands that do not simulate start without the simulation stack (what is imported, never how fast)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

HEAVY = ("mesa", "pandas", "scipy", "matplotlib")


def imported_after(code: str) -> dict[str, bool]:
    """Which of the heavy packages a fresh interpreter has imported after running `code`."""
    probe = textwrap.dedent(code) + textwrap.dedent(f"""
        import json, sys
        print(json.dumps({{name: name in sys.modules for name in {HEAVY!r}}}))
    """)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_cli(*args: str) -> str:
    """Run the command line inside the probe, as `ihoabm ARGS`, and swallow its exit."""
    return f"""
        import contextlib, io
        from ihoabm.cli.commands import app
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                app({list(args)!r})
            except SystemExit as exc:
                assert exc.code in (0, None), exc.code
    """


def test_importing_the_command_line_and_its_help_import_no_simulation_stack() -> None:
    assert imported_after("import ihoabm.cli.commands") == dict.fromkeys(HEAVY, False)
    assert imported_after(run_cli("--help")) == dict.fromkeys(HEAVY, False)


@pytest.mark.parametrize("args", [("scenario", "list"), ("scenario", "show", "baseline"), ("sweep", "--help"),
                                  ("compare", "--help")])
def test_commands_that_read_scenarios_import_no_simulation_stack(args: tuple[str, ...]) -> None:
    assert imported_after(run_cli(*args)) == dict.fromkeys(HEAVY, False)


def test_the_package_names_its_model_without_importing_it() -> None:
    assert imported_after("import ihoabm") == dict.fromkeys(HEAVY, False)
    assert imported_after("import ihoabm; ihoabm.IHOModel")["mesa"]
    assert imported_after("from ihoabm import Scenario, load_scenario") == dict.fromkeys(HEAVY, False)


def test_the_sweep_report_reads_results_without_the_model_or_plotting() -> None:
    """The report's modules import none of the heavy packages (pandas comes in for plots and data frames)."""
    loaded = imported_after("import ihoabm.experiments.sweep.report, ihoabm.experiments.sweep.spec")
    assert not loaded["mesa"] and not loaded["matplotlib"] and not loaded["scipy"] and not loaded["pandas"]


SMALL_SWEEP = """
[sweep]
name = "small"
replications = 2
[design]
method = "grid"
[[parameters]]
name = "community.funding_per_head"
values = [150.0, 250.0]
[[parameters]]
name = "contract.capitation_level"
values = [0.9, 1.1]
[report]
metrics = ["spend_total"]
"""


def test_the_sweep_report_of_a_small_folder_imports_no_pandas_or_scipy(fake_sweep) -> None:
    """`ihoabm sweep-report OUT` reads with pyarrow and numpy; only its plots bring matplotlib (and pandas)."""
    out = fake_sweep(SMALL_SWEEP)
    assert imported_after(run_cli("sweep-report", str(out), "--no-plots")) == dict.fromkeys(HEAVY, False)
    plotted = imported_after(run_cli("sweep-report", str(out)))
    assert plotted["matplotlib"] and not plotted["mesa"] and not plotted["scipy"]
    assert (out / "plots" / "heatmap_spend_total.png").is_file()
