"""An Excel workbook of a comparison or a sweep, because NHS finance teams work in Excel.

One sheet per table, a header row that names each column in words with its unit ("Emergency admissions
(admissions a year)", "Difference, £"), numbers stored as numbers (never as formatted text, so they can be
summed and charted), and the scenario settings on their own sheet. Written with openpyxl through pandas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ihoabm.outputs import catalogue, present

_IDS = {"arm": "Arm", "scenario": "Scenario", "seed": "Seed", "year": "Contract year", "replication": "Replication",
        "period": "Period (contract year, or all)", "point": "Design point", "run_id": "Run"}
MAX_NAME = 31   # Excel's limit on a sheet name


def _metric_header(name: str) -> str:
    return present.label(name) if name in catalogue.METRICS else name


def _unit(name: str) -> str:
    """A metric's unit as a header says it: '£', 'admissions a year'."""
    if name not in catalogue.METRICS:
        return ""
    unit = present.gbp(catalogue.metric(name).unit)
    return f"{unit} a year" if present.per_year(name) else unit


def runs_sheet(runs: pd.DataFrame) -> pd.DataFrame:
    """runs.csv with every column named in words and its unit."""
    return runs.rename(columns={c: _IDS.get(c, _metric_header(c)) for c in runs.columns})


def comparison_sheet(comp: pd.DataFrame) -> pd.DataFrame:
    """comparison.csv, one row per arm, metric and year, with the metric's label and unit in their own columns."""
    out = pd.DataFrame({
        "Arm": comp["arm"] if "arm" in comp.columns else "",
        "Measure": [catalogue.label(m) if m in catalogue.METRICS else m for m in comp["metric"]],
        "Unit": [_unit(m) for m in comp["metric"]],
        "Key": comp["metric"],
        "Contract year": comp["year"],
        "Reference mean": comp["mean_a"], "Arm mean": comp["mean_b"],
        "Difference (arm minus reference)": comp["diff"],
        "Difference, 95% interval low": comp["diff_lo"], "Difference, 95% interval high": comp["diff_hi"],
        "Difference, % of reference": [p if not present.is_balance(m) else None
                                       for m, p in zip(comp["metric"], comp["pct_diff"], strict=True)],
    })
    return out


def value_sheet(value: pd.DataFrame) -> pd.DataFrame:
    """value.csv with each measure in words and its unit."""
    from ihoabm.experiments.value import THRESHOLDS, nmb_name

    words = {"incremental_cost": ("Incremental spending on care", "£"),
             "incremental_qalys": ("Incremental QALYs", "QALYs"),
             "icer": ("ICER (cost per QALY gained)", "£ per QALY"),
             **{nmb_name(t): (f"Net monetary benefit at £{t:,} per QALY", "£") for t in THRESHOLDS}}
    return pd.DataFrame({
        "Arm": value["arm"], "Period (contract year, or all)": value["period"],
        "Measure": [words.get(m, (m, ""))[0] for m in value["measure"]],
        "Unit": [words.get(m, (m, ""))[1] for m in value["measure"]],
        "Mean paired difference": value["mean"], "95% interval low": value["lo"], "95% interval high": value["hi"],
    })


def equity_sheet(equity: pd.DataFrame) -> pd.DataFrame:
    """equity.csv with each measure's rate in words."""
    from ihoabm.experiments.value import equity_label

    return pd.DataFrame({
        "Arm": equity["arm"], "Period (contract year, or all)": equity["period"],
        "Slope index of inequality of": [equity_label(m) for m in equity["measure"]],
        "SII": equity["sii"], "SII, 95% interval low": equity["sii_lo"], "SII, 95% interval high": equity["sii_hi"],
        "Change from the reference": equity["change"], "Change, 95% interval low": equity["change_lo"],
        "Change, 95% interval high": equity["change_hi"],
    })


