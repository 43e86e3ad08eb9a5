"""Segmenting text: the engines, and the worker process that runs them in parallel.

This file imports nothing from ``analysis`` so that a worker starts quickly: the parent
runs it as a script (``python -c BOOT this_file``, see :mod:`analysis.topics.tokenize`),
writes one pickled request ``(engine, user_words, dict_dir, strip_pattern, texts)`` to its
standard input and reads the pickled list of token strings from its standard output.
Running a script, rather than ``multiprocessing``, means no ``fork`` of a process that
holds Arrow threads, and no re-import of the caller's ``__main__`` (a library user's
script without an ``if __name__ == "__main__"`` guard works).
"""

from __future__ import annotations

import logging
import pickle
import sys
from collections.abc import Callable, Sequence

UserWords = tuple[tuple[str, "int | None", "str | None"], ...]

_ENGINES: dict[tuple, Callable[[str], list[str]]] = {}


def quiet_jieba() -> None:
    """Keep jieba's "Building prefix dict ..." lines (its logger, on stderr) quiet."""
    import jieba

    jieba.setLogLevel(logging.WARNING)


def load_engine(engine: str, user_words: UserWords = (), dict_dir: str | None = None) -> Callable[[str], list[str]]:
    """A ``text -> tokens`` function, built once per process.

    jieba: precise mode with HMM, which is what ``jieba.lcut(text)`` does; the global
    tokenizer when there are no user words, else a private copy of it with the words added
    (the global one is never changed). rjieba: a private ``rjieba.Jieba`` with ``hmm=True``.
    """
    key = (engine, user_words, dict_dir)
    cut = _ENGINES.get(key)
    if cut is not None:
        return cut
    if engine == "rjieba":
        import rjieba

        seg = rjieba.Jieba()
        for word, freq, tag in user_words:
            seg.add_word(word, freq, tag)
        cut = seg.cut
    else:
        import jieba

        quiet_jieba()
        base = jieba.dt  # read-only here: words are only ever added to private copies
        if dict_dir and not base.initialized:
            base.tmp_dir = dict_dir
        base.initialize()
        if not user_words:
            cut = base.lcut
        else:
            # Copying the loaded word table is ~20x faster than loading the dictionary again.
            seg = jieba.Tokenizer()
            seg.FREQ, seg.total, seg.initialized = dict(base.FREQ), base.total, True
            for word, freq, tag in user_words:
                seg.add_word(word, freq, tag)
            cut = seg.lcut
    _ENGINES[key] = cut
    return cut


def segment(engine: str, user_words: UserWords, dict_dir: str | None, strip_pattern: str,
            texts: Sequence[str]) -> list[str]:
    """Replace ``strip_pattern`` matches by a space (Arrow's RE2, all texts at once), then
    segment each text; tokens joined by single spaces."""
    if not len(texts):
        return []
    import pyarrow as pa
    import pyarrow.compute as pc

    cleaned = pc.replace_substring_regex(pa.array(list(texts), pa.string()), strip_pattern, " ")
    cleaned = pc.utf8_trim_whitespace(cleaned).to_pylist()
    cut = load_engine(engine, user_words, dict_dir)
    return [" ".join(cut(text)) for text in cleaned]


def main() -> None:
    request = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(pickle.dumps(segment(*request), protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
