"""The result cache: per-input outcomes on disk, reused while the input's content, the
options, the config and the tool version are unchanged (``--cache DIR``)."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.batch.inputs import SIDECAR_NAMES
from analysis.batch.task import BatchOptions, FileOutcome, GroupResult
from analysis.errors import OptionError

log = logging.getLogger(__name__)

CACHE_FORMAT = 2
"""Bumped when the cached payload changes shape (entries are JSON of plain values: no class
or module path is stored, so moving the classes does not change it)."""


def tool_version() -> str:
    """The installed version of community-audit (``0+unknown`` when run from a checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("community-audit")
    except PackageNotFoundError:
        return "0+unknown"


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """What an input was at one moment: the hash of its bytes and, per file hashed, its
    size, mtime, inode and ctime (ctime cannot be set back with ``os.utime``).

    Two snapshots of an input differ when a file was changed, replaced or touched in
    between, even when the bytes hashed came out the same (changed and changed back)."""

    digest: str
    stats: tuple[tuple[str, int, int, int, int], ...]


def content_hash(path: str) -> str | None:
    """SHA-256 of an input's bytes (a folder: every file's relative path and bytes; a file:
    its bytes plus a :data:`~analysis.batch.inputs.SIDECAR_NAMES` file beside it, which some
    formats read). None when it cannot be read (the task then reports why)."""
    snap = content_snapshot(path)
    return snap.digest if snap is not None else None


def content_snapshot(path: str) -> Snapshot | None:
    """The :class:`Snapshot` of an input (what :func:`content_hash` hashes); None when it
    cannot be read. Never a shortcut on size or mtime: the bytes are always hashed."""
    p = Path(path)
    digest = hashlib.sha256()
    stats: list[tuple[str, int, int, int, int]] = []
    try:
        if p.is_dir():
            for file in sorted(q for q in p.rglob("*") if q.is_file()):
                rel = str(file.relative_to(p))
                digest.update(rel.encode("utf-8", "surrogatepass") + b"\0")
                stats.append(_hash_file(digest, file, rel))
        elif p.is_file():
            stats.append(_hash_file(digest, p, ""))
            for name in sorted(SIDECAR_NAMES):
                side = p.parent / name
                if side.is_file() and side != p:
                    digest.update(b"\0sidecar:" + name.encode())
                    stats.append(_hash_file(digest, side, name))
        else:
            return None
    except OSError:
        return None
    return Snapshot(digest.hexdigest(), tuple(stats))


def _hash_file(digest, path: Path, label: str) -> tuple[str, int, int, int, int]:
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())  # of the file read, before it is read
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return (label, st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


class ResultCache:
    """Per-input results on disk, keyed by content hash + options/config + tool version.

    Layout: ``DIR/batch-v<CACHE_FORMAT>/<key>.json``; written atomically (a temporary file
    in the same folder, then renamed). Nothing is written outside ``DIR``.
    """

    def __init__(self, directory: str | os.PathLike[str], options: BatchOptions) -> None:
        root = Path(directory)
        if root.exists() and not root.is_dir():
            raise OptionError(f"--cache {directory}: not a folder", hint="name a folder (it is created)")
        self.folder = root / f"batch-v{CACHE_FORMAT}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OptionError(f"--cache {directory}: cannot create it: {exc.strerror or exc}") from None
        self._salt = f"{CACHE_FORMAT}\0{tool_version()}\0{options.fingerprint()}\0{_roster_hash(options)}"

    @staticmethod
    def snapshot(path: str) -> Snapshot | None:
        """The input's :class:`Snapshot` (None when it cannot be read): taken before the audit
        for :meth:`key_of`, and again after it; the entry is written only when both agree."""
        return content_snapshot(path)

    def key(self, path: str, walked: bool) -> str | None:
        """The cache key of an input, or None when it cannot be hashed."""
        snap = content_snapshot(path)
        return self.key_of(snap, path, walked) if snap is not None else None

    def key_of(self, snap: Snapshot, path: str, walked: bool) -> str:
        """The cache key of an input whose content is ``snap``."""
        # The path is part of the key: rows carry ``source``, and detail names derive from it.
        text = f"{self._salt}\0{snap.digest}\0{os.path.normpath(path)}\0{walked}"
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key: str) -> FileOutcome | None:
        """The cached outcome, or None (missing or unreadable entries are ignored)."""
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            results = [GroupResult(**g) for g in data["results"]]
            return FileOutcome(source=data["source"], results=results, skipped=data["skipped"], cached=True)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, outcome: FileOutcome) -> None:
        """Store an outcome (best effort: a full disk only costs the reuse)."""
        data = {"source": outcome.source, "skipped": outcome.skipped,
                "results": [dataclasses.asdict(r) for r in outcome.results]}
        try:
            fd, tmp = tempfile.mkstemp(prefix=".entry.", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, default=_json_default)
            os.replace(tmp, self.folder / f"{key}.json")
        except OSError as exc:
            log.warning("could not write the batch cache entry: %s", exc)
            with contextlib.suppress(OSError, UnboundLocalError):
                Path(tmp).unlink(missing_ok=True)


def _roster_hash(options: BatchOptions) -> str:
    """The ``--roster`` file's content hash (the options carry only its path, and a changed
    roster changes every row's member counts)."""
    roster = options.inputs.roster
    if not roster:
        return ""
    digest = hashlib.sha256()
    try:
        _hash_file(digest, Path(roster), "")
    except OSError:
        return "unreadable"
    return digest.hexdigest()


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)
