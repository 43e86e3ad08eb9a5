"""Library results made readable: codes worded, tier names in the report's language.

Only values a person reads change; column names stay the stable snake_case ones.
"""

from __future__ import annotations

import pandas as pd

from cli.catalogue import say
from cli.catalogue_members import TIER_CODES, role_label, tier_label, with_evidence


def localise_members(table: pd.DataFrame, result, lang: str, *, tiers: bool = True) -> pd.DataFrame:
    """The member table with ``evidence`` worded in ``lang`` and, when ``tiers``, the tier
    and role names too (JSON keeps the codes: ``tiers=False``)."""
    out = with_evidence(table, result, lang)
    if tiers:
        out = localise_values(out, lang)
    return out


def localise_values(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``tier``, ``role``, ``verdict`` and yes/no values worded in ``lang`` (other columns unchanged)."""
    out = frame.copy()
    if "tier" in out.columns:
        names = {code.split(".", 1)[1]: tier_label(code.split(".", 1)[1], lang) for code in TIER_CODES}
        out["tier"] = out["tier"].astype(str).map(lambda t: names.get(t, t))
    if "role" in out.columns:
        roles = out["role"].astype("string")
        out["role"] = roles.map(lambda r: role_label(r, lang) if isinstance(r, str) else r, na_action="ignore")
    if "verdict" in out.columns:
        out["verdict"] = out["verdict"].map(lambda v: say(f"verdict.{v}", lang) if isinstance(v, str) and v else v)
    for col in ("is_spammer",) if lang == "zh" else ():  # English keeps True/False
        if col in out.columns:
            out[col] = out[col].map(lambda v: say("value.yes" if v else "value.no", lang))
    return out


__all__ = ["localise_members", "localise_values", "tier_label"]
