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
    by_trust = pd.read_csv(out / "by_trust.csv")
    assert list(by_trust["provider"]) == ["acute", "independent"]   # one trust (the independent sector is off)
    assert by_trust.set_index("provider").loc["acute", "nel_admissions_share"] == 1.0
    assert pd.read_csv(out / "by_place.csv").empty            # one place: annual.csv has it


def test_a_run_with_three_trusts_writes_their_market_shares_and_places(tmp_path: Path):
    out = tmp_path / "run"
    res = runner.invoke(app, ["run", "pbr_2004_three_trusts", "-n", "3000", "-y", "1", "-o", str(out)])
    assert res.exit_code == 0, res.output
    by_trust = pd.read_csv(out / "by_trust.csv")
    assert set(by_trust["provider"]) == {"acute", "acute_2", "acute_3", "independent"}
    assert by_trust["nel_admissions_share"].sum() == pytest.approx(1.0)
    annual = pd.read_csv(out / "annual.csv")
    assert by_trust["nel_admissions"].sum() == annual["nel_admissions"].sum()
    assert len(pd.read_csv(out / "by_place.csv")) == 3
    assert (pd.read_csv(out / "trust_flows.csv")["nel_admissions"] >= 0).all()


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


def _help(*args: str) -> str:
    res = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    return " ".join(res.output.replace("│", " ").split())


def test_every_compare_option_is_described_and_run_shows_its_defaults():
    import re

    text = _help("compare")
    for option in ("--replications", "--years", "--patients", "--seed", "--workers", "--out", "--overwrite"):
        described = re.search(re.escape(option) + r" (?:-\w )?<[^>]+>(?: \[[^\]]+\])? (\S+)", text)
        assert described and not described.group(1).startswith("--"), option
    text = _help("run")
    assert "Default: the scenario's run.patients (100,000" in text and "run.seed (1)" in text
    assert "[default: out/run]" in text


def test_progress_is_plain_lines_when_not_on_a_terminal(tmp_path: Path):
    from ihoabm.cli import tools

    # Long enough to pass the quiet first seconds (a run that ends within them prints nothing).
    proc = subprocess.run([sys.executable, "-m", "ihoabm", "run", "-n", "30000", "-y", "3", "-o", str(tmp_path / "r")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "simulating days" in line]
    assert 1 <= len(lines) <= 11 and lines[-1].endswith("100% (1,460 of 1,460)"), proc.stderr
    assert tools.QUIET_SECONDS <= 5
    assert "\x1b[" not in proc.stderr   # no terminal control codes in a log file


def test_validate_says_a_small_run_is_too_small_to_judge():
    res = runner.invoke(app, ["validate", "--patients", "3000", "--years", "1"])
    assert res.exit_code == 0, res.output
    assert "too small to judge" in res.output and "--patients 50,000" in res.output


def test_scenario_diff_lists_what_differs_with_sources(monkeypatch):
    from ihoabm.cli import commands

    monkeypatch.setattr(commands.console, "width", 400)   # one line per row, so sources read whole
    res = runner.invoke(app, ["scenario", "diff", "pbr_2004", "iho_invest_to_save"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.replace("│", " ").split())
    assert "contract.invest_to_save_premium" in text and "0.3" in text
    assert "assumption: premium as a share of the community contact unit cost" in text
    assert "contract.regime" in text and "population.age_band_shares" not in text
    same = runner.invoke(app, ["scenario", "diff", "pbr_2004", "baseline"])
    assert same.exit_code == 0 and "no parameter differs" in same.output
    bad = runner.invoke(app, ["scenario", "diff", "pbr_2004", "no_such_scenario"])
    assert bad.exit_code == 2 and "no_such_scenario" in bad.output


def test_scenario_show_sources_adds_each_values_source_and_stays_toml():
    import tomllib

    res = runner.invoke(app, ["scenario", "show", "iho_invest_to_save", "--sources"])
    assert res.exit_code == 0, res.output
    assert "invest_to_save_premium = 0.3  # assumption: premium as a share" in res.output
    assert "# ONS mid-2023 population estimates" in res.output
    plain = runner.invoke(app, ["scenario", "show", "iho_invest_to_save"]).output
    assert tomllib.loads(res.output) == tomllib.loads(plain)    # comments only: the values are the same