def settings_sheet(arms: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """Every scenario setting, one row per parameter and one column per arm, with its source."""
    keys: list[str] = []
    for arm in arms.values():
        keys += [k for k in arm.get("settings", {}) if k not in keys]
    rows = []
    for key in keys:
        values = [arm.get("settings", {}).get(key) for arm in arms.values()]
        rows.append({"Parameter": present.parameter_label(key), "Key": key,
                     **{label: _cell(v) for label, v in zip(arms, values, strict=True)},
                     "Differs between arms": "yes" if len({repr(v) for v in values}) > 1 else "",
                     "Source": next((a.get("sources", {}).get(key) for a in arms.values()
                                     if a.get("sources", {}).get(key)), "")})
    return pd.DataFrame(rows)


def _cell(value: Any) -> Any:
    """A setting as one cell: numbers and text as they are, lists as text."""
    return value if isinstance(value, int | float | str | bool) or value is None else str(value)


def write(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """Write the sheets (name -> table) to an .xlsx file, with readable column widths and a frozen header."""
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            frame.to_excel(xl, sheet_name=name[:MAX_NAME], index=False)
            sheet = xl.sheets[name[:MAX_NAME]]
            sheet.freeze_panes = "A2"
            for i, column in enumerate(frame.columns, 1):
                width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
                sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(max(width + 2, 8), 60)


def compare_sheets(comp: pd.DataFrame, runs: pd.DataFrame, value: pd.DataFrame, equity: pd.DataFrame,
                   arms: dict[str, dict[str, Any]], about: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """A comparison's sheets: about, differences, value, equity, runs and scenario settings."""
    info = [("Reference arm", about.get("reference", "")), ("Seeds", ", ".join(map(str, about.get("seeds", [])))),
            *((f"Scenario hash: {label}", a.get("scenario_hash", "")) for label, a in about.get("arms", {}).items()),
            ("Contract years", present.burn_in_note(int(next(iter(arms.values()), {}).get("settings", {})
                                                         .get("run.burn_in_years", 1))))]
    return {"About": pd.DataFrame(info, columns=["What", "Value"]), "Differences": comparison_sheet(comp),
            "Value": value_sheet(value), "Equity": equity_sheet(equity), "Runs": runs_sheet(runs),
            "Scenario settings": settings_sheet(arms)}


def sweep_sheets(tables: dict[str, pd.DataFrame], spec: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """A sweep's summary tables, one sheet each, with metrics and parameters named in words."""
    params = [p["name"] for p in spec.get("parameters", [])]
    sheets: dict[str, pd.DataFrame] = {}
    sweep = spec.get("sweep", {})
    about = [("Sweep", sweep.get("name", "")), ("Question", sweep.get("question", "")),
             ("Base scenario", sweep.get("scenario", "")), ("Seed", sweep.get("seed", "")),
             ("Replications per point", sweep.get("replications", "")),
             ("Design", spec.get("design", {}).get("method", ""))]
    sheets["About"] = pd.DataFrame(about, columns=["What", "Value"])
    sheets["Parameters"] = pd.DataFrame([{"Parameter": present.parameter_label(p["name"]), "Key": p["name"],
                                          "Unit": present.parameter_unit(p["name"]),
                                          "Values": ", ".join(map(str, p["values"])) if p.get("values") else "",
                                          "Low": p.get("low"), "High": p.get("high")}
                                         for p in spec.get("parameters", [])])
    for name, table in tables.items():
        frame = table.copy()
        if "metric" in frame.columns:
            frame.insert(frame.columns.get_loc("metric") + 1, "unit", [_unit(m) for m in frame["metric"]])
            frame["metric"] = [_metric_header(m).split(" (")[0] for m in frame["metric"]]
        if "parameter" in frame.columns:
            frame["parameter"] = [present.parameter_label(p) for p in frame["parameter"]]
        frame = frame.rename(columns={p: present.parameter_label(p) for p in params})
        frame = frame.rename(columns={c: _IDS.get(c, c[:1].upper() + c[1:].replace("_", " ")) for c in frame.columns})
        sheets[name.capitalize()] = frame
    return sheets
