"""`ihoabm app`: start the Solara server for the app on this machine, with every asset served locally.

The server runs `solara run ihoabm.app.pages` in a child process with settings that keep every request on
this machine: JavaScript, fonts and widgets come from the `solara-assets` package through Solara's local
asset route, the asset route never falls back to a CDN, and Solara's telemetry and version check are off.
"""

from __future__ import annotations

import ctypes
import errno
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Annotated

import typer

from ihoabm.cli.tools import UsageError, friendly

APP_MODULE = "ihoabm.app.pages"
NOTES_ENV = "IHOABM_APP_NOTES"   # read by ihoabm.app.story (not imported here: it would import the model)
# A CDN address that cannot be fetched: if an asset were missing from solara-assets, the server answers 404
# instead of downloading it.
NO_CDN = "offline://solara-assets-only/"


def offline_env(base: dict[str, str] | None = None, notes: str | None = None) -> dict[str, str]:
    """Environment for the server process: local assets only, no telemetry, and the facilitator's notes file."""
    env = dict(os.environ if base is None else base)
    if notes:
        env[NOTES_ENV] = os.path.abspath(notes)
    env.update({
        "SOLARA_ASSETS_PROXY": "True",
        "SOLARA_ASSETS_CDN": NO_CDN,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_CHECK_HOOKS": "off",   # Mesa's SolaraViz trips the checker; it would only fill the log
        # A closed browser tab's models are freed after 30 minutes (Solara keeps them a day by default).
        "SOLARA_KERNEL_CULL_TIMEOUT": "30m",
        # Solara warns about iframe cookies on every page load from 127.0.0.1; the app is not embedded.
        "PYTHONWARNINGS": "ignore:Cookies with samesite:UserWarning",
        "MPLBACKEND": "Agg",
    })
    return env


def free_port(host: str = "127.0.0.1") -> int:
    """Ask the operating system for a port nobody is listening on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def server_command(host: str, port: int) -> list[str]:
    """Build the `solara run` command line for the app."""
    return [sys.executable, "-m", "solara", "run", APP_MODULE, "--host", host, "--port", str(port),
            "--production", "--no-open", "--no-check-version", "--theme-loader", "plain"]


def url_of(host: str, port: int) -> str:
    """Address to open in a browser."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def wait_until_listening(host: str, port: int, proc: subprocess.Popen, timeout: float = 60.0) -> bool:
    """Wait until the server accepts connections (False if it exits or the timeout passes)."""
    deadline = time.monotonic() + timeout
    target = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection((target, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def notes_problem(path: str) -> str:
    """One line saying why a notes file cannot be shown, or "" when it can."""
    from ihoabm.app.story import notes_path_problem  # no Solara, no model: only the file checks

    return notes_path_problem(path)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def check_address(host: str, port: int) -> bool:
    """Check the server can listen on host:port before saying so; return whether the address is loopback.

    Raises:
        UsageError: One line naming --host or --port when the name does not resolve, is not an address of
            this machine, or the port is taken.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"--host {host}: not a known host name or address ({exc}); use 127.0.0.1 (this "
                         "machine only) or 0.0.0.0 (every network)") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(f"--port {port}: already in use on {host}; choose another port, or --port 0 for "
                                 "a free one") from None
            if exc.errno == errno.EACCES:
                raise UsageError(f"--port {port}: not allowed for this user; choose a port above 1023") from None
            raise UsageError(f"--host {host}: not an address of this machine ({exc.strerror}); use 127.0.0.1 "
                             "or 0.0.0.0") from None
    ip = ipaddress.ip_address(address[0].split("%")[0])
    return ip.is_loopback


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the server gets SIGTERM when this process dies, even by SIGKILL (prctl PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


@friendly
def app_command(
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535,
                                      help="Port to listen on (0 picks a free one).")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to listen on; the default serves this machine "
                                                     "only.")] = "127.0.0.1",
    notes: Annotated[str | None, typer.Option("--notes", help="A Markdown file of facilitator's notes, shown on "
                                                              "both pages.")] = None,
) -> None:
    """Start the interactive app (one model at /, payment systems side by side at /compare) and print its URL."""
    if notes is not None:
        problem = notes_problem(notes)
        if problem:
            raise UsageError(problem)
    local = check_address(host, port)
    if port == 0:
        port = free_port(host if host not in ("0.0.0.0", "") else "127.0.0.1")
    url = url_of(host, port)
    if not local:
        typer.echo(f"warning: listening on {host}: other machines on the network can open the app", err=True)
    linux = sys.platform.startswith("linux")
    proc = subprocess.Popen(server_command(host, port), env=offline_env(notes=notes),
                            preexec_fn=_die_with_parent if linux else None)
    # `kill` (SIGTERM) stops the server too, like Ctrl+C, instead of leaving it running.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if not wait_until_listening(host, port, proc):
            code = proc.wait() if proc.poll() is not None else 1
            typer.echo(f"error: the app server did not start on {host}:{port} (is the port in use?)",
                       err=True)
            raise typer.Exit(code or 1)
        typer.echo(f"ihoabm app: {url}  (comparison page: {url}compare). Press Ctrl+C to stop.")
        raise typer.Exit(proc.wait())
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        typer.echo("ihoabm app: stopped")
    finally:
        if proc.poll() is None:
            proc.terminate()
