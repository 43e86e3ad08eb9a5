"""Segmenting text into words with jieba (or rjieba), once per distinct text, in parallel, cached.

How the work is kept small (DESIGN.md, "Scale": jieba is the hot spot):

1. The caller passes *distinct* cleaned texts only; 收到, 好的 and a forwarded notice are
   segmented once however often they were posted.
2. Each text's tokens are looked up by content hash (a 64-bit SipHash of its UTF-8 bytes
   and their length, :func:`content_hashes`) in an in-process memo and, only when the user
   names a folder (``--cache DIR`` / ``[topics] cache_dir``), in an on-disk cache there.
   Nothing is ever written anywhere else: chat logs are personal data.
3. What is left is cleaned and segmented in ``jobs`` processes (default all cores: this
   one plus worker subprocesses running :mod:`analysis.topics._worker`) when it is large
   enough to pay for starting them (:data:`PARALLEL_MIN_CHARS`), else in this process.

Tokens are stored per text as a list (an Arrow ``list<string>``), without the tokens that
have no letter at all (punctuation, spaces, bare numbers): those are never terms, and
leaving them out halves what a cached run reads.
The cache key includes a fingerprint of the tokenizer (engine and version, user words,
:data:`FORMAT_VERSION`), so changing the dictionary never serves stale tokens.

Engines: ``jieba`` (the reference, ``jieba.lcut`` precise mode with HMM) and ``rjieba``
(the jieba-rs binding: same dictionary format and algorithm, about ten times faster; used
by ``auto`` when installed; ``tests/test_topics_tokenize.py`` checks that it gives jieba's
tokens on the sample logs).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import pickle
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.errors import ConfigError
from analysis.topics import _worker

log = logging.getLogger(__name__)

ENGINES: tuple[str, ...] = ("auto", "jieba", "rjieba")
"""Values of ``[topics] tokenizer``: ``auto`` = rjieba when installed, else jieba."""

FORMAT_VERSION = 2
"""Bump when what is stored per text changes; old cache files are then ignored."""

PARALLEL_MIN_CHARS: dict[str, int] = {"jieba": 1_000_000, "rjieba": 10_000_000}
"""Below this many characters to segment, worker processes cost more than they save.
jieba segments about 0.35 M characters a second on one core and rjieba about 4 M
(measured on the benchmark log), and starting a worker that loads the dictionary takes
about a second: the thresholds are roughly three seconds of single-core work."""

MEMO_MAX_ENTRIES = 2_000_000
"""The in-process memo keeps at most this many texts (about 200 MB for chat-length texts);
beyond it, it is reset to the latest run's texts."""

_HASH_KEY = "community-audit1"
_USERDICT_LINE = re.compile(r"^(?P<word>.+?)(?:\s+(?P<freq>\d+))?(?:\s+(?P<tag>[A-Za-z]+))?\s*$")

UserWord = tuple[str, "int | None", "str | None"]


@dataclass(frozen=True)
class TokenizerSpec:
    """Which tokenizer, with which extra words: everything that decides the tokens."""

    engine: str
    """``jieba`` or ``rjieba`` (resolved; never ``auto``)."""
    user_words: tuple[tuple[str, int | None, str | None], ...] = ()
    """Extra dictionary entries ``(word, freq or None, tag or None)``, jieba's user-dict format."""
    dict_dir: str | None = None
    """Where jieba may keep its dictionary cache (the user's ``--cache`` folder); None =
    jieba's own default (the system temp folder; it holds jieba's public word list only)."""

    def fingerprint(self) -> str:
        """A short hash of engine, engine version, user words, the cleaning rules and
        :data:`FORMAT_VERSION`."""
        from analysis.topics.clean import rules_fingerprint

        text = repr((FORMAT_VERSION, self.engine, _engine_version(self.engine), self.user_words,
                     rules_fingerprint()))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class SegmentStats:
    """How segmentation went: what was reused, what was computed, how."""

    engine: str
    """The tokenizer used (``jieba`` or ``rjieba``)."""
    distinct_texts: int
    """Distinct cleaned texts asked for."""
    from_memo: int
    """Of those, found in the in-process memo."""
    from_disk: int
    """Of those, found in the ``--cache`` folder."""
    segmented: int
    """Of those, segmented in this run."""
    jobs: int
    """Processes that segmented (1 = in-process)."""
    seconds: float
    """Wall time of lookup plus segmentation."""
    cache_file: str | None
    """The on-disk cache file used, if any."""


