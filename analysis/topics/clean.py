"""What never becomes a token: URLs, @mentions, emoji, bracketed emoji codes and placeholders.

Every function here works on whole Arrow string arrays (RE2 regexes in C++), never on one
message at a time. Removed pieces are replaced by a space, so the words on either side of
a URL are not glued together.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

URL_RE = r"(?:[Hh][Tt][Tt][Pp][Ss]?://|[Ww][Ww][Ww]\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
"""A URL: ``http(s)://`` or ``www.`` followed by the characters URLs are made of (ASCII
only, so Chinese text written straight after a link is kept)."""

MENTION_RE = r"@[^\s@\x{2005}\x{3000},，:：;；。!！?？]{1,24}"
"""An @mention: ``@`` and the name up to the next space. WeChat puts U+2005 after a
mention and QQ a space; a name typed without either swallows the words that follow it
(up to 24 characters): a known, accepted imprecision."""

BRACKET_CODE_RE = r"\[[^\[\]\s]{1,8}\]|【(?:图片|表情包|语音|视频|文件|位置分享|红包)】"
"""``[捂脸]``, ``[强]``, ``[图片]``: the emoji codes and media placeholders that WeChat and QQ
put in square brackets (1-8 characters without spaces), and the 【】 placeholders listed
in ``analysis.parsers._common.PLACEHOLDER_KINDS``."""

EMOJI_RE = (
    r"[\x{1F000}-\x{1FAFF}\x{2600}-\x{27BF}\x{2B00}-\x{2BFF}\x{2300}-\x{23FF}"
    r"\x{FE00}-\x{FE0F}\x{200D}\x{20E3}\x{E000}-\x{F8FF}\x{1F1E6}-\x{1F1FF}\x{E0020}-\x{E007F}]+"
)
"""Emoji and pictographs (U+1F000-1FAFF, dingbats, misc symbols and arrows), their
joiners and variation selectors, keycaps, flags, tags, and the private-use area some
exporters map stickers to."""

JOINER_RE = r"[_.\-]+"
"""Underscores, dots and hyphens. jieba splits ``second-hand``, ``wxid_demo`` and ``agenda.pdf``
at them while jieba-rs keeps such runs whole; a space instead makes both give the same words
(numbers such as ``3.11`` become ``3 11``, which are not terms either way)."""

NOISE_CLASS = r"[\p{P}\p{S}\p{Z}\s\p{Cf}\p{Mn}\p{Me}\p{Cc}\p{Co}]"
"""One character that is not content: punctuation, symbols (emoji included), separators,
format, combining and control characters, private use (some exporters' sticker glyphs)."""

CONTENT_CLASS = r"[^\p{P}\p{S}\p{Z}\s\p{Cf}\p{Mn}\p{Me}\p{Cc}\p{Co}]"
"""One content character: a letter or digit of any script."""

NOISE = f"(?:{BRACKET_CODE_RE}|{NOISE_CLASS})"
"""A bracket code or one non-content character."""

STRIP_RE = f"(?:{URL_RE}|{MENTION_RE}|{BRACKET_CODE_RE}|{EMOJI_RE}|{JOINER_RE})"
"""Everything :func:`strip_non_words` removes, as one pattern (one pass over the text)."""


def as_arrow(values) -> pa.Array:
    """A pandas string Series / list / Arrow array as one contiguous Arrow string array."""
    if isinstance(values, pa.ChunkedArray):
        arr = values.combine_chunks()
    elif isinstance(values, pa.Array):
        arr = values
    else:
        arr = pa.array(values, type=pa.large_string()) if not hasattr(values, "array") \
            else pa.array(values.array)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
    if pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.string()) if arr.nbytes < 2**31 - 1 else arr
    return pc.fill_null(arr, "")


def strip_non_words(texts: pa.Array) -> pa.Array:
    """Replace URLs, @mentions, bracket codes, emoji and ``_ . -`` with a space, in one pass
    (:data:`STRIP_RE`)."""
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(texts, STRIP_RE, " "))


def rules_fingerprint() -> str:
    """The cleaning rules, for the token cache's key (new rules -> new cache file)."""
    return STRIP_RE
