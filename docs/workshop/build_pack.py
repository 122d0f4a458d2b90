"""Build the facilitator pack: executed notebooks, answer keys, slides, glossary, FAQ and fallback, as offline HTML.

Run from the project folder with the project's Python:

    .venv/bin/python docs/workshop/build_pack.py            # every notebook
    .venv/bin/python docs/workshop/build_pack.py 02 03      # only these notebooks (the rest of the pack too)

Each notebook is run top to bottom at its workshop size in a fresh kernel (this interpreter), with its hidden
checks; a notebook whose check fails is reported and the build stops, because its text no longer matches the
model. Output goes to docs/workshop/pack/: `NN_name.html` (the executed copy, hidden check cells shown only as
their printed numbers), `answers_NN_name.html` (one page: each checked claim and the numbers of this run),
`slides.html`, `glossary.html`, `faq.html`, `fallback.html`, `timing.html` and `index.html`. Every page is a single
file with its images inside, so the folder works from a USB stick with no internet.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
PACK = Path(__file__).resolve().parent / "pack"
HIDDEN = "remove-input"
STYLE = """<style>
body{font-family:system-ui,-apple-system,Segoe UI,Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.45;color:#111}
pre,code{font-family:ui-monospace,Consolas,monospace;font-size:.85em}pre{background:#f4f4f4;padding:.6rem;overflow-x:auto}
table{border-collapse:collapse;font-size:.8em;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .4rem}
img{max-width:100%}.check{border-left:4px solid #0072B2;background:#eef5fb;padding:.3rem .6rem;margin:.4rem 0}
.claim{border-left:4px solid #E69F00;padding:.1rem .8rem;margin:.8rem 0}
.slide{min-height:88vh;border-bottom:2px solid #ddd;padding:1rem 0;page-break-after:always}
.slide h2{font-size:2rem}.slide li,.slide p{font-size:1.3rem}
@media print{.slide{min-height:auto}}
</style>"""


# --- a small Markdown renderer (headings, lists, tables, bold, italic, code, links), enough for this kit --------
def _inline(text: str) -> str:
    text = html.escape(text, quote=False)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", text)
    text = re.sub(r"(?<![*\w])\*([^*\s][^*]*)\*(?!\w)", r"<i>\1</i>", text)
    return re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', text)


def markdown(text: str) -> str:
    """Markdown to HTML for the constructs the notebooks and pack pages use."""
    out: list[str] = []
    para: list[str] = []
    lists: list[str] = []
    lines: list[str] = []
    for line in text.split("\n"):   # a list item's continuation lines join it, so bold may span them
        item = re.match(r"\s*([*-]|\d+\.) ", line)
        if lines and line.startswith(" ") and line.strip() and not item and re.match(r"\s*([*-]|\d+\.) ", lines[-1]):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    i = 0

    def flush() -> None:
        if para:
            out.append(f"<p>{_inline(' '.join(para))}</p>")
            para.clear()

    def close_lists(depth: int = 0) -> None:
        while len(lists) > depth:
            out.append(f"</li></{lists.pop()}>")

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            close_lists()
            block = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                block.append(lines[i])
                i += 1
            out.append(f"<pre>{html.escape(chr(10).join(block))}</pre>")
        elif stripped.startswith("|") and i + 1 < len(lines) and set(lines[i + 1].strip()) <= set("|-: "):
            flush()
            close_lists()
            head = [c.strip() for c in stripped.strip("|").split("|")]
            rows = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            i -= 1
            out.append("<table><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head) + "</tr>" + "".join(
                "<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in rows) + "</table>")
        elif m := re.match(r"(#{1,4}) (.*)", stripped):
            flush()
            close_lists()
            level = len(m.group(1))
            out.append(f"<h{level}>{_inline(m.group(2))}</h{level}>")
        elif m := re.match(r"(\s*)([*-]|\d+\.) (.*)", line):
            flush()
            depth = len(m.group(1)) // 2 + 1
            kind = "ol" if m.group(2)[0].isdigit() else "ul"
            if len(lists) < depth:
                out.append(f"<{kind}><li>")
                lists.append(kind)
            else:
                close_lists(depth)
                out.append("</li><li>")
            out.append(_inline(m.group(3)))
        elif not stripped:
            flush()
            close_lists()
        else:
            para.append(stripped)
        i += 1
    flush()
    close_lists()
    return "\n".join(out)


def page(title: str, body: str) -> str:
    """A self-contained HTML page."""
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"{STYLE}</head><body>{body}</body></html>")


# --- running the notebooks ------------------------------------------------------------------------------------
def execute(names: list[str]):
    """Run each notebook in a fresh kernel (this interpreter); yield (name, executed notebook, seconds, error)."""
    import nbclient
    import nbformat

    root = Path(tempfile.mkdtemp(prefix="ihoabm_pack_"))
    spec = root / "kernels" / "ihoabm-pack"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "ihoabm (pack)", "language": "python"}))
    os.environ["JUPYTER_PATH"] = str(root)
    os.environ["IHOABM_WORKSHOP_OUT"] = str(root / "workshop_output")
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    for name in names:
        nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        client = nbclient.NotebookClient(nb, kernel_name="ihoabm-pack", timeout=1800,
                                         resources={"metadata": {"path": str(NOTEBOOKS)}})
        start = time.perf_counter()
        try:
            asyncio.run(client.async_execute())
        except Exception as exc:  # reported, and the notebook's pages are not written
            yield name, nb, time.perf_counter() - start, exc
            continue
        yield name, nb, time.perf_counter() - start, None


def _outputs(cell) -> str:
    parts = []
    for o in cell.get("outputs", []):
        data = o.get("data", {})
        if o.get("output_type") == "stream":
            parts.append(f"<pre>{html.escape(o.get('text', ''))}</pre>")
        elif "image/png" in data:
            parts.append(f"<img alt='figure' src='data:image/png;base64,{data['image/png'].strip()}'>")
        elif "text/html" in data:
            parts.append(data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"]))
        elif "text/plain" in data:
            parts.append(f"<pre>{html.escape(''.join(data['text/plain']))}</pre>")
        elif o.get("output_type") == "error":
            parts.append(f"<pre>{html.escape(o.get('ename', ''))}: {html.escape(o.get('evalue', ''))}</pre>")
    return "\n".join(parts)


def _hidden(cell) -> bool:
    return HIDDEN in cell.get("metadata", {}).get("tags", [])


def executed_html(name: str, nb) -> str:
    """The executed copy: text, code, outputs; a hidden check cell shows only what it printed."""
    body = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            body.append(markdown(cell.source))
        elif _hidden(cell):
            printed = _outputs(cell)
            body.append(f"<div class='check'>Checked against this run. {printed}</div>")
        else:
            body.append(f"<pre>{html.escape(cell.source)}</pre>{_outputs(cell)}")
    return page(f"{name} (executed)", "\n".join(body))


def answer_key(name: str, nb, seconds: float) -> str:
    """One page: the notebook's predictions, then each checked claim with the numbers this run printed."""
    cells = nb.cells
    title = next((c.source.splitlines()[0].lstrip("# ") for c in cells if c.cell_type == "markdown"), name)
    body = [f"<h1>Answer key: {html.escape(title)}</h1>",
            f"<p>Numbers of the run made by build_pack.py on {time.strftime('%Y-%m-%d')} ({seconds:.0f} s). Each claim "
            "below is the notebook's own text; the hidden check after it passed on this run.</p>"]
    predict = next((c for c in cells if c.cell_type == "markdown" and "Predict before you run" in c.source), None)
    if predict is not None:
        body.append(markdown(predict.source.replace("## Predict before you run", "### The questions")))
    body.append("<h3>What the model showed</h3>")
    for i, cell in enumerate(cells):
        if not _hidden(cell):
            continue
        text = next((c.source for c in reversed(cells[:i]) if c.cell_type == "markdown"), "")
        body.append(f"<div class='claim'>{markdown(text)}<div class='check'>{_outputs(cell) or 'Checked.'}</div></div>")
    return page(f"Answer key: {name}", "\n".join(body))


# --- the pages that do not need a run --------------------------------------------------------------------------
SLIDES = Path(__file__).resolve().parent / "slides.md"
FAQ = Path(__file__).resolve().parent / "faq.md"
FALLBACK = Path(__file__).resolve().parent / "fallback.md"


def slides(figures: dict[str, str]) -> str:
    """The slides (slides.md, one `---` per slide), with figures from the executed notebooks."""
    text = SLIDES.read_text(encoding="utf-8")
    parts = []
    for chunk in text.split("\n---\n"):
        rendered = markdown(chunk)
        for key, png in figures.items():
            rendered = rendered.replace(f"FIGURE:{key}", f"<img alt='{key}' src='data:image/png;base64,{png}'>")
        rendered = re.sub(r"FIGURE:\w+", "(figure: run build_pack.py with notebooks 02 and 03)", rendered)
        parts.append(f"<section class='slide'>{rendered}</section>")
    return page("Paying for integration: slides", "\n".join(parts))


def timing() -> str:
    """The two session plans, taken from the facilitator guide so they cannot differ."""
    guide = (Path(__file__).resolve().parent / "facilitator_guide.md").read_text(encoding="utf-8")
    start = guide.index("## The 90-minute plan")
    end = guide.index("## Expected observations")
    return page("Timing per activity", markdown("# Timing per activity\n\n" + guide[start:end]))


def glossary() -> str:
    """The output columns, from the outputs catalogue."""
    sys.path.insert(0, str(ROOT))
    from ihoabm.outputs import workshop

    table = workshop.glossary().to_html()
    return page("Glossary of output columns", "<h1>Glossary of output columns</h1><p>Every column of a run's "
                "yearly table (annual.csv), with its label, unit and how it is counted, from the outputs catalogue "
                "(ihoabm/outputs/catalogue.py).</p>" + table)


def _first_figure(nb, marker: str) -> str | None:
    for cell in nb.cells:
        if cell.cell_type == "code" and marker in cell.source:
            for o in cell.get("outputs", []):
                if "image/png" in o.get("data", {}):
                    return o["data"]["image/png"].strip()
    return None


def main(selected: list[str]) -> None:
    """Build the pack."""
    names = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    if selected:
        names = [n for n in names if any(n.startswith(s) for s in selected)]
    PACK.mkdir(exist_ok=True)
    figures = {}
    failed = []
    for name, nb, seconds, error in execute(names):
        if error is not None:
            failed.append(name)
            print(f"{name}: FAILED after {seconds:.0f} s; its pages were not rewritten:\n"
                  f"{str(error).strip().splitlines()[-1]}", flush=True)
            continue
        print(f"{name}: ran in {seconds:.0f} s", flush=True)
        (PACK / f"{name}.html").write_text(executed_html(name, nb), encoding="utf-8")
        (PACK / f"answers_{name}.html").write_text(answer_key(name, nb, seconds), encoding="utf-8")
        for key, marker in (("j_curve", "j_curve(curve"), ("paired", "ws.paired_figure(")):
            png = _first_figure(nb, marker)
            if png:
                figures[key] = png
    if figures or not (PACK / "slides.html").exists():
        (PACK / "slides.html").write_text(slides(figures), encoding="utf-8")
    (PACK / "glossary.html").write_text(glossary(), encoding="utf-8")
    (PACK / "faq.html").write_text(page("Questions finance staff ask", markdown(FAQ.read_text())), encoding="utf-8")
    (PACK / "fallback.html").write_text(page("If the software fails", markdown(FALLBACK.read_text())),
                                        encoding="utf-8")
    (PACK / "timing.html").write_text(timing(), encoding="utf-8")
    built = sorted(p.name for p in PACK.glob("*.html") if p.name != "index.html")
    links = "".join(f"<li><a href='{n}'>{n}</a></li>" for n in built)
    (PACK / "index.html").write_text(page("Facilitator pack", "<h1>Facilitator pack</h1><p>Regenerate with "
                                          "<code>.venv/bin/python docs/workshop/build_pack.py</code>.</p>"
                                          f"<ul>{links}</ul>"), encoding="utf-8")
    print(f"wrote {len(built) + 1} pages to {PACK}")
    if failed:
        raise SystemExit(f"these notebooks failed, so their pages are from an earlier build: {', '.join(failed)}")


if __name__ == "__main__":
    main(sys.argv[1:])
