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

Reading for the report goes through `Table`, named numpy columns read with pyarrow (or the csv module) and
written with the csv module, so `ihoabm sweep-report` starts without pandas. Its reading, its inference of a
column's type and its CSV text follow pandas (`read_parquet`, `read_csv`, `DataFrame(rows)`,
`to_csv(index=False)`), so the report is byte for byte the one pandas writes: tests/test_sweeps.py checks this.
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ihoabm.outputs.folder import MANIFEST, OutputError, OutputFolder, atomic_write, package_version, sha256_of

RUNS_FIRST = ("run_id", "arm", "point", "replication", "seed")
RUNS_LAST = ("status", "error", "wall_time_s", "scenario_hash", "package_version", "finished_at", "host", "pid")
RESULTS_EMPTY = ("run_id", "arm", "point", "replication", "year")

if TYPE_CHECKING:
    import pandas as pd


class FolderError(OutputError):
    """The output folder cannot be used as asked (locked, or holds a different sweep)."""


# --- tables without pandas -----------------------------------------------------------------------------------
# What pandas reads as missing in a CSV file (read_csv's default na_values), and as true or false.
CSV_MISSING = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                         "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"})
CSV_TRUE, CSV_FALSE = frozenset({"True", "TRUE", "true"}), frozenset({"False", "FALSE", "false"})
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(inf|infinity)", re.IGNORECASE)


def column(values: Sequence[Any]) -> np.ndarray:
    """Python values as the column pandas makes of them in `DataFrame(rows)`.

    Whole numbers give int64, numbers with or without missing values (None, NaN) float64, true/false alone bool,
    no values at all float64; anything else (text, true/false beside missing values, only None) object.
    """
    if len(values) == 0:
        return np.empty(0)
    kinds = set()
    for v in values:
        if v is None:
            kinds.add("none")
        elif isinstance(v, bool | np.bool_):
            kinds.add("bool")
        elif isinstance(v, int | np.integer):
            kinds.add("int")
        elif isinstance(v, float | np.floating):
            kinds.add("float")
        else:
            kinds.add("object")
    try:
        if kinds == {"bool"}:
            return np.array(values, dtype=bool)
        if kinds == {"int"}:
            return np.array(values, dtype=np.int64)
        if kinds and kinds <= {"int", "float", "none"} and kinds != {"none"}:
            return np.array([math.nan if v is None else v for v in values], dtype=float)
    except OverflowError:
        pass
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def missing(values: np.ndarray) -> np.ndarray:
    """Where a column holds no value (NaN, or None in an object column), as pandas' `isna`."""
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind == "O":
        return np.fromiter((v is None or (isinstance(v, float) and v != v) for v in values), bool, len(values))
    return np.zeros(len(values), dtype=bool)


