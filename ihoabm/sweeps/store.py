"""The sweep output folder: every file is written whole (temporary file, then rename) or not at all.

Layout of `OUT/`::

    sweep.json            the validated sweep (canonical JSON) and fingerprints of the base scenarios
    sweep.toml            the sweep file as given (for people)
    design.parquet        every planned run: id, arm, point, replication, seed, raw sample, values
    parts/<run>.parquet   the finished run's rows, one per reported year (or .csv)
    records/<run>.json    the finished run's record: status, error, wall time, scenario hash, version
    runs.parquet          the runs table, one row per finished run, refreshed as runs finish (or .csv)
    results.parquet       all parts in one table, one row per run and year (or .csv)
    summary/, plots/      written by the report

A run counts as finished once its record exists; the part is written before the record, so a record never
points at a missing part. Reading rebuilds tables from the records and parts, so the folder stays readable
after Ctrl-C or a killed process, and `--resume` sees exactly which runs are missing.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from ihoabm.runner import atomic_write

RUNS_FIRST = ("run_id", "arm", "point", "replication", "seed")
RUNS_LAST = ("status", "error", "wall_time_s", "scenario_hash", "package_version", "finished_at", "host", "pid")


class FolderError(Exception):
    """The output folder cannot be used as asked (locked, or holds a different sweep)."""


class SweepFolder:
    """Paths and atomic reads and writes of one sweep's output folder.

    Args:
        root: The output folder.
        fmt: Table format for parts and tables, "parquet" or "csv".
    """

    def __init__(self, root: Path, fmt: str = "parquet") -> None:
        self.root = Path(root)
        self.fmt = fmt
        self.parts = self.root / "parts"
        self.records_dir = self.root / "records"
        self.manifest = self.root / "sweep.json"
        self.design = self.root / "design.parquet"

    def table(self, name: str) -> Path:
        """Path of a table (`runs`, `results`) in the folder's format."""
        return self.root / f"{name}.{self.fmt}"

    # --- whole folder ---------------------------------------------------------------------------------------
    def holds_runs(self) -> bool:
        """Whether a sweep has already saved a run here (a folder with a manifest alone can be reused)."""
        return self.records_dir.exists() and any(self.records_dir.glob("*.json"))

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive lock for a sweep's lifetime (the kernel releases it if the process dies)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise FolderError(f"{self.root}: another sweep is writing to this folder") from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def write_manifest(self, spec_json: str, arms: dict[str, str], n_runs: int, toml_text: str | None,
                       design: pd.DataFrame) -> None:
        """Record what the sweep is, so resume can check it and the report can rebuild without the file."""
        self.root.mkdir(parents=True, exist_ok=True)
        manifest = {"spec": json.loads(spec_json), "arms": arms, "runs": n_runs, "format": self.fmt}
        atomic_write(self.design, lambda p: design.to_parquet(p, index=False))
        if toml_text is not None:
            atomic_write(self.root / "sweep.toml", lambda p: p.write_text(toml_text))
        atomic_write(self.manifest, lambda p: p.write_text(json.dumps(manifest, indent=1, sort_keys=True)))

    def read_manifest(self) -> dict[str, Any]:
        """The saved manifest."""
        if not self.manifest.exists():
            raise FolderError(f"{self.root}: no sweep here (sweep.json is missing); give a sweep's --out folder")
        return json.loads(self.manifest.read_text())

    # --- runs -----------------------------------------------------------------------------------------------
    def write_run(self, record: dict[str, Any], frame: pd.DataFrame | None) -> None:
        """Save one finished run: its rows first, then its record (which marks it finished)."""
        run_id = record["run_id"]
        for stale in self.parts.glob(f"{run_id}.*") if self.parts.exists() else ():
            stale.unlink()
        if frame is not None:
            self.parts.mkdir(parents=True, exist_ok=True)
            part = self.parts / f"{run_id}.{self.fmt}"
            if self.fmt == "csv":
                atomic_write(part, lambda p: frame.to_csv(p, index=False))
            else:
                atomic_write(part, lambda p: frame.to_parquet(p, index=False))
        self.records_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self.records_dir / f"{run_id}.json",
                      lambda p: p.write_text(json.dumps(record, sort_keys=True, default=str)))

    def records(self) -> dict[str, dict[str, Any]]:
        """Every finished run's record, by run id (an ok record whose part is missing does not count)."""
        out: dict[str, dict[str, Any]] = {}
        if not self.records_dir.exists():
            return out
        for path in sorted(self.records_dir.glob("*.json")):
            if path.name.startswith("."):
                continue
            record = json.loads(path.read_text())
            if record.get("status") == "ok" and self._part(record["run_id"]) is None:
                continue
            out[record["run_id"]] = record
        return out

    def _part(self, run_id: str) -> Path | None:
        for ext in ("parquet", "csv"):
            path = self.parts / f"{run_id}.{ext}"
            if path.exists():
                return path
        return None

    def runs_table(self, records: dict[str, dict[str, Any]]) -> pd.DataFrame:
        """The runs table: ids, parameter values, seed, status, error, wall time, scenario hash, version."""
        rows = []
        for rec in sorted(records.values(), key=lambda r: r["index"]):
            row = {k: rec.get(k) for k in RUNS_FIRST}
            row.update(rec.get("values", {}))
            row.update({k: rec.get(k) for k in RUNS_LAST})
            rows.append(row)
        if not rows:
            return pd.DataFrame(columns=list(RUNS_FIRST + RUNS_LAST))
        return pd.DataFrame(rows)

    def write_runs_table(self, records: dict[str, dict[str, Any]]) -> pd.DataFrame:
        """Rewrite the runs table from the records, atomically."""
        table = self.runs_table(records)
        self._write_table(table, "runs")
        return table

    def results(self, records: dict[str, dict[str, Any]]) -> pd.DataFrame:
        """All finished runs' rows, in design order then year.

        Rows come from the consolidated results table where it is newer than a run's part, and from the
        part otherwise, so a big sweep is not re-read part by part after every session.
        """
        ok = sorted((r for r in records.values() if r.get("status") == "ok"), key=lambda r: r["index"])
        table = self.table("results")
        cached = pd.DataFrame()
        if table.exists():
            cached = pd.read_csv(table) if self.fmt == "csv" else pd.read_parquet(table)
            since = table.stat().st_mtime
        frames, fresh = [], set()
        for rec in ok:
            path = self._part(rec["run_id"])
            if path is None:
                continue
            if not cached.empty and path.stat().st_mtime < since:
                fresh.add(rec["run_id"])
            else:
                frames.append(pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path))
        if fresh:
            frames.append(cached[cached["run_id"].isin(fresh)])
        if not frames:
            return pd.DataFrame(columns=["run_id", "arm", "point", "replication", "year"])
        out = pd.concat(frames, ignore_index=True)
        order = {rec["run_id"]: rec["index"] for rec in ok}
        key = out["run_id"].map(order)
        return out.assign(_order=key).sort_values(["_order", "year"], kind="stable").drop(
            columns="_order").reset_index(drop=True)

    def write_results(self, records: dict[str, dict[str, Any]]) -> pd.DataFrame:
        """Rebuild the results table from the parts, atomically."""
        results = self.results(records)
        self._write_table(results, "results")
        return results

    def _write_table(self, table: pd.DataFrame, name: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.fmt == "csv":
            atomic_write(self.table(name), lambda p: table.to_csv(p, index=False))
        else:
            atomic_write(self.table(name), lambda p: table.to_parquet(p, index=False))

    def load_design(self) -> pd.DataFrame:
        """The planned runs."""
        return pd.read_parquet(self.design)


def clear_stale_temporaries(folder: SweepFolder) -> None:
    """Remove temporary files a killed sweep left behind (they are never read)."""
    for sub in (folder.root, folder.parts, folder.records_dir):
        if sub.exists():
            for tmp in sub.glob(".*.*"):
                if tmp.name != ".lock" and tmp.is_file():
                    os.unlink(tmp)
