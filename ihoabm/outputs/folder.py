"""The output-folder contract that `run`, `compare` and `sweep` all write through.

- **Nothing of yours is touched.** ihoabm never deletes or overwrites a file it did not write. What it wrote
  is listed in the folder's `manifest.json`; a sweep also owns the names of its own layout. A folder holding
  anything else is refused unless `--overwrite` is given, and even then a file ihoabm did not write is never
  replaced: the command stops and names it.
- **A partial set never looks complete.** A result set is written into a hidden staging folder, then moved
  into place. While files move the manifest says `"complete": false`; the final manifest (file sizes and
  SHA-256 hashes, ihoabm version, scenario hashes, seeds, `"complete": true`) is moved in last.
- **One writer per folder.** A lock (the `filelock` library) is held from the first check until the last
  file is in place; a second command writing to the same folder stops at once with one line.
- **Checked before any work.** The folder is created and probed for writing before a simulation starts, so a
  read-only or impossible location fails in a second, not after an hour.
- **Files follow the umask**, so colleagues on a shared server can read them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

MANIFEST = "manifest.json"
LOCK = ".ihoabm.lock"
TEMP_PREFIX = ".ihoabm-tmp-"
STAGING_PREFIX = ".ihoabm-staging-"
Writer = Callable[[Path], None]


class OutputError(Exception):
    """An output location that cannot be used as asked; the message is one line naming it."""


def package_version() -> str:
    """The installed ihoabm version (without importing the model)."""
    try:
        return metadata.version("ihoabm")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def file_mode() -> int:
    """The mode a new file gets under the current umask (temporary files are created 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, write: Writer) -> None:
    """Write via a temporary file in the same folder, so a crash never leaves a half-written file."""
    tmp = path.parent / f"{TEMP_PREFIX}{uuid.uuid4().hex[:12]}-{path.name}"
    try:
        write(tmp)
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def out_path(raw: str | Path, option: str = "--out") -> Path:
    """A command-line output path, refusing an empty one (which would write into the current folder)."""
    if not str(raw).strip():
        raise OutputError(f"{option} \"\": give a folder path (for example out/run)")
    return Path(raw)


def _is_temporary(name: str) -> bool:
    return name.startswith((TEMP_PREFIX, STAGING_PREFIX))


