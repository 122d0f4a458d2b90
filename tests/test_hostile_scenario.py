"""Hostile scenario files through the command line: refused in one line, or accepted and run sanely.

Every refusal must exit with code 2, print exactly one line on stderr (nothing on stdout), name the file and
the key path, say what is allowed, and never show a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ihoabm.cli.commands import app
from ihoabm.scenario import ScenarioError, load_scenario
from ihoabm.scenario.loader import MAX_EXTENDS, MAX_FILE_BYTES, MAX_NESTING

runner = CliRunner()
CHILD = '[meta]\nextends = "baseline"\n'
IHO_CHILD = '[meta]\nextends = "iho_lead_provider"\n'
ZEROS_19 = "[" + ", ".join(["0.0"] * 19) + "]"

# id: (file text, key path the message must name, other text it must contain)
REFUSED: dict[str, tuple[str, str, str]] = {
    # 4. booleans only as TOML booleans; numbers never as booleans or text
    "float_is_true": (CHILD + "[acute]\nbeds_per_1000 = true\n", "acute.beds_per_1000",
                      "a number, not true or false (got true)"),
    "float_is_false": (CHILD + "[acute]\npressure_sensitivity = false\n", "acute.pressure_sensitivity",
                       "not true or false (got false)"),
    "int_is_true": (CHILD + "[run]\nyears = true\n", "run.years", "a whole number, not true or false (got true)"),
    "int_is_decimal": (CHILD + "[run]\npatients = 5000.5\n", "run.patients", "whole number"),
    "int_is_text": (CHILD + '[run]\nseed = "7"\n', "run.seed", 'whole number (not text, true/false or a decimal) '
                    '(got "7")'),
    "float_is_text": (CHILD + '[acute]\nbeds_per_1000 = "2.0"\n', "acute.beds_per_1000", '(got "2.0")'),
    "bool_is_text": (CHILD + '[acute]\nbehaviour_fixed = "false"\n', "acute.behaviour_fixed",
                     'true or false (a TOML boolean, not text or a number) (got "false")'),
    "bool_is_zero": (CHILD + "[acute]\nbehaviour_fixed = 0\n", "acute.behaviour_fixed", "(got 0)"),
    "bool_is_one": (CHILD + "[contract]\nneed_weighting = 1\n", "contract.need_weighting", "(got 1)"),
    "bool_is_fraction": (CHILD + "[host]\ninvest = 0.2\n", "host.invest", "(got 0.2)"),
    "version_is_true": (CHILD + "schema_version = true\n", "meta.schema_version", "Input should be 1 (got true)"),
    # 5. no NaN or infinity anywhere, lists included
    "inf_in_list": (CHILD + "[acute]\nlos_mean_by_band = [inf, 6.4, 8.9, 10.9, 12.2]\n",
                    "acute.los_mean_by_band[0]", "finite number (not inf or nan) (got inf)"),
    "inf_scalar": (CHILD + "[acute]\npressure_sensitivity = inf\n", "acute.pressure_sensitivity", "(got inf)"),
    "nan_scalar": (CHILD + "[health]\ncrisis_rate_base = nan\n", "health.crisis_rate_base", "(got nan)"),
    "minus_inf_in_list": (CHILD + "[demography]\nimd_mortality_ratio = [1.45, -inf, 1.0, 0.88, 0.78]\n",
                          "demography.imd_mortality_ratio[1]", "(got -inf)"),
    "inf_price": (CHILD + "[prices]\nae_attendance = inf\n", "prices.ae_attendance", "finite"),
    "nan_in_age_bands": (CHILD + "[population]\nage_band_shares = [" + ", ".join(["1.0"] * 18) + ", nan]\n",
                         "population.age_band_shares[18]", "(got nan)"),
    # 6. shares and probabilities in [0, 1]; knots increasing
    "call_share_above_1": (CHILD + "[ambulance]\ncrisis_call_share = [5.0, 0.55, 0.65, 0.75]\n",
                           "ambulance.crisis_call_share[0]", "less than or equal to 1 (got 5.0)"),
    "frailty_share_above_1": (CHILD + "[health]\nfrailty_shares_65_plus = [5.0, 0.35, 0.12, 0.03]\n",
                              "health.frailty_shares_65_plus[0]", "less than or equal to 1"),
    "frailty_shares_sum": (CHILD + "[health]\nfrailty_shares_65_plus = [0.5, 0.5, 0.5, 0.5]\n",
                           "health.frailty_shares_65_plus", "must sum to 1"),
    "negative_share": (CHILD + "[acute]\nstep_down_need_by_frailty = [-0.1, 0.2, 0.4, 0.6]\n",
                       "acute.step_down_need_by_frailty[0]", "greater than or equal to 0"),
    "thinning_rr_above_1": (CHILD + "[health]\ncaseload_crisis_rr = 1.5\n", "health.caseload_crisis_rr",
                            "less than or equal to 1"),
    "knots_not_increasing": (CHILD + "[health]\nltc_mean_age_knots = [0, 15, 15, 55, 75, 90, 105]\n",
                             "health.ltc_mean_age_knots", "strictly increasing"),
    "knots_length": (CHILD + "[health]\nltc_mean_values = [0.1, 0.2]\n",
                     "health.ltc_mean_age_knots, health.ltc_mean_values", "same length (got 7 and 2)"),
    "hear_above_see": (CHILD + "[ambulance]\nhear_and_treat_below = 0.5\n",
                       "ambulance.hear_and_treat_below, ambulance.see_and_treat_below", "at most"),
    "accuracy_order": (CHILD + "[network]\nstratification_accuracy_low = 0.9\n",
                       "network.stratification_accuracy_low, network.stratification_accuracy_high", "at most"),
    # 7. values the model divides by (or that explode it) are refused
    "community_price_0": (CHILD + "[prices]\ncommunity_contact = 0\n", "prices.community_contact",
                          "greater than or equal to 0.01 (got 0)"),
    "stay_prices_0": (CHILD + "[prices]\nnel_long_stay = 0\nnel_short_stay = 0\n", "prices.nel_long_stay",
                      "(got 0)"),
    "capitation_0": (CHILD + "[contract]\ngp_capitation_per_weighted_head = 0\n",
                     "contract.gp_capitation_per_weighted_head", "(got 0)"),
    "bed_day_cost_0": (CHILD + "[acute]\nbed_day_cost = 0\n", "acute.bed_day_cost", "(got 0)"),
    "age_bands_all_0": (CHILD + f"[population]\nage_band_shares = {ZEROS_19}\n", "population.age_band_shares",
                        "must not all be 0"),
    "prevention_lag_tiny": (CHILD + "[health]\nprevention_lag_years = 0.01\n", "health.prevention_lag_years",
                            "greater than or equal to 0.0833333 (got 0.01)"),
    "weibull_shape_tiny": (CHILD + "[acute]\nlos_shape = 0.001\n", "acute.los_shape", "(got 0.001)"),
    "unbounded_los": (CHILD + "[elective]\nordinary_los_mean = 1e300\n", "elective.ordinary_los_mean",
                      "less than or equal to 365"),
    "crisis_rate_explodes": (CHILD + "[health]\ncrisis_rate_base = 5.0\ncrisis_ltc_rr = 10.0\n",
                             "health.crisis_rate_base, health.crisis_ltc_rr, health.crisis_frailty_rr",
                             "of at most 100 a year (got 3.4e+07)"),
    "gp_demand_explodes": (CHILD + "[primary]\ngp_demand_ltc_rr = 3.0\n",
                           "primary.gp_demand_by_band, primary.gp_demand_ltc_rr, primary.gp_demand_imd_multiplier",
                           "of at most 100 appointments a year (got 1043)"),
    "gp_demand_0": (CHILD + "[primary]\ngp_demand_by_band = [0.0, 5.1, 7.7, 9.7, 11.5]\n",
                    "primary.gp_demand_by_band[0]", "greater than or equal to 0.01"),
    # 8. the loader itself
    "meta_is_5": ("meta = 5\n", "meta", "must be a table (a [meta] section) (got 5)"),
    "section_is_list": ('acute = [1, 2]\n[meta]\nextends = "baseline"\n', "acute", "must be a table (a [acute] "
                        "section) (got [1, 2])"),
    "key_outside_its_section": (CHILD + "beds_per_1000 = 2.0\n", "meta.beds_per_1000",
                                "unknown key; allowed keys here: name, schema_version"),
    "section_is_number": ('acute = 3\n[meta]\nextends = "baseline"\n', "acute", "must be a table"),
    "unknown_section": (CHILD + "[acutee]\nbeds_per_1000 = 2.0\n", "acutee", "allowed keys here: meta, run"),
    "extends_not_text": ("[meta]\nextends = 5\n", "meta.extends", "(got 5)"),
    "nested_arrays": (CHILD + "[acute]\nbeds_per_1000 = " + "[" * 3000 + "]" * 3000 + "\n",
                      "line 4, key beds_per_1000", f"at most {MAX_NESTING} levels"),
    "nested_arrays_9": (CHILD + "[acute]\nlos_shape = " + "[" * 9 + "1" + "]" * 9 + "\n",
                        "acute.los_shape[0][0]", f"at most {MAX_NESTING} levels"),
    "nested_tables": ("[" + ".".join(["run"] * 2000) + "]\n", "run.run.run", f"at most {MAX_NESTING} levels"),
    "newline_in_key": (CHILD + '[acute]\n"beds\\nper_1000" = 1.0\n', "acute.beds", "unknown key"),
    "array_of_tables": ('[[run]]\npatients = 5000\n[meta]\nextends = "baseline"\n', "run",
                        "must be a table (a [run] section) (got [a table])"),
    "float_overflows_to_inf": (CHILD + "[acute]\nbeds_per_1000 = 1e400\n", "acute.beds_per_1000",
                               "finite number (not inf or nan) (got inf)"),
    "nul_in_extends": ('[meta]\nextends = "a\\u0000b"\n', "meta.extends", 'no such scenario "a\\u0000b"'),
    "newline_in_value": (CHILD + '[contract]\nregime = "iho\\nx"\n', "contract.regime",
                         "Input should be 'icb' or 'iho' (got \"iho\\nx\")"),
    # 12. natural first tries and cross-field rules
    "extends_at_top": ('extends = "baseline"\n[acute]\nbeds_per_1000 = 2.0\n', "extends",
                       'belongs under [meta] (write [meta] then extends = "baseline")'),
    "missing_parent": ('[meta]\nextends = "foo"\n', "meta.extends",
                       'no such scenario "foo"; built-in names are api_today'),
    "missing_parent_file": ('[meta]\nextends = "nowhere/parent.toml"\n', "meta.extends",
                            'no such scenario file "nowhere/parent.toml"'),
    "burn_in_under_iho": (IHO_CHILD + "[run]\nburn_in_years = 0\n", "run.burn_in_years, contract.regime",
                          'at least 1 for the iho regime and for acute payments other than activity'),
    "no_sections_no_extends": ("[acute]\nbeds_per_1000 = 2.0\n", "meta.schema_version", "required key"),
    "full_file_missing_section": ('[meta]\nname = "x"\nschema_version = 1\n', "run",
                                  'required section is missing; list every section, or extend another'),
}


def _one_line_refusal(result, *needles: str) -> str:
    """The refusal's single stderr line, after checking exit code, stdout, traceback and needles."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stdout == ""
    # A run that fails part-way may first have printed plain progress lines (output not on a terminal, and the
    # run slower than the quiet period): those are "HH:MM:SS ...: N% (...)"; the refusal itself is one line.
    lines = [x for x in result.stderr.splitlines() if not re.match(r"\d\d:\d\d:\d\d .*: \d+% \(", x)]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("error: ")
    assert "Traceback" not in line and len(line) < 1200
    for needle in needles:
        assert needle in line, (needle, line)
    return line


