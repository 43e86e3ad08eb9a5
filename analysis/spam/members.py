"""One row per member: how many of their messages are spam, and whether they are a spammer.

Columns:

- ``messages``: messages the member wrote in the window (events excluded).
- ``spam_messages`` / ``suspect_messages``: messages with that verdict.
- ``spam_score``: the sum of the scores of the member's spam messages (0 for none); the
  operator's sort key.
- ``is_spammer``: not an owner, admin or allowlisted member, and either at least
  ``spammer_min_messages`` spam messages, or one spam message from a member who is not
  established (fewer than ``established_messages`` clean messages in the window). An
  established member with a single spam message is a one-off promotion, not a spammer.
- ``role``: owner, admin, allowlisted or member. ``promotions``: an exempt member's
  messages that would otherwise be spam or suspect.
- ``reasons``: why, as check ids and figures (no words, for programs and logs):
  ``contact.qq x2, lexicon.job; hit_and_run: 3 min; member.suspects: 2``. See
  :func:`reasons_text`.
- ``reason_rows``: why, as data: a tuple of ``(check, count, detail, detail_code, params)``
  rows (see :data:`REASON_FIELDS` and :data:`MEMBER_REASON_CODES`; an empty tuple when
  there is nothing to say). ``cli/catalogue_members.py`` words them in zh or en.

Reason rows, in the order people read them:

==============================  ==========================================  =====================
``check``                       ``count``                                   ``detail``
==============================  ==========================================  =====================
``member.spam_messages``        the member's spam messages                  None
a check id (``contact.qq``)     spam messages of the member it fired on     None
                                (these rows follow ``member.spam_messages``
                                and list the checks with positive points,
                                in order of first appearance)
``member.name_ad``              None                                        the ``name_ad``
                                                                            check's detail
                                                                            (machine text)
``member.hit_and_run``          minutes from arriving to leaving            the ``hit_and_run``
                                                                            check's detail
                                                                            (machine text)
``member.established_one_off``  clean messages (an established member's     None
                                single spam message)
``member.staff_promotions``     promotions (owner, admin or allowlisted)    the role
``member.suspects``             suspect messages (no spam message)          None
==============================  ==========================================  =====================

``member.name_ad`` and ``member.hit_and_run`` are only given to members with a spam or a
suspect message. Their ``detail`` is the check's machine detail (ids, figures and the log's
own text, as in the message ``reasons``: ``join=2024-01-05 10:00, leave=10:03 (3 min)``,
``'看我昵称有惊喜': lexicon.profile_lure 看我昵称``), ``detail_code`` the check's detail code
(``detail.name_ad``, ``detail.hit_and_run.joined`` or ``detail.hit_and_run.first_spoke``)
and ``params`` its parameters (a dict; see :data:`analysis.spam.scoring.DETAIL_CODES`).
Every other row has ``detail_code`` '' and ``params`` None.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MEMBER_COLUMNS = ("sender_id", "sender", "messages", "spam_messages", "suspect_messages",
                  "spam_score", "is_spammer", "role", "promotions", "reasons", "reason_rows")

REASON_FIELDS = ("check", "count", "detail", "detail_code", "params")
"""The fields of one row of ``reason_rows`` (``count`` is an int or None, ``detail`` a str or
None, ``detail_code`` a str ('' for none), ``params`` a dict or None): see the module
docstring for what each code carries."""

MEMBER_REASON_CODES = ("member.spam_messages", "member.name_ad", "member.hit_and_run",
                       "member.established_one_off", "member.staff_promotions", "member.suspects")
"""Member-level reason codes (every other ``check`` in ``reason_rows`` is a check id)."""

_FACT_CHECK = {"member.name_ad": "name_ad", "member.hit_and_run": "hit_and_run"}
"""Member-level codes that stand for a check having fired on the member."""

__all__ = ["MEMBER_COLUMNS", "MEMBER_REASON_CODES", "REASON_FIELDS", "member_checks", "member_reasons",
           "member_table", "reasons_text", "spammer_checks"]


def member_table(result, sender_codes: np.ndarray, sender_ids) -> pd.DataFrame:
    """The member table of a :class:`analysis.spam.scoring.SpamResult` (see module doc)."""
    msgs = result.messages
    cfg = result.config
    if not len(msgs):
        return pd.DataFrame(columns=list(MEMBER_COLUMNS))
    st = result._state
    verdict = msgs["verdict"].to_numpy(dtype=object)
    spam = verdict == "spam"
    frame = pd.DataFrame({
        "code": sender_codes,
        "spam": spam,
        "suspect": verdict == "suspect",
        "promotion": verdict == "promotion",
        "spam_score": np.where(spam, msgs["score"].to_numpy(), 0.0),
        "clean": ~st["beh"]["established"] & (msgs["score"].to_numpy() <= 0),
    })
    agg = frame.groupby("code").agg(
        messages=("spam", "size"), spam_messages=("spam", "sum"),
        suspect_messages=("suspect", "sum"), promotions=("promotion", "sum"),
        spam_score=("spam_score", "sum"), clean=("clean", "sum"),
    )
    last_name = msgs.groupby(sender_codes)["sender"].last()
    role = msgs.groupby(sender_codes)["role"].first()
    table = agg.assign(sender_id=np.asarray(sender_ids, dtype=object)[agg.index.to_numpy()],
                       sender=last_name.reindex(agg.index).to_numpy(),
                       role=role.reindex(agg.index).to_numpy())
    established = table["clean"] >= cfg.established_messages
    exempt = table["role"] != "member"
    table["is_spammer"] = ~exempt & (
        (table["spam_messages"] >= cfg.spammer_min_messages)
        | ((table["spam_messages"] >= 1) & ~established))
    table = _reasons(table, result, sender_codes, established)
    for col in ("messages", "spam_messages", "suspect_messages", "promotions"):
        table[col] = table[col].astype(np.int64)
    table = table.sort_values(["is_spammer", "spam_score", "spam_messages"], ascending=False,
                              kind="stable")
    return table[list(MEMBER_COLUMNS)].reset_index(drop=True)


def _rows(code, part: int, check, count, detail=None, detail_code="", params=None) -> pd.DataFrame:
    """Reason rows for members ``code`` (arrays or scalars broadcast), all in one ``part``."""
    code = np.asarray(code, dtype=np.int64)
    n = len(code)
    if params is None:
        params = np.full(n, None, dtype=object)
    return pd.DataFrame({
        "code": code, "part": np.full(n, part, np.int64),
        "check": np.broadcast_to(np.asarray(check, dtype=object), n),
        "count": pd.array(np.broadcast_to(np.asarray(count, dtype=object), n), dtype="Int64"),
        "detail": np.broadcast_to(np.asarray(detail, dtype=object), n),
        "detail_code": np.broadcast_to(np.asarray(detail_code, dtype=object), n),
        "params": params,
    })


def _reasons(table: pd.DataFrame, result, sender_codes: np.ndarray, established: pd.Series) -> pd.DataFrame:
    """Add ``reason_rows`` and ``reasons`` to ``table`` (indexed by member code)."""
    st = result._state
    msgs = result.messages
    spam_rows = np.flatnonzero(msgs["verdict"].to_numpy(dtype=object) == "spam")
    parts: list[pd.DataFrame] = []
    if len(spam_rows):
        long = st["long"]
        long = long[(long["points"] > 0) & np.isin(long["row"].to_numpy(), spam_rows)].copy()
        long["code"] = sender_codes[long["row"].to_numpy()]
        counts = long.groupby(["code", "check"], sort=False).size().reset_index(name="k")
        members = counts["code"].drop_duplicates().to_numpy()
        head = _rows(members, 0, "member.spam_messages", table["spam_messages"].reindex(members).to_numpy())
        checks = _rows(counts["code"].to_numpy(), 0, counts["check"].to_numpy(dtype=object), counts["k"].to_numpy())
        parts += [head, checks]
    info = st["info"]
    beh = st["beh"]
    flagged = (table["spam_messages"] > 0) | (table["suspect_messages"] > 0)
    for part, key in enumerate(("name_ad", "hit_and_run"), start=1):
        rows = np.flatnonzero(beh[key])
        if not len(rows):
            continue
        first = pd.Series(rows).groupby(sender_codes[rows]).first()  # each member's first message it fired on
        first = first[flagged.reindex(first.index).fillna(False).to_numpy(bool)]
        if not len(first):
            continue
        at = first.to_numpy(dtype=np.int64)
        if key == "name_ad":
            detail, codes, count = info["name_detail"][at], "detail.name_ad", None
            params = _dicts({"names": info["name_params"][at]})
        else:
            run = info["run_params"]
            detail, codes, count = info["run_span"][at], info["run_code"][at], run["minutes"][at].astype(object)
            params = _dicts({"start": run["start"][at], "left": run["left"][at], "minutes": run["minutes"][at]})
        parts.append(_rows(first.index.to_numpy(), part, f"member.{key}", count,
                           np.asarray(detail, dtype=object).astype(str).astype(object), codes, params))
    one_off = (table["spam_messages"] == 1) & established & (table["role"] == "member")
    parts.append(_rows(table.index[one_off], 3, "member.established_one_off", table.loc[one_off, "clean"].to_numpy()))
    staff = (table["role"] != "member") & (table["promotions"] > 0)
    parts.append(_rows(table.index[staff], 4, "member.staff_promotions", table.loc[staff, "promotions"].to_numpy(),
                       table.loc[staff, "role"].to_numpy(dtype=object)))
    suspects = (table["spam_messages"] == 0) & (table["suspect_messages"] > 0) & (table["role"] == "member")
    parts.append(_rows(table.index[suspects], 5, "member.suspects", table.loc[suspects, "suspect_messages"].to_numpy()))

    rows = pd.concat(parts, ignore_index=True).sort_values(["code", "part"], kind="stable")
    reason_rows = np.empty(len(table), dtype=object)
    reason_rows[:] = [()] * len(table)
    reasons = np.full(len(table), "", dtype=object)
    if len(rows):
        pos = pd.Series(np.arange(len(table)), index=table.index)
        count = rows["count"].to_numpy(dtype=object, na_value=None)
        detail = rows["detail"].to_numpy(dtype=object, copy=True)
        detail[pd.isna(detail)] = None
        cells = list(zip(rows["check"].tolist(), count.tolist(), detail.tolist(), rows["detail_code"].tolist(),
                         rows["params"].tolist(), strict=True))  # one per reason
        member = rows["code"].to_numpy()
        starts = np.r_[0, np.flatnonzero(member[1:] != member[:-1]) + 1]
        codes = member[starts]
        at = pos.reindex(codes).to_numpy()
        for i, a, b in zip(at, starts, np.r_[starts[1:], len(cells)], strict=True):  # one per member with reasons
            reason_rows[i] = tuple(cells[a:b])
        reasons[at] = reasons_text(rows.assign(sender=rows["code"]), key="sender").reindex(codes).to_numpy()
    table["reason_rows"] = reason_rows
    table["reasons"] = reasons
    return table


def reasons_text(rows: pd.DataFrame, key: str = "sender_id") -> pd.Series:
    """The machine-readable ``reasons`` text per member from long reason rows (columns
    ``key``, ``check``, ``count``, ``detail``, ``params``, in order): check ids and figures
    only.

    The checks of ``member.spam_messages`` as ``contact.qq x2, lexicon.job``; then
    ``name_ad: lexicon.job`` (the checks that fired on the display name),
    ``hit_and_run: 3 min``, and ``member.<code>: <count>`` (``member.staff_promotions:
    admin 2``), joined with ``"; "``. Indexed by ``key``, in order of first appearance.
    """
    if not len(rows):
        return pd.Series([], dtype=object)
    check = rows["check"].astype(str)
    count = rows["count"].astype("Int64")
    shown = count.astype("string").fillna("")
    detail = rows["detail"].where(pd.notna(rows["detail"]), "").astype(str)
    is_check = ~check.str.startswith("member.")
    text = pd.Series("", index=rows.index, dtype=object)
    text[is_check] = check[is_check] + np.where(count[is_check].fillna(1) > 1, " x" + shown[is_check], "")
    name = check == "member.name_ad"
    if name.any():
        params = rows.loc[name, "params"] if "params" in rows else pd.Series(None, index=rows.index[name])
        ids = params.map(_name_checks)
        text[name] = "name_ad" + np.where(ids != "", ": " + ids, "")
    run = check == "member.hit_and_run"
    text[run] = "hit_and_run" + np.where(count[run].notna(), ": " + shown[run] + " min", "")
    other = ~is_check & ~name & ~run & (check != "member.spam_messages")
    role = np.where(check[other] == "member.staff_promotions", detail[other] + " ", "")
    text[other] = check[other] + ": " + role + shown[other]
    # One segment per member.spam_messages (its checks joined with ", ") or other reason.
    keys = rows[key].to_numpy()
    new_key = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, bool)
    segment = np.cumsum(new_key | ~is_check.to_numpy())
    frame = pd.DataFrame({"key": keys, "segment": segment, "text": text.to_numpy(dtype=object),
                          "head": (check == "member.spam_messages").to_numpy()})
    frame = frame[~frame["head"]]
    parts = frame.groupby("segment", sort=False).agg(key=("key", "first"), text=("text", ", ".join))
    return parts.groupby("key", sort=False)["text"].agg("; ".join)


def _dicts(columns: dict[str, np.ndarray]) -> np.ndarray:
    """Object array of one dict per row from equal-length columns (plain Python values)."""
    names = list(columns)
    values = [np.asarray(columns[k], dtype=object).tolist() for k in names]
    out = np.empty(len(values[0]) if values else 0, dtype=object)
    out[:] = [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]
    return out


def _name_checks(params) -> str:
    """The check ids that fired on a member's display names (``lexicon.job,contact_obfuscated``)
    from the ``detail.name_ad`` parameters."""
    if not isinstance(params, dict):
        return ""
    found = [hit["check"] for name in params.get("names") or () for hit in name.get("hits") or ()]
    return ",".join(dict.fromkeys(found))


def _cells(rows: list[tuple], n: int) -> list[tuple]:
    """Rows of ``reason_rows`` padded to :data:`REASON_FIELDS` (older 3-field rows)."""
    pad = ("", None)
    return [tuple(row) + pad[len(row) - n:] if len(row) < n else tuple(row) for row in rows]


def member_reasons(members) -> pd.DataFrame:
    """Long form of ``reason_rows``: one row per reason, ``sender_id, check, count,
    detail, detail_code, params`` (``count`` Int64; ``detail`` str or None; ``detail_code``
    str; ``params`` dict or None), in order. ``members`` is a SpamResult or its ``members``
    frame (or any subset of it)."""
    frame = getattr(members, "members", members)
    cols = ["sender_id", *REASON_FIELDS]
    if not len(frame) or "reason_rows" not in frame:
        return pd.DataFrame({c: pd.Series([], dtype="Int64" if c == "count" else object) for c in cols})
    lengths = frame["reason_rows"].map(len).to_numpy()
    flat = _cells([row for rows in frame["reason_rows"] for row in rows], len(REASON_FIELDS))  # one per reason
    fields = list(zip(*flat, strict=True)) if flat else [()] * len(REASON_FIELDS)
    out = {"sender_id": np.repeat(frame["sender_id"].to_numpy(dtype=object), lengths)}
    for name, values in zip(REASON_FIELDS, fields, strict=True):
        column = np.empty(len(values), dtype=object)
        column[:] = list(values)
        out[name] = pd.array(column, dtype="Int64") if name == "count" else pd.Series(column, dtype=object)
    return pd.DataFrame(out)


def member_checks(members) -> dict[str, set[str]]:
    """``sender_id -> {check ids}`` for every member with reasons: the checks that fired on
    their spam messages, plus ``hit_and_run`` / ``name_ad`` when those member-level facts
    are given. ``members`` is a SpamResult or (a subset of) its ``members`` frame."""
    long = member_reasons(members)
    check = long["check"].astype(str).replace(_FACT_CHECK)
    keep = ~check.str.startswith("member.")
    out: dict[str, set[str]] = {}
    for sender_id, group in check[keep].groupby(long.loc[keep, "sender_id"].to_numpy(), sort=False):
        out[str(sender_id)] = set(group)
    return out


def spammer_checks(result) -> dict[str, set[str]]:
    """:func:`member_checks` of the members judged spammers only, e.g. to ask whether most
    spammers came and went (``{"newcomer", "hit_and_run"} & checks``) without reading text."""
    frame = getattr(result, "members", result)
    if not len(frame):
        return {}
    return member_checks(frame[frame["is_spammer"].astype(bool)])
