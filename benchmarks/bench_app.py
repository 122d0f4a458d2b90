"""A workshop on one server: week-step times for several participants, each playing their own model.

Usage: python benchmarks/bench_app.py [--sessions 8] [--patients 20000] [--seconds 20] [--no-browser]

(a) Without a browser: `--sessions` sessions (each its own worker process, as the server makes them) step a
    week at a time as fast as they can, all at once, for `--seconds`; the time of each week-step (command,
    simulation and the view the page shows), the median and 90th centile, and how many cores the processes used.
(b) In Chromium: `ihoabm app` is started; one page's first load is timed; then `--sessions` browser contexts
    open the single-model page (`--patients` residents, the default 20,000), press Play together, and each
    page records when a new day appears. Reported: the median and 90th centile time between weeks on screen,
    and the CPU the server process and its worker processes used (cores = CPU seconds / wall seconds).
Target (issue 16): 8 sessions of 20,000 residents on a 2-core machine, median week-step at most 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
RECORD_DAYS = """() => {
    window.ihoabmTimes = [];
    const status = document.querySelector('.ihoabm-status');
    let last = status.innerText;
    new MutationObserver(() => {
        const now = status.innerText;
        if (now !== last) { last = now; window.ihoabmTimes.push(performance.now()); } })
        .observe(status, {subtree: true, childList: true, characterData: true});
}"""


def process_cpu(root: int) -> dict[int, tuple[str, float]]:
    """Each process under `root` (itself included): its command line and CPU seconds so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    parent, info = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parent[int(entry)] = int(fields[1])
        info[int(entry)] = (cmd, (int(fields[11]) + int(fields[12])) / tick)
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier.extend(kids)
    return {p: info[p] for p in tree if p in info}


def quantiles(values: list[float]) -> str:
    values = sorted(values)
    p90 = values[min(int(0.9 * len(values)), len(values) - 1)]
    return f"median {statistics.median(values):.3f} s, 90th centile {p90:.3f} s, n = {len(values)}"


def without_browser(sessions: int, patients: int, seconds: float) -> None:
    """(a) Sessions stepping weeks in their worker processes, all at once."""
    from ihoabm.app.session import Session

    spec = {"scenario": "iho_invest_to_save", "patients": str(patients), "seed": "1"}
    runs = [Session("one", spec, local=False) for _ in range(sessions)]
    times: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def drive(s: Session) -> None:
        while time.monotonic() < stop and not s.view.finished:
            start = time.perf_counter()
            s._runner.call("step", 7)   # what the session's loop sends for a week, without its pacing
            with lock:
                times.append(time.perf_counter() - start)

    cpu0, wall0 = process_cpu(os.getpid()), time.monotonic()
    threads = [threading.Thread(target=drive, args=(s,)) for s in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu1, wall = process_cpu(os.getpid()), time.monotonic() - wall0
    used = sum(c - cpu0.get(p, ("", 0.0))[1] for p, (_, c) in cpu1.items())
    for s in runs:
        s.close()
    print(f"(a) {sessions} sessions x {patients:,} residents, week-steps without a browser: {quantiles(times)}; "
          f"cores used {used / wall:.2f}")


def in_browser(sessions: int, patients: int, seconds: float) -> None:
    """(b) `ihoabm app` and `sessions` Chromium contexts, all playing."""
    from playwright.sync_api import sync_playwright

    from ihoabm.cli.serve import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen([sys.executable, "-c", "from ihoabm.cli.commands import app; app()", "app", "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            first = browser.new_page(viewport={"width": 1280, "height": 720})
            deadline = time.monotonic() + 60
            while True:
                try:
                    start = time.perf_counter()
                    first.goto(url)
                    break
                except Exception:  # noqa: BLE001 - the server is still starting
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            first.get_by_role("button", name="Step a week", exact=True).wait_for(timeout=60_000)
            print(f"(b) first page interactive: {time.perf_counter() - start:.2f} s")
            first.close()
            pages = []
            for _ in range(sessions):
                page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
                page.goto(url, wait_until="commit")
                pages.append(page)
            for page in pages:
                page.locator(".ihoabm-status").get_by_text(f"Residents: {patients:,}").wait_for(timeout=90_000)
            cpu0, wall0 = process_cpu(proc.pid), time.monotonic()
            for page in pages:
                page.evaluate(RECORD_DAYS)
                page.get_by_role("button", name="Play", exact=True).click()
            time.sleep(seconds)
            intervals = []
            for page in pages:
                t = page.evaluate("() => window.ihoabmTimes")
                intervals += [(b - a) / 1000 for a, b in zip(t, t[1:], strict=False)]
            cpu1, wall = process_cpu(proc.pid), time.monotonic() - wall0
            browser.close()
        used = {p: c - cpu0.get(p, ("", 0.0))[1] for p, (_, c) in cpu1.items()}
        server = max((p for p, (cmd, _) in cpu1.items() if "solara run" in cmd), key=lambda p: used[p])
        workers = sum(u for p, u in used.items() if p != server)
        print(f"(b) {sessions} sessions x {patients:,} residents playing, time between weeks on screen: "
              f"{quantiles(intervals)}")
        print(f"(b) over {wall:.1f} s: server process {used[server] / wall:.2f} cores, its worker processes "
              f"{workers / wall:.2f} cores, together {(used[server] + workers) / wall:.2f} cores")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--patients", type=int, default=20_000, help="the page's default is 20,000")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--no-browser", action="store_true", help="Skip the Chromium timings.")
    args = parser.parse_args()
    without_browser(args.sessions, args.patients, args.seconds)
    if args.no_browser or not CHROMIUM.exists():
        print("(b) skipped" if args.no_browser else "(b) skipped: no /usr/bin/chromium")
        return
    if args.patients != 20_000:
        print("(b) uses the page's default population, 20,000")
    in_browser(args.sessions, 20_000, args.seconds)


if __name__ == "__main__":
    main()
