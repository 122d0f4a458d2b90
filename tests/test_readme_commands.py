"""Every command the README shows works as written.

Commands are read from the README itself: each line of its ```bash blocks, and each `ihoabm ...`,
`.venv/bin/...` or `python ...` command in its inline code. Cheap ones run for real with small sizes added
(a few thousand residents, one year); long ones (the app, sweeps, benchmarks) are checked with `--help`; the
two set-up commands, which build a virtual environment, are checked for form only. A bare `python` (not the
venv's) fails the test: on a fresh machine it is not the Python that has ihoabm installed.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
VENV_BIN = Path(sys.executable).parent
SMALL = {"compare": ["-n", "2000", "-y", "1", "-r", "2", "-w", "1"],
         "decompose": ["-n", "2000", "-y", "1", "-r", "1", "-w", "1"],
         "run": ["-n", "2000", "-y", "1"], "validate": ["-n", "2000", "-y", "1"]}
HELP_ONLY = {"app", "sweep", "sweep-report", "report"}   # long-running, or need a result folder first
# Placeholders in the README's usage lines, and what a test runs in their place.
FILL = {"A": "pbr_2004", "B": "api_today", "NAME|PATH": "iho_invest_to_save", "SCENARIO": "pbr_2004",
        "N": "2000", "Y": "1", "S": "1"}


def bash_lines() -> list[str]:
    """Each command line of the README's bash blocks (comments dropped)."""
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def inline_commands() -> list[str]:
    """Commands in the README's inline code: `ihoabm ...`, `.venv/bin/... ...`, `python ...`."""
    found = re.findall(r"`((?:ihoabm|\.venv/bin/\w+|python3?) [^`]+)`", README.replace("\n", " "))
    return sorted(set(found))


def test_the_readme_has_commands_to_check():
    assert len(bash_lines()) >= 4 and len(inline_commands()) >= 8


def test_no_command_uses_a_bare_python():
    for line in bash_lines() + inline_commands():
        for part in re.split(r"&&|;|\|", line):
            words = part.split()
            if words and words[0] in ("python", "python3"):
                assert words[1:3] == ["-m", "venv"], f"use .venv/bin/python, not a bare python: {line!r}"


def test_the_set_up_commands_have_the_right_form():
    setup = [line for line in bash_lines() if "-m venv" in line]
    assert len(setup) == 2, setup
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for line in setup:
        steps = [shlex.split(s) for s in line.split("&&")]
        assert steps[0] == ["python3", "-m", "venv", ".venv"], line
        assert steps[1][:2] == [".venv/bin/pip", "install"] and "-e" in steps[1], line
        target = steps[1][steps[1].index("-e") + 1]
        extra = re.fullmatch(r"\.(?:\[(\w+)\])?", target)
        assert extra, line
        assert extra.group(1) is None or extra.group(1) in extras, line
        assert steps[2][0] in (".venv/bin/ihoabm", ".venv/bin/python"), line
    assert "jupytext" in " ".join(extras["test"])   # the README's jupytext comes with the test extra


def _runnable(words: list[str], out: Path) -> list[str]:
    """A README usage line as a command to run: placeholders filled, small sizes added, help for long runs."""
    args: list[str] = []
    k = 0
    while k < len(words):
        w = words[k]
        if w.startswith("["):   # an optional part: keep a bare flag ([--sources]), drop one with a value
            part = [w]
            while not part[-1].endswith("]"):
                k += 1
                part.append(words[k])
            inner = " ".join(part).strip("[]").split()
            if "..." not in inner and "ADDRESS" not in inner:   # [A B C ...] is a list to choose; the rest run
                args += [str(out) if x == "DIR" else FILL.get(x, x) for x in inner]
        elif w == "DIR":
            args.append(str(out))
        elif w == "--uncertainty":   # a few draws show it works; the README's 32 is for real use
            args += [w, "1"]
            k += 1
        else:
            args.append(FILL.get(w, w))
        k += 1
    sub = args[0]
    if sub in HELP_ONLY:
        return [sub, "--help"]
    if sub in SMALL:
        given = set(args)
        for flag, value in zip(SMALL[sub][::2], SMALL[sub][1::2], strict=True):
            long = {"-n": "--patients", "-y": "--years"}.get(flag)
            if flag not in given and long not in given:
                args += [flag, value]
        if sub != "validate" and "--out" not in given and "-o" not in given:
            args += ["--out", str(out)]
    return args


def _ihoabm_commands() -> list[list[str]]:
    out: list[list[str]] = []
    for line in bash_lines() + inline_commands():
        for part in line.split("&&"):
            words = shlex.split(part.replace("\\|", "|"))
            if words and words[0] in ("ihoabm", ".venv/bin/ihoabm") and len(words) > 1 and words[1:] not in out:
                out.append(words[1:])
    return out


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_every_ihoabm_command_in_the_readme_runs(tmp_path: Path):
    commands = _ihoabm_commands()
    verbs = {c[0] for c in commands}
    assert {"compare", "run", "validate", "scenario", "app", "sweep", "report"} <= verbs, verbs
    for k, words in enumerate(commands):
        args = _runnable(words, tmp_path / str(k))
        proc = subprocess.run([str(VENV_BIN / "ihoabm"), *args], capture_output=True, text=True, cwd=ROOT,
                              timeout=600)
        assert proc.returncode == 0, f"ihoabm {' '.join(args)} (README: {' '.join(words)}): {proc.stderr[-2000:]}"
        assert "Traceback" not in proc.stderr


def test_the_other_readme_commands_run_or_name_real_files():
    for line in bash_lines() + inline_commands():
        if "-m venv" in line:   # the set-up commands: checked for form above
            continue
        for part in line.split("&&"):
            words = shlex.split(part)
            if not words or not words[0].startswith(".venv/bin/") or words[0].endswith(("ihoabm", "pip")):
                continue
            tool = words[0].removeprefix(".venv/bin/")
            if tool == "python":
                script = ROOT / words[1]
                assert script.is_file(), line
                check = ["--check"] if "sync_odd_defaults" in words[1] else ["--help"]
                proc = subprocess.run([sys.executable, str(script), *check], capture_output=True, text=True,
                                      cwd=ROOT, timeout=300)
                # --check exits 1 when the ODD needs a sync: the command works either way.
                assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, (line, proc.stderr[-1500:])
            elif tool in ("jupyter", "jupytext"):
                paths = [w for w in words if w.startswith("notebooks/")]
                assert paths, line
                for path in paths:
                    assert (ROOT / path).exists() or "NAME" in path, line
            else:
                pytest.fail(f"a README command this test does not know how to check: {line!r}")


def test_no_document_or_file_points_outside_the_repository():
    """A reader has only the repository: no absolute paths of our machines, no shared folders, no hashed names."""
    bad = re.compile(r"/work/|\.\./shared|seeds/|\b\d{3}_[0-9a-f]{16}\.txt\b")
    files = [ROOT / "README.md", ROOT / "pyproject.toml", *(ROOT / "docs").rglob("*.md"),
             *(ROOT / "scenarios").rglob("*.toml"), *(ROOT / "ihoabm").rglob("*.toml"),
             *(ROOT / "ihoabm").rglob("*.py"), *(ROOT / "notebooks").glob("*.py")]
    found = [f"{path.relative_to(ROOT)}: {m.group(0)}" for path in files
             for m in bad.finditer(path.read_text(encoding="utf-8"))]
    assert not found, found
