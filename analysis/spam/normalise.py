"""Normalised views of message texts, computed once per distinct text, in Arrow and numpy.

Spammers disguise the words and handles a filter looks for (SPAM.md §3): zero-width and
format characters inside words, full-width or mathematical letters, circled digits,
separators between single characters (``家-企-鹅``), homophones (薇信 for 微信, 扣扣 for
QQ, 君羊 for 群), Chinese numerals in numbers, traditional characters. The checks match
their patterns on normalised *views* and keep the raw text for display:

``norm``
    invisible characters removed, NFKC, lower case, dingbat digits / negative-circled
    letters / Cyrillic and Greek look-alikes / traditional characters folded; separators
    removed inside digit runs (``138-0000-1234`` -> ``13800001234``), between Chinese
    characters (``证 券`` -> ``证券``) and between one-letter tokens (``k u c`` -> ``kuc``);
    Chinese numerals in runs of five or more digit-like characters turned into digits;
    homophones of 微信, QQ and 群 canonicalised (薇信/V❤ -> 微信, 扣扣/企鹅/🐧 -> qq,
    君羊/裙 -> 群), ``点com`` read as ``.com``. Contact handles and links are matched here.
    Empty for texts without any letter or digit (they cannot hold a handle) unless asked.
``compact``
    ``norm`` before the homophone step, keeping only Chinese characters, a-z and 0-9;
    the lexicon and the repeated-template keys use it (``代.理`` -> ``代理``).

Counts taken on the raw text (evasion is evidence, tg-spam #169): ``n_invisible``
(zero-width, format, private-use and combining decoration characters), ``n_stylised``
(full-width, mathematical, enclosed or super/subscript letters and digits), ``n_emoji``
and ``n_symbol`` (other pictographic symbols: runes, box drawing, geometric shapes,
arrows), ``n_visible`` (characters that are not white space or invisible).

Everything is vectorised: texts become one numpy array of code points (UTF-32); folds,
lower case, separator and numeral handling are table lookups and array operations; NFKC
and the homophone rewrites are Arrow compute kernels (RE2), each rewrite run only on the
texts that hold its trigger characters. No Python loop runs per text.
"""

from __future__ import annotations

import functools
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

DATA = Path(__file__).resolve().parent / "data"

# Character classes (bit flags) of the raw text.
INVISIBLE = 1
"""Removed and counted: zero-width, format (Cf), control (except tab/newline), private use,
variation selectors, keycap, Hangul filler, braille blank, tag characters."""
DECOR = 2
"""Removed and counted as stylised: combining marks drawn on top of letters (``专͟业͟``)."""
STYLISED = 4
"""Kept (NFKC / folding turns them into ASCII) and counted: fancy letters and digits."""
EMOJI = 8
"""Pictographs and dingbats (Unicode emoji blocks, misc symbols)."""
SYMBOL = 16
"""Other decoration: runes, box drawing, geometric shapes, arrows, other So/Sm/Sk."""

_TABLE_SIZE = 0x30000
# Code points whose properties the tables compute; 0x20000-0x2F7FF are CJK extension
# ideographs only (letters with no digit value, unchanged by NFKC, never invisible).
_TABLE_RANGE = (*range(0x20000), *range(0x2F800, _TABLE_SIZE))
_EMOJI_PARTS = (0xFE0E, 0xFE0F, 0x20E3, 0x200D)

_EXTRA_INVISIBLE = (
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0xFEFF, 0xFEFF), (0xFE00, 0xFE0F),
    (0x20E3, 0x20E3), (0x3164, 0x3164), (0x115F, 0x1160), (0xFFA0, 0xFFA0), (0x2800, 0x2800),
    (0x180E, 0x180E), (0xE000, 0xF8FF),
)
_STYLISED_RANGES = (
    (0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A), (0x1D400, 0x1D7FF), (0x2460, 0x24FF),
    (0x2776, 0x2793), (0x1F100, 0x1F10C), (0x1F110, 0x1F189), (0x2070, 0x209F), (0x00B2, 0x00B3),
    (0x00B9, 0x00B9), (0x1D2C, 0x1D6A), (0x2100, 0x214F), (0x3251, 0x325F), (0x32B1, 0x32BF),
)
_EMOJI_RANGES = (
    (0x1F300, 0x1F5FF), (0x1F600, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F900, 0x1F9FF),
    (0x1FA70, 0x1FAFF), (0x2600, 0x2775), (0x2794, 0x27BF), (0x1F000, 0x1F02F), (0x1F0A0, 0x1F0FF),
    (0x1F1E6, 0x1F1FF), (0x1F200, 0x1F2FF), (0x2B50, 0x2B55), (0x2B1B, 0x2B1C), (0x3030, 0x3030),
    (0x303D, 0x303D), (0x3297, 0x3297), (0x3299, 0x3299), (0x2190, 0x21FF), (0x2300, 0x23FF),
)
_CONFUSABLES = {
    # Cyrillic and Greek letters that look like Latin ones (lower-cased after folding).
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c",
    "Т": "t", "У": "y", "Х": "x", "І": "i", "Ј": "j", "Ѕ": "s", "З": "3",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k",
    "Μ": "m", "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
}
_SYMBOL_FOLD = {"➕": "+", "✚": "+", "🉑": "可", "🈶": "有", "〇": "〇"}

