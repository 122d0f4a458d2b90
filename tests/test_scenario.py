from pathlib import Path

import pytest
from pydantic import ValidationError

from ihoabm.scenario import SCHEMA_VERSION, ScenarioError, builtin_names, load_scenario, to_toml


def test_baseline_is_embedded_and_valid():
    sc = load_scenario("pbr_2004")
    assert sc.meta.name == "pbr_2004"
    assert load_scenario("baseline") == sc          # the name it had before still loads it
    assert sc.meta.schema_version == SCHEMA_VERSION
    assert sc.contract.regime == "icb"
    assert sc.run.patients == 100_000


def test_every_builtin_scenario_loads_and_names_itself():
    names = builtin_names()
    for required in ("pbr_2004", "pbr_mret", "blended_2019", "block_2020", "api_today", "bundle_emergency_30d",
                     "iho_lead_provider", "iho_alliance", "iho_invest_to_save",
                     "iho_underfunded", "iho_no_need_weighting", "pbr_low_community", "pbr_high_community"):
        assert required in names
    for name in names:
        sc = load_scenario(name)
        assert sc.meta.name == name
        assert sc.meta.question, f"{name} must say which question it answers"
        assert sc.meta.source, f"{name} must name its seed document"


def test_extends_inherits_and_overrides(tmp_path: Path):
    f = tmp_path / "child.toml"
    f.write_text('[meta]\nextends = "iho_lead_provider"\nname = "child"\nschema_version = 1\n'
                 '[contract]\ncapitation_level = 0.9\n')
    sc = load_scenario(f)
    assert sc.contract.regime == "iho"            # from the parent
    assert sc.contract.capitation_level == 0.9    # own value
    assert sc.acute.beds_per_1000 == load_scenario("baseline").acute.beds_per_1000


def test_scenario_is_immutable():
    sc = load_scenario("baseline")
    with pytest.raises(ValidationError):
        sc.acute.beds_per_1000 = 3.0


@pytest.mark.parametrize(("body", "needle"), [
    ('[acute]\nbeds_per_1000 = -1.0\n', "acute.beds_per_1000"),
    ('[acute]\nbedz = 1.0\n', "acute.bedz"),
    ('[contract]\nregime = "nhs"\n', "contract.regime"),
    ('[run]\npatients = "many"\n', "run.patients"),
    ('[run]\npatients = 10\n', "run.patients"),
    ('[community]\nstream_shares = [0.5, 0.5, 0.5, 0.5]\n', "community"),
])
def test_bad_values_give_one_line_naming_the_key(tmp_path: Path, body: str, needle: str):
    f = tmp_path / "bad.toml"
    f.write_text('[meta]\nextends = "baseline"\nname = "bad"\nschema_version = 1\n' + body)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(f)
    msg = str(exc.value)
    assert "\n" not in msg
    assert needle in msg
    assert str(f) in msg


def test_unknown_key_lists_allowed_keys(tmp_path: Path):
    f = tmp_path / "bad.toml"
    f.write_text('[meta]\nextends = "baseline"\nname = "bad"\nschema_version = 1\n[host]\nhorizon = 3\n')
    with pytest.raises(ScenarioError, match="allowed keys here: invest, planning_interval_months"):
        load_scenario(f)


def test_wrong_schema_version_and_cycles_are_refused(tmp_path: Path):
    f = tmp_path / "v2.toml"
    f.write_text('[meta]\nextends = "baseline"\nname = "v2"\nschema_version = 2\n')
    with pytest.raises(ScenarioError, match="meta.schema_version"):
        load_scenario(f)
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('[meta]\nextends = "b.toml"\nname = "a"\nschema_version = 1\n')
    b.write_text('[meta]\nextends = "a.toml"\nname = "b"\nschema_version = 1\n')
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(a)


def test_unknown_name_and_invalid_toml(tmp_path: Path):
    with pytest.raises(ScenarioError, match="built-in names are"):
        load_scenario("no_such_scenario")
    f = tmp_path / "broken.toml"
    f.write_text("[meta\nname=")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(f)


def test_overrides_flat_and_dotted_and_roundtrip(tmp_path: Path):
    sc = load_scenario("baseline", {"patients": 5000, "contract.capitation_level": 0.9})
    assert sc.run.patients == 5000 and sc.contract.capitation_level == 0.9
    with pytest.raises(ScenarioError, match="overrides: run.patients"):
        load_scenario("baseline", {"patients": 0})
    f = tmp_path / "resolved.toml"
    f.write_text(to_toml(sc))
    assert load_scenario(f) == sc


def _fields(kind):
    from ihoabm.scenario.schema import Scenario
    out = []
    for section, info in Scenario.model_fields.items():
        for name, field in info.annotation.model_fields.items():
            origin = getattr(field.annotation, "__origin__", None)
            if field.annotation in kind or (origin is list and kind == (list,)):
                out.append(f"{section}.{name}")
    return out


NUMBERS = _fields((int, float))
LISTS = _fields((list,))
FLAGS = _fields((bool,))


@pytest.mark.parametrize("key", NUMBERS)
@pytest.mark.parametrize("value", [True, False, float("inf"), float("-inf"), float("nan"), "1"])
def test_every_number_refuses_booleans_text_and_non_finite_values(key: str, value):
    with pytest.raises(ScenarioError) as exc:
        load_scenario("baseline", {key: value})
    assert str(exc.value).startswith(f"overrides: {key}: ")


@pytest.mark.parametrize("key", LISTS)
@pytest.mark.parametrize("value", [True, float("inf"), float("nan")])
def test_every_list_refuses_booleans_and_non_finite_items(key: str, value):
    good = list(getattr(getattr(load_scenario("baseline"), key.split(".")[0]), key.split(".")[1]))
    with pytest.raises(ScenarioError) as exc:
        load_scenario("baseline", {key: [value, *good[1:]]})
    assert str(exc.value).startswith(f"overrides: {key}[0]: ")


@pytest.mark.parametrize("key", FLAGS)
@pytest.mark.parametrize("value", [0, 1, 0.2, "false", "true"])
def test_every_flag_takes_only_true_or_false(key: str, value):
    with pytest.raises(ScenarioError, match=f"overrides: {key}: Input should be true or false"):
        load_scenario("baseline", {key: value})
    section, name = key.split(".")
    assert getattr(getattr(load_scenario("baseline", {key: True}), section), name) is True


def test_field_inventory_is_complete():
    assert len(NUMBERS) > 80 and len(LISTS) >= 18 and set(FLAGS) == {
        "acute.behaviour_fixed", "contract.need_weighting", "host.invest", "outcomes.health_effects"}
