"""From tokens to terms: the vocabulary, message-term incidence, keyword ranking, concentration.

Everything is numpy over a compressed sparse layout (no per-message Python loop):
``doc`` = one distinct cleaned text, ``term`` = one vocabulary entry; ``entries`` hold
one (doc, term) pair per token occurrence, ``pairs`` one per distinct (doc, term).
How often each doc was posted is a weight vector, so 收到 posted 5,000 times costs one row.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.errors import ConfigError

DATA = Path(__file__).resolve().parent.parent / "data"
"""``analysis/data``: the shipped stopword lists."""

TERM_RE = r"\p{L}"
"""A term needs letters (any script, Han included); digits and punctuation do not count."""


@functools.cache
def shipped_stopwords() -> frozenset[str]:
    """``analysis/data/stopwords_zh.txt`` and ``stopwords_en.txt`` (ours), lower-cased."""
    words: set[str] = set()
    for name in ("stopwords_zh.txt", "stopwords_en.txt"):
        words |= set(_word_lines((DATA / name).read_text(encoding="utf-8")))
    return frozenset(words)


def _word_lines(text: str) -> Iterable[str]:
    for line in text.split("\n"):
        line = line.strip()
        if line and not line.startswith("#"):
            yield line.lower()


def stopwords(extra: Iterable[str] = (), files: Iterable[str | Path] = ()) -> frozenset[str]:
    """The shipped stopwords plus ``extra`` words and words from ``files`` (one a line).

    Raises:
        ConfigError: a stopword file cannot be read.
    """
    words = set(shipped_stopwords()) | {w.strip().lower() for w in extra if w.strip()}
    for file in files:
        try:
            words |= set(_word_lines(Path(file).read_text(encoding="utf-8-sig")))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read stopword file: {exc}", path=str(file),
                              hint="[topics] stopwords_file names a UTF-8 file, one word a line") from None
    return frozenset(words)


@functools.cache
def _idf_table(path: str) -> tuple[pa.Array, np.ndarray, float]:
    import pyarrow.csv as pacsv

    try:
        table = pacsv.read_csv(
            path, read_options=pacsv.ReadOptions(column_names=["word", "idf"]),
            parse_options=pacsv.ParseOptions(delimiter=" ", quote_char=False,
                                             invalid_row_handler=lambda row: "skip"),
            convert_options=pacsv.ConvertOptions(column_types={"word": pa.string(), "idf": pa.string()}))
    except (OSError, pa.ArrowInvalid) as exc:
        raise ConfigError(f"cannot read IDF file: {exc}", path=path,
                          hint="[topics] idf_file: one 'word idf' pair a line, as jieba's idf.txt") from None
    values = pd.to_numeric(table["idf"].to_pandas(), errors="coerce").to_numpy(float)
    words = pc.utf8_lower(table["word"].combine_chunks())
    ok = ~np.isnan(values)
    if not ok.any():
        raise ConfigError("IDF file holds no 'word idf' lines", path=path)
    words, values = words.filter(pa.array(ok)), values[ok]
    return words, values, float(np.median(values))


def jieba_idf_path() -> str:
    """jieba's own IDF table (``jieba/analyse/idf.txt``), found without initialising jieba."""
    import jieba

    return str(Path(jieba.__file__).resolve().parent / "analyse" / "idf.txt")


def idf_of(terms: np.ndarray, path: str | None = None) -> np.ndarray:
    """IDF of each term from ``path`` (default jieba's table); unknown terms get the
    table's median IDF, as ``jieba.analyse`` does. A word listed twice keeps its first IDF."""
    words, idf, median = _idf_table(path or jieba_idf_path())
    pos = pc.index_in(pa.array(list(terms), pa.string()), value_set=words)
    pos = pc.fill_null(pos, -1).to_numpy(zero_copy_only=False)
    out = np.full(len(terms), median)
    out[pos >= 0] = idf[pos[pos >= 0]]
    return out


@dataclass(frozen=True)
class Incidence:
    """Terms of each distinct text (doc) in compressed sparse form."""

    vocab: np.ndarray
    """Term strings (object array), index = term id."""
    entry_doc: np.ndarray
    """Doc of each kept token occurrence (sorted ascending)."""
    entry_term: np.ndarray
    """Term id of each kept token occurrence."""
    pair_doc: np.ndarray
    """Doc of each distinct (doc, term) pair (sorted by doc)."""
    pair_term: np.ndarray
    """Term id of each distinct (doc, term) pair."""
    n_docs: int
    """Number of docs."""

    @property
    def entry_ptr(self) -> np.ndarray:
        """``entry_ptr[d]:entry_ptr[d+1]`` are doc ``d``'s entries."""
        return np.concatenate([[0], np.cumsum(np.bincount(self.entry_doc, minlength=self.n_docs))])


