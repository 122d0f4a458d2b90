"""The shareable outputs of `compare`: the HTML report (opened in Chromium), the workbook, `ihoabm report`.

The browser part needs Debian's Chromium (/usr/bin/chromium) and Python playwright. Without them only the
browser test fails, with the install hint; every other test here still runs.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from ihoabm.cli.commands import app
from ihoabm.outputs import catalogue, present
from ihoabm.outputs.folder import verify

runner = CliRunner()
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
SMALL = ["-n", "3000", "-y", "2", "-r", "2", "-w", "1", "--uncertainty", "0"]


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cmp") / "out"
    res = runner.invoke(app, ["compare", "pbr_2004", "api_today", *SMALL, "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_compare_writes_the_report_and_workbook_inside_its_result_set(compared: Path):
    for name in ("report.html", "comparison.xlsx", "scenarios.json"):
        assert (compared / name).stat().st_size > 0, name
    assert verify(compared) == []


def test_the_report_is_self_contained(compared: Path):
    text = (compared / "report.html").read_text(encoding="utf-8")
    # Nothing is fetched: no script, no link element, no src or url() that is not embedded data.
    assert "<script" not in text and "<link" not in text
    sources = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", text) + re.findall(r"url\(([^)]+)\)", text)
    assert sources and all(s.startswith("data:") for s in sources), [s[:40] for s in sources]
    assert "@media print" in text
    for section in ("The question and the arms", "Headline", "Value for money", "Equity",
                    "The assumptions that drive the answer", "Provenance"):
        assert section in text, section
    assert catalogue.label("nel_admissions") in text and "contract year 1" in text and "£" in text
    assert "nel_admissions" not in text.split("Provenance")[0].replace("(nel_admissions", "")
    manifest = pd.read_json(compared / "manifest.json", typ="series")
    for arm in manifest["arms"].values():
        assert arm["scenario_hash"] in text
    assert "Decomposition" not in text     # no decomposition.csv, no section


def test_a_decomposition_is_rendered_when_present_and_the_manifest_follows(compared: Path, tmp_path: Path):
    folder = tmp_path / "copy"
    shutil.copytree(compared, folder)
    pd.DataFrame({"arm": ["api_today", "api_today"], "metric": ["nel_admissions", "spend_total"],
                  "channel": ["marginal_admissions", "tariff"], "contribution": [-12.0, -250_000.0]}
                 ).to_csv(folder / "decomposition.csv", index=False)
    res = runner.invoke(app, ["report", str(folder)])
    assert res.exit_code == 0, res.output
    text = (folder / "report.html").read_text(encoding="utf-8")
    assert "Decomposition" in text and "marginal admissions" in text and "-£250k" in text
    (folder / "decomposition.csv").unlink()
    # The report is part of the result set: its new hash is in the manifest, so the set still verifies.
    assert verify(folder) == []


def test_report_refuses_a_folder_that_is_not_a_result_set(tmp_path: Path):
    res = runner.invoke(app, ["report", str(tmp_path)])
    assert res.exit_code == 2 and "not a comparison" in res.output and str(tmp_path) in res.output
    res = runner.invoke(app, ["report", str(tmp_path / "missing")])
    assert res.exit_code == 2 and "no such folder" in res.output


def test_the_workbook_reads_back_with_units_and_settings(compared: Path):
    book = openpyxl.load_workbook(compared / "comparison.xlsx", read_only=True)
    assert book.sheetnames == ["About", "Differences", "Value", "Equity", "Runs", "Scenario settings"]
    diffs = pd.read_excel(compared / "comparison.xlsx", sheet_name="Differences")
    assert {"Measure", "Unit", "Contract year", "Difference (arm minus reference)"} <= set(diffs.columns)
    row = diffs[(diffs["Key"] == "nel_admissions") & (diffs["Contract year"] == 1)].iloc[0]
    comp = pd.read_csv(compared / "comparison.csv")
    expected = comp[(comp["metric"] == "nel_admissions") & (comp["year"] == 1)]["diff"].iloc[0]
    assert row["Difference (arm minus reference)"] == pytest.approx(expected)     # numbers stay numbers
    assert row["Unit"] == "admissions a year" and row["Measure"] == catalogue.label("nel_admissions")
    surplus = diffs[diffs["Key"] == "acute_surplus"]
    assert surplus["Unit"].eq("£ a year").all() and surplus["Difference, % of reference"].isna().all()
    runs = pd.read_excel(compared / "comparison.xlsx", sheet_name="Runs")
    assert present.label("spend_total") in runs.columns
    settings = pd.read_excel(compared / "comparison.xlsx", sheet_name="Scenario settings")
    assert {"Parameter", "Key", "pbr_2004", "api_today", "Source"} <= set(settings.columns)
    differ = settings[settings["Differs between arms"] == "yes"]
    assert "meta.name" in set(differ["Key"]) and len(differ) >= 2


def _open_in_chromium(path: Path, shot: Path) -> tuple[list[str], str]:
    """Load the report in Chromium; return every URL requested and the headline table's text."""
    from playwright.sync_api import sync_playwright

    urls: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.on("request", lambda r: urls.append(r.url))
            page.goto(path.as_uri(), wait_until="load")
            heading = page.locator("h2", has_text="Headline")
            heading.wait_for(timeout=15_000)
            table = page.locator("h2:has-text('Headline') ~ table").first
            text = table.inner_text()
            assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
            page.screenshot(path=str(shot))
            page.pdf(path=str(shot.with_suffix(".pdf")))   # printing works (Chromium's print-to-PDF)
        finally:
            browser.close()
    return urls, text


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_the_report_opens_in_chromium_with_no_off_machine_request(compared: Path, tmp_path: Path):
    if not CHROMIUM.exists():   # as tests/test_app_browser.py: fail in CI, skip elsewhere, with the hint
        hint = "no /usr/bin/chromium: install it with `apt-get install -y chromium` (never `playwright install`)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {hint}", pytrace=False)
        pytest.skip(hint)
    pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed (pip install -e .[test])")
    shots = Path(os.environ.get("IHOABM_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    urls, text = _open_in_chromium(compared / "report.html", shots / "report.png")
    off_machine = [u for u in urls if urlparse(u).scheme not in ("file", "data", "about")]
    assert urls and not off_machine, off_machine
    assert catalogue.label("nel_admissions") in text and "contract year 1" in text
    assert (shots / "report.png").stat().st_size > 0 and (shots / "report.pdf").stat().st_size > 0


TINY_SWEEP = """
[sweep]
name = "tiny"
description = "A 2 x 2 grid, small enough for a test."
question = "Does community funding lower admissions?"
scenario = "pbr_2004"
seed = 5
replications = 2

[sweep.overrides]
run = { patients = 2000, years = 1 }

[design]
method = "grid"

[[parameters]]
name = "community.funding_per_head"
values = [130.0, 250.0]

[[parameters]]
name = "contract.capitation_level"
values = [0.9, 1.1]

[report]
metrics = ["nel_admissions", "spend_total"]
"""


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sweep")
    (folder / "tiny.toml").write_text(TINY_SWEEP)
    res = runner.invoke(app, ["sweep", str(folder / "tiny.toml"), "--backend", "serial", "--out",
                              str(folder / "out")])
    assert res.exit_code == 0, res.output
    return folder / "out"


def test_a_sweep_writes_a_workbook_and_report_with_human_labels(swept: Path):
    text = (swept / "summary" / "report.html").read_text(encoding="utf-8")
    assert "Does community funding lower admissions?" in text and "Capitation level (contract)" in text
    assert "2,000 residents" in text and "<script" not in text
    book = pd.read_excel(swept / "summary" / "sweep.xlsx", sheet_name=None)
    assert {"About", "Parameters", "Points", "Tornado"} <= set(book)
    points = book["Points"]
    assert "Capitation level (contract)" in points.columns and "Unit" in points.columns
    assert set(points["Metric"]) == {catalogue.label("nel_admissions"), catalogue.label("spend_total")}
    assert pd.api.types.is_numeric_dtype(points["Mean"])
    res = runner.invoke(app, ["report", str(swept)])   # the same report, rebuilt on demand
    assert res.exit_code == 0 and "summary/report.html" in res.output.replace("\n", "")


def test_sweep_plots_have_a_panel_per_point_and_labelled_units(swept: Path):
    from ihoabm.experiments.sweep import plots as sweep_plots

    results = pd.read_parquet(swept / "results.parquet")
    params = ["community.funding_per_head", "contract.capitation_level"]
    fig = sweep_plots.fan(results, "nel_admissions", params)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 4                                       # one panel per design point, never pooled
    assert "Capitation level 0.9" in visible[0].get_title() and "2 replications per point" in fig.get_suptitle()
    points = pd.read_csv(swept / "summary" / "points.csv")
    heat = sweep_plots.heatmap(points, "spend_total", *params, year=1)
    image_ax, bar_ax = heat.axes[0], heat.axes[1]
    assert image_ax.get_xlabel() == "Funding per head (community), £ a year"
    assert image_ax.get_ylabel() == "Capitation level (contract)"
    assert bar_ax.get_ylabel() == "mean Spending on care (£ million a year)"
    heat.canvas.draw()
    assert bar_ax.yaxis.get_offset_text().get_text() == ""        # no '1e6' above the colour bar
