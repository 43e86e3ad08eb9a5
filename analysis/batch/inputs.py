"""Which inputs a batch audits: files, folders and globs expanded to :class:`Input` items.

What a folder walk picks up comes from the formats' own declarations
(:class:`~analysis.logformat.LogFormat`), never from a list kept here:

- a folder that a format declared with ``folder=True`` claims (Slack workspace with
  ``channels.json``, QCE export with ``manifest.json``) is one input, never walked into;
- otherwise its files whose names end in :data:`EXPORT_EXTENSIONS` (every format's declared
  ``extensions``: ``.txt .csv .tsv .json .jsonl .ndjson .zip``) are picked; hidden names
  (starting with ``.``) and sidecar files (:data:`SIDECAR_NAMES`, e.g. PyWxDump's
  ``users.json``) are not; subfolders are walked with ``recursive`` only (export folders
  inside are always picked);
- a file picked by a walk whose content no format recognises is *skipped* by the task and
  listed in :attr:`~analysis.batch.BatchResult.skipped` (a README or a script beside the
  exports is not an export), unless ``log_format`` forces the format;
- paths named explicitly (or matched by a glob) are always tried: if they fail, they are
  error rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import AuditError
from analysis.parsers import FORMATS, export_extensions, sidecar_names

EXPORT_EXTENSIONS: tuple[str, ...] = export_extensions()
"""File name endings a folder walk picks up: the union of every format's declared
:attr:`~analysis.logformat.LogFormat.extensions`."""

SIDECAR_NAMES: frozenset[str] = sidecar_names()
"""Files that travel beside an export but are not one (PyWxDump's and Slack's ``users.json``,
Slack's channel lists, QCE's manifest), as the formats declare them
(:attr:`~analysis.logformat.LogFormat.sidecars`): a walk never picks them up on their own."""


@dataclass(frozen=True)
class Input:
    """One unit of work: a path, and whether a folder walk (not the user) named it."""

    path: str
    walked: bool = False


def expand_paths(paths: Iterable[str | os.PathLike[str]], *, recursive: bool = False) -> list[Input]:
    """Files, folders and globs -> the inputs to audit (see the module docstring for the rules).

    A path that does not exist and holds no glob characters is kept (it becomes an error row);
    so is a glob that matches nothing. Duplicates (the same path twice) are dropped.
    """
    out: list[Input] = []
    for raw in paths:
        text = str(raw)
        if not Path(text).exists() and any(ch in text for ch in "*?["):
            import glob

            matches = sorted(glob.glob(text, recursive=recursive))
            if not matches:
                out.append(Input(text))
            for match in matches:
                out.extend(_expand_one(Path(match), recursive))
            continue
        out.extend(_expand_one(Path(text), recursive))
    seen: set[str] = set()
    unique = []
    for item in out:
        key = os.path.normpath(item.path)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _expand_one(path: Path, recursive: bool) -> list[Input]:
    if not path.is_dir() or is_export_folder(path):
        return [Input(str(path))]
    return list(_walk(path, recursive))


def _walk(folder: Path, recursive: bool) -> Iterable[Input]:
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        yield Input(str(folder))  # unreadable folder: an error row says why
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if is_export_folder(entry):
                yield Input(str(entry), walked=True)
            elif recursive:
                yield from _walk(entry, recursive)
        elif entry.suffix.lower() in EXPORT_EXTENSIONS and entry.name.lower() not in SIDECAR_NAMES:
            yield Input(str(entry), walked=True)


def is_export_folder(path: Path) -> bool:
    """True when a format that reads folders (:attr:`~analysis.logformat.LogFormat.folder`)
    claims this one as one export (Slack workspace, QCE chunked export)."""
    from analysis.source import Source

    try:
        source = Source.open(path)
        return any(fmt.sniff(source) for fmt in FORMATS if fmt.folder)
    except (AuditError, OSError):
        return False
