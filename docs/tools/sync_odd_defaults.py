"""Keep the "default" and "prior" columns of the parameter tables in docs/ODD.md equal to the code.

The default column follows ihoabm/scenario/builtin/pbr_2004.toml; the prior column (the last) follows the
priors registry, ihoabm/scenario/priors.py ("-" for a parameter with no prior).

Usage (from the repository root)::

    python docs/tools/sync_odd_defaults.py          # rewrite docs/ODD.md in place
    python docs/tools/sync_odd_defaults.py --check  # exit 1 if any default or prior differs, change nothing

Only those two columns are touched. Units, meanings and sources are written by hand: when a parameter's source
changes (for example it is newly calibrated), edit its row. `tests/test_odd.py` and `tests/test_priors.py` use
the same parsing.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ODD = ROOT / "docs" / "ODD.md"
BASELINE = ROOT / "ihoabm" / "scenario" / "builtin" / "pbr_2004.toml"

SECTION_HEADING = re.compile(r"^#+ .*`\[(\w+)\]`")
ROW = re.compile(r"^\| `(\w+)` \| ([^|]*) \|(.*)$")
ASSIGNMENT = re.compile(r"^(\w+)\s*=\s*(.+?)\s*(?:#\s*(.*))?$")
PER_SCENARIO = "(per scenario)"
TABLE_HEADER = "| parameter | default | unit | meaning | source |"
PRIOR_HEADER = "prior"
NO_PRIOR = "-"


def baseline_entries(path: Path = BASELINE) -> dict[tuple[str, str], tuple[str, str]]:
    """`(section, key) -> (value as written, comment)` for every one-line assignment in pbr_2004.toml."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    section = ""
    for line in path.read_text().splitlines():
        heading = re.match(r"^\[(\w+)\]", line)
        if heading:
            section = heading.group(1)
            continue
        match = ASSIGNMENT.match(line.rstrip())
        if match and section:
            out[(section, match.group(1))] = (match.group(2), (match.group(3) or "").strip())
    return out


def table_rows(text: str) -> list[tuple[int, str, str, str, list[str]]]:
    """Parameter rows of the ODD: `(line index, section, name, default cell, remaining cells)`."""
    rows = []
    section = ""
    for i, line in enumerate(text.splitlines()):
        heading = SECTION_HEADING.match(line)
        if heading:
            section = heading.group(1)
            continue
        if line.startswith("#"):
            section = ""
            continue
        match = ROW.match(line)
        if match and section:
            rest = [cell.strip() for cell in match.group(3).strip().rstrip("|").split("|")]
            rows.append((i, section, match.group(1), match.group(2).strip(), rest))
    return rows


def default_cell(literal: str) -> str:
    """How a baseline value is shown in the default column."""
    return f"`{literal}`"


def sync(text: str, entries: dict[tuple[str, str], tuple[str, str]]) -> tuple[str, list[str]]:
    """Return the ODD text with every default column set from the baseline, and what changed."""
    lines = text.splitlines()
    changed = []
    for i, section, name, cell, rest in table_rows(text):
        if section == "meta" or (section, name) not in entries:
            continue
        wanted = default_cell(entries[(section, name)][0])
        if cell != wanted:
            lines[i] = "| " + " | ".join([f"`{name}`", wanted, *rest]) + " |"
            changed.append(f"{section}.{name}: {cell} -> {wanted}")
    return "\n".join(lines) + ("\n" if text.endswith("\n") else ""), changed


def prior_cells() -> dict[str, str]:
    """`section.key -> prior column text` from the registry (imported from the package beside this tool)."""
    sys.path.insert(0, str(ROOT))
    from ihoabm.scenario.priors import NOT_DRAWN, PRIORS

    cells = {key: f"{prior.describe()}; {prior.basis}" for key, prior in PRIORS.items()}
    return {**cells, **{key: f"not drawn: {reason}" for key, reason in NOT_DRAWN.items()}}


def sync_priors(text: str, cells: dict[str, str]) -> tuple[str, list[str]]:
    """Return the ODD text with a last "prior" column in every parameter table, set from `cells`, and what changed.

    A row has the prior as its fifth cell after the name and default (unit, meaning, source, prior); a row
    or header without one gets it appended.
    """
    lines = text.splitlines()
    changed = []
    section = ""
    for i, line in enumerate(lines):
        heading = SECTION_HEADING.match(line)
        if heading or line.startswith("#"):
            section = heading.group(1) if heading else ""
            continue
        if not section:
            continue
        if line.startswith(TABLE_HEADER):
            lines[i] = TABLE_HEADER + f" {PRIOR_HEADER} |"
            continue
        if line.startswith("|---|") and lines[i - 1].startswith(TABLE_HEADER):
            lines[i] = "|---|---|---|---|---|---|"
            continue
        match = ROW.match(line)
        if not match:
            continue
        rest = [cell.strip() for cell in match.group(3).strip().rstrip("|").split("|")]
        wanted = cells.get(f"{section}.{match.group(1)}", NO_PRIOR)
        current = rest[3] if len(rest) > 3 else None
        if current != wanted:
            cells_out = [*rest[:3], wanted]
            lines[i] = "| " + " | ".join([f"`{match.group(1)}`", match.group(2).strip(), *cells_out]) + " |"
            changed.append(f"{section}.{match.group(1)}: prior {current} -> {wanted}")
    return "\n".join(lines) + ("\n" if text.endswith("\n") else ""), changed


def main(argv: list[str]) -> int:
    """Rewrite (or with --check, only compare) the default and prior columns of docs/ODD.md."""
    text = ODD.read_text()
    new, changed = sync(text, baseline_entries())
    new, prior_changes = sync_priors(new, prior_cells())
    changed += prior_changes
    for change in changed:
        print(change)
    if "--check" in argv:
        return 1 if changed else 0
    if changed:
        ODD.write_text(new)
    print(f"{len(changed)} default(s) and prior(s) updated in {ODD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