@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_file_is_refused_in_one_line(tmp_path: Path, case: str):
    text, key, detail = REFUSED[case]
    path = tmp_path / "child.toml"
    path.write_text(text)
    line = _one_line_refusal(runner.invoke(app, ["scenario", "show", str(path)]), str(path), key, detail)
    assert f"{path}: {key}" in line


def test_cross_field_error_is_short_and_names_its_keys(tmp_path: Path):
    path = tmp_path / "child.toml"
    path.write_text(IHO_CHILD + "[run]\nburn_in_years = 0\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    msg = str(exc.value)
    assert msg.startswith(f"{path}: run.burn_in_years, contract.regime: ")
    assert msg.endswith('(got burn_in_years = 0, regime = "iho")')
    assert len(msg) < 400 + len(str(path)) and "{" not in msg   # no dump of the table it was given


@pytest.mark.parametrize(("case", "data", "detail"), [
    ("binary", bytes(range(256)) * 4, "is not UTF-8 text (byte 0x80 at offset 128)"),
    ("latin1", '[meta]\nextends = "baseline"\nname = "café"\n'.encode("latin-1"), "byte 0xe9 at offset"),
    ("utf16", '[meta]\nextends = "baseline"\n'.encode("utf-16"), "is not UTF-8 text"),
    ("too_big", b"# " + b"x" * MAX_FILE_BYTES + b"\n", f"at most {MAX_FILE_BYTES:,} bytes"),
    ("nul_bytes", b'[meta]\nextends = "baseline"\x00\n', "not valid TOML"),
])
def test_unreadable_bytes_are_refused_in_one_line(tmp_path: Path, case: str, data: bytes, detail: str):
    path = tmp_path / f"{case}.toml"
    path.write_bytes(data)
    _one_line_refusal(runner.invoke(app, ["scenario", "show", str(path)]), f"{path}: ", detail)


def test_folders_and_devices_are_not_scenario_files(tmp_path: Path):
    folder = tmp_path / "scenarios.toml"
    folder.mkdir()
    _one_line_refusal(runner.invoke(app, ["scenario", "show", str(folder)]), f"{folder}: is a folder")
    _one_line_refusal(runner.invoke(app, ["scenario", "show", str(tmp_path)]), f"{tmp_path}: is a folder")
    child = tmp_path / "child.toml"
    child.write_text(f'[meta]\nextends = "{tmp_path}"\n')
    _one_line_refusal(runner.invoke(app, ["scenario", "show", str(child)]),
                      f'{child}: meta.extends: "{tmp_path}": is a folder')
    child.write_text('[meta]\nextends = "/dev/zero"\n')
    _one_line_refusal(runner.invoke(app, ["scenario", "show", str(child)]), "meta.extends", "not a regular file")


def test_a_long_extends_chain_stops_at_the_limit(tmp_path: Path):
    parent = "baseline"
    for i in range(3 * MAX_EXTENDS):
        (tmp_path / f"c{i}.toml").write_text(f'[meta]\nextends = "{parent}"\n[run]\nseed = {i}\n')
        parent = f"c{i}.toml"
    last = tmp_path / f"c{3 * MAX_EXTENDS - 1}.toml"
    _one_line_refusal(runner.invoke(app, ["scenario", "show", str(last)]),
                      f"{last}: meta.extends: the chain is more than {MAX_EXTENDS} files long (limit {MAX_EXTENDS})")
    # Exactly at the limit (the file plus 15 ancestors, the last being the built-in baseline) is fine.
    sc = load_scenario(tmp_path / f"c{MAX_EXTENDS - 2}.toml")
    assert sc.run.seed == MAX_EXTENDS - 2 and sc.meta.name == f"c{MAX_EXTENDS - 2}"
    _one_line_refusal(runner.invoke(app, ["scenario", "show", str(tmp_path / f"c{MAX_EXTENDS - 1}.toml")]),
                      "meta.extends: the chain is more than")


def test_extends_cycle_names_the_key(tmp_path: Path):
    (tmp_path / "a.toml").write_text('[meta]\nextends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('[meta]\nextends = "a.toml"\n')
    _one_line_refusal(runner.invoke(app, ["scenario", "show", str(tmp_path / "a.toml")]),
                      "meta.extends: forms a cycle")


@pytest.mark.parametrize(("args", "needle"), [
    (["--seed", "4294967296"], "command line: run.seed: Input should be less than or equal to 4294967295 "
                               "(got 4294967296)"),
    (["--seed", "-1"], "command line: run.seed: Input should be greater than or equal to 0 (got -1)"),
    (["--patients", "999"], "command line: run.patients: Input should be greater than or equal to 1000 (got 999)"),
    (["--years", "0"], "command line: run.years: Input should be greater than or equal to 1 (got 0)"),
])
def test_bad_command_line_values_name_what_was_typed(tmp_path: Path, args: list[str], needle: str):
    result = runner.invoke(app, ["run", "baseline", *args, "--out", str(tmp_path / "o")])
    _one_line_refusal(result, needle)
    assert not (tmp_path / "o" / "annual.csv").exists()


@pytest.mark.parametrize(("overrides", "needle"), [
    ({"acute.behaviour_fixed": "false"}, "overrides: acute.behaviour_fixed: Input should be true or false"),
    ({"acute.behaviour_fixed": 1}, "(got 1)"),
    ({"acute.beds_per_1000": True}, "overrides: acute.beds_per_1000: Input should be a number, not true or false"),
    ({"run.patients": True}, "overrides: run.patients: Input should be a whole number, not true or false"),
    ({"acute.los_mean_by_band": [1.0, 2.0, float("nan"), 3.0, 4.0]}, "acute.los_mean_by_band[2]"),
    ({"contract.capitation_level": float("inf")},
     "contract.capitation_level: Input should be a finite number (not inf or nan) (got inf)"),
    ({"run.seed": 2**32}, "overrides: run.seed: Input should be less than or equal to 4294967295 (got 4294967296)"),
    ({"acute.los_shape": [[[[[[[[[1.0]]]]]]]]]}, "acute.los_shape[0]"),
    ({"bogus.key": 1}, "overrides: bogus.key: unknown section"),
])
def test_overrides_follow_the_same_rules(overrides: dict, needle: str):
    with pytest.raises(ScenarioError) as exc:
        load_scenario("baseline", overrides)
    assert needle in str(exc.value) and "\n" not in str(exc.value)


def test_overrides_accept_real_booleans_and_ints_for_floats():
    sc = load_scenario("baseline", {"acute.behaviour_fixed": True, "acute.beds_per_1000": 2,
                                    "run.seed": np.int64(5), "acute.los_shape": np.float32(1.5)})
    assert sc.acute.behaviour_fixed is True and sc.acute.beds_per_1000 == 2.0 and sc.run.seed == 5
    assert type(sc.run.seed) is int and sc.acute.los_shape == 1.5


def test_minimal_child_needs_no_name(tmp_path: Path):
    path = tmp_path / "my_variant.toml"
    path.write_text('[meta]\nextends = "baseline"\n[acute]\nbeds_per_1000 = 2.5\n')
    result = runner.invoke(app, ["scenario", "show", str(path)])
    assert result.exit_code == 0, result.output
    assert 'name = "my_variant"' in result.stdout and "beds_per_1000 = 2.5" in result.stdout
    assert 'question = ""' in result.stdout     # the parent's identity is not inherited


# --- accepted extremes run sanely -----------------------------------------------------------------------------
ACCEPTED: dict[str, tuple[str, dict[str, object]]] = {
    # id: (file text, expected values in the first reported year of annual.csv: exact number or "positive")
    "nobody_calls_999": (CHILD + "[ambulance]\ncrisis_call_share = [0.0, 0.0, 0.0, 0.0]\nminor_call_share = 0.0\n",
                         {"ambulance_incidents": 0, "conveyances": 0, "ae_attendances": "positive"}),
    "everyone_calls_999": (CHILD + "[ambulance]\ncrisis_call_share = [1.0, 1.0, 1.0, 1.0]\n"
                                   "minor_call_share = 1.0\n[primary]\nunmet_to_ae_share = 0.0\n",
                           {"ambulance_incidents": "positive", "conveyances": "positive"}),
    "everyone_fit_no_admissions_at_margin": (
        CHILD + "[health]\nfrailty_shares_65_plus = [1.0, 0.0, 0.0, 0.0]\n"
                "[acute]\nmarginal_band = 0.0\nzero_day_share_clinical = 1.0\n",
        {"nel_zero_day_admissions": "positive", "bed_days": "positive"}),
    "cheapest_prices_and_no_beds_cost": (
        CHILD + "[prices]\n" + "".join(f"{k} = 0.01\n" for k in (
            "nel_long_stay", "nel_short_stay", "elective_inpatient", "day_case", "ae_attendance", "outpatient",
            "gp_consultation", "community_contact", "ambulance_incident")) + "[acute]\nbed_day_cost = 0.01\n",
        {"spend_total": "positive"}),
    "iho_corridor_and_tied_funding_extremes": (
        IHO_CHILD + "[contract]\nrisk_share_corridor = 0.0\ntied_funding_share = 1.0\ncapitation_level = 0.01\n"
                    "[host]\nmax_invest_share = 1.0\nplanning_interval_months = 1\n",
        {"spend_total": "positive"}),
    "one_big_age_band": (CHILD + "[population]\nage_band_shares = [" + ", ".join(["0.0"] * 18) + ", 1e9]\n",
                         {"deaths": "positive"}),
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_accepted_extremes_run_with_finite_outputs(tmp_path: Path, case: str):
    text, expected = ACCEPTED[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "-n", "1000", "-y", "1", "--seed", "4294967295",
                                 "--out", str(out)])
    assert result.exit_code == 0, (result.output, result.exception)
    annual = pd.read_csv(out / "annual.csv")
    assert len(annual) == 1 and annual["scenario"].iloc[0] == case and annual["seed"].iloc[0] == 4294967295
    numbers = annual.select_dtypes("number").to_numpy(dtype=float)
    assert np.isfinite(numbers).all()
    daily = pd.read_csv(out / "daily.csv").select_dtypes("number").to_numpy(dtype=float)
    assert np.isfinite(daily).all() and (daily[:, 2:] >= 0).all()
    for column, want in expected.items():
        value = float(annual[column].iloc[0])
        assert value > 0 if want == "positive" else value == want, (column, value)
    ledger = pd.read_csv(out / "ledger.csv")
    assert (ledger["pence"] > 0).all()


def test_a_population_that_dies_out_ends_in_one_line_not_a_crash(tmp_path: Path):
    # Every value is within its bounds, but together they kill everyone within a decade: the run stops
    # with a one-line error naming the keys instead of dividing by an empty population.
    path = tmp_path / "plague.toml"
    path.write_text(CHILD + "[demography]\ngompertz_a = 0.01\ngompertz_b = 0.2\nbirth_rate_per_1000 = 0.0\n"
                            "male_mortality_ratio = 10.0\nimd_mortality_ratio = [10.0, 10.0, 10.0, 10.0, 10.0]\n"
                            "frailty_mortality_hr = [10.0, 10.0, 10.0, 10.0]\n")
    result = runner.invoke(app, ["run", str(path), "-n", "1000", "-y", "15", "--out", str(tmp_path / "o")])
    _one_line_refusal(result, "error: plague: demography.gompertz_a, demography.gompertz_b, "
                              "demography.birth_rate_per_1000: everyone has died by day ")
    assert not (tmp_path / "o" / "annual.csv").exists()
