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


def expand_paths(paths: Iterable[str | os.PathLike[str]], *, recursive: bool = False,
                 duplicates: dict[str, str] | None = None) -> list[Input]:
    """Files, folders and globs -> the inputs to audit (see the module docstring for the rules).

    A path that does not exist and holds no glob characters is kept (it becomes an error row);
    so is a glob that matches nothing. Each real file or folder is audited once: the same path
    twice is dropped, and so is a path that leads (through symlinks) to a file already listed;
    a walk never enters a folder it has already walked (a symlink loop such as ``d/loop ->
    ..``). Such paths are added to ``duplicates`` (when given) with the real path they lead to.
    """
    notes: dict[str, str] = {}
    out: list[Input] = []
    for raw in paths:
        text = str(raw)
        if not Path(text).exists() and any(ch in text for ch in "*?["):
            if recursive and "**" in text:
                matches = _safe_glob(text, notes)
            else:
                import glob

                matches = sorted(glob.glob(text, recursive=False))
            if not matches:
                out.append(Input(text))
            for match in matches:
                out.extend(_expand_one(Path(match), recursive, notes))
            continue
        out.extend(_expand_one(Path(text), recursive, notes))
    seen: dict[str, str] = {}
    unique = []
    for item in out:
        real = os.path.realpath(item.path)
        if real in seen:
            if os.path.normpath(seen[real]) != os.path.normpath(item.path):
                notes.setdefault(item.path, real)
            continue
        seen[real] = item.path
        unique.append(item)
    if duplicates is not None:
        duplicates.update(notes)
    return unique


def _expand_one(path: Path, recursive: bool, notes: dict[str, str]) -> list[Input]:
    if not path.is_dir() or is_export_folder(path):
        return [Input(str(path))]
    return list(_walk(path, recursive, {os.path.realpath(path)}, notes))


def _walk(folder: Path, recursive: bool, visited: set[str], notes: dict[str, str]) -> Iterable[Input]:
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
                real = os.path.realpath(entry)
                if real in visited:  # a symlink loop, or a folder reached twice
                    notes[str(entry)] = real
                    continue
                visited.add(real)
                yield from _walk(entry, recursive, visited, notes)
        elif entry.suffix.lower() in EXPORT_EXTENSIONS and entry.name.lower() not in SIDECAR_NAMES:
            yield Input(str(entry), walked=True)


def _safe_glob(pattern: str, notes: dict[str, str]) -> list[str]:
    """``glob.glob(pattern, recursive=True)`` that enters each real folder once (the standard
    one follows a symlink loop without end). Same rules: ``**`` matches any number of
    folders, names starting with ``.`` only match a pattern part starting with ``.``."""
    import fnmatch

    parts = pattern.replace(os.sep, "/").split("/")
    fixed = 0
    while fixed < len(parts) - 1 and not any(ch in parts[fixed] for ch in "*?["):
        fixed += 1
    base = "/".join(parts[:fixed]) or ("/" if pattern.startswith("/") else ".")
    if pattern.startswith("/") and not base.startswith("/"):
        base = "/" + base
    rest = parts[fixed:]

    def match(names: list[str], pats: list[str]) -> bool:
        if not pats:
            return not names
        if pats[0] == "**":
            return match(names, pats[1:]) or (bool(names) and not names[0].startswith(".") and match(names[1:], pats))
        if not names or (names[0].startswith(".") and not pats[0].startswith(".")):
            return False
        return fnmatch.fnmatchcase(names[0], pats[0]) and match(names[1:], pats[1:])

    found: list[str] = []
    root = Path(base)
    if not root.is_dir():
        return []
    visited = {os.path.realpath(root)}
    stack: list[tuple[Path, list[str]]] = [(root, [])]
    while stack:
        folder, names = stack.pop()
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError:
            continue
        for entry in entries:
            rel = [*names, entry.name]
            if match(rel, rest):
                found.append(str(entry) if base != "." else "/".join(rel))
            if entry.is_dir() and not entry.name.startswith("."):
                real = os.path.realpath(entry)
                if real in visited:
                    notes[str(entry)] = real
                    continue
                visited.add(real)
                stack.append((entry, rel))
    return sorted(found)


def is_export_folder(path: Path) -> bool:
    """True when a format that reads folders (:attr:`~analysis.logformat.LogFormat.folder`)
    claims this one as one export (Slack workspace, QCE chunked export)."""
    from analysis.source import Source

    try:
        source = Source.open(path)
        return any(fmt.sniff(source) for fmt in FORMATS if fmt.folder)
    except (AuditError, OSError):
        return False
