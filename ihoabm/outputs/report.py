"""One self-contained HTML report of a comparison or a sweep, for a finance committee: `ihoabm report DIR`.

The file needs nothing else: figures are embedded as base64 PNG, the style sheet is inline, and there are no
scripts, fonts or links to fetch, so it opens offline and survives being emailed. It prints to PDF from any
browser (the print style sheet keeps tables and figures whole). Everything in it is read from the result
folder alone, so it can be rebuilt at any time; `compare` and `sweep-report` write it as they finish.

Sections: the question and the arms (with what differs between their scenarios and why), the headline table
with intervals, the figures, value and equity, the decomposition (when a decomposition.csv is present), the
assumptions that drive the answer, and the provenance (version, seeds, scenario hashes).
"""

from __future__ import annotations

import base64
import html
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from ihoabm.outputs import catalogue, present

REPORT = "report.html"
SCENARIOS = "scenarios.json"   # a comparison's arms: scenario, question, settings and sources (compare writes it)
CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1d2733;
       max-width: 1100px; margin: 2em auto; padding: 0 1.2em; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.25em; margin-top: 1.8em;
     border-bottom: 2px solid #d5dde5; padding-bottom: .2em; }
.lede { color: #4a5866; } table { border-collapse: collapse; margin: .6em 0 1.2em; font-size: 13px; }
th, td { border: 1px solid #d5dde5; padding: .3em .55em; vertical-align: top; }
th { background: #eef2f6; text-align: left; } td.n { text-align: right; white-space: nowrap; }
tr.section td { background: #f7f9fb; font-weight: 600; } .sure { font-weight: 600; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #e3e8ee; }
figcaption, .note { color: #4a5866; font-size: 12.5px; } code { background: #f2f4f7; padding: 0 .2em; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; } h2 { break-after: avoid; }
  table, figure, tr { break-inside: avoid; } a { color: inherit; text-decoration: none; }
  @page { size: A4; margin: 14mm; }
}
"""
GENERAL_ASSUMPTIONS = (
    "It is not a forecast of any real place: the reference scenario is calibrated to England's national "
    "averages, and the population is synthetic.",
    "Providers respond only to the prices, budgets and capacity they see; many of those behavioural responses "
    "are assumptions, each marked as such in the scenario files and the ODD protocol (docs/ODD.md).",
    "Social care as an organisation, mental health and outpatient capacity are left out.",
    "Differences are paired: replication k of every arm uses the same seed, population and random streams, so "
    "a difference is mostly the scenarios' effect; the 95% interval says how far chance could move it.",
)


def esc(value: Any) -> str:
    """Text made safe for HTML."""
    return html.escape(str(value), quote=True)


def _table(head: list[str], rows: list[list[str]], numeric_from: int = 1, raw: bool = False) -> str:
    """An HTML table; cells are escaped unless `raw`; columns from `numeric_from` are right-aligned."""
    out = ["<table><thead><tr>", *(f"<th>{esc(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        if len(row) == 1:   # a section heading across the table
            out.append(f'<tr class="section"><td colspan="{len(head)}">{esc(row[0])}</td></tr>')
            continue
        cells = [(c if raw else esc(c)) for c in row]
        out.append("<tr>" + "".join(f'<td class="n">{c}</td>' if i >= numeric_from else f"<td>{c}</td>"
                                    for i, c in enumerate(cells)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _figure(path: Path, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<figure><img alt="{esc(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def _page(title: str, body: list[str]) -> str:
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>" + "".join(body) + "</body></html>")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        return {}


def _metric_label(name: str) -> str:
    try:
        return present.label(name)
    except KeyError:
        return name.replace("_", " ")


# --- a comparison ------------------------------------------------------------------------------------------
def _arms_section(manifest: dict[str, Any], arms: dict[str, Any]) -> list[str]:
    labels = list(manifest.get("arms", {}))
    ref = manifest.get("reference", labels[0] if labels else "")
    rows = [[label, info.get("scenario", ""), "reference" if label == ref else f"compared with {ref}",
             arms.get(label, {}).get("question", "")] for label, info in manifest.get("arms", {}).items()]
    out = ["<h2>The question and the arms</h2>",
           f"<p>Each arm is compared with <b>{esc(ref)}</b>, run on the same simulated population with the same "
           f"seeds (common random numbers).</p>",
           _table(["arm", "scenario", "role", "the question it answers"], rows, numeric_from=99)]
    settings = {label: a.get("settings", {}) for label, a in arms.items()}
    if ref in settings and len(settings) > 1:
        keys: list[str] = []
        for label in labels[1:]:
            keys += [k for k in settings.get(label, {}) if not k.startswith(("meta.", "run."))
                     and settings[label].get(k) != settings[ref].get(k) and k not in keys]
        if keys:
            head = ["parameter", *labels, "source (the arm that changes it)"]
            rows = []
            for key in keys:
                changer = next((lab for lab in labels[1:] if settings[lab].get(key) != settings[ref].get(key)), ref)
                rows.append([f"{present.parameter_label(key)} ({key})",
                             *(str(settings.get(lab, {}).get(key, "")) for lab in labels),
                             arms.get(changer, {}).get("sources", {}).get(key, "")])
            out += ["<p>What differs between the arms' scenarios (run size and seed are shared):</p>",
                    _table(head, rows, numeric_from=99)]
        else:
            out.append("<p>The arms' scenarios set every parameter alike.</p>")
    return out


def _headline_section(comp: pd.DataFrame, manifest: dict[str, Any], patients: int | None, reps: int,
                      burn_in: int) -> list[str]:
    ref = manifest.get("reference", "")
    out = ["<h2>Headline: each arm minus the reference, a year</h2>",
           f"<p class=\"note\">Mean paired difference [95% interval] (percentage of {esc(ref)} where the base "
           f"is large enough to mean something; never for a surplus). <b>Bold</b>: the interval excludes zero. "
           f"{esc(present.burn_in_note(burn_in))}</p>"]
    arms = list(dict.fromkeys(comp["arm"])) if "arm" in comp.columns else [None]
    for arm in arms:
        rows_in = present.headline(comp, arm)
        years = sorted({y for _, _, cells in rows_in for y in cells})
        rows: list[list[str]] = []
        section = None
        for sec, metric, cells in rows_in:
            if sec != section:
                rows.append([sec])
                section = sec
            rows.append([esc(present.label(metric)), *(
                (f'<span class="sure">{esc(present.cell_text(metric, cells[y], interval=True))}</span>'
                 if cells[y].sure else esc(present.cell_text(metric, cells[y], interval=True)))
                if y in cells else "-" for y in years)])
        out += [f"<h3>{esc(present.who_title(ref, arm or 'B', patients, reps))}</h3>",
                _table(["measure", *(present.year_heading(y) for y in years)], rows, raw=True)]
    return out


def _value_section(folder: Path, ref: str) -> list[str]:
    from ihoabm.experiments.value import ALL, EQUITY, THRESHOLDS, equity_label, nmb_name

    out: list[str] = []
    value_file, equity_file = folder / "value.csv", folder / "equity.csv"
    if value_file.is_file():
        value = pd.read_csv(value_file, dtype={"period": str})
        v = value[value["period"] == ALL].set_index(["measure", "arm"])
        arms = list(dict.fromkeys(value["arm"]))
        measures = [("incremental_cost", "Incremental spending on care (£)", present.money),
                    ("incremental_qalys", "Incremental QALYs", lambda x: f"{x:+,.1f}"),
                    ("icer", "ICER (£ per QALY gained)", present.money),
                    *((nmb_name(t), f"Net monetary benefit at £{t:,} per QALY (£)", present.money)
                      for t in THRESHOLDS)]
        rows = []
        for measure, name, fmt in measures:
            cells = []
            for arm in arms:
                if (measure, arm) not in v.index:
                    cells.append("-")
                    continue
                m, lo, hi = (float(v.loc[(measure, arm), c]) for c in ("mean", "lo", "hi"))
                if not math.isfinite(m) and measure == "icer" and ("incremental_qalys", arm) in v.index:
                    q = v.loc[("incremental_qalys", arm)]
                    why = present.no_icer(float(v.loc[("incremental_cost", arm), "mean"]), float(q["mean"]),
                                          float(q["lo"]), float(q["hi"]))
                    text = f"none: {why}" if why else "none"
                else:
                    text = fmt(m) if math.isfinite(m) else "none"
                if math.isfinite(lo) and math.isfinite(hi):
                    text += f" [{fmt(lo)} to {fmt(hi)}]"
                cells.append(text)
            rows.append([name, *cells])
        out += ["<h2>Value for money, over all reported years</h2>",
                f"<p class=\"note\">Each arm minus {esc(ref)}, paired, with 95% intervals. NMB = threshold x "
                "QALYs - cost; the ICER is given only when the QALY interval excludes zero and the arm trades "
                "cost for health (a ratio has no t-interval). Per-year rows are in value.csv.</p>",
                _table(["measure", *arms], rows)]
    if equity_file.is_file():
        equity = pd.read_csv(equity_file, dtype={"period": str})
        e = equity[equity["period"] == ALL].set_index(["measure", "arm"])
        arms = list(dict.fromkeys(equity["arm"]))[1:]
        rows = []
        for measure in EQUITY:
            cells = []
            for arm in arms:
                m, lo, hi = (float(e.loc[(measure, arm), c]) for c in ("change", "change_lo", "change_hi"))
                digits = 4 if measure == "qalys" else 1
                cells.append(f"{m:+,.{digits}f} [{lo:+,.{digits}f} to {hi:+,.{digits}f}]")
            rows.append([f"SII change: {equity_label(measure)}", *cells])
        out += ["<h2>Equity</h2>",
                "<p class=\"note\">Change in the slope index of inequality across IMD quintiles (least minus most "
                "deprived), paired, 95% intervals, over all reported years. See equity.csv.</p>",
                _table(["measure", *arms], rows)]
    return out


def _decomposition_section(folder: Path) -> list[str]:
    """decomposition.csv (`arm, metric, channel, contribution`, maybe more), when another step wrote one."""
    path = folder / "decomposition.csv"
    if not path.is_file():
        return []
    try:
        dec = pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError):
        return ["<h2>Decomposition</h2>", f"<p>{esc(path.name)} could not be read.</p>"]
    if not {"arm", "metric", "channel", "contribution"} <= set(dec.columns):
        return ["<h2>Decomposition</h2>", "<p>decomposition.csv lacks the columns arm, metric, channel and "
                "contribution, so it is not shown.</p>"]
    if "period" in dec.columns and (dec["period"].astype(str) == "all").any():
        dec = dec[dec["period"].astype(str) == "all"]   # over all reported years; per-year rows stay in the CSV
    headline = [m for m in present.HEADLINE if m in set(dec["metric"])]
    if headline:   # the headline table's measures, in its order; the CSV has every metric
        dec = dec[dec["metric"].isin(headline)]
        dec = dec.assign(_order=dec["metric"].map({m: i for i, m in enumerate(headline)})).sort_values(
            "_order", kind="stable")
    rows = []
    for (arm, metric), part in dec.groupby(["arm", "metric"], sort=False):
        metric = str(metric)

        def shown(x: Any, m: str = metric) -> str:
            x = float(x)
            return present.signed(m, x) if m in catalogue.METRICS else f"{x:+,.3g}"

        total = f", total {shown(part['total'].iloc[0])}" if "total" in part.columns else ""
        rows.append([f"{arm}: {_metric_label(metric)}{total}"])
        for _, r in part.iterrows():
            cell = shown(r["contribution"])
            if {"lo", "hi"} <= set(part.columns) and math.isfinite(float(r["lo"])) and math.isfinite(float(r["hi"])):
                cell += f" [{shown(r['lo'])} to {shown(r['hi'])}]"
            name = str(r["label"]) if "label" in part.columns and isinstance(r["label"], str) else \
                str(r["channel"]).replace("_", " ")
            rows.append([name, cell, *([str(r["switched"])] if "switched" in part.columns else [])])
    head = ["channel", "contribution [95% interval]", *(["how it is switched"] if "switched" in dec.columns else [])]
    return ["<h2>Decomposition: through which channels each difference comes</h2>",
            "<p class=\"note\">Each channel's share of the arm's difference from the reference over all reported "
            "years (Shapley values on common random numbers); the channels add up to the total. Every metric and "
            "year is in decomposition.csv.</p>", _table(head, rows)]


def _assumptions_section(arms: dict[str, Any]) -> list[str]:
    items = [f"<li>{esc(text)}</li>" for text in GENERAL_ASSUMPTIONS]
    settings = [a.get("settings", {}) for a in arms.values()]
    differ = {k for s in settings for k in s if not k.startswith(("meta.", "run."))
              and len({repr(t.get(k)) for t in settings}) > 1}
    driving, shared = [], set()
    for label, arm in arms.items():
        for key, source in arm.get("sources", {}).items():
            if "assumption" not in source.lower():
                continue
            if key not in differ:
                shared.add(key)
                continue
            value = arm.get("settings", {}).get(key, "")
            driving.append(f"<li><b>{esc(present.parameter_label(key))}</b> = {esc(value)} in {esc(label)}: "
                           f"{esc(source)}</li>")
    out = ["<h2>The assumptions that drive the answer</h2>", f"<ul>{''.join(items)}</ul>"]
    if driving:
        out += ["<p>Of the parameters that differ between the arms, these are assumptions rather than published "
                "figures; the answer depends on them most directly (test them with a sweep):</p>",
                f"<ul>{''.join(driving)}</ul>"]
    if shared:
        first = next(iter(arms.values()), {}).get("given_as", "pbr_2004")
        out.append(f"<p>{len(shared)} more parameters shared by every arm are assumptions (how strongly providers "
                   f"and patients respond, among others): they shape the size of every difference. See each with "
                   f"its source in <code>ihoabm scenario show {esc(first)} --sources</code>.</p>")
    return out


def _provenance(manifest: dict[str, Any], extra: list[list[str]]) -> list[str]:
    rows = [["ihoabm version", str(manifest.get("ihoabm_version", "unknown"))],
            ["written", str(manifest.get("written_at", ""))], *extra]
    arms = manifest.get("arms", {})
    for label, info in arms.items():
        h = info.get("scenario_hash", "") if isinstance(info, dict) else str(info)
        rows.append([f"scenario hash: {label}", h])
    return ["<h2>Provenance</h2>", _table(["what", "value"], rows, numeric_from=99),
            "<p class=\"note\">Re-run with the same version, scenarios (same hashes) and seeds to get the same "
            "numbers.</p>"]


def compare_html(folder: Path, manifest: dict[str, Any] | None = None) -> str:
    """The report of a `compare` result folder.

    Args:
        folder: Holds comparison.csv, runs.csv, value.csv, equity.csv, scenarios.json and the figures.
        manifest: The result set's manifest, when it is not yet in the folder (`compare` writes the report
            while staging the set).
    """
    manifest = manifest if manifest is not None else _read_json(folder / "manifest.json")
    arms = _read_json(folder / SCENARIOS)
    comp = pd.read_csv(folder / "comparison.csv")
    runs = pd.read_csv(folder / "runs.csv", usecols=lambda c: c in ("arm", "replication", "year", "population"))
    seeds = manifest.get("seeds", [])
    reps = len(seeds) or int(runs["replication"].nunique())
    first = next(iter(arms.values()), {}).get("settings", {})
    patients = first.get("run.patients")
    burn_in = int(first.get("run.burn_in_years", 1))
    labels = list(manifest.get("arms", {})) or list(dict.fromkeys(runs["arm"]))
    ref = manifest.get("reference", labels[0])
    years = int(comp["year"].max()) if len(comp) else 0
    size = f"{int(patients):,} residents, " if patients else ""
    title = f"{', '.join(labels[1:])} compared with {ref}"
    body = [f"<h1>{esc(title)}</h1>",
            f"<p class=\"lede\">A paired comparison by ihoabm: {esc(size)}{years} contract years, {reps} "
            f"replications per arm. Money is in pounds a year; activity counts a year for the whole simulated "
            f"population.</p>"]
    body += _arms_section(manifest, arms)
    body += _headline_section(comp, manifest, patients, reps, burn_in)
    figures = sorted(folder.glob("*.png"))
    if figures:
        body.append("<h2>Figures</h2>")
        body += [_figure(p, f"{p.stem.replace('_', ' ')}: each arm minus {ref}, by contract year, with 95% "
                            f"intervals") for p in figures]
    body += _value_section(folder, ref)
    body += _decomposition_section(folder)
    body += _assumptions_section(arms)
    body += _provenance(manifest, [["seeds", ", ".join(str(s) for s in seeds)],
                                   ["residents per run", f"{int(patients):,}" if patients else "unknown"],
                                   ["replications per arm", str(reps)]])
    return _page(title, body)


# --- a sweep -----------------------------------------------------------------------------------------------
def sweep_html(folder: Path) -> str:
    """The report of a sweep's output folder (after `sweep-report` has written its summaries and plots)."""
    manifest = _read_json(folder / "manifest.json")
    saved = _read_json(folder / "sweep.json")
    spec = saved.get("spec", manifest.get("spec", {}))
    sweep = spec.get("sweep", {})
    params = spec.get("parameters", [])
    overrides = sweep.get("overrides", {}) or {}   # dotted keys, as the sweep saved them
    run = {k.split(".", 1)[1]: v for k, v in overrides.items() if k.startswith("run.")}
    title = f"Sweep: {sweep.get('name', folder.name)}"
    size = ", ".join(x for x in (f"{run['patients']:,} residents" if "patients" in run else "",
                                 f"{run['years']} contract years" if "years" in run else "",
                                 f"{sweep.get('replications', 1)} replications per point") if x)
    body = [f"<h1>{esc(title)}</h1>", f"<p class=\"lede\">{esc(sweep.get('description', ''))} ({esc(size)}; "
            f"base scenario {esc(sweep.get('scenario', ''))}, design "
            f"{esc(spec.get('design', {}).get('method', ''))}).</p>",
            "<h2>The question and the parameters</h2>", f"<p>{esc(sweep.get('question', ''))}</p>"]
    rows = []
    for p in params:
        values = p.get("values")
        span = ", ".join(str(v) for v in values) if values else f"{p.get('low')} to {p.get('high')}"
        unit = present.parameter_unit(p["name"])
        rows.append([present.parameter_label(p["name"]), p["name"], span + (f" ({unit})" if unit else "")])
    body.append(_table(["parameter", "key", "values swept"], rows, numeric_from=99))
    summary = folder / "summary"
    body += _sweep_headline(summary)
    figures = sorted((folder / "plots").glob("*.png"))
    if figures:
        body.append("<h2>Figures</h2>")
        body += [_figure(p, p.stem.replace("_", " ")) for p in figures]
    body += ["<h2>The assumptions that drive the answer</h2>",
             f"<ul>{''.join(f'<li>{esc(t)}</li>' for t in GENERAL_ASSUMPTIONS[:3])}</ul>",
             "<p>Every value the sweep does not vary is the base scenario's; see <code>ihoabm scenario show "
             f"{esc(sweep.get('scenario', ''))} --sources</code> for each one's source.</p>"]
    body += _provenance(manifest, [["sweep seed", str(sweep.get("seed", ""))],
                                   ["runs saved / planned", f"{manifest.get('runs_saved', '?')} / "
                                                            f"{manifest.get('runs_planned', '?')}"]])
    return _page(title, body)


def _sweep_headline(summary: Path) -> list[str]:
    for name, head in (("sobol", "Total-order Sobol index ST [95% interval]"),
                       ("morris", "Morris mu* [95% interval]"),
                       ("tornado", "Mean at the parameter's low end and high end (swing)")):
        path = summary / f"{name}.csv"
        if not path.is_file():
            continue
        df = pd.read_csv(path)
        if df.empty:
            continue
        rows = []
        for _, r in df.iterrows():
            metric = str(r["metric"])
            if name == "sobol":
                cell = f"{r['ST']:.2f} [{r['ST'] - r['ST_conf']:.2f} to {r['ST'] + r['ST_conf']:.2f}]"
            elif name == "morris":
                fmt = present.money if present.is_money(metric) else (lambda x: f"{x:,.1f}")
                cell = f"{fmt(r['mu_star'])} [{fmt(r['mu_star'] - r['mu_star_conf'])} to " \
                       f"{fmt(r['mu_star'] + r['mu_star_conf'])}]"
            else:
                fmt = (lambda x: present.money(x, signed=False)) if present.is_money(metric) \
                    else (lambda x: f"{x:,.0f}")
                cell = f"{fmt(r['y_low'])} to {fmt(r['y_high'])} ({present.signed(metric, r['swing'])})"
            rows.append([str(r["arm"]), _metric_label(metric), present.parameter_label(str(r["parameter"])), cell])
        year = int(df["year"].iloc[0])
        return [f"<h2>Headline: {esc(head)}, contract year {year}</h2>",
                _table(["arm", "measure", "parameter", "value"], rows, numeric_from=3)]
    return ["<h2>Headline</h2>", "<p>No sensitivity summary yet (no successful runs, or run "
            "<code>ihoabm sweep-report</code> first).</p>"]


# --- either ------------------------------------------------------------------------------------------------
def kind_of(folder: Path) -> str:
    """'compare' or 'sweep', from the folder's manifest and files.

    Raises:
        ValueError: The folder holds neither, naming what was looked for.
    """
    manifest = _read_json(folder / "manifest.json")
    if manifest.get("kind") == "compare" and (folder / "comparison.csv").is_file():
        return "compare"
    if manifest.get("kind") == "sweep" or (folder / "sweep.json").is_file():
        return "sweep"
    raise ValueError(f"{folder}: not a comparison (manifest.json of kind compare with comparison.csv) or a sweep "
                     f"(sweep.json) result folder; give the --out folder of ihoabm compare or ihoabm sweep")


def html_of(folder: Path) -> str:
    """The report's HTML for a comparison or sweep folder."""
    return compare_html(folder) if kind_of(folder) == "compare" else sweep_html(folder)


def target(folder: Path) -> Path:
    """Where a folder's report goes: beside a comparison's files, in a sweep's summary/ (which the sweep owns)."""
    return folder / REPORT if kind_of(folder) == "compare" else folder / "summary" / REPORT


def write(folder: Path | str) -> Path:
    """Write the report of a comparison or sweep folder (atomically) and return its path.

    A comparison's report is one of its result set's files, so its size and hash in manifest.json are brought
    up to date with it (`ihoabm.outputs.folder.verify` keeps passing).
    """
    from ihoabm.outputs.folder import MANIFEST, atomic_write, sha256_of

    folder = Path(folder)
    text = html_of(folder)
    path = target(folder)
    path.parent.mkdir(exist_ok=True)
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    manifest = _read_json(folder / MANIFEST)
    if path.parent == folder and manifest.get("complete"):
        manifest.setdefault("files", {})[REPORT] = {"bytes": path.stat().st_size, "sha256": sha256_of(path)}
        atomic_write(folder / MANIFEST, lambda p: p.write_text(json.dumps(manifest, indent=1)))
    return path
