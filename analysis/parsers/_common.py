"""Helpers shared by parsers: media placeholders, time zones, identity by name, line accounting."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.schema import EVENT_KINDS, KIND, KIND_DTYPE, SENDER, SENDER_ID, UnparsedLine
from analysis.source import LINE_BREAK

DEFAULT_TZ_CN = "Asia/Shanghai"
"""Default zone for absolute times in QQ and WeChat exports (FORMATS.md: their users are in China)."""
DEFAULT_TZ = "UTC"
"""Default zone for absolute times in other platforms' exports; a warning says so."""

# A body that is exactly one of these is that kind of message. Vocabularies from FORMATS.md
# §1a (QQ classic), §1b (QCE), §2 (WeChat exporters). Emoji codes like [捂脸] are text.
PLACEHOLDER_KINDS: dict[str, str] = {
    "[图片]": "image", "【图片】": "image", "[照片]": "image",
    "[表情]": "sticker", "[动画表情]": "sticker", "[表情包]": "sticker", "【表情包】": "sticker",
    "[GIF表情]": "sticker", "[表情消息]": "sticker",
    "[语音]": "voice", "【语音】": "voice",
    "[视频]": "video", "【视频】": "video",
    "[文件]": "file", "【文件】": "file",
    "[位置]": "location", "【位置分享】": "location",
    "[红包]": "red_packet", "[QQ红包]": "red_packet", "【红包】": "red_packet",
    "[转账]": "transfer",
    "[名片]": "card", "[个人名片]": "card", "[链接]": "link", "[小程序]": "card",
    "[视频/语音通话]": "call", "[语音通话]": "call", "[视频通话]": "call",
}

_URL_ONLY = re.compile(r"^\s*https?://\S+\s*$")


def kinds_from_bodies(texts: pd.Series, default: str = "text") -> pd.Series:
    """Kind of each message from its body alone (vectorised).

    A body that is exactly one known placeholder takes that placeholder's kind; a body
    that starts with a red-packet placeholder is a red packet; a body that is only a
    URL is a link; anything else is ``default``.
    """
    stripped = texts.str.strip()
    kinds = stripped.map(PLACEHOLDER_KINDS)
    red = stripped.str.startswith("[QQ红包]") | stripped.str.startswith("[红包]")
    kinds = kinds.where(kinds.notna(), np.where(red.fillna(False), "red_packet", None))
    link = stripped.str.match(_URL_ONLY).fillna(False)
    kinds = kinds.where(kinds.notna(), np.where(link, "link", None))
    return kinds.fillna(default).astype(object)


_PLACEHOLDER_KEYS = pa.array(list(PLACEHOLDER_KINDS), pa.string())
_PLACEHOLDER_VALUES = np.array(list(PLACEHOLDER_KINDS.values()), dtype=object)


def arrow_kinds(texts: pa.Array, default: str = "text") -> pd.Categorical:
    """:func:`kinds_from_bodies` for an Arrow string array, computed in Arrow (fast path)."""
    stripped = pc.utf8_trim_whitespace(texts)
    index = pc.index_in(stripped, value_set=_PLACEHOLDER_KEYS).to_numpy(zero_copy_only=False)
    found = ~np.isnan(index.astype(float))
    kinds = np.full(len(texts), default, dtype=object)
    kinds[found] = _PLACEHOLDER_VALUES[index[found].astype(int)]
    red = pc.or_(pc.starts_with(stripped, "[QQ红包]"), pc.starts_with(stripped, "[红包]"))
    red = pc.fill_null(red, False).to_numpy(zero_copy_only=False) & ~found
    kinds[red] = "red_packet"
    link = pc.fill_null(pc.match_substring_regex(texts, _URL_ONLY.pattern), False)
    link = link.to_numpy(zero_copy_only=False) & ~found & ~red
    kinds[link] = "link"
    return pd.Categorical(kinds, dtype=KIND_DTYPE)


def arrow_strings(values: pa.Array | pa.ChunkedArray) -> pd.Series:
    """Wrap an Arrow string array as a canonical ``string[pyarrow]`` Series without copying."""
    if values.type != pa.large_string() and values.type != pa.string():
        values = pc.cast(values, pa.string())
    return pd.Series(pd.arrays.ArrowStringArray(values))


def to_wall_clock(utc: pd.Series, tz: str) -> pd.Series:
    """Convert tz-aware (or UTC-naive) times to naive wall-clock time in ``tz``."""
    if not isinstance(utc.dtype, pd.DatetimeTZDtype):
        utc = utc.dt.tz_localize("UTC")
    return utc.dt.tz_convert(tz).dt.tz_localize(None)


def resolve_names(
    messages: pd.DataFrame, name_only: pd.Series
) -> tuple[pd.Series, list[str]]:
    """Map display names found in event texts (``X加入本群``) to sender ids.

    ``name_only`` holds, for each row, a display name taken from an event text (or NA).
    A name maps to the id of the member's own messages when exactly one id used that
    name; otherwise the name itself becomes the id and a warning says so.

    Returns:
        (ids, warnings): ids aligned with ``name_only`` (NA where it was NA).
    """
    wanted = name_only.dropna()
    ids = pd.Series(pd.NA, index=name_only.index, dtype=object)
    if wanted.empty:
        return ids, []
    spoke = messages.loc[~messages[KIND].isin(EVENT_KINDS), [SENDER, SENDER_ID]]
    spoke = spoke[spoke[SENDER].isin(pd.unique(wanted.astype(str)))]
    by_name = spoke.groupby(SENDER, observed=True)[SENDER_ID].nunique()
    unique_names = by_name[by_name == 1].index
    lookup = spoke[spoke[SENDER].isin(unique_names)].drop_duplicates(SENDER).set_index(SENDER)[SENDER_ID]
    ids[wanted.index] = wanted.map(lookup).astype(object)
    unresolved = name_only.notna() & ids.isna()
    warnings = []
    if unresolved.any():
        n = int(name_only[unresolved].nunique())
        warnings.append(
            f"{n} member(s) in join/leave/recall notices are known by display name only"
        )
    return ids.where(~unresolved, name_only), warnings


def unparsed_lines(text: str, first_line: int, *, ignore: Iterable[re.Pattern[str]] = ()) -> list[UnparsedLine]:
    """Every non-blank physical line of ``text`` that no ``ignore`` pattern matches.

    ``first_line`` is the 1-based number of the first line of ``text``.
    """
    out = []
    patterns = tuple(ignore)
    for offset, line in enumerate(LINE_BREAK.split(text)):
        if line.strip() and not any(p.match(line) for p in patterns):
            out.append(UnparsedLine(first_line + offset, line))
    return out
