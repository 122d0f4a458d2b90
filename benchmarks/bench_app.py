"""Responsiveness of the app: one simulated week plus redraw at 50,000 residents, and first page load.

Usage: python benchmarks/bench_app.py [--patients 50000] [--repeats 7] [--no-browser]

(a) Server side: the single-model page (Mesa's SolaraViz with the app's panels) rendered with solara.render
    around an `AppModel` of `--patients` residents; the time of a Step click (7 simulated days, then every
    panel redrawn) early in the run (year 1) and late (year 5, the longest series to plot). Median of repeats.
(b) In Chromium: `ihoabm app` is started and the browser is already running; the time from the server
    accepting connections to the single-model page being interactive (its Step button and "Day 0" visible),
    then the comparison page, then a Step click at `--patients` residents until the new day and a new
    activity figure are on screen (timed by the page itself).
Targets (issue 5): (a) and the in-browser step at most 1 second; first page interactive at most 5 seconds.
"""

from __future__ import annotations

import argparse
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]


def step_and_redraw(patients: int, repeats: int, advance_days: int) -> list[float]:
    """Seconds per Step click (a week and a redraw) after `advance_days` simulated days."""
    import ipyvuetify as v
    import solara
    from mesa.visualization import SolaraViz

    from ihoabm.app.params import AppModel
    from ihoabm.app.single import COMPONENTS, DAYS_PER_STEP, model_params

    model = AppModel(patients=patients, seed=1)
    for _ in range(advance_days):
        model.step()

    @solara.component
    def Page():
        with solara.AppLayout():
            SolaraViz(model, components=COMPONENTS, model_params=model_params(), render_interval=DAYS_PER_STEP)

    _, rc = solara.render(Page(), handle_error=False)
    step = rc.find(v.Btn, children=["Step"]).widget
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step.click()
        times.append(time.perf_counter() - start)
    assert model.day == advance_days + repeats * DAYS_PER_STEP
    return times


# Clicks Step and resolves, in milliseconds of the page's own clock, once the status panel shows the new day
# and the activity figure has a new image: what a person sees, without the test driver's polling.
STEP_IN_PAGE = """(day) => new Promise((resolve) => {
    const status = document.querySelector('.ihoabm-status');
    const img = document.querySelector('img.ihoabm-activity');
    const before = img.src;
    const t0 = performance.now();
    const done = () => status.innerText.includes('Day ' + day + ' (') && img.src !== before;
    const obs = new MutationObserver(() => { if (done()) { obs.disconnect(); resolve(performance.now() - t0); } });
    obs.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
    [...document.querySelectorAll('button')].find((b) => b.innerText.trim().toUpperCase() === 'STEP').click();
})"""


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("server did not start")


def browser_timings(patients: int, repeats: int) -> dict[str, float | list[float]]:
    """First-page, comparison-page and in-browser step timings against a fresh `ihoabm app`."""
    from playwright.sync_api import sync_playwright

    from ihoabm.cli.serve import free_port

    out: dict[str, float | list[float]] = {}
    port = free_port()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        proc = subprocess.Popen([sys.executable, "-c", "from ihoabm.cli.commands import app; app()", "app", "--port",
                                 str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            wait_port(port)
            up = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_role("button", name="Step", exact=True).wait_for(timeout=60_000)
            page.locator(".ihoabm-status").get_by_text(re.compile(r"Day 0 \(")).wait_for(timeout=60_000)
            out["first page interactive after server up (s)"] = time.perf_counter() - up
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/compare")
            page.get_by_role("button", name="Skip burn-in", exact=True).wait_for(timeout=60_000)
            page.locator(".ihoabm-header").get_by_text(re.compile(r"Day 0 \(")).wait_for(timeout=60_000)
            out["comparison page interactive (s)"] = time.perf_counter() - start

            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_role("button", name="Step", exact=True).wait_for(timeout=60_000)
            field = page.get_by_label("Residents (1,000 to 200,000)", exact=True)
            field.fill(str(patients))
            field.press("Enter")
            page.get_by_role("button", name="Reset", exact=True).click()
            page.locator(".ihoabm-status").get_by_text(f"Residents: {patients:,}").wait_for(timeout=60_000)
            steps = []
            for k in range(1, repeats + 1):
                steps.append(page.evaluate(STEP_IN_PAGE, 7 * k) / 1000)
                time.sleep(0.3)
            out[f"step + redraw in the browser, {patients:,} residents (s)"] = steps
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
            browser.close()
    return out


def show(label: str, values: float | list[float]) -> None:
    if isinstance(values, list):
        print(f"{label}: median {statistics.median(values):.3f}, max {max(values):.3f} "
              f"({', '.join(f'{t:.3f}' for t in values)})")
    else:
        print(f"{label}: {values:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-browser", action="store_true", help="Skip the Chromium timings.")
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)
    for label, days in (("year 1", 30), ("year 5", 5 * 365)):
        show(f"(a) step + redraw, {args.patients:,} residents, {label} (s)",
             step_and_redraw(args.patients, args.repeats, days))
    if args.no_browser or not CHROMIUM.exists():
        print("(b) skipped: no browser" if not args.no_browser else "(b) skipped")
        return
    for label, values in browser_timings(args.patients, args.repeats).items():
        show(f"(b) {label}", values)


if __name__ == "__main__":
    main()
