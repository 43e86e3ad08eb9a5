"""Matching message texts against configured regular expressions (question patterns,
check-in patterns), shared by the analysers. Depends only on the errors module.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.errors import ConfigError

__all__ = ["match_any"]


def match_any(texts: pd.Series, patterns: list[str], key: str) -> np.ndarray:
    """True where any of ``patterns`` (regular expressions) matches the text (vectorised).

    Patterns are combined into one expression and run in Arrow (RE2); a pattern RE2 cannot
    run (look-behind, back-references) falls back to Python's ``re``.

    Raises:
        ConfigError: a pattern is not a regular expression (naming ``key``).
    """
    if not len(texts) or not patterns:
        return np.zeros(len(texts), bool)
    parts = []
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{key}: {pattern!r} is not a regular expression ({exc})",
                              hint="fix the pattern in the configuration file") from None
        flags = re.match(r"^\(\?([aiLmsux]+)\)", pattern)
        parts.append(f"(?{flags.group(1)}:{pattern[flags.end():]})" if flags else f"(?:{pattern})")
    combined = "|".join(parts)
    arr = pa.array(texts.astype("string[pyarrow]"))
    try:
        hit = pc.match_substring_regex(arr, combined)
        return pc.fill_null(hit, False).to_numpy(zero_copy_only=False).astype(bool)
    except pa.ArrowInvalid:
        return texts.astype(object).str.contains(combined, regex=True).fillna(False).to_numpy(bool)