class OutputFolder:
    """One command's output folder under the contract above.

    Args:
        root: The folder (created with its parents if missing).
        overwrite: Replace an earlier ihoabm result set here, and write beside files ihoabm did not write.
        owned: Names of files or subfolders the caller's own layout owns (a sweep's parts and records).
        option: How the folder was given, for messages.
        error: The exception class raised (a subclass of `OutputError`).
    """

    def __init__(self, root: Path, *, overwrite: bool = False, owned: Iterable[str] = (),
                 option: str = "--out", error: type[OutputError] = OutputError) -> None:
        self.root = Path(root)
        self.overwrite = overwrite
        self.owned = set(owned)
        self.option = option
        self.error = error

    def _fail(self, why: str) -> OutputError:
        return self.error(f"{self.option} {self.root}: {why}")

    # --- what is here -------------------------------------------------------------------------------------
    def manifest(self) -> dict[str, Any] | None:
        """The manifest of the result set here, or None when there is none."""
        path = self.root / MANIFEST
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and isinstance(data.get("files"), dict) else None

    def ours(self) -> set[str]:
        """Names in the folder that ihoabm wrote (or owns by layout)."""
        manifest = self.manifest()
        names = {LOCK, *self.owned, *(manifest["files"] if manifest else ())}
        if manifest is not None:
            names.add(MANIFEST)
        return names

    def foreign(self) -> list[str]:
        """Names in the folder that ihoabm did not write, sorted."""
        if not self.root.is_dir():
            return []
        ours = self.ours()
        return sorted(p.name for p in self.root.iterdir() if p.name not in ours and not _is_temporary(p.name))

    # --- claiming the folder ------------------------------------------------------------------------------
    @contextmanager
    def claim(self, outputs: Iterable[str] = (), keep_earlier: bool = False) -> Iterator[OutputFolder]:
        """Check the folder can take a result set with these file names, and hold it for this process.

        `keep_earlier` lets the caller decide about an earlier ihoabm result set here (a sweep resumes one).
        """
        if self.root.exists() and not self.root.is_dir():
            raise self._fail("exists and is not a folder; give a folder path")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._fail(f"cannot create the folder ({exc.strerror or exc})") from None
        lock = FileLock(self.root / LOCK, timeout=0)
        lock_is_new = not (self.root / LOCK).exists()
        try:
            lock.acquire()
        except Timeout:
            raise self._fail("another ihoabm command is writing to this folder; wait for it or choose another "
                             "folder") from None
        except OSError as exc:
            raise self._fail(f"cannot write here ({exc.strerror or exc})") from None
        try:
            self._probe()
            self._clear_temporaries()
            self.check_contents(outputs, keep_earlier)
        except OutputError:
            lock.release()
            if lock_is_new:  # a refused folder is left exactly as it was found
                (self.root / LOCK).unlink(missing_ok=True)
            raise
        try:
            yield self
        finally:
            lock.release()

    def _probe(self) -> None:
        try:
            atomic_write(self.root / f"{TEMP_PREFIX}probe", lambda p: p.write_bytes(b""))
            (self.root / f"{TEMP_PREFIX}probe").unlink()
        except OSError as exc:
            raise self._fail(f"cannot write here ({exc.strerror or exc})") from None

    def _clear_temporaries(self) -> None:
        """Remove what a killed ihoabm left half-written: only names with ihoabm's own temporary prefixes."""
        for sub in (self.root, *(self.root / name for name in self.owned)):
            if not sub.is_dir():
                continue
            for path in sub.iterdir():
                if _is_temporary(path.name):
                    shutil.rmtree(path) if path.is_dir() else path.unlink()

    def check_contents(self, outputs: Iterable[str] = (), keep_earlier: bool = False) -> None:
        """Refuse a folder holding files ihoabm did not write, or an earlier result set, unless overwriting."""
        foreign = self.foreign()
        earlier = self.manifest()
        if not self.overwrite:
            if foreign:
                shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
                raise self._fail(f"holds files ihoabm did not write ({shown}); choose an empty or new folder, or "
                                 "add --overwrite to write beside them")
            if earlier is not None and not keep_earlier:
                raise self._fail(f"holds the results of an earlier ihoabm {earlier.get('kind', 'command')}; add "
                                 "--overwrite to replace them, or choose a new folder")
        clash = sorted(set(outputs) & set(foreign))
        if clash:
            raise self._fail(f"{clash[0]} was not written by ihoabm and is never overwritten; move it or choose "
                             "another folder")

    # --- writing a result set -----------------------------------------------------------------------------
    def publish(self, files: dict[str, Writer], about: dict[str, Any]) -> list[Path]:
        """Write a whole result set: staged, moved into place, then the manifest. Call inside `claim`."""
        self.check_contents(files, keep_earlier=True)
        staging = self.root / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        staging.mkdir()
        try:
            for name, write in files.items():
                write(staging / name)
                os.chmod(staging / name, file_mode())
            entries = {name: {"bytes": (staging / name).stat().st_size, "sha256": sha256_of(staging / name)}
                       for name in files}
            final = {**about, "ihoabm_version": package_version(), "complete": True,
                     "written_at": datetime.now(UTC).isoformat(timespec="seconds"), "files": entries}
            earlier = set((self.manifest() or {}).get("files", {}))
            # While files move, the manifest claims both sets and says the folder is incomplete.
            moving = {**final, "complete": False, "files": {n: {} for n in earlier | set(files)}}
            atomic_write(self.root / MANIFEST, lambda p: p.write_text(json.dumps(moving, indent=1)))
            for name in files:
                os.replace(staging / name, self.root / name)
            for name in earlier - set(files):  # ihoabm's own earlier files that this set does not have
                (self.root / name).unlink(missing_ok=True)
            atomic_write(self.root / MANIFEST, lambda p: p.write_text(json.dumps(final, indent=1)))
        except OSError as exc:
            raise self._fail(f"writing the results failed ({exc.strerror or exc}); nothing here is marked "
                             "complete") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return [self.root / name for name in files]


def verify(root: Path) -> list[str]:
    """Problems with the result set in `root` (empty when it is complete and every file matches its hash)."""
    manifest = OutputFolder(root).manifest()
    if manifest is None:
        return [f"{root}: no readable {MANIFEST}"]
    problems = [] if manifest.get("complete") else [f"{root}: the result set is incomplete"]
    for name, entry in manifest["files"].items():
        path = Path(root) / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif entry.get("sha256") and sha256_of(path) != entry["sha256"]:
            problems.append(f"{name}: does not match its hash")
    return problems
