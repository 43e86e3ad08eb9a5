"""Byte-level damage for fuzzing parsers: truncation, inserted bytes, shuffled lines, mixed
encodings, changed digits, other line breaks, stray BOMs.

A mutation is a small tuple (``kind``, parameters...) so that hypothesis can draw and shrink it
and a failing case can be printed and replayed with :func:`apply`.
"""

from __future__ import annotations

import random
import re

from hypothesis import strategies as st

_DIGITS = re.compile(rb"[0-9]+")
_NUMBERS = (0, 1, 12, 13, 24, 29, 30, 31, 32, 59, 60, 99, 1969, 1970, 2038, 2262, 9999, 10 ** 12, 10 ** 19)
"""Numbers that break dates and times: month 13, day 32, hour 24, years beyond pandas' range,
Unix times in milliseconds or overflowing 64 bits."""
_ENCODINGS = ("gb18030", "utf-16-le", "latin-1", "big5", "shift_jis", "cp1252")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def apply(data: bytes, mutations: list[tuple]) -> bytes:
    """``data`` with each mutation applied in turn (positions are fractions of the length)."""
    for mutation in mutations:
        data = _one(data, mutation)
    return data


def _at(data: bytes, frac: float) -> int:
    return min(len(data), int(frac * (len(data) + 1)))


def _one(data: bytes, m: tuple) -> bytes:
    kind = m[0]
    if kind == "truncate":
        return data[:_at(data, m[1])]
    if kind == "insert":
        pos = _at(data, m[1])
        return data[:pos] + m[2] + data[pos:]
    if kind == "lines":
        lines = data.split(b"\n")
        rng = random.Random(m[2])
        if m[1] == "shuffle":
            rng.shuffle(lines)
        elif m[1] == "duplicate":
            i = rng.randrange(len(lines))
            lines.insert(rng.randrange(len(lines) + 1), lines[i])
        elif m[1] == "delete" and len(lines) > 1:
            del lines[rng.randrange(len(lines))]
        return b"\n".join(lines)
    if kind == "encoding":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
        rng = random.Random(m[2])
        return b"\n".join(line.encode(m[1], errors="replace") if rng.random() < 0.3 else line.encode("utf-8")
                          for line in text.split("\n"))
    if kind == "digits":
        rng = random.Random(m[1])
        for _ in range(rng.randint(1, 4)):
            spots = [x.span() for x in _DIGITS.finditer(data)]
            if not spots:
                break
            a, b = rng.choice(spots)
            data = data[:a] + str(rng.choice(_NUMBERS)).encode() + data[b:]
        return data
    if kind == "breaks":
        return data.replace(b"\r\n", b"\n").replace(b"\n", m[1])
    if kind == "bom":
        return m[1] + data
    raise ValueError(f"unknown mutation {m!r}")


_frac = st.floats(0, 1, allow_nan=False)
_seed = st.integers(0, 2 ** 16)
MUTATION = st.one_of(
    st.tuples(st.just("truncate"), _frac),
    st.tuples(st.just("insert"), _frac, st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("insert"), _frac, st.sampled_from([b"\x00", b"\r", b"\n\n", b"\xff\xfe", b"\xe4\xbd", b'"', b"{", b"]"])),
    st.tuples(st.just("lines"), st.sampled_from(["shuffle", "duplicate", "delete"]), _seed),
    st.tuples(st.just("encoding"), st.sampled_from(_ENCODINGS), _seed),
    st.tuples(st.just("digits"), _seed),
    st.tuples(st.just("breaks"), st.sampled_from([b"\r\n", b"\r", b"\n"])),
    st.tuples(st.just("bom"), st.sampled_from(_BOMS)),
)
"""One mutation, as hypothesis draws it."""
MUTATIONS = st.lists(MUTATION, min_size=1, max_size=3)
"""One to three mutations in a row."""


def random_mutations(rng: random.Random) -> list[tuple]:
    """:data:`MUTATIONS` without hypothesis (for long benchmark runs)."""
    out = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["truncate", "insert", "insert", "lines", "encoding", "digits", "breaks", "bom"])
        if kind == "truncate":
            out.append((kind, rng.random()))
        elif kind == "insert":
            out.append((kind, rng.random(), bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))))
        elif kind == "lines":
            out.append((kind, rng.choice(["shuffle", "duplicate", "delete"]), rng.randrange(2 ** 16)))
        elif kind == "encoding":
            out.append((kind, rng.choice(_ENCODINGS), rng.randrange(2 ** 16)))
        elif kind == "digits":
            out.append((kind, rng.randrange(2 ** 16)))
        elif kind == "breaks":
            out.append((kind, rng.choice([b"\r\n", b"\r", b"\n"])))
        else:
            out.append((kind, rng.choice(_BOMS)))
    return out
