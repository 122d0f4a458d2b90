"""The outputs catalogue is the one list of outputs: tables, reporters, sweeps, the app, the network and labels."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from ihoabm.outputs import catalogue
from ihoabm.outputs.catalogue import METRICS


@pytest.fixture(scope="module")
def model():
    from ihoabm.experiments.run import simulate

    return simulate("iho_invest_to_save", patients=2_000, years=1, seed=5)


def test_every_entry_has_a_label_a_unit_a_kind_and_how_it_is_counted():
    assert METRICS, "the catalogue is empty"
    for name, m in METRICS.items():
        assert m.name == name
        assert m.label.strip() and m.unit.strip(), name
        assert m.kind in catalogue.KINDS, name
        assert m.tally or m.annual is not None or m.live is not None, f"{name}: counted nowhere"
        assert m.counted.strip(), name
    catalogue.check()


def test_annual_csv_columns_are_exactly_the_catalogues_annual_metrics(model):
    from ihoabm.outputs import tables

    annual = tables.annual(model)
    assert len(annual) == 1
    metrics = [c for c in annual.columns if c not in catalogue.IDENTIFIERS]
    assert metrics == [m.name for m in METRICS.values() if m.annual is not None]
    assert list(annual.columns) == list(tables.ANNUAL_COLUMNS)
    assert list(annual.columns[:3]) == list(catalogue.IDENTIFIERS)
    assert annual[metrics].notna().all().all()


def test_daily_and_by_group_columns_are_catalogue_tally_series(model):
    from ihoabm.outputs import tables

    daily = tables.daily(model)
    assert set(daily.columns) - {"day", "year"} == {m.name for m in METRICS.values() if m.tally}
    by_group = tables.by_group(model)
    counts = [c for c in by_group.columns if c not in ("scenario", "seed", "year", "age_band", "imd_quintile",
                                                         "ltc_group", "population")]
    assert counts == list(catalogue.BY_GROUP)
    assert {METRICS[c].kind for c in counts} == {"count by group"}


def test_reporters_are_the_catalogues_live_metrics(model):
    from ihoabm.outputs.reporters import MODEL_REPORTERS

    assert set(MODEL_REPORTERS) == {m.name for m in METRICS.values() if m.live is not None}
    collected = model.datacollector.get_model_vars_dataframe()
    assert set(collected.columns) == set(MODEL_REPORTERS)
    assert np.isfinite(collected.to_numpy(dtype=float)).all()
    assert collected["day"].iloc[-1] == model.day


def test_sweep_metrics_app_series_and_network_flows_are_catalogue_names():
    from ihoabm.app import figures, series
    from ihoabm.experiments.sweep.spec import DEFAULT_METRICS
    from ihoabm.experiments.sweep.spec import METRICS as SWEEP_METRICS
    from ihoabm.outputs import plots
    from ihoabm.outputs.tally import COUNTS, GROUPED, STOCKS
    from ihoabm.providers.network import PATIENT_FLOWS

    assert set(SWEEP_METRICS) == {m.name for m in METRICS.values() if m.annual is not None}
    assert set(DEFAULT_METRICS) <= set(SWEEP_METRICS)
    live = {m.name for m in METRICS.values() if m.live is not None}
    assert set(series.SPEND.values()) | set(series.BALANCES) <= live
    assert {name for name, _ in figures.ACTIVITY} <= live
    assert set(catalogue.APP_HEALTH) <= live and {name for name, _, _ in figures.HEALTH_COMPARED} <= live
    assert {name for name, _, _ in figures.COMPARED} <= set(METRICS)
    assert set(plots.ACTIVITY) <= set(METRICS)
    flows = [name for names in PATIENT_FLOWS.values() for name in names]
    assert flows and all(METRICS[n].tally for n in flows)
    assert {e for e, names in PATIENT_FLOWS.items() for n in names if METRICS[n].flow == e} == set(PATIENT_FLOWS)
    assert set(COUNTS) == {m.name for m in METRICS.values() if m.tally}
    assert set(GROUPED) <= set(COUNTS) and set(STOCKS) <= set(COUNTS)
    assert all(METRICS[n].kind == "level" for n in STOCKS)


def test_a_contradiction_in_the_catalogue_is_refused(monkeypatch):
    monkeypatch.setattr(catalogue, "BY_GROUP", (*catalogue.BY_GROUP, "births"))
    with pytest.raises(ValueError, match="BY_GROUP"):
        catalogue.check()


def _relabel(monkeypatch, name: str, label: str) -> None:
    monkeypatch.setitem(METRICS, name, dataclasses.replace(METRICS[name], label=label))


def _text(table) -> str:
    console = Console(record=True, width=250)
    console.print(table)
    return console.export_text()


def test_cli_tables_take_their_labels_from_the_catalogue(monkeypatch):
    from ihoabm.cli.commands import comparison_table, rates_table
    from ihoabm.outputs.tables import summary

    _relabel(monkeypatch, "nel_admissions", "Zebra crossings")
    _relabel(monkeypatch, "host_surplus", "Hosted picnic")
    rows = [{"metric": m, "year": y, "diff": 1.0, "diff_lo": -1.0, "diff_hi": 2.0, "pct_diff": 0.5, "mean_a": 10.0}
            for m in catalogue.KEY_DIFFERENCES for y in (1, 2)]
    text = _text(comparison_table(pd.DataFrame(rows), "A", "B", 3))
    assert "Zebra crossings" in text and "Hosted picnic (£ a year)" in text
    assert "nel_admissions" not in text

    annual = pd.DataFrame({"year": [1, 2], **{n: [1.0, 2.0] for n in catalogue.ANNUAL}})
    annual["population"] = 1000.0
    text = _text(rates_table("rates", summary(annual)))
    assert "Zebra crossings per 1,000 residents" in text
    assert "nel_admissions" not in text


def test_plot_axes_take_their_labels_from_the_catalogue(monkeypatch):
    from ihoabm.experiments.sweep import plots as sweep_plots
    from ihoabm.outputs import plots

    _relabel(monkeypatch, "conveyances", "Pumpkin carriages")
    results = pd.DataFrame({"arm": "a", "run_id": [1, 2, 3, 4], "year": [1, 1, 2, 2],
                            "conveyances": [5.0, 6.0, 7.0, 8.0]})
    ax = sweep_plots.fan(results, "conveyances").axes[0]
    assert ax.get_ylabel() == "Pumpkin carriages (conveyances a year)"
    assert ax.get_title().startswith("Pumpkin carriages")

    comp = pd.DataFrame({"metric": "conveyances", "year": [1, 2], "diff": [1.0, 2.0], "diff_lo": [0.0, 1.0],
                         "diff_hi": [2.0, 3.0]})
    fig = plots.comparison(comp, "A", "B", metrics=("conveyances",))
    assert fig.axes[0].get_title() == "Pumpkin carriages (conveyances a year)"


IMPORT_AND_DRAW = textwrap.dedent("""
    import io, sys
    import matplotlib
    before = matplotlib.get_backend()
    import pandas as pd
    import ihoabm.outputs.plots as plots
    import ihoabm.experiments.sweep.plots as sweep_plots
    import ihoabm.app.figures
    comp = pd.DataFrame({"metric": "conveyances", "year": [1, 2], "diff": [1.0, 2.0], "diff_lo": [0.0, 1.0],
                         "diff_hi": [2.0, 3.0]})
    plots.comparison(comp, "A", "B", metrics=("conveyances",)).savefig(io.BytesIO(), format="png")
    results = pd.DataFrame({"arm": "a", "run_id": [1, 2], "year": [1, 2], "conveyances": [5.0, 6.0]})
    sweep_plots.fan(results, "conveyances").savefig(io.BytesIO(), format="png")
    print(before, matplotlib.get_backend(), "matplotlib.pyplot" in sys.modules, sep="\\n")
""")


def test_importing_and_drawing_plots_leaves_the_backend_alone():
    inline = "module://matplotlib_inline.backend_inline"
    backend = inline if importlib.util.find_spec("matplotlib_inline") else "pdf"
    env = {**os.environ, "MPLBACKEND": backend}
    proc = subprocess.run([sys.executable, "-c", IMPORT_AND_DRAW], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    before, after, pyplot = proc.stdout.split()
    assert before == backend
    assert after == backend, f"importing or drawing the plots switched the backend to {after}"
    assert pyplot == "False", "the plotting modules imported pyplot"