def resolve_engine(name: str) -> str:
    """``auto`` -> ``rjieba`` if importable, else ``jieba``; other names are checked.

    Raises:
        ConfigError: an unknown engine, or ``rjieba`` asked for but not installed.
    """
    if name not in ENGINES:
        raise ConfigError(f"[topics] tokenizer must be one of {', '.join(ENGINES)}, not {name!r}")
    if name == "jieba":
        return "jieba"
    try:
        import rjieba  # noqa: F401
    except ImportError:
        if name == "rjieba":
            raise ConfigError("[topics] tokenizer = 'rjieba' but rjieba is not installed",
                              hint="pip install rjieba, or use tokenizer = 'auto'") from None
        return "jieba"
    return "rjieba"


def read_user_dict(path: str | Path) -> tuple[UserWord, ...]:
    """Read a jieba user dictionary: one ``word [freq] [tag]`` per line.

    Raises:
        ConfigError: the file cannot be read, or a line has no word.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read user dictionary: {exc.strerror or exc}", path=str(path),
                          hint="[topics] user_dict names a jieba user dictionary") from None
    except UnicodeDecodeError:
        raise ConfigError("user dictionary is not UTF-8", path=str(path)) from None
    words = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _USERDICT_LINE.match(line)
        if not match:  # pragma: no cover - the pattern accepts any non-blank line
            raise ConfigError("not a user-dictionary line", path=str(path), line=number)
        freq = match.group("freq")
        words.append((match.group("word"), int(freq) if freq else None, match.group("tag")))
    return tuple(words)


def _engine_version(engine: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(engine)
    except PackageNotFoundError:  # pragma: no cover - an engine imported from a checkout
        return "unknown"


def quiet_jieba() -> None:
    """Keep jieba's "Building prefix dict ..." lines (its logger, on stderr) quiet."""
    _worker.quiet_jieba()


def load_engine(spec: TokenizerSpec) -> Callable[[str], list[str]]:
    """A ``text -> tokens`` function for ``spec``, built once per process (see
    :func:`analysis.topics._worker.load_engine`)."""
    return _worker.load_engine(spec.engine, spec.user_words, spec.dict_dir)


def segment_chunk(spec: TokenizerSpec, texts: Sequence[str]) -> list[str]:
    """Clean each text (:func:`analysis.topics.clean.strip_non_words`) and return its tokens
    joined by spaces, in this process."""
    from analysis.topics.clean import STRIP_RE

    return _worker.segment(spec.engine, spec.user_words, spec.dict_dir, STRIP_RE, texts)


TOKEN_LISTS = pa.list_(pa.string())
"""How tokens are kept: one list of token strings per text."""


def token_lists(joined: pa.Array) -> pa.ListArray:
    """Space-joined tokens -> one list per text, without tokens that have no letter."""
    lists = pc.split_pattern(joined, " ")
    flat = pc.list_flatten(lists)
    parent = pc.list_parent_indices(lists).to_numpy()
    encoded = pc.dictionary_encode(flat)
    has_letter = pc.match_substring_regex(encoded.dictionary, r"\p{L}").to_numpy(zero_copy_only=False)
    keep = has_letter[encoded.indices.to_numpy(zero_copy_only=False)]
    offsets = np.zeros(len(joined) + 1, np.int32)
    np.cumsum(np.bincount(parent[keep], minlength=len(joined)), out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), flat.filter(pa.array(keep)).cast(pa.string()))


def content_hashes(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The content hash of each text: its UTF-8 bytes' 64-bit SipHash (pandas' hash_array,
    fixed key) and their length. Two texts are taken to be the same when both agree; among
    a million cached texts a false match is about 1e-7 likely in a run, and would give one
    message another's tokens."""
    values = texts.to_numpy(zero_copy_only=False)
    h1 = pd.util.hash_array(values, hash_key=_HASH_KEY, categorize=False)
    h2 = pc.binary_length(texts).to_numpy(zero_copy_only=False).astype(np.uint64)
    return h1, h2


