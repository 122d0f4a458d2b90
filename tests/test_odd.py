"""docs/ODD.md lists every scenario parameter, with the baseline default and an honest source."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest

from ihoabm.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
ODD_PATH = ROOT / "docs" / "ODD.md"
# The source documents, as a reader would find them (title and publisher), never by a workspace file name.
SOURCES = ("Towards integrated health organisations", "Browne Jacobson", "Edge Health", "10 Year Health Plan",
           "Mutual Ventures")
FIX = "run: python docs/tools/sync_odd_defaults.py"


def _tool():
    spec = importlib.util.spec_from_file_location("sync_odd_defaults", ROOT / "docs" / "tools" / "sync_odd_defaults.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _tool()
TEXT = ODD_PATH.read_text()
ROWS = {(section, name): (cell, rest) for _, section, name, cell, rest in tool.table_rows(TEXT)}
FIELDS = [(section, name) for section, info in Scenario.model_fields.items()
          for name in info.annotation.model_fields]
ENTRIES = tool.baseline_entries()


def test_every_schema_field_name_appears_in_the_odd():
    missing = [f"{s}.{n}" for s, n in FIELDS if n not in TEXT]
    assert not missing, f"parameters missing from docs/ODD.md: {missing}"


@pytest.mark.parametrize(("section", "name"), FIELDS, ids=[f"{s}.{n}" for s, n in FIELDS])
def test_every_schema_field_has_a_row_in_its_section_table(section, name):
    assert (section, name) in ROWS, f"docs/ODD.md: no row for `{name}` in the `[{section}]` table"
    cell, rest = ROWS[(section, name)]
    unit, meaning, source = rest[0], rest[1], rest[2]
    assert unit and meaning and source, f"{section}.{name}: unit, meaning and source must all be filled in"


def test_no_row_names_a_parameter_the_schema_does_not_have():
    stale = sorted(f"{s}.{n}" for s, n in ROWS if (s, n) not in set(FIELDS))
    assert not stale, f"docs/ODD.md lists parameters that are not in the schema: {stale}"


@pytest.mark.parametrize(("section", "name"), [f for f in FIELDS if f[0] != "meta"],
                         ids=[f"{s}.{n}" for s, n in FIELDS if s != "meta"])
def test_defaults_match_baseline_toml(section, name):
    cell, _ = ROWS[(section, name)]
    literal, _ = ENTRIES[(section, name)]
    documented = tomllib.loads(f"x = {cell.strip('`')}")["x"]
    actual = tomllib.loads(f"x = {literal}")["x"]
    assert documented == actual, f"{section}.{name}: ODD says {cell}, pbr_2004.toml says {literal}; {FIX}"


@pytest.mark.parametrize(("section", "name"), [k for k, (_, c) in ENTRIES.items()
                                              if c.startswith(("calibrated", "assumption"))])
def test_source_says_calibrated_or_assumption_like_baseline_toml(section, name):
    _, comment = ENTRIES[(section, name)]
    word = comment.split(":")[0].split()[0]
    source = ROWS[(section, name)][1][2]
    assert word in source, f"{section}.{name}: pbr_2004.toml says '{word}' but the ODD source is '{source}'"


def test_odd_cites_every_source_document_by_title_and_publisher():
    refs = TEXT[TEXT.index("## 12. References"):]
    for source in SOURCES:
        assert source in refs, f"docs/ODD.md references do not cite {source}"


def test_no_project_file_cites_a_workspace_file_name_or_path():
    pattern = re.compile(r"\.\./shared|shared/seeds|\b00[0-4]_[0-9a-f]{16}")
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in sorted(ROOT.glob("**/*"))
                 if path.suffix in (".md", ".py", ".toml", ".ipynb") and ".venv" not in path.parts
                 and path.name != "test_odd.py" and path.is_file()
                 for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1) if pattern.search(line)]
    assert not offenders, "cite sources by title and publisher, not by workspace file:\n" + "\n".join(offenders[:20])


def test_odd_has_the_protocol_sections():
    for heading in ("Purpose and patterns", "Entities, state variables and scales",
                    "Process overview and scheduling", "Design concepts", "Initialisation", "Input data",
                    "Submodels", "Parameters", "Calibration", "Known limitations"):
        assert heading in TEXT, f"docs/ODD.md has no '{heading}' section"
