import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ihoabm.cli.commands import app
from ihoabm.outputs.tables import ANNUAL_COLUMNS

runner = CliRunner()


def test_run_writes_every_output(tmp_path: Path):
    out = tmp_path / "run"
    res = runner.invoke(app, ["run", "--patients", "3000", "--years", "1", "--seed", "2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    for name in ("annual.csv", "by_group.csv", "daily.csv", "ledger.csv", "scenario.toml", "activity.png",
                 "spending.png"):
        assert (out / name).stat().st_size > 0, name
    annual = pd.read_csv(out / "annual.csv")
    assert list(annual.columns[: len(ANNUAL_COLUMNS)]) == list(ANNUAL_COLUMNS)
    by_group = pd.read_csv(out / "by_group.csv")
    assert set(by_group["age_band"]) == {"0-17", "18-64", "65-74", "75-84", "85+"}
    assert set(by_group["ltc_group"].astype(str)) == {"0", "1", "2+"}
    assert "per 1,000" in res.output


@pytest.mark.parametrize(("body", "key"), [
    ("[acute]\nbeds_per_1000 = 0\n", "acute.beds_per_1000"),
    ("[acute]\nbeds = 3\n", "acute.beds"),
    ('[host]\nrisk_appetite = "high"\n', "host.risk_appetite"),
])
def test_bad_scenario_files_exit_2_naming_the_key(tmp_path: Path, body: str, key: str):
    f = tmp_path / "bad.toml"
    f.write_text('[meta]\nextends = "baseline"\nname = "bad"\nschema_version = 1\n' + body)
    proc = subprocess.run([sys.executable, "-m", "ihoabm", "run", str(f), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert key in proc.stderr and str(f) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_bad_command_line_values_and_out_path(tmp_path: Path):
    res = runner.invoke(app, ["run", "--patients", "10"])
    assert res.exit_code == 2 and "run.patients" in res.output
    existing = tmp_path / "file.txt"
    existing.write_text("keep me")
    res = runner.invoke(app, ["run", "--patients", "2000", "--years", "1", "--out", str(existing)])
    assert res.exit_code == 2 and "not a folder" in res.output
    assert existing.read_text() == "keep me"


def test_scenario_show_prints_resolved_toml():
    res = runner.invoke(app, ["scenario", "show", "iho_invest_to_save"])
    assert res.exit_code == 0
    assert 'regime = "iho"' in res.output and "beds_per_1000" in res.output
    res = runner.invoke(app, ["scenario", "list"])
    assert res.exit_code == 0 and "pbr_high_community" in res.output
