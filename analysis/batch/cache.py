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


def content_hash(path: str) -> str | None:
    """SHA-256 of an input's bytes (a folder: every file's relative path and bytes; a file:
    its bytes plus a :data:`~analysis.batch.inputs.SIDECAR_NAMES` file beside it, which some
    formats read). None when it cannot be read (the task then reports why)."""
    p = Path(path)
    digest = hashlib.sha256()
    try:
        if p.is_dir():
            for file in sorted(q for q in p.rglob("*") if q.is_file()):
                digest.update(str(file.relative_to(p)).encode("utf-8", "surrogatepass") + b"\0")
                _hash_file(digest, file)
        elif p.is_file():
            _hash_file(digest, p)
            for name in sorted(SIDECAR_NAMES):
                side = p.parent / name
                if side.is_file() and side != p:
                    digest.update(b"\0sidecar:" + name.encode())
                    _hash_file(digest, side)
        else:
            return None
    except OSError:
        return None
    return digest.hexdigest()


def _hash_file(digest, path: Path) -> None:
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)


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
        self._salt = f"{CACHE_FORMAT}\0{tool_version()}\0{options.fingerprint()}"

    def key(self, path: str, walked: bool) -> str | None:
        """The cache key of an input, or None when it cannot be hashed."""
        digest = content_hash(path)
        if digest is None:
            return None
        # The path is part of the key: rows carry ``source``, and detail names derive from it.
        text = f"{self._salt}\0{digest}\0{os.path.normpath(path)}\0{walked}"
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


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)
