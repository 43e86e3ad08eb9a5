"""Library results made readable: codes worded, tier names in the report's language.

Only values a person reads change; column names stay the stable snake_case ones.
"""

from __future__ import annotations

import pandas as pd

from cli.catalogue import say
from cli.catalogue_members import role_label, tier_label, with_evidence


def localise_members(table: pd.DataFrame, result, lang: str, *, tiers: bool = True) -> pd.DataFrame:
    """The member table with ``evidence`` worded in ``lang`` and, when ``tiers``, the tier
    and role names too (JSON keeps the codes: ``tiers=False``)."""
    out = with_evidence(table, result, lang)
    if tiers:
        out = localise_values(out, lang)
    return out


def _worded(values: pd.Series, word) -> pd.Series:
    """``word(value)`` for each distinct value, mapped onto the column (one call per distinct
    value, not per row); missing and empty values stay as they are."""
    distinct = [v for v in pd.unique(values.dropna()) if v != ""]
    return values.map({v: word(v) for v in distinct}).where(values.isin(distinct), values)


def localise_values(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``tier``, ``role``, ``verdict`` and yes/no values worded in ``lang`` (other columns unchanged)."""
    out = frame.copy()
    if "tier" in out.columns:
        out["tier"] = _worded(out["tier"].astype(str), lambda t: tier_label(t, lang))
    if "role" in out.columns:
        out["role"] = _worded(out["role"].astype("string"), lambda r: role_label(r, lang))
    if "verdict" in out.columns:
        out["verdict"] = _worded(out["verdict"], lambda v: say(f"verdict.{v}", lang))
    if lang == "zh" and "is_spammer" in out.columns:  # English keeps True/False
        out["is_spammer"] = out["is_spammer"].astype(bool).map({True: say("value.yes", lang),
                                                               False: say("value.no", lang)})
    return out


__all__ = ["localise_members", "localise_values", "tier_label"]