# Phrase rewrites on the folded, lower-cased text (RE2 syntax; applied in order). `_S`
# lets up to two separators sit between the characters (家-企-鹅, 君 羊).
_S = r"[\s\-_.·•*~|/\\=+]{0,2}"
_CANON: tuple[tuple[str, str], ...] = (
    ("🐧", "qq"),
    (rf"[企乞启岂]{_S}鹅|扣{_S}扣|抠{_S}抠|蔻{_S}蔻|口{_S}口|q\s+q", "qq"),
    (rf"君{_S}羊|裙|峮", "群"),
    (rf"[微威薇徽维卫伟唯喂韦]{_S}[信芯心❤♥]|v{_S}[信芯心❤♥]", "微信"),
    (r"(^|[^a-z0-9.])(?:weixin|wechat)([^a-z0-9.]|$)", r"\1微信\2"),
    (r"(^|[^a-z0-9])(?:vx|wx)([^a-z0-9_]|$)", r"\1微信\2"),
    (rf"[家佳夹迦伽嘉珈]{_S}[微威薇徽维喂韦]|[加+]{_S}[威薇徽维喂韦]", "加微"),
    (rf"[加+]{_S}v([^a-z]|$)", r"加微信\1"),
    (rf"[加家佳夹迦伽嘉珈+]{_S}(?:[扣抠筘寇宼蔻口]|qq)", "加qq"),
    (r"(?:点|點|。|\(dot\)|\[\.\]|\[dot\])\s*(com|cn|net|org|top|xyz|cc|vip|me|io|shop|club|app|tv|info)\b",
     r".\1"),
)
_NUMERALS = "零〇○一二三四五六七八九壹贰叁肆伍陆柒捌玖幺两"
_NUMERAL_DIGIT = {c: str(d) for d, cs in enumerate(
    ["零〇○", "一壹幺", "二贰两", "三叁", "四肆", "五伍", "六陆", "七柒", "八捌", "九玖"]) for c in cs}


@dataclass(frozen=True)
class Views:
    """Normalised views and counts of distinct texts (all aligned with the input)."""

    raw: pa.Array
    """The texts as given (large_string)."""
    norm: pa.Array
    """Invisibles removed, NFKC, folded, lower case, separators between single characters
    and inside digit runs removed, numerals as digits, homophones canonicalised."""
    compact: pa.Array
    """``norm`` keeping only Chinese characters, a-z and 0-9."""
    n_invisible: np.ndarray
    """Invisible characters removed (int)."""
    n_stylised: np.ndarray
    """Fancy letters and digits, plus combining decoration (int)."""
    n_emoji: np.ndarray
    """Emoji and dingbats (int)."""
    n_symbol: np.ndarray
    """Other decorative symbols (int)."""
    n_visible: np.ndarray
    """Characters that are not invisible (white space included) (int)."""
    split: np.ndarray
    """bool: separators between single Chinese characters (``看-夹-企-鹅``: two or more in a row)."""
    has_alnum: np.ndarray
    """bool: a letter a-z or digit after folding (only these texts can hold a handle; ``norm``
    is empty for the others unless ``normalise(..., full=True)``)."""

    def __len__(self) -> int:
        return len(self.raw)