def build_incidence(tokens: pa.ListArray, stop: frozenset[str], min_chars: int) -> Incidence:
    """Lower-case the tokens of each doc and keep the terms.

    A token is kept when it has at least ``min_chars`` letters (``\\p{L}``: Han characters
    and Latin letters count, digits and punctuation do not) and is not a stopword.
    """
    n_docs = len(tokens)
    flat = pc.list_flatten(tokens)
    parent = pc.list_parent_indices(tokens).to_numpy()
    encoded = pc.dictionary_encode(flat)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    raw_vocab = encoded.dictionary
    lowered = pc.utf8_lower(raw_vocab)
    letters = pc.utf8_length(pc.replace_substring_regex(lowered, r"[^\p{L}]+", "")).to_numpy()
    lowered_np = lowered.to_numpy(zero_copy_only=False)
    term_of_raw, vocab = pd.factorize(lowered_np)
    vocab = np.asarray(vocab, dtype=object)
    stop_mask = np.fromiter((w in stop for w in vocab), bool, len(vocab))
    keep_raw = (letters >= min_chars) & ~stop_mask[term_of_raw]
    keep = keep_raw[codes]
    entry_doc = parent[keep].astype(np.int64)
    entry_term = term_of_raw[codes[keep]].astype(np.int64)
    # Compact the vocabulary to the terms that survived.
    used = np.flatnonzero(np.bincount(entry_term, minlength=len(vocab)))
    remap = np.full(len(vocab), -1, np.int64)
    remap[used] = np.arange(len(used))
    entry_term = remap[entry_term]
    vocab = vocab[used]
    n_terms = max(len(vocab), 1)
    # Distinct (doc, term) pairs: sort the keys (already in doc order, so this is cheap) and
    # drop repeats; the pairs stay sorted by doc.
    keys = np.sort(entry_doc * n_terms + entry_term)
    first = np.ones(len(keys), bool)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    keys = keys[first]
    return Incidence(vocab=vocab, entry_doc=entry_doc, entry_term=entry_term,
                     pair_doc=keys // n_terms, pair_term=keys % n_terms, n_docs=n_docs)


def term_counts(inc: Incidence, doc_weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(occurrences, messages containing) of every term, each doc weighted by its posts."""
    n = len(inc.vocab)
    tf = np.bincount(inc.entry_term, weights=doc_weight[inc.entry_doc], minlength=n)
    df = np.bincount(inc.pair_term, weights=doc_weight[inc.pair_doc], minlength=n)
    return tf, df


def rank_terms(tf: np.ndarray, idf: np.ndarray, top: int) -> np.ndarray:
    """Term ids of the ``top`` terms by TF-IDF (``tf / total * idf``); ties by count, then id."""
    present = np.flatnonzero(tf > 0)
    if not len(present):
        return present
    score = tf[present] * idf[present]
    if len(present) > 4 * top:  # only the best few need a full ordering
        keep = np.argpartition(-score, 4 * top)[: 4 * top]
        cutoff = score[keep].min()
        keep = np.flatnonzero(score >= cutoff)  # ties at the cut stay in
        present, score = present[keep], score[keep]
    order = np.lexsort((present, -tf[present], -score))
    return present[order[:top]]


def docs_with_terms(inc: Incidence, term_ids: Iterable[int]) -> np.ndarray:
    """Boolean mask of docs containing any of ``term_ids``."""
    wanted = np.zeros(len(inc.vocab) + 1, bool)
    ids = np.fromiter(term_ids, np.int64)
    wanted[ids] = True
    mask = np.zeros(inc.n_docs, bool)
    mask[inc.pair_doc[wanted[inc.pair_term]]] = True
    return mask


def normalised_entropy(counts: np.ndarray) -> float:
    """Shannon entropy of ``counts / sum`` divided by ``log(k)``, k = number of non-zero counts.

    0 = everything on one keyword (concentrated); 1 = spread evenly over k keywords
    (diffuse). NaN when there are no counts; 0 when k = 1.
    """
    counts = np.asarray(counts, float)
    counts = counts[counts > 0]
    if not len(counts):
        return math.nan
    if len(counts) == 1:
        return 0.0
    p = counts / counts.sum()
    return float(min(1.0, max(0.0, -(p * np.log(p)).sum() / math.log(len(p)))))


def hhi(counts: np.ndarray) -> tuple[float, float]:
    """Herfindahl-Hirschman index of ``counts / sum``: (raw, normalised).

    raw = sum of squared shares, from 1/k (even) to 1 (one keyword). normalised =
    (raw - 1/k) / (1 - 1/k), from 0 (even) to 1 (one keyword); 1 when k = 1, NaN when empty.
    """
    counts = np.asarray(counts, float)
    counts = counts[counts > 0]
    if not len(counts):
        return math.nan, math.nan
    p = counts / counts.sum()
    raw = float((p * p).sum())
    k = len(p)
    return raw, 1.0 if k == 1 else float(min(1.0, max(0.0, (raw - 1 / k) / (1 - 1 / k))))


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """``|A & B| / |A | B|``: 1 = the same keywords, 0 = none shared; NaN if both empty."""
    a, b = set(a), set(b)
    union = a | b
    return len(a & b) / len(union) if union else math.nan


def theme_pattern(terms: Iterable[str]) -> str | None:
    """An RE2 pattern finding any theme term in space-joined tokens (or in one term).

    A term of ASCII letters, digits and ``_`` must be a whole word (``run`` does not match
    ``brunch``); any other term may be a substring and may span token boundaries (``马拉松训练``
    matches the tokens ``马拉松 训练``). Case-insensitive.
    """
    parts = []
    for term in sorted({t.strip().lower() for t in terms if t.strip()}, key=len, reverse=True):
        if re.fullmatch(r"[0-9a-z_]+", term):
            parts.append(rf"\b{term}\b")
        else:
            parts.append(" ?".join(re.escape(ch) for ch in term if not ch.isspace()))
    return "(?i)(?:" + "|".join(parts) + ")" if parts else None


def npmi(co: np.ndarray, df: np.ndarray, n_theme: float, total: float) -> np.ndarray:
    """Normalised pointwise mutual information between "message is on theme" and "message
    contains the term", from counts: ``log(p(t,w) / (p(t) p(w))) / -log p(t,w)``.

    -1 = never together, 0 = independent, 1 = the term occurs only, and always, with the
    theme. NaN where the term never co-occurs.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        p_tw = co / total
        pmi = np.log(p_tw / ((n_theme / total) * (df / total)))
        out = pmi / -np.log(p_tw)
    out[p_tw >= 1] = 1.0
    out[co <= 0] = np.nan
    return out