@dataclass
class _Store:
    """Tokens by content hash: unique ``h1``; ``h2`` checked on lookup."""

    h1: np.ndarray
    h2: np.ndarray
    tokens: pa.Array

    @classmethod
    def empty(cls) -> _Store:
        return cls(np.empty(0, np.uint64), np.empty(0, np.uint64), pa.array([], TOKEN_LISTS))

    def __len__(self) -> int:
        return len(self.h1)

    def lookup(self, q1: np.ndarray, q2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions in the store (``-1`` = absent) and the found-mask."""
        if not len(self):
            return np.full(len(q1), -1), np.zeros(len(q1), bool)
        pos = pd.Index(self.h1).get_indexer(q1)
        found = pos >= 0
        found[found] = self.h2[pos[found]] == q2[found]
        return pos, found

    def add(self, h1: np.ndarray, h2: np.ndarray, tokens: pa.Array) -> None:
        if not len(self):
            keep = ~pd.Index(h1).duplicated(keep="first")
            if keep.all():
                self.h1, self.h2, self.tokens = h1, h2, tokens
            else:
                self.h1, self.h2, self.tokens = h1[keep], h2[keep], tokens.filter(pa.array(keep))
            return
        new_h1 = np.concatenate([self.h1, h1])
        keep = ~pd.Index(new_h1).duplicated(keep="first")
        self.h1 = new_h1[keep]
        self.h2 = np.concatenate([self.h2, h2])[keep]
        self.tokens = pa.concat_arrays([self.tokens, tokens]).filter(pa.array(keep))

    def table(self) -> pa.Table:
        return pa.table({"h1": self.h1, "h2": self.h2, "tokens": self.tokens})


_MEMO: dict[str, _Store] = {}


def clear_memo() -> None:
    """Forget every text segmented in this process (the on-disk cache is untouched)."""
    _MEMO.clear()


def cache_path(directory: str | Path, spec: TokenizerSpec) -> Path:
    """The cache file for ``spec`` inside the user's cache folder."""
    return Path(directory) / f"topics-tokens-{spec.fingerprint()}.arrow"


def _open_cache_dir(directory: str | Path) -> Path:
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"--cache {folder} is not a folder", hint="name a folder for the token cache")
    if not folder.exists():
        if not folder.parent.is_dir():
            raise ConfigError(f"--cache {folder}: folder {folder.parent} does not exist",
                              hint="create it first, or name another folder")
        folder.mkdir()
    return folder


def _read_store(path: Path) -> _Store:
    if not path.is_file():
        return _Store.empty()
    try:
        with pa.memory_map(str(path)) as source:
            table = pa.ipc.open_file(source).read_all()
        return _Store(table["h1"].to_numpy(), table["h2"].to_numpy(),
                      table["tokens"].combine_chunks().cast(TOKEN_LISTS))
    except (pa.ArrowInvalid, KeyError, OSError) as exc:
        log.warning("ignoring unreadable token cache %s: %s", path, exc)
        return _Store.empty()


