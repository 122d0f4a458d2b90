"""Keep the "default" column of the parameter tables in docs/ODD.md equal to ihoabm/scenario/builtin/pbr_2004.toml.

Usage (from the repository root)::

    python docs/tools/sync_odd_defaults.py          # rewrite docs/ODD.md in place
    python docs/tools/sync_odd_defaults.py --check  # exit 1 if any default differs, change nothing

Only the default column is touched. Units, meanings and sources are written by hand: when a parameter's source
changes (for example it is newly calibrated), edit its row. `tests/test_odd.py` uses the same parsing.
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


def main(argv: list[str]) -> int:
    """Rewrite (or with --check, only compare) the default column of docs/ODD.md."""
    text = ODD.read_text()
    new, changed = sync(text, baseline_entries())
    for change in changed:
        print(change)
    if "--check" in argv:
        return 1 if changed else 0
    if changed:
        ODD.write_text(new)
    print(f"{len(changed)} default(s) updated in {ODD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
