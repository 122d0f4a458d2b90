"""The sweep output folder: every file is written whole (temporary file, then rename) or not at all.

Layout of `OUT/`::

    sweep.json            the validated sweep (canonical JSON) and fingerprints of the base scenarios
    sweep.toml            the sweep file as given (for people)
    design.parquet        every planned run: id, arm, point, replication, seed, raw sample, values
    parts/<run>.parquet   the finished run's rows, one per reported year (or .csv)
    records/<run>.json    the finished run's record: status, error, wall time, scenario hash, version
    runs.parquet          the runs table, one row per finished run, refreshed as runs finish (or .csv)
    results.parquet       all parts in one table, one row per run and year (or .csv)
    manifest.json         sizes and hashes of the tables; "complete" only once every planned run is saved
    summary/, plots/      written by the report

A run counts as finished once its record exists; the part is written before the record, so a record never
points at a missing part. The records and parts are the truth: the runs and results tables are caches rebuilt
from them, so copying, moving or resuming a folder never changes which runs are counted, and `--resume` sees
exactly which runs are missing. The folder follows the output-folder contract of `ihoabm.outputs.folder`:
files ihoabm did not write are never touched, and one sweep at a time writes to it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from ihoabm.outputs.folder import MANIFEST, OutputError, OutputFolder, atomic_write, package_version, sha256_of

RUNS_FIRST = ("run_id", "arm", "point", "replication", "seed")
RUNS_LAST = ("status", "error", "wall_time_s", "scenario_hash", "package_version", "finished_at", "host", "pid")


class FolderError(OutputError):
    """The output folder cannot be used as asked (locked, or holds a different sweep)."""


class SweepFolder:
    """Paths and atomic reads and writes of one sweep's output folder.

    Args:
        root: The output folder.
        fmt: Table format for parts and tables, "parquet" or "csv".
    """

    LAYOUT = ("sweep.json", "sweep.toml", "design.parquet", "parts", "records", "runs.parquet", "runs.csv",
              "results.parquet", "results.csv", MANIFEST, "summary", "plots")

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

    def owned(self) -> tuple[str, ...]:
        """Names this layout owns (the `.lock` of sweeps written before filelock, where a sweep is here)."""
        return (*self.LAYOUT, ".lock") if self.manifest.exists() else self.LAYOUT

    @contextmanager
    def lock(self, overwrite: bool = False) -> Iterator[None]:
        """Claim the folder for a sweep's lifetime: one writer, writable, nothing foreign unless `overwrite`."""
        folder = OutputFolder(self.root, overwrite=overwrite, owned=self.owned(), error=FolderError)
        with folder.claim(self.LAYOUT, keep_earlier=True):
            yield

    def clear(self) -> None:
        """Remove an earlier sweep's own files (only names of this layout), to start again."""
        for name in self.LAYOUT:
            path = self.root / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()

    def write_completion(self, complete: bool) -> None:
        """Write manifest.json: the tables' sizes and hashes and whether every planned run is saved."""
        files = {}
        for name in ("sweep.json", "sweep.toml", "design.parquet", self.table("runs").name,
                     self.table("results").name):
            path = self.root / name
            if path.is_file():
                files[name] = {"bytes": path.stat().st_size, "sha256": sha256_of(path)}
        parts = sorted(p.name for p in self.parts.glob("*")) if self.parts.exists() else []
        about = {"kind": "sweep", "ihoabm_version": package_version(), "complete": complete, "files": files,
                 "runs_saved": len(self.records()), "parts": len(parts)}
        if self.manifest.exists():
            saved = self.read_manifest()
            about.update(sweep=saved.get("spec", {}).get("sweep", {}).get("name"), arms=saved.get("arms", {}),
                         runs_planned=saved.get("runs"))
        atomic_write(self.root / MANIFEST, lambda p: p.write_text(json.dumps(about, indent=1, sort_keys=True)))

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

        The consolidated results table is a cache: it is used only when it holds exactly the runs that have
        an ok record and a part, and is otherwise rebuilt from the parts. File times play no part, so a copied
        or moved folder counts the same runs.
        """
        ok = sorted((r for r in records.values() if r.get("status") == "ok" and self._part(r["run_id"]) is not None),
                    key=lambda r: r["index"])
        wanted = {rec["run_id"] for rec in ok}
        out = self._cached_results(wanted)
        if out is None:
            frames = [self._read(self._part(rec["run_id"])) for rec in ok]  # type: ignore[arg-type]
            if not frames:
                return pd.DataFrame(columns=["run_id", "arm", "point", "replication", "year"])
            out = pd.concat(frames, ignore_index=True)
        order = {rec["run_id"]: rec["index"] for rec in ok}
        key = out["run_id"].map(order)
        return out.assign(_order=key).sort_values(["_order", "year"], kind="stable").drop(
            columns="_order").reset_index(drop=True)

    def _cached_results(self, wanted: set[str]) -> pd.DataFrame | None:
        table = self.table("results")
        if not wanted or not table.is_file():
            return None
        try:
            cached = self._read(table)
        except (OSError, ValueError):
            return None
        if "run_id" not in cached.columns or set(cached["run_id"].astype(str)) != wanted:
            return None
        return cached

    @staticmethod
    def _read(path: Path) -> pd.DataFrame:
        return pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)

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