def as_large_string(values) -> pa.Array:
    """An Arrow ``large_string`` array (nulls as empty strings) from a Series, list or array."""
    if isinstance(values, pd.Series):
        values = values.array
    if isinstance(values, pd.api.extensions.ExtensionArray) and hasattr(values, "_pa_array"):
        arr = values._pa_array  # ArrowStringArray keeps its chunked array here
    elif isinstance(values, (pa.Array, pa.ChunkedArray)):
        arr = values
    else:
        arr = pa.array(np.asarray(values, dtype=object), pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks else pa.array([], pa.large_string())
    arr = arr.cast(pa.large_string())
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    return arr


def to_codepoints(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """All characters of ``arr`` as one uint32 array, and char offsets (length n+1)."""
    lengths = pc.utf8_length(arr).to_numpy(zero_copy_only=False).astype(np.int64)
    offsets = np.zeros(len(arr) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if not len(arr) or not offsets[-1]:
        return np.zeros(0, np.uint32), offsets
    bufs = arr.buffers()
    byte_off = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset: arr.offset + len(arr) + 1]
    data = bufs[2].to_pybytes()[int(byte_off[0]): int(byte_off[-1])]
    cp = np.frombuffer(data.decode("utf-8").encode("utf-32-le"), dtype=np.uint32)
    return cp, offsets


def from_codepoints(cp: np.ndarray, offsets: np.ndarray) -> pa.Array:
    """Inverse of :func:`to_codepoints`."""
    n = len(offsets) - 1
    # UTF-8 bytes per text: 3 per character, corrected for the (sparser) 1-, 2- and 4-byte ones.
    byte_len = 3 * np.diff(offsets)
    odd = np.flatnonzero((cp < 0x800) | (cp >= 0x10000))
    if len(odd):
        c = cp[odd]
        delta = np.where(c < 0x80, -2, np.where(c < 0x800, -1, 1))
        byte_len += np.bincount(_text_of(odd, offsets), weights=delta, minlength=n).astype(np.int64)
    byte_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(byte_len, out=byte_off[1:])
    data = cp.astype("<u4", copy=False).tobytes().decode("utf-32-le").encode("utf-8")
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(byte_off.tobytes()), pa.py_buffer(data))


def seg_reduce(ufunc: np.ufunc, values: np.ndarray, offsets: np.ndarray, dtype=None) -> np.ndarray:
    """Per-text reduction (``np.add``, ``np.bitwise_or``) of a per-character array; 0 for
    empty texts."""
    lengths = np.diff(offsets)
    out = np.zeros(len(lengths), dtype=dtype or values.dtype)
    nonempty = lengths > 0
    if nonempty.any():
        out[nonempty] = ufunc.reduceat(values, offsets[:-1][nonempty], dtype=dtype)
    return out


def _select(cp: np.ndarray, off: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep the characters where ``keep`` is true; recompute the offsets."""
    gone = np.flatnonzero(~keep)
    lengths = np.diff(off)
    if len(gone):
        lengths = lengths - np.bincount(_text_of(gone, off), minlength=len(lengths))
    new_off = np.zeros_like(off)
    np.cumsum(lengths, out=new_off[1:])
    return cp[keep], new_off


# ---------------------------------------------------------------------------------------
# Lookup tables, indexed by code point; everything at or beyond 0x30000 (rare CJK
# extensions, tag characters, supplementary private use) shares the last entry.

_RAW_SPACE = 32
_EMOJI_PART = 64
_MAYBE_PART = 128
# Bits of the second-pass table.
_DROP, _DIGITLIKE, _NUMERAL, _DSEP, _WSEP, _ALNUM, _COMPACT, _VSEP = 1, 2, 4, 8, 16, 32, 64, 128
_VISIBLE_SEPARATORS = "-~·•*_|/\\=+"


@functools.cache
def _class_table() -> np.ndarray:
    """Raw-text classes: INVISIBLE, DECOR, STYLISED, EMOJI, SYMBOL, space."""
    table = np.zeros(_TABLE_SIZE + 1, dtype=np.uint8)
    for cp in _TABLE_RANGE:
        cat = unicodedata.category(chr(cp))
        if cat in ("Cf", "Co", "Cs") or (cat == "Cc" and cp not in (9, 10, 13)):
            table[cp] = INVISIBLE
        elif (cat == "Mn" and cp < 0x3000) or 0xFE20 <= cp <= 0xFE2F:
            table[cp] = DECOR
        elif cat in ("So", "Sm", "Sk") and cp >= 0x80:
            table[cp] = SYMBOL
    table[0x16A0:0x1700] = SYMBOL  # runes used as noise
    for lo, hi in _EMOJI_RANGES:
        table[lo:hi + 1] = EMOJI
    for lo, hi in _STYLISED_RANGES:
        table[lo:hi + 1] = STYLISED
    for lo, hi in _EXTRA_INVISIBLE:
        table[lo:hi + 1] = INVISIBLE
    table[_TABLE_SIZE] = INVISIBLE
    for c in (9, 10, 13, 32, 0xA0, 0x3000):
        table[c] = 0  # spaces: no class (they count as visible)
    for c in _EMOJI_PARTS:
        table[c] = _MAYBE_PART
    return table


@functools.cache
def _fold_table() -> np.ndarray:
    """Code point -> folded code point (digits, look-alikes, traditional, ASCII lower case)."""
    table = np.arange(_TABLE_SIZE + 1, dtype=np.uint32)
    for cp in _TABLE_RANGE:
        d = unicodedata.digit(chr(cp), None) if cp >= 0x80 else None
        if d is not None:
            table[cp] = ord("0") + d
    for base in (0x1F150, 0x1F170):  # negative circled / squared capital letters
        table[base:base + 26] = np.arange(ord("a"), ord("a") + 26)
    table[0x1F1E6:0x1F200] = np.arange(ord("a"), ord("a") + 26)  # regional indicators
    table[ord("A"):ord("Z") + 1] = np.arange(ord("a"), ord("z") + 1)
    table[0xFF01:0xFF5F] = np.arange(0x21, 0x7F)  # full-width ASCII, as NFKC maps it
    table[0xFF21:0xFF3B] = np.arange(ord("a"), ord("z") + 1)
    table[0x3000] = 0x20
    for src, dst in {**_CONFUSABLES, **_SYMBOL_FOLD, **t2s_map()}.items():
        table[ord(src)] = ord(dst)
    table[_TABLE_SIZE] = 0  # beyond the table: NUL, dropped below
    return table


@functools.cache
def _nfkc_table() -> np.ndarray:
    """True for characters NFKC changes, other than the full-width ASCII forms (FF01-FF5E)
    and the ideographic space, which the fold table maps the same way."""
    table = np.zeros(_TABLE_SIZE + 1, dtype=bool)
    for cp in _TABLE_RANGE:
        c = chr(cp)
        if unicodedata.normalize("NFKC", c) != c:
            table[cp] = True
    table[0xFF01:0xFF5F] = False
    table[0x3000] = False
    table[_TABLE_SIZE] = True
    return table


@functools.cache
def _pass2_table() -> np.ndarray:
    """Second-pass bits: drop, digit-like, numeral, separators, alphanumeric, compact."""
    table = np.zeros(_TABLE_SIZE + 1, dtype=np.uint8)
    cls = _class_table()
    table[(cls == INVISIBLE) | (cls == DECOR) | (cls == _MAYBE_PART)] |= _DROP
    table[0] |= _DROP
    for c in "0123456789":
        table[ord(c)] |= _DIGITLIKE | _ALNUM | _COMPACT
    for c in _NUMERALS:
        table[ord(c)] |= _DIGITLIKE | _NUMERAL
    for c in "abcdefghijklmnopqrstuvwxyz":
        table[ord(c)] |= _ALNUM | _COMPACT
    for lo, hi in _HAN_RANGES:
        table[lo:min(hi, _TABLE_SIZE - 1) + 1] |= _COMPACT
    for c in _DIGIT_SEPARATORS:
        table[ord(c)] |= _DSEP
    for c in _WORD_SEPARATORS:
        table[ord(c)] |= _WSEP
    for c in _VISIBLE_SEPARATORS:
        table[ord(c)] |= _VSEP
    return table


@functools.cache
def _trigger_table() -> tuple[np.ndarray, list[int]]:
    """Bit per character group of :data:`_CANON_TRIGGERS`, and each rewrite's bit mask."""
    table = np.zeros(_TABLE_SIZE + 1, dtype=np.uint32)
    masks = []
    bit = 0
    for groups in _CANON_TRIGGERS:
        mask = 0
        for chars in groups:
            for c in chars:
                table[ord(c)] |= 1 << bit
            mask |= 1 << bit
            bit += 1
        masks.append(mask)
    return table, masks


@functools.cache
def t2s_map() -> dict[str, str]:
    """Traditional (and phrase-variant) -> simplified characters from ``data/t2s.txt``."""
    out = {}
    for line in (DATA / "t2s.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        for pair in line.split():
            out[pair[0]] = pair[1]
    return out


_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FFFF))
_DIGIT_SEPARATORS = " \t\n\u3000-_.·•*~|/\\,、:—─=+"
_WORD_SEPARATORS = " -_.·•*~|/\\"
# Per rewrite in _CANON, groups of characters: the rewrite is tried only on texts holding
# at least one character of every group (a cheap numpy filter before RE2).
_CANON_TRIGGERS: tuple[tuple[str, ...], ...] = (
    ("🐧",),
    ("企乞启岂扣抠蔻口q", "鹅扣抠蔻口q"),
    ("君裙峮",),
    ("微威薇徽维卫伟唯喂韦v", "信芯心❤♥"),
    ("w", "x"),
    ("vw", "x"),
    ("家佳夹迦伽嘉珈加+", "微威薇徽维喂韦"),
    ("加+", "v"),
    ("加家佳夹迦伽嘉珈+", "扣抠筘寇宼蔻口q"),
    ("点點。[(",),
)


def _raw_counts(cp: np.ndarray, off: np.ndarray) -> np.ndarray:
    """(n, 5) counts per text: invisible, stylised, emoji, symbol, hidden (removed).

    Variation selectors and keycaps (``✔️``, ``1️⃣``) and a zero-width joiner right after
    an emoji (family and flag sequences) are parts of emoji, not hidden characters: they
    are removed like the others but not counted as invisible. Only the (few) characters
    with a class are visited.
    """
    n = len(off) - 1
    classes = _class_table().take(cp, mode="clip")
    pos = np.flatnonzero(classes)
    vals = classes[pos]
    tid = _text_of(pos, off)
    maybe = np.flatnonzero(vals == _MAYBE_PART)
    if len(maybe):
        p = pos[maybe]
        prev = classes[np.maximum(p - 1, 0)]
        after_emoji = (p > off[tid[maybe]]) & ((prev == EMOJI) | (prev == SYMBOL) | (prev == _MAYBE_PART))
        vals = vals.copy()
        vals[maybe] = np.where((cp[p] != 0x200D) | after_emoji, _EMOJI_PART, INVISIBLE)

    def count(*which: int) -> np.ndarray:
        return np.bincount(tid[np.isin(vals, which)], minlength=n).astype(np.int64)

    return np.stack([count(INVISIBLE), count(STYLISED, DECOR), count(EMOJI), count(SYMBOL),
                     count(INVISIBLE, DECOR, _EMOJI_PART)], axis=1)


def _text_of(positions: np.ndarray, off: np.ndarray) -> np.ndarray:
    return np.searchsorted(off, positions, side="right") - 1


def _neighbour(pos: np.ndarray, bits: np.ndarray, sep_bit: int, step: int, limit: int,
               lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The nearest position from ``pos`` (exclusive) in direction ``step`` that is not a
    separator, looking at most ``limit`` characters; -1 if it leaves the text."""
    cur = pos + step
    for _ in range(limit):
        inside = (cur >= lo) & (cur < hi)
        is_sep = np.zeros(len(cur), dtype=bool)
        is_sep[inside] = (bits[cur[inside]] & sep_bit) > 0
        if not is_sep.any():
            break
        cur = np.where(is_sep, cur + step, cur)
    inside = (cur >= lo) & (cur < hi)
    ok = np.zeros(len(cur), dtype=bool)
    ok[inside] = (bits[cur[inside]] & sep_bit) == 0
    return np.where(ok, cur, -1)


def _gap_drops(bits: np.ndarray, off: np.ndarray) -> np.ndarray:
    """Positions of separators to remove: inside digit runs (at most 3 in a row) and
    between one-character letter/digit tokens (``k u c``)."""
    sep_pos = np.flatnonzero(bits & (_DSEP | _WSEP))
    if not len(sep_pos):
        return sep_pos
    tid = _text_of(sep_pos, off)
    lo, hi = off[tid], off[tid + 1]
    drop = np.zeros(len(sep_pos), dtype=bool)
    dsep = (bits[sep_pos] & _DSEP) > 0
    if dsep.any():
        p, a, b = sep_pos[dsep], lo[dsep], hi[dsep]
        left = _neighbour(p, bits, _DSEP, -1, 3, a, b)
        right = _neighbour(p, bits, _DSEP, 1, 3, a, b)
        ok = (left >= 0) & (right >= 0)
        ok[ok] &= ((bits[left[ok]] & _DIGITLIKE) > 0) & ((bits[right[ok]] & _DIGITLIKE) > 0)
        drop[dsep] = ok
    wsep = (bits[sep_pos] & _WSEP) > 0
    if wsep.any():
        p, a, b = sep_pos[wsep], lo[wsep], hi[wsep]
        left, right = p - 1, p + 1
        ok = (left >= a) & (right < b)
        ok[ok] &= ((bits[left[ok]] & _ALNUM) > 0) & ((bits[right[ok]] & _ALNUM) > 0)
        any_sep = _DSEP | _WSEP
        before, after = left - 1, right + 1
        edge_l = before < a
        edge_r = after >= b
        ok &= edge_l | ((bits[np.clip(before, 0, None)] & any_sep) > 0)
        ok &= edge_r | ((bits[np.clip(after, 0, len(bits) - 1)] & any_sep) > 0)
        drop[wsep] |= ok
    return sep_pos[drop]


def _fold_numerals(cp: np.ndarray, bits: np.ndarray, off: np.ndarray) -> None:
    """Chinese numerals become digits inside runs of five or more digit-like characters
    (in place): 一三八零零零零一二三四 -> 13800001234, while 三四个人 stays."""
    pos = np.flatnonzero(bits & _DIGITLIKE)
    if not len(pos):
        return
    numeral = (bits[pos] & _NUMERAL) > 0
    if not numeral.any():
        return
    tid = _text_of(pos, off)
    new_run = np.ones(len(pos), dtype=bool)
    new_run[1:] = (np.diff(pos) != 1) | (np.diff(tid) != 0)
    run = np.cumsum(new_run) - 1
    length = np.bincount(run)
    has_numeral = np.bincount(run, weights=numeral) > 0
    convert = numeral & (length[run] >= 5) & has_numeral[run]
    if convert.any():
        target = pos[convert]
        digits = np.array([ord(_NUMERAL_DIGIT[chr(c)]) for c in cp[target]], dtype=np.uint32)
        cp[target] = digits


_PARALLEL_MIN = 200_000
"""Inputs with at least this many texts are normalised in two halves on two threads (the
numpy and Arrow kernels release the GIL)."""


def normalise(texts, *, full: bool = False) -> Views:
    """Compute the views of ``texts`` (ideally distinct texts: the work is per item).

    Args:
        full: build ``norm`` for every text. By default ``norm`` is left empty for texts
            without any letter or digit after folding: no contact handle or link can be in
            them, and most chat messages are such texts (``compact`` is always built).
    """
    raw = as_large_string(texts)
    spans = chunks(len(raw))
    if len(spans) == 1:
        return _normalise(raw, full=full)
    from concurrent.futures import ThreadPoolExecutor

    warm_tables()
    with ThreadPoolExecutor(len(spans)) as pool:
        parts = list(pool.map(lambda ab: _normalise(raw.slice(ab[0], ab[1] - ab[0]), full=full), spans))
    return concat_views(raw, parts)


def chunks(n: int) -> list[tuple[int, int]]:
    """(start, stop) of the slices a large input is split into for threads (one slice when
    the input is small or there is one core)."""
    workers = min(os.cpu_count() or 1, 4)
    if n < _PARALLEL_MIN or workers < 2:
        return [(0, n)]
    bounds = np.linspace(0, n, workers + 1).astype(int)
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


def warm_tables() -> None:
    """Build the lookup tables once (before threads use them)."""
    _class_table(), _fold_table(), _nfkc_table(), _pass2_table(), _trigger_table()


def concat_views(raw: pa.Array, parts: list[Views]) -> Views:
    """Views of consecutive slices of ``raw``, joined back together."""
    return Views(
        raw=raw,
        norm=pa.concat_arrays([p.norm for p in parts]),
        compact=pa.concat_arrays([p.compact for p in parts]),
        **{f: np.concatenate([getattr(p, f) for p in parts])
           for f in ("n_invisible", "n_stylised", "n_emoji", "n_symbol", "n_visible", "split", "has_alnum")},
    )


def _normalise(texts, *, full: bool = False) -> Views:
    """:func:`normalise` on one thread."""
    raw = as_large_string(texts)
    cp, off = to_codepoints(raw)
    counts = _raw_counts(cp, off)
    n_visible = np.diff(off) - counts[:, 4]

    # NFKC in Arrow (only on texts where it changes more than the full-width ASCII forms
    # the fold table maps anyway), then one numpy pass over the code points.
    sensitive = _nfkc_table().take(cp, mode="clip")
    need = np.zeros(len(off) - 1, dtype=bool)
    spos = np.flatnonzero(sensitive)
    if len(spos):
        need[_text_of(spos, off)] = True
    if need.all():
        text = pc.utf8_normalize(raw, "NFKC")
    elif need.any():
        mask = pa.array(need)
        text = pc.replace_with_mask(raw, mask, pc.utf8_normalize(pc.filter(raw, mask), "NFKC"))
    else:
        text = raw
    cp, off = to_codepoints(text)
    cp = _fold_table().take(cp, mode="clip")
    bits = _pass2_table().take(cp)
    drop = (bits & _DROP) > 0
    if drop.any():
        keep = ~drop
        cp, off = _select(cp, off, keep)
        bits = bits[keep]
    split = _split_singles(cp, bits, off)
    gaps = _gap_drops(bits, off)
    if len(gaps):
        keep = np.ones(len(cp), dtype=bool)
        keep[gaps] = False
        cp, off = _select(cp, off, keep)
        bits = bits[keep]
    _fold_numerals(cp, bits, off)
    is_digit = (cp >= 48) & (cp <= 57)
    alnum = np.flatnonzero(((bits & _ALNUM) > 0) | is_digit)
    has_alnum = np.zeros(len(off) - 1, dtype=bool)
    if len(alnum):
        has_alnum[_text_of(alnum, off)] = True
    compact = from_codepoints(*_select(cp, off, ((bits & _COMPACT) > 0) | is_digit))
    if full or has_alnum.all():
        norm = from_codepoints(cp, off)
    else:
        lengths = np.diff(off) * has_alnum
        sub_off = np.zeros_like(off)
        np.cumsum(lengths, out=sub_off[1:])
        norm = from_codepoints(cp[np.repeat(has_alnum, np.diff(off))], sub_off)

    table, masks = _trigger_table()
    trig = table.take(cp, mode="clip")
    tpos = np.flatnonzero(trig)
    triggers = np.zeros(len(off) - 1, dtype=np.uint32)
    if len(tpos):
        ttid = _text_of(tpos, off)
        starts = np.r_[0, np.flatnonzero(ttid[1:] != ttid[:-1]) + 1]
        triggers[ttid[starts]] = np.bitwise_or.reduceat(trig[tpos], starts)
    for mask_bits, (pattern, replacement) in zip(masks, _CANON, strict=True):
        hit = ((triggers & mask_bits) == mask_bits) & (has_alnum | full)
        if hit.any():
            mask = pa.array(hit)
            subset = pc.replace_substring_regex(pc.filter(norm, mask), pattern, replacement)
            norm = pc.replace_with_mask(norm, mask, subset)
    return Views(raw=raw, norm=norm, compact=compact, n_invisible=counts[:, 0],
                 n_stylised=counts[:, 1], n_emoji=counts[:, 2], n_symbol=counts[:, 3],
                 n_visible=n_visible, split=split, has_alnum=has_alnum)


def _split_singles(cp: np.ndarray, bits: np.ndarray, off: np.ndarray) -> np.ndarray:
    """Per text: a Chinese character, a visible separator, a character, a separator, a
    character (``家-企-鹅``), all in the same text."""
    n = len(off) - 1
    out = np.zeros(n, dtype=bool)
    pos = np.flatnonzero(bits & _VSEP)
    pos = pos[(pos >= 1) & (pos + 3 < len(cp))]
    if not len(pos):
        return out
    tid = _text_of(pos, off)
    han = _pass2_table()  # COMPACT minus ASCII = Chinese characters

    def is_han(p: np.ndarray) -> np.ndarray:
        return ((han.take(cp[p], mode="clip") & _COMPACT) > 0) & (cp[p] > 0x2E80)

    ok = is_han(pos - 1) & is_han(pos + 1) & ((bits[pos + 2] & _VSEP) > 0) & is_han(pos + 3)
    ok &= pos + 3 < off[tid + 1]
    ok &= pos - 1 >= off[tid]
    out[tid[ok]] = True
    return out


def normalise_text(text: str) -> str:
    """The ``norm`` view of one text (for tests and ``--explain``)."""
    return normalise([text], full=True).norm[0].as_py()