def _write_store(path: Path, store: _Store) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        table = store.table()
        with pa.OSFile(tmp, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


_BOOT = ("import sys, runpy; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
         "runpy.run_path(sys.argv[1], run_name='__main__')")
"""Run the worker file as a script without the current folder on ``sys.path`` (the worker's
own folder is not added either: its ``tokenize.py`` would shadow the standard library's)."""


def _segment(spec: TokenizerSpec, texts: list[str], jobs: int) -> tuple[list[str], int]:
    """Segment ``texts`` here, or split them over ``jobs`` processes: this one and
    ``jobs - 1`` worker subprocesses, each given an equal share of the characters."""
    chars = sum(map(len, texts))
    if jobs <= 1 or chars < PARALLEL_MIN_CHARS[spec.engine] or len(texts) < 2 * jobs:
        return segment_chunk(spec, texts), 1
    from analysis.topics.clean import STRIP_RE

    cuts = np.searchsorted(np.cumsum(np.fromiter(map(len, texts), np.int64, len(texts))),
                           np.linspace(0, chars, jobs + 1)[1:-1])
    bounds = [0, *sorted({int(c) for c in cuts}), len(texts)]
    chunks = [texts[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    workers = []
    for chunk in chunks[:-1]:
        proc = subprocess.Popen([sys.executable, "-c", _BOOT, _worker.__file__],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        request = (spec.engine, spec.user_words, spec.dict_dir, STRIP_RE, chunk)
        workers.append((proc, chunk, threading.Thread(target=_feed, args=(proc, request), daemon=True)))
        workers[-1][2].start()
    out: list[list[str]] = [[] for _ in chunks]
    out[-1] = segment_chunk(spec, chunks[-1])  # this process takes the last share meanwhile
    for i, (proc, chunk, feeder) in enumerate(workers):
        data = proc.stdout.read()
        err = proc.stderr.read()
        feeder.join()
        if proc.wait() == 0:
            out[i] = pickle.loads(data)
        else:  # never lose the work: redo the share here
            log.warning("segmenting worker failed (%s); segmenting its share in-process",
                        err.decode("utf-8", "replace").strip()[-300:])
            out[i] = segment_chunk(spec, chunk)
    return [tokens for part in out for tokens in part], len(chunks)


def _feed(proc: subprocess.Popen, request: tuple) -> None:
    try:
        proc.stdin.write(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
        proc.stdin.close()
    except OSError:  # the worker died; its exit code tells
        pass


def segment_distinct(texts: pa.Array, spec: TokenizerSpec, *, cache_dir: str | Path | None = None,
                     jobs: int | None = None) -> tuple[pa.Array, SegmentStats]:
    """Tokens (space-joined) of each of ``texts``, reusing the memo and the cache folder.

    Args:
        texts: distinct raw texts (an Arrow string array); they are cleaned
            (:func:`analysis.topics.clean.strip_non_words`) before segmenting, and the
            cache is keyed by the raw text, so a cached text is not even cleaned again.
        spec: the tokenizer.
        cache_dir: the user's cache folder; created if its parent exists. None = no
            on-disk cache (the default: nothing is written).
        jobs: worker processes; None or 0 = all cores, 1 = in-process only.

    Returns:
        A ``list<string>`` array aligned with ``texts`` (each text's tokens that contain a
        letter, in order), and the statistics.

    Raises:
        ConfigError: ``cache_dir`` is not a usable folder.
    """
    start = time.perf_counter()
    jobs = default_jobs() if not jobs else max(1, jobs)
    texts = texts.cast(pa.string()) if texts.type != pa.string() else texts
    n = len(texts)
    h1, h2 = content_hashes(texts) if n else (np.empty(0, np.uint64), np.empty(0, np.uint64))
    fingerprint = spec.fingerprint()
    # Each text's tokens come from one source: the memo, the cache file, or segmenting now.
    # ``pieces`` are Arrow arrays; ``where`` says, per text, its row in their concatenation.
    pieces: list[pa.Array] = []
    where = np.full(n, -1, np.int64)
    offset = 0

    def take_from(store: _Store, pos: np.ndarray, mask: np.ndarray) -> None:
        nonlocal offset
        if mask.all():  # everything from one store: one take, in order
            pieces.append(store.tokens.take(pa.array(pos)))
            where[:] = np.arange(n)
            offset = n
        elif mask.any():
            pieces.append(store.tokens.take(pa.array(pos[mask])))
            where[mask] = offset + np.arange(int(mask.sum()))
            offset += int(mask.sum())

    memo = _MEMO.setdefault(fingerprint, _Store.empty())
    pos, in_memo = memo.lookup(h1, h2)
    take_from(memo, pos, in_memo)

    disk, path, in_disk, on_disk = None, None, np.zeros(n, bool), np.zeros(n, bool)
    if cache_dir is not None:
        path = cache_path(_open_cache_dir(cache_dir), spec)
        disk = _read_store(path)
        pos, on_disk = disk.lookup(h1, h2)
        in_disk = on_disk & ~in_memo
        take_from(disk, pos, in_disk)

    todo = ~(in_memo | in_disk)
    used_jobs = 1
    if todo.any():
        segmented, used_jobs = _segment(spec, texts.filter(pa.array(todo)).to_pylist(), jobs)
        pieces.append(token_lists(pa.array(segmented, pa.string())))
        where[todo] = offset + np.arange(int(todo.sum()))
    if len(pieces) == 1 and offset == n and not todo.any():
        tokens = pieces[0]
    else:
        tokens = pa.concat_arrays(pieces).take(pa.array(where)) if pieces else pa.array([], TOKEN_LISTS)

    fresh = ~in_memo
    if fresh.any():
        if len(memo) + int(fresh.sum()) > MEMO_MAX_ENTRIES:
            memo = _MEMO[fingerprint] = _Store.empty()
        memo.add(h1[fresh], h2[fresh], tokens.filter(pa.array(fresh)))
    if disk is not None and path is not None and (not on_disk.all() or not path.exists()):
        missing = ~on_disk
        disk.add(h1[missing], h2[missing], tokens.filter(pa.array(missing)))
        _write_store(path, disk)

    stats = SegmentStats(
        engine=spec.engine, distinct_texts=n, from_memo=int(in_memo.sum()), from_disk=int(in_disk.sum()),
        segmented=int(todo.sum()), jobs=used_jobs, seconds=time.perf_counter() - start,
        cache_file=str(path) if path is not None else None,
    )
    return tokens, stats
