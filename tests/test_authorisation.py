"""IHO authorisation: a scenario that breaks the 51% rule or the other authorisation rules is refused in one line."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ihoabm.cli.commands import app
from ihoabm.money.host_types import HOST_TYPES
from ihoabm.scenario import ScenarioError, load_scenario
from ihoabm.scenario.schema import HostTypeName

runner = CliRunner()


def _child(tmp_path: Path, parent: str, body: str) -> Path:
    f = tmp_path / "host.toml"
    f.write_text(f'[meta]\nextends = "{parent}"\nname = "host"\nschema_version = 1\n{body}')
    return f


def test_a_community_host_breaking_the_51_percent_rule_is_refused_naming_file_rule_and_allowed_values(tmp_path):
    f = _child(tmp_path, "iho_community_host", "[contract]\nhost_own_delivery_min = 0.51\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(f)
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith(f"{f}: contract.host_own_delivery_min, contract.host_type: ")
    assert "51% rule" in msg
    assert "host_own_delivery_min at most 0.13" in msg and "acute_trust (0.72)" in msg


def test_the_cli_refuses_it_with_exit_code_2_and_one_line(tmp_path):
    f = _child(tmp_path, "iho_community_host", "[contract]\nhost_own_delivery_min = 0.51\n")
    res = runner.invoke(app, ["run", str(f), "--patients", "5000", "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "contract.host_own_delivery_min" in lines[0] and "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


def test_an_acute_trust_host_meets_the_51_percent_rule():
    sc = load_scenario("iho_acute_host")
    assert sc.contract.host_own_delivery_min == 0.51
    assert sc.contract.host_type == "acute_trust"


@pytest.mark.parametrize(("host_type", "allowed"), [("separate", False), ("primary_care", False),
                                                    ("community_trust", False), ("acute_trust", True),
                                                    ("integrated", True)])
def test_only_a_host_delivering_enough_itself_is_authorised_at_51_percent(host_type, allowed):
    overrides = {"contract.host_type": host_type, "contract.host_own_delivery_min": 0.51}
    if allowed:
        assert load_scenario("iho_lead_provider", overrides).contract.host_type == host_type
    else:
        with pytest.raises(ScenarioError, match="host_own_delivery_min"):
            load_scenario("iho_lead_provider", overrides)


def test_a_board_planning_over_too_short_a_horizon_is_refused():
    with pytest.raises(ScenarioError) as exc:
        load_scenario("iho_acute_host", {"host.horizon_years": 2.0})
    assert "contract.host_min_horizon_years, host.horizon_years" in str(exc.value)
    assert "(got horizon_years = 2, host_min_horizon_years = 3)" in str(exc.value)


def test_a_provider_host_needs_a_risk_sharing_agreement():
    with pytest.raises(ScenarioError, match="contract.risk_share_icb, contract.host_variant: authorisation needs"):
        load_scenario("iho_acute_host", {"contract.risk_share_icb": 0.0})
    # An alliance agreement shares risk among the partners instead.
    assert load_scenario("iho_acute_host", {"contract.risk_share_icb": 0.0, "contract.host_variant": "alliance"})


def test_the_rules_apply_only_where_a_host_holds_an_iho_contract():
    sc = load_scenario("pbr_2004", {"contract.host_own_delivery_min": 0.9, "contract.host_min_horizon_years": 30.0})
    assert sc.contract.regime == "icb"


def test_the_schema_offers_exactly_the_registered_host_types():
    assert set(typing.get_args(HostTypeName)) == set(HOST_TYPES)
