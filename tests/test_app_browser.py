"""End to end: `ihoabm app` in a real Chromium (Debian's /usr/bin/chromium driven by Python Playwright).

Starts the server on a free port, opens both pages, steps, plays and pauses, changes the scenario, checks
that the figures on screen change, types bad input and sees the message, checks that two browser sessions
have their own models and that no request leaves the machine, and saves screenshots (to
$IHOABM_SCREENSHOTS if set, else a temporary folder).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
playwright_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not CHROMIUM.exists():
    if os.environ.get("CI"):
        # In CI the browser test must run: .ci/run installs Debian's Chromium.
        raise RuntimeError("CI is set but /usr/bin/chromium is missing: .ci/run should apt-get install chromium")
    pytest.skip("no /usr/bin/chromium (apt-get install -y chromium)", allow_module_level=True)

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
LOCAL = {"127.0.0.1", "localhost", "::1"}
WAIT_MS = 30_000
DAY = re.compile(r"Day (\d+) \(")
COMPARATORS = "A: compared with"


def free_port() -> int:
    from ihoabm.cli.serve import free_port as pick

    return pick()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """`ihoabm app --port P` as a subprocess; yields the URL it prints."""
    port = free_port()
    cmd = [sys.executable, "-c", "from ihoabm.cli.commands import app; app()", "app", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    lines = SERVER_LOG
    lines.clear()
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    deadline = time.monotonic() + 90
    url = None
    while time.monotonic() < deadline and proc.poll() is None:
        found = [m.group(1) for line in list(lines) if (m := re.search(r"ihoabm app: (http://\S+)", line))]
        if found:
            url = found[0]
            break
        time.sleep(0.1)
    if url is None:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the app server did not start:\n" + "".join(lines[-40:]))
    assert url == f"http://127.0.0.1:{port}/"
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("IHOABM_SCREENSHOTS", tmp_path_factory.mktemp("screenshots")))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Traffic:
    """Every request a page makes, and every response that failed."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.failures: list[str] = []

    def watch(self, page) -> None:
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("requestfailed", lambda r: self.failures.append(f"failed {r.url}"))
        page.on("response", lambda r: self.failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def leaving(self) -> list[str]:
        out = []
        for url in self.urls:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob"):
                continue
            if parsed.hostname not in LOCAL:
                out.append(url)
        return out


@pytest.fixture(scope="module")
def traffic() -> Traffic:
    return Traffic()


OPEN_PAGES: list = []
SERVER_LOG: list[str] = []


@contextmanager
def explained(shots: Path, name: str) -> Iterator[None]:
    """On failure, save a screenshot of each open page and print its text (what was on screen)."""
    OPEN_PAGES.clear()
    try:
        yield
    except BaseException:
        for k, page in enumerate(OPEN_PAGES):
            if not page.is_closed():
                page.screenshot(path=shots / f"failure_{name}_{k}.png", full_page=True)
                print(f"--- page {k} ({page.url}) ---\n{page.locator('body').inner_text()[:3000]}")
        print("--- server log (last 60 lines) ---\n" + "".join(SERVER_LOG[-60:]))
        raise


def open_page(browser, url: str, traffic: Traffic, ready: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    OPEN_PAGES.append(page)
    page.on("console", lambda m: print(f"console {m.type}: {m.text[:300]}") if m.type == "error" else None)
    traffic.watch(page)
    page.goto(url)
    page.get_by_role("button", name=ready, exact=True).wait_for(timeout=WAIT_MS)
    return page


def day_shown(page, selector: str) -> int:
    text = page.locator(selector).first.inner_text(timeout=WAIT_MS)
    match = DAY.search(text)
    assert match, text
    return int(match.group(1))


def wait_for_day(page, selector: str, day: int) -> None:
    page.locator(selector).get_by_text(re.compile(rf"Day {day} \(")).wait_for(timeout=WAIT_MS)


def wait_for_day_above(page, selector: str, day: int) -> int:
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        now = day_shown(page, selector)
        if now > day:
            return now
        time.sleep(0.2)
    pytest.fail(f"the day did not pass {day}")


def settled_day(page, selector: str, quiet: float = 2.0) -> int:
    """The day shown once it has stopped changing for `quiet` seconds (a step under way may still land)."""
    deadline = time.monotonic() + WAIT_MS / 1000
    last, since = day_shown(page, selector), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = day_shown(page, selector)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return now
    pytest.fail("the day kept changing after pause")


def image(page, name: str) -> bytes:
    img = page.locator(f"img.ihoabm-{name}").first
    img.wait_for(timeout=WAIT_MS)
    return img.screenshot()


def choose(page, label: str, option: str) -> None:
    """Pick an option in a Vuetify select found by its label."""
    page.locator(".v-select").filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()


def type_into(page, label: str, text: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(text)
    field.press("Enter")


def test_single_model_page(server, browser, traffic, shots):
    with explained(shots, "single"):
        page = open_page(browser, server, traffic, "Step")
        status = ".ihoabm-status"
        wait_for_day(page, status, 0)
        page.get_by_text("ONE MODEL", exact=False).first.wait_for()
        page.screenshot(path=shots / "single_start.png", full_page=True)
        before = image(page, "activity")
        health_before = image(page, "health")

        page.get_by_role("button", name="Step", exact=True).click()
        wait_for_day(page, status, 7)
        time.sleep(0.5)
        assert image(page, "activity") != before, "the activity figure did not change after a step"
        assert image(page, "health") != health_before, "the health figure did not change after a step"

        page.get_by_role("button", name="▶", exact=True).click()
        reached = wait_for_day_above(page, status, 21)
        page.get_by_role("button", name="❚❚", exact=True).click()
        page.get_by_role("button", name="▶", exact=True).wait_for(timeout=WAIT_MS)
        paused_at = settled_day(page, status)
        assert paused_at >= reached
        page.screenshot(path=shots / "single_played.png", full_page=True)
        # The journeys panel sits below the fold of the scrolling main area: photograph it on its own.
        page.locator("img.ihoabm-journeys").first.screenshot(path=shots / "single_journeys.png")

        network_before = image(page, "network")
        choose(page, "Scenario or regime", "iho_lead_provider")
        page.get_by_role("button", name="Reset", exact=True).click()
        page.locator(status).get_by_text("iho_lead_provider").wait_for(timeout=WAIT_MS)
        wait_for_day(page, status, 0)
        assert "regime iho" in page.locator(status).inner_text()
        time.sleep(0.5)
        assert image(page, "network") != network_before, "the network view did not change with the regime"
        page.get_by_role("button", name="Step", exact=True).click()
        wait_for_day(page, status, 7)
        page.screenshot(path=shots / "single_iho.png", full_page=True)

        type_into(page, "Seed (a whole number)", "abc")
        type_into(page, "Residents (1,000 to 200,000)", "0")
        page.get_by_role("button", name="Reset", exact=True).click()
        page.get_by_text(re.compile("Seed must be a whole number")).wait_for(timeout=WAIT_MS)
        page.get_by_text(re.compile("Population must be a whole number")).wait_for(timeout=WAIT_MS)
        page.screenshot(path=shots / "single_bad_input.png", full_page=True)
        page.get_by_role("button", name="Step", exact=True).click()   # still alive
        wait_for_day(page, status, 7)
        page.context.close()


def test_comparison_page(server, browser, traffic, shots):
    with explained(shots, "compare"):
        page = open_page(browser, server + "compare", traffic, "Skip burn-in")
        header = ".ihoabm-header"
        wait_for_day(page, header, 0)
        page.screenshot(path=shots / "compare_start.png", full_page=True)
        before = image(page, "comparison")
        health_before = image(page, "comparison-health")

        page.get_by_role("button", name="Step", exact=True).click()
        wait_for_day(page, header, 7)
        time.sleep(0.3)
        assert image(page, "comparison") != before
        assert image(page, "comparison-health") != health_before, "the health comparison did not change"
        page.get_by_role("button", name="Skip burn-in", exact=True).click()
        wait_for_day(page, header, 365)
        page.get_by_role("button", name="Play", exact=True).click()
        reached = wait_for_day_above(page, header, 365 + 35)
        page.get_by_role("button", name="Pause", exact=True).click()
        page.get_by_role("button", name="Play", exact=True).wait_for(timeout=WAIT_MS)
        paused_at = settled_day(page, header)
        assert paused_at >= reached
        page.get_by_text("since the contracts began").wait_for(timeout=WAIT_MS)
        page.screenshot(path=shots / "compare_played.png", full_page=True)

        # A second browser session has its own pair of runs, still at day 0.
        other = open_page(browser, server + "compare", traffic, "Skip burn-in")
        wait_for_day(other, header, 0)
        other.context.close()
        assert day_shown(page, header) == paused_at

        choose(page, "B: alternative (IHO)", "iho_alliance")
        page.locator(header).get_by_text("iho_alliance").wait_for(timeout=WAIT_MS)
        wait_for_day(page, header, 0)
        # The comparators start as PbR as it was and today's payment; one more can be added.
        assert "against A: pbr_2004, api_today." in page.locator(header).first.inner_text()
        choose(page, COMPARATORS, "block_2020")
        page.keyboard.press("Escape")
        page.locator(header).get_by_text(re.compile(r"pbr_2004, api_today, block_2020")).wait_for(timeout=WAIT_MS)
        page.screenshot(path=shots / "compare_three_comparators.png", full_page=True)
        page.get_by_role("button", name="4 weeks", exact=True).click()
        page.get_by_role("button", name="Step", exact=True).click()
        wait_for_day(page, header, 28)

        type_into(page, "Seed (a whole number)", "abc")
        page.get_by_text(re.compile("Seed must be a whole number")).first.wait_for(timeout=WAIT_MS)
        page.screenshot(path=shots / "compare_bad_seed.png", full_page=True)
        assert day_shown(page, header) == 28, "a bad seed must leave the runs as they were"
        page.get_by_role("button", name="Step", exact=True).click()   # still alive
        wait_for_day(page, header, 56)
        type_into(page, "Seed (a whole number)", "2")
        page.locator(header).get_by_text("seed 2").wait_for(timeout=WAIT_MS)
        page.context.close()


def test_nothing_leaves_the_machine(server, browser, traffic):
    if not traffic.urls:
        page = open_page(browser, server, traffic, "Step")
        page.context.close()
    assert traffic.urls, "no requests were recorded"
    assert traffic.leaving() == []
    assert traffic.failures == []
