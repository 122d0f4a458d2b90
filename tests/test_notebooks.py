"""Workshop notebooks: each runs top to bottom in a fresh kernel, and each .ipynb matches its .py twin.

The kernel is this interpreter (the project's venv), registered under a temporary Jupyter path so no
system-wide kernel is needed or used. The notebooks run at their workshop size, the only size they have: each
states claims about what the model shows and checks them in the cell after (cells tagged `remove-input`), so a
run here is a check that the text still tells the truth. Files the notebooks write go to a temporary folder
(IHOABM_WORKSHOP_OUT), never into the working tree.

The notebooks are run by one module fixture, two at a time (each in its own kernel, on its own core), and
each notebook's test checks its own result.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
jupytext = pytest.importorskip("jupytext")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED = ("01_quickstart", "02_pbr_vs_iho", "03_invest_to_save", "04_uncertainty_and_sweeps",
            "05_design_an_iho_contract")
NAMES = sorted({p.stem for p in NOTEBOOKS.glob("*.py")} | {p.stem for p in NOTEBOOKS.glob("*.ipynb")})
# A notebook whose model module is written separately: its absence (only) is a reason to skip.
NEEDS = {"04_uncertainty_and_sweeps": "ihoabm.experiments.sweep"}
KERNEL = "ihoabm-test"


def _cells(nb) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source.strip()) for cell in nb.cells]


def test_all_workshop_notebooks_are_there_with_twins():
    for name in EXPECTED:
        assert (NOTEBOOKS / f"{name}.ipynb").is_file(), f"notebooks/{name}.ipynb is missing"
        assert (NOTEBOOKS / f"{name}.py").is_file(), f"notebooks/{name}.py (the text twin) is missing"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_and_text_twin_match(name):
    ipynb_path, py_path = NOTEBOOKS / f"{name}.ipynb", NOTEBOOKS / f"{name}.py"
    assert ipynb_path.is_file() and py_path.is_file(), f"{name}: needs both .ipynb and .py"
    ipynb = nbformat.read(ipynb_path, as_version=4)
    twin = jupytext.read(py_path)
    a, b = _cells(ipynb), _cells(twin)
    fix = f"run: jupytext --sync notebooks/{name}.py (or notebooks/{name}.ipynb, whichever you edited)"
    for i, (cell_a, cell_b) in enumerate(zip(a, b, strict=False)):
        assert cell_a == cell_b, f"{name}: cell {i} differs between .ipynb and .py; {fix}"
    assert len(a) == len(b), f"{name}: {len(a)} cells in .ipynb but {len(b)} in .py; {fix}"
    formats = ipynb.metadata.get("jupytext", {}).get("formats", "")
    assert formats == "ipynb,py:percent", f"{name}: .ipynb is not paired with a py:percent twin"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, \
                f"{name}: cell {i} has outputs; clear them (jupytext --sync from the .py twin does)"


@pytest.fixture(scope="session")
def kernel_name(tmp_path_factory):
    """A kernelspec that runs this interpreter, on a temporary Jupyter path."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "ihoabm (test interpreter)", "language": "python"}))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(root))
        mp.setenv("IHOABM_WORKSHOP_OUT", str(tmp_path_factory.mktemp("workshop_output")))
        mp.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        yield KERNEL


def _missing(name: str) -> str | None:
    module = NEEDS.get(name)
    return module if module and importlib.util.find_spec(module) is None else None


PARALLEL = 2   # notebooks running at once (each kernel runs its models in one process)


@pytest.fixture(scope="module")
def executed(kernel_name, request):
    """Every selected runnable notebook, run top to bottom: name -> (notebook with outputs, exception or None, seconds).

    Only the notebooks whose run test is selected are run (`-k 02` runs notebook 2 alone).
    """
    wanted = {item.callspec.params["name"] for item in request.session.items
              if getattr(item, "originalname", "") == "test_notebook_runs_top_to_bottom"}

    async def one(name: str, gate: asyncio.Semaphore):
        async with gate:
            nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
            client = nbclient.NotebookClient(nb, kernel_name=kernel_name, timeout=600,
                                             resources={"metadata": {"path": str(NOTEBOOKS)}})
            start = time.perf_counter()
            try:
                await client.async_execute()
            except Exception as exc:  # handed to the notebook's own test
                return name, (nb, exc, time.perf_counter() - start)
            return name, (nb, None, time.perf_counter() - start)

    async def every() -> list:
        gate = asyncio.Semaphore(PARALLEL)
        return await asyncio.gather(*(one(name, gate) for name in NAMES if name in wanted and not _missing(name)))

    return dict(asyncio.run(every()))


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name, executed):
    module = _missing(name)
    if module:
        pytest.skip(f"{module} is not installed yet; {name} uses it")
    nb, exc, seconds = executed[name]
    if isinstance(exc, nbclient.exceptions.CellExecutionError):
        pytest.fail(f"{name} failed:\n{exc}", pytrace=False)
    if exc is not None:
        raise exc
    print(f"{name}: {seconds:.1f} s")
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{name}: a cell produced an error output"


def test_a_wrong_value_gives_one_friendly_line(capsys):
    from ihoabm.outputs import workshop

    assert workshop.run_design("typo", "iho_lead_provider", {"contract.capitation_level": 7}, [1], {}) is None
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("Not run:") and "capitation_level" in out[0], out


def test_lever_panel_gives_valid_overrides_and_refuses_out_of_range():
    pytest.importorskip("ipywidgets")
    from ihoabm.outputs.levers import Panel
    from ihoabm.scenario import load_scenario

    panel = Panel("iho_lead_provider")
    load_scenario(panel.scenario, panel.overrides())        # every lever at its starting value is allowed
    panel.set(**{"contract.tied_funding_share": 0.03})
    assert panel.overrides()["contract.tied_funding_share"] == pytest.approx(0.03)
    with pytest.raises(ValueError, match="outside the panel's range"):
        panel.set(**{"contract.tied_funding_share": 0.5})


def test_workshop_outputs_stay_in_the_project_folder(tmp_path, monkeypatch):
    from ihoabm.outputs import workshop

    monkeypatch.delenv(workshop.OUT_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert workshop.output_folder("x") == tmp_path / "workshop_output" / "x"