class Table:
    """Named columns of one length, each a numpy array: the little of a data frame that the report needs.

    Args:
        columns: The columns by name, in order.
        length: The number of rows, for a table without columns.
    """

    def __init__(self, columns: dict[str, np.ndarray], length: int | None = None) -> None:
        self.columns = columns
        self.length = len(next(iter(columns.values()))) if columns else (length or 0)

    @classmethod
    def from_rows(cls, rows: Sequence[dict[str, Any]]) -> Table:
        """A table of dicts, one a row, as `pandas.DataFrame(rows)` makes it (a missing key is NaN)."""
        names = list(dict.fromkeys(k for row in rows for k in row))
        return cls({n: column([row.get(n, math.nan) for row in rows]) for n in names}, len(rows))

    @classmethod
    def blank(cls, names: Iterable[str]) -> Table:
        """A table without rows, as `pandas.DataFrame(columns=names)`."""
        return cls({n: np.empty(0, dtype=object) for n in names})

    @property
    def names(self) -> list[str]:
        """Column names, in order."""
        return list(self.columns)

    def __len__(self) -> int:
        return self.length

    def __contains__(self, name: object) -> bool:
        return name in self.columns

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    @property
    def empty(self) -> bool:
        """No rows (or no columns), as `DataFrame.empty`."""
        return self.length == 0 or not self.columns

    def take(self, rows: Any) -> Table:
        """The rows at these positions (or where a boolean mask is true), in that order."""
        if not self.columns:
            return Table({}, len(np.arange(self.length)[rows]))
        return Table({n: v[rows] for n, v in self.columns.items()})

    def select(self, names: Iterable[str]) -> Table:
        """These columns, in this order."""
        return Table({n: self.columns[n] for n in names}, self.length)

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each row as a dict of Python values."""
        lists = {n: v.tolist() for n, v in self.columns.items()}
        for i in range(self.length):
            yield {n: values[i] for n, values in lists.items()}

    def to_pandas(self) -> pd.DataFrame:
        """The same table as a pandas data frame."""
        import pandas as pd

        return pd.DataFrame(self.columns) if self.columns else pd.DataFrame()

    def csv_text(self, values: np.ndarray) -> list[Any]:
        """One column as `DataFrame.to_csv` hands it to the csv writer (missing values as empty text)."""
        if values.dtype.kind == "f":
            out = values.astype(str).astype(object)
        else:
            out = values.astype(object)
        out[missing(values)] = ""
        return out.tolist()

    def write_csv(self, path: Path) -> None:
        """Write as `DataFrame.to_csv(path, index=False)` does, byte for byte."""
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(self.names)
            writer.writerows(zip(*(self.csv_text(v) for v in self.columns.values()), strict=True))

    @staticmethod
    def concat(tables: Sequence[Table]) -> Table:
        """Rows of several tables, one after another, as `pandas.concat(ignore_index=True)`."""
        if len(tables) == 1:
            return tables[0]
        names = list(dict.fromkeys(n for t in tables for n in t.names))
        columns = {}
        for name in names:
            parts = [t[name] if name in t else np.full(len(t), math.nan) for t in tables]
            kinds = {p.dtype.kind for p in parts}
            if len(kinds) == 1 and kinds != {"O"}:
                columns[name] = np.concatenate(parts)
            elif kinds <= {"i", "u", "f"}:
                columns[name] = np.concatenate([p.astype(float) for p in parts])
            else:
                columns[name] = np.concatenate([p.astype(object) for p in parts])
        return Table(columns, sum(len(t) for t in tables))

    @staticmethod
    def read(path: Path) -> Table:
        """A Parquet (pyarrow) or CSV file, read with the column types pandas would give it.

        Raises:
            ValueError: The file is not a readable table.
        """
        if path.suffix == ".csv":
            return _read_csv(path)
        import pyarrow.parquet as pq

        table = pq.ParquetFile(path).read(use_threads=False)
        return Table({name: _from_arrow(table.column(i)) for i, name in enumerate(table.column_names)},
                     table.num_rows)


def _from_arrow(values: Any) -> np.ndarray:
    """A pyarrow column as `to_pandas` gives it (nulls as NaN, or None in text), without importing pandas.

    (pyarrow's own `to_numpy` initialises its pandas support, which imports pandas.) Numbers are read
    straight from the column's buffers; text and other types go through Python objects.
    """
    kind = values.type
    name = str(kind)
    number = re.fullmatch(r"(u?int|float|double|halffloat)(\d*)", name)
    if number and values.null_count == 0:
        width = kind.bit_width // 8
        dtype = np.dtype(f"{'u' if name.startswith('u') else 'i' if 'int' in name else 'f'}{width}")
        parts = [np.frombuffer(c.buffers()[1], dtype=dtype)[c.offset:c.offset + len(c)] for c in values.chunks]
        return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)
    if name == "bool" and values.null_count == 0:
        parts = [np.unpackbits(np.frombuffer(c.buffers()[1], dtype=np.uint8), bitorder="little")
                 [c.offset:c.offset + len(c)].astype(bool) for c in values.chunks]
        return np.concatenate(parts) if parts else np.empty(0, dtype=bool)
    items = values.to_pylist()
    if number:
        return np.array([math.nan if v is None else v for v in items], dtype=float)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _read_csv(path: Path) -> Table:
    """A CSV file as `pandas.read_csv` reads it: int64, float64, bool or text columns, pandas' missing words."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.reader(fh) if row]
    if not rows:
        raise ValueError(f"{path}: no columns to parse from file")
    header, body = rows[0], rows[1:]
    if any(len(row) > len(header) for row in body):
        raise ValueError(f"{path}: a row has more fields than the header")
    columns = {}
    for j, name in enumerate(header):
        columns[name] = _csv_column([row[j] if j < len(row) else "" for row in body])
    return Table(columns, len(body))


def _csv_column(words: list[str]) -> np.ndarray:
    na = [w in CSV_MISSING for w in words]
    values = [w for w, m in zip(words, na, strict=True) if not m]
    if not values:
        return np.full(len(words), math.nan)
    if not any(na) and all(_INT.fullmatch(w) for w in values):
        try:
            return np.array([int(w) for w in words], dtype=np.int64)
        except OverflowError:
            pass
    if all(_FLOAT.fullmatch(w) for w in values):
        return np.array([math.nan if m else float(w) for w, m in zip(words, na, strict=True)])
    if all(w in CSV_TRUE or w in CSV_FALSE for w in values):
        flags = [math.nan if m else w in CSV_TRUE for w, m in zip(words, na, strict=True)]
        return np.array(flags, dtype=bool) if not any(na) else column(flags)
    out = np.empty(len(words), dtype=object)
    out[:] = [math.nan if m else w for w, m in zip(words, na, strict=True)]
    return out


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

    @staticmethod
    def _run_rows(records: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        rows = []
        for rec in sorted(records.values(), key=lambda r: r["index"]):
            row = {k: rec.get(k) for k in RUNS_FIRST}
            row.update(rec.get("values", {}))
            row.update({k: rec.get(k) for k in RUNS_LAST})
            rows.append(row)
        return rows

    def runs_table(self, records: dict[str, dict[str, Any]]) -> pd.DataFrame:
        """The runs table: ids, parameter values, seed, status, error, wall time, scenario hash, version."""
        import pandas as pd

        rows = self._run_rows(records)
        if not rows:
            return pd.DataFrame(columns=list(RUNS_FIRST + RUNS_LAST))
        return pd.DataFrame(rows)

    def runs(self, records: dict[str, dict[str, Any]]) -> Table:
        """The runs table as `runs_table` gives it, without pandas."""
        rows = self._run_rows(records)
        return Table.from_rows(rows) if rows else Table.blank(RUNS_FIRST + RUNS_LAST)

    def write_runs_table(self, records: dict[str, dict[str, Any]]) -> pd.DataFrame:
        """Rewrite the runs table from the records, atomically."""
        table = self.runs_table(records)
        self._write_table(table, "runs")
        return table

    def _finished(self, records: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """The ok records that have a part, in design order."""
        return sorted((r for r in records.values() if r.get("status") == "ok" and self._part(r["run_id"]) is not None),
                      key=lambda r: r["index"])

    def results(self, records: dict[str, dict[str, Any]]) -> pd.DataFrame:
        """All finished runs' rows, in design order then year.

        The consolidated results table is a cache: it is used only when it holds exactly the runs that have
        an ok record and a part, and is otherwise rebuilt from the parts. File times play no part, so a copied
        or moved folder counts the same runs.
        """
        import pandas as pd

        ok = self._finished(records)
        wanted = {rec["run_id"] for rec in ok}
        out = self._cached_results(wanted)
        if out is None:
            frames = [self._read(self._part(rec["run_id"])) for rec in ok]  # type: ignore[arg-type]
            if not frames:
                return pd.DataFrame(columns=list(RESULTS_EMPTY))
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
        import pandas as pd

        return pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)

    def results_table(self, records: dict[str, dict[str, Any]]) -> Table:
        """The rows `results` gives, read without pandas (the same cache rule, order and column types)."""
        ok = self._finished(records)
        wanted = {rec["run_id"] for rec in ok}
        out = self._cached_table(wanted)
        if out is None:
            tables = [Table.read(self._part(rec["run_id"])) for rec in ok]  # type: ignore[arg-type]
            if not tables:
                return Table.blank(RESULTS_EMPTY)
            out = Table.concat(tables)
        order = {rec["run_id"]: rec["index"] for rec in ok}
        key = np.array([order.get(r, math.nan) for r in out["run_id"].tolist()], dtype=float)
        return out.take(np.lexsort((out["year"], key)))

    def _cached_table(self, wanted: set[str]) -> Table | None:
        table = self.table("results")
        if not wanted or not table.is_file():
            return None
        try:
            cached = Table.read(table)
        except (OSError, ValueError):
            return None
        if "run_id" not in cached or {str(r) for r in cached["run_id"].tolist()} != wanted:
            return None
        return cached

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
        import pandas as pd

        return pd.read_parquet(self.design)

    def design_table(self) -> Table:
        """The planned runs, read without pandas."""
        return Table.read(self.design)
