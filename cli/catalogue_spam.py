"""Catalogue entries for spam check details: the words behind the message ``reasons`` and
``SpamResult.explain``.

The library gives every check that fired a *detail*: the log's own matched text (a QQ
number, lexicon words, a link domain), or a detail code with parameters
(:data:`analysis.spam.scoring.DETAIL_CODES`: ``detail.flood`` with ``messages, seconds``).
Per message they sit in ``SpamResult.messages["reason_rows"]`` (``(check, points,
detail_code, params, detail)`` rows, for spam, suspect and promotion messages), and per
check in ``SpamResult.explain(msg_id)`` (``detail, detail_code, detail_params``). This module
words them in en or zh:

- :func:`message_reasons`: a message frame's reasons, ``check: detail (+points)`` joined by
  ``"; "`` (en, the library's historical English) or ``check：detail（+points）`` joined
  by ``"；"`` (zh);
- :func:`explain_frame`: an explain frame with its ``detail`` column worded;
- :func:`detail_texts`: any array of (code, params, machine detail), e.g. the member-level
  ``member.name_ad`` / ``member.hit_and_run`` rows (``cli/catalogue_members.py``).

Work is done per code over all rows with it (one template filled per code, never one
``str.format`` per row); only reading the parameter dicts is per row. Check ids
(``contact.qq``, ``flood``) and the log's own texts stay as they are in both languages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cli.catalogue import fill_rows, lang_key, register, template

DETAIL_CODES: dict[str, tuple[str, str]] = {
    "detail.obfuscation": ("{kinds} readable only after normalising ({how})", "{kinds}经归一化后才能认出（{how}）"),
    "detail.obfuscated_text": ("{parts}", "{parts}"),
    "detail.emoji": ("{symbols} emoji/symbols in {chars} chars", "{chars} 个字符中有 {symbols} 个表情或符号"),
    "detail.repeat_self": ("{times}x from this member ({count}+ within {hours} h)",
                           "该成员共发 {times} 次（{hours} 小时内至少 {count} 次）"),
    "detail.repeat_cross": ("{parts}", "{parts}"),
    "detail.flood": ("{messages}+ messages within {seconds} s", "{seconds} 秒内至少 {messages} 条消息"),
    "detail.newcomer": ("message {n} since joining (joined {joined})", "入群后第 {n} 条消息（{joined} 入群）"),
    "detail.established": ("{n} clean messages before", "此前已有 {n} 条正常消息"),
    "detail.hit_and_run.joined": ("joined {start}, left {left} ({minutes} min)",
                                  "{start} 入群，{left} 退群（{minutes} 分钟）"),
    "detail.hit_and_run.first_spoke": ("first spoke {start}, left {left} ({minutes} min)",
                                       "{start} 首次发言，{left} 退群（{minutes} 分钟）"),
    "detail.name_ad": ("{names}", "{names}"),
    "detail.new_domain": ("{domains}", "{domains}"),
    "detail.contact_cap": ("contact checks count at most {cap} together", "联系方式类检查合计最多计 {cap} 分"),
    "detail.lexicon_cap": ("lexicon checks count at most {cap} together", "词库类检查合计最多计 {cap} 分"),
    "detail.model_nb": ("p={p}{top}", "模型判为广告的概率 {p}{top}"),
    "detail.no_model": ("no model given (--model)", "未指定模型（--model）"),
}
"""Detail code (``analysis.spam.scoring.DETAIL_CODES``) -> (en, zh). ``{parts}``,
``{names}``, ``{domains}``, ``{how}``, ``{top}`` are assembled from :data:`PART_CODES`;
figures are shown as they are (``hours`` 24, ``p`` with two decimals)."""

PART_CODES: dict[str, tuple[str, str]] = {
    "detail_part.obfuscation.invisible": ("{n} invisible chars removed", "去掉 {n} 个不可见字符"),
    "detail_part.obfuscation.stylised": ("{n} stylised chars folded", "还原 {n} 个花体字符"),
    "detail_part.obfuscation.other": ("homophones, separators or numerals", "谐音字、分隔符或数字变体"),
    "detail_part.obfuscated_text.invisible": ("{n} invisible chars", "{n} 个不可见字符"),
    "detail_part.obfuscated_text.stylised": ("{n} stylised letters/digits", "{n} 个花体字母或数字"),
    "detail_part.obfuscated_text.split": ("separators between single characters", "单字之间夹有分隔符"),
    "detail_part.repeat_cross.text": ("same text from {members} members", "{members} 位成员发了相同内容"),
    "detail_part.repeat_cross.handle": ("{kind_name}:{value} from {members} members",
                                        "{kind_name} {value} 出自 {members} 位成员"),
    "detail_part.name_ad.name": ("name {name}: {hits}", "{name}（{hits}）"),
    "detail_part.name_ad.hit": ("{check} {detail}", "{check} {detail}"),
    "detail_part.new_domain.domain": ("{domain} shared by {members} member(s)", "{domain}（仅 {members} 位成员发过）"),
    "detail_part.model_nb.top": ("; top bigrams: {bigrams}", "；最像广告的字组：{bigrams}"),
    "spam.reason": ("{check}: {detail} ({points})", "{check}：{detail}（{points}）"),
}
"""Pieces of the details above, and ``spam.reason`` (one reason of a message). In
``detail_part.name_ad.name`` ``{name}`` is the display name quoted as Python's ``repr``
(``'兼职招聘小助理'``), as the library always showed it."""

CONTACT_KIND_CODES: dict[str, tuple[str, str]] = {
    "contact_kind.phone": ("phone", "手机号"),
    "contact_kind.wechat": ("wechat", "微信号"),
    "contact_kind.qq": ("qq", "QQ 号"),
    "contact_kind.group": ("group", "群号"),
    "contact_kind.telegram": ("telegram", "电报账号"),
    "contact_kind.link": ("link", "链接"),
    "contact_kind.shortlink": ("shortlink", "短链接"),
    "contact_kind.kouling": ("kouling", "口令"),
    "contact_kind.bare_id": ("bare_id", "无标注号码"),
}
"""Contact kinds (``detail.obfuscation`` ``kinds``, ``detail.repeat_cross`` handles): en
keeps the kind id (as the library showed it), zh names it."""

register({**DETAIL_CODES, **PART_CODES, **CONTACT_KIND_CODES})

_SEPARATORS = {
    "en": {"reasons": "; ", "list": ", ", "parts": ", ", "how": "; ", "segments": "; "},
    "zh": {"reasons": "；", "list": "、", "parts": "，", "how": "，", "segments": "；"},
}
"""Joiners: ``reasons`` between a message's reasons, ``list`` inside a list of names (kinds,
bigrams), ``parts`` between the parts of a detail (obfuscated text, handles, domains), ``how``
inside the brackets of ``detail.obfuscation``, ``segments`` between the template part and the
handle part of ``repeat_cross`` and between names / hits of ``name_ad``."""

def _say(code: str, lang: str, values: Mapping[str, Any], n: int) -> np.ndarray:
    text = template(code, lang)
    return fill_rows(text if text is not None else code, values, n)


def _figure(value: Any) -> str:
    """A parameter as shown: whole numbers without ``.0``, other floats as ``{:g}``."""
    if value is None:
        return "?"
    if isinstance(value, bool) or isinstance(value, (int, np.integer)):
        return str(value)
    if isinstance(value, (float, np.floating)):
        return f"{value:g}"
    return str(value)


def _figures(params: Sequence[Mapping], key: str) -> np.ndarray:
    return np.array([_figure(p.get(key)) for p in params], dtype=object)


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _join_by(keys: np.ndarray, texts: np.ndarray, n: int, sep: str) -> np.ndarray:
    """Per key ``0..n-1``, its ``texts`` joined with ``sep`` in order ('' for none)."""
    out = np.full(n, "", dtype=object)
    if len(keys):
        joined = pd.Series(texts, dtype=object).groupby(np.asarray(keys), sort=False).agg(sep.join)
        out[joined.index.to_numpy(dtype=np.int64)] = joined.to_numpy(dtype=object)
    return out


def _join_parts(parts: list[np.ndarray], sep: str) -> np.ndarray:
    """Row-wise join of the non-empty strings of ``parts``."""
    out = parts[0].copy()
    for part in parts[1:]:
        both = (out != "") & (part != "")
        out = np.where(both, out + sep, out) + part
    return out


def _where(mask: np.ndarray, code: str, lang: str, values: Mapping[str, Any]) -> np.ndarray:
    """The template of ``code`` on the rows of ``mask`` ('' elsewhere)."""
    out = np.full(len(mask), "", dtype=object)
    if mask.any():
        row_values = {k: (v[mask] if isinstance(v, np.ndarray) else v) for k, v in values.items()}
        out[mask] = _say(code, lang, row_values, int(mask.sum()))
    return out


def _kind_names(kinds: np.ndarray, lang: str) -> np.ndarray:
    """Contact kind ids -> their names in ``lang`` (an unknown kind as it is)."""
    names = {k: (template(f"contact_kind.{k}", lang) or str(k)) for k in pd.unique(kinds)}
    return np.array([names[k] for k in kinds], dtype=object)


def _flat(params: Sequence[Mapping], key: str) -> tuple[np.ndarray, list]:
    """(row position per item, items) of the list parameter ``key`` of every row."""
    lists = [p.get(key) or () for p in params]
    lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    return np.repeat(np.arange(len(lists)), lengths), [item for items in lists for item in items]


# -- one function per code: the template values of its rows --------------------------------------


def _obfuscation(params: Sequence[Mapping], lang: str) -> dict[str, Any]:
    sep = _SEPARATORS[lang]
    n = len(params)
    at, kinds = _flat(params, "kinds")
    kind_text = _join_by(at, _kind_names(np.array(kinds, dtype=object), lang), n, sep["list"])
    invisible = np.array([p.get("invisible") or 0 for p in params], dtype=np.int64)
    stylised = np.array([p.get("stylised") or 0 for p in params], dtype=np.int64)
    how = _join_parts([
        _where(invisible > 0, "detail_part.obfuscation.invisible", lang, {"n": invisible.astype(str).astype(object)}),
        _where(stylised > 0, "detail_part.obfuscation.stylised", lang, {"n": stylised.astype(str).astype(object)}),
    ], sep["how"])
    none = how == ""
    how[none] = _where(none, "detail_part.obfuscation.other", lang, {})[none]
    return {"kinds": kind_text, "how": how}


def _obfuscated_text(params: Sequence[Mapping], lang: str) -> dict[str, Any]:
    invisible = np.array([p.get("invisible") or 0 for p in params], dtype=np.int64)
    stylised = np.array([p.get("stylised") or 0 for p in params], dtype=np.int64)
    split = np.array([bool(p.get("split")) for p in params], dtype=bool)
    parts = _join_parts([
        _where(invisible > 0, "detail_part.obfuscated_text.invisible", lang,
               {"n": invisible.astype(str).astype(object)}),
        _where(stylised > 0, "detail_part.obfuscated_text.stylised", lang,
               {"n": stylised.astype(str).astype(object)}),
        _where(split, "detail_part.obfuscated_text.split", lang, {}),
    ], _SEPARATORS[lang]["parts"])
    return {"parts": parts}


def _repeat_cross(params: Sequence[Mapping], lang: str) -> dict[str, Any]:
    sep = _SEPARATORS[lang]
    n = len(params)
    members = np.array([p.get("members") is not None for p in params], dtype=bool)
    text = _where(members, "detail_part.repeat_cross.text", lang, {"members": _figures(params, "members")})
    at, handles = _flat(params, "handles")
    if handles:
        kind = np.array([h[0] for h in handles], dtype=object)
        values = {"kind_name": _kind_names(kind, lang),
                  "value": np.array([str(h[1]) for h in handles], dtype=object),
                  "members": np.array([_figure(h[2]) for h in handles], dtype=object)}
        shared = _join_by(at, _say("detail_part.repeat_cross.handle", lang, values, len(handles)), n, sep["parts"])
    else:
        shared = np.full(n, "", dtype=object)
    return {"parts": _join_parts([text, shared], sep["segments"])}


def _name_ad(params: Sequence[Mapping], lang: str) -> dict[str, Any]:
    sep = _SEPARATORS[lang]
    n = len(params)
    at, names = _flat(params, "names")
    hit_at, hits = _flat(names, "hits")
    hit_detail = detail_texts(np.array([h.get("detail_code") or "" for h in hits], dtype=object),
                              _objects([h.get("detail_params") for h in hits]),
                              np.array([str(h.get("detail", "")) for h in hits], dtype=object), lang)
    hit_text = _say("detail_part.name_ad.hit", lang, {
        "check": np.array([str(h.get("check", "")) for h in hits], dtype=object), "detail": hit_detail}, len(hits))
    name_text = _say("detail_part.name_ad.name", lang, {
        "name": np.array([repr(x.get("name")) for x in names], dtype=object),
        "hits": _join_by(hit_at, hit_text, len(names), sep["segments"])}, len(names))
    return {"names": _join_by(at, name_text, n, sep["segments"])}


def _new_domain(params: Sequence[Mapping], lang: str) -> dict[str, Any]:
    at, domains = _flat(params, "domains")
    text = _say("detail_part.new_domain.domain", lang, {
        "domain": np.array([str(d[0]) for d in domains], dtype=object),
        "members": np.array([_figure(d[1]) for d in domains], dtype=object)}, len(domains))
    return {"domains": _join_by(at, text, len(params), _SEPARATORS[lang]["parts"])}


def _model_nb(params: Sequence[Mapping], lang: str) -> dict[str, Any]:
    p = np.array([f"{float(x.get('p') or 0.0):.2f}" for x in params], dtype=object)
    bigrams = np.array([_SEPARATORS[lang]["list"].join(x.get("bigrams") or ()) for x in params], dtype=object)
    return {"p": p, "top": _where(bigrams != "", "detail_part.model_nb.top", lang, {"bigrams": bigrams})}


def _plain(*keys: str) -> Callable[[Sequence[Mapping], str], dict[str, Any]]:
    """Template values that are the parameters ``keys`` themselves, shown as figures."""
    def values(params: Sequence[Mapping], lang: str) -> dict[str, Any]:
        return {key: _figures(params, key) for key in keys}
    return values


PREPARE: dict[str, Callable[[Sequence[Mapping], str], dict[str, Any]]] = {
    "detail.obfuscation": _obfuscation,
    "detail.obfuscated_text": _obfuscated_text,
    "detail.emoji": _plain("symbols", "chars"),
    "detail.repeat_self": _plain("times", "count", "hours"),
    "detail.repeat_cross": _repeat_cross,
    "detail.flood": _plain("messages", "seconds"),
    "detail.newcomer": _plain("n", "joined"),
    "detail.established": _plain("n"),
    "detail.hit_and_run.joined": _plain("start", "left", "minutes"),
    "detail.hit_and_run.first_spoke": _plain("start", "left", "minutes"),
    "detail.name_ad": _name_ad,
    "detail.new_domain": _new_domain,
    "detail.contact_cap": _plain("cap"),
    "detail.lexicon_cap": _plain("cap"),
    "detail.model_nb": _model_nb,
    "detail.no_model": _plain(),
}
"""Detail code -> a function giving its template values for a list of parameter dicts."""


# -- public ----------------------------------------------------------------------------------------


def detail_texts(codes: Any, params: Any, details: Any, lang: str = "en") -> np.ndarray:
    """Worded details, one per row: the template of ``codes[i]`` filled from ``params[i]``
    (a dict), or ``details[i]`` itself where there is no code (matched text, ``-``) or the
    code is unknown to this catalogue (a newer library: its machine text is still true).

    ``codes``, ``params`` and ``details`` are equal-length sequences (arrays, Series, lists).
    Returns an object array of str.
    """
    lang = lang_key(lang)
    codes = np.asarray(pd.Series(codes, dtype=object).fillna("").to_numpy(dtype=object), dtype=object)
    params = _objects(list(params))
    details = pd.Series(details, dtype=object)
    out = details.where(details.notna(), "").astype(str).to_numpy(dtype=object)
    for code in pd.unique(codes):
        if not code or code not in PREPARE or template(str(code), lang) is None:
            continue
        at = np.flatnonzero(codes == code)
        rows = [p if isinstance(p, Mapping) else {} for p in params[at]]
        out[at] = _say(str(code), lang, PREPARE[code](rows, lang), len(at))
    return out


def detail_text(code: str, params: Mapping | None, detail: str = "", lang: str = "en") -> str:
    """One worded detail (see :func:`detail_texts`)."""
    return str(detail_texts([code or ""], [params], [detail], lang)[0])


def _points(values: Sequence[Any]) -> np.ndarray:
    return np.array([f"{float(p):+g}" for p in values], dtype=object)


def message_reasons(frame: pd.DataFrame, lang: str = "en") -> pd.Series:
    """The worded reasons of each message of ``frame`` (``SpamResult.messages``,
    ``.flagged``, ``judge_texts(...)`` or rows of them), from its ``reason_rows``.

    en: ``contact.qq: 2233445566 (+3); flood: 12+ messages within 15 s (+2)`` (the
    library's historical English); zh: ``contact.qq：2233445566（+3）；flood：15 秒内至少 12 条消息（+2）``.
    A message without reason rows gets ''. A frame without ``reason_rows`` (an older result)
    keeps its ``reasons`` as they are. Returns a Series named ``reasons`` aligned with
    ``frame``.
    """
    lang = lang_key(lang)
    if "reason_rows" not in frame.columns:
        base = frame["reasons"] if "reasons" in frame.columns else pd.Series("", index=frame.index)
        return base.astype(object).rename("reasons")
    cells = frame["reason_rows"].to_numpy(dtype=object)
    lists = [rows if isinstance(rows, (tuple, list)) else () for rows in cells]
    lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    flat = [row for rows in lists for row in rows]  # one per fired check of a reported message
    if not flat:
        return pd.Series(np.full(len(frame), "", dtype=object), index=frame.index, dtype=object, name="reasons")
    check, points, code, params, detail = (list(field) for field in zip(*flat, strict=True))
    words = detail_texts(code, params, detail, lang)
    text = _say("spam.reason", lang, {"check": np.array(check, dtype=object), "detail": words,
                                      "points": _points(points)}, len(flat))
    joined = _join_by(np.repeat(np.arange(len(lists)), lengths), text, len(lists), _SEPARATORS[lang]["reasons"])
    return pd.Series(joined, index=frame.index, dtype=object, name="reasons")


def with_reasons(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A copy of ``frame`` with ``reasons`` worded (:func:`message_reasons`)."""
    return frame.assign(reasons=message_reasons(frame, lang))


def explain_frame(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A copy of ``SpamResult.explain(msg_id)`` with ``detail`` worded in ``lang`` (checks
    that did not fire keep ``-``; ``detail_code`` and ``detail_params`` are kept)."""
    out = frame.copy()
    if not len(out) or "detail_code" not in out.columns:
        return out
    params = out["detail_params"] if "detail_params" in out.columns else pd.Series([None] * len(out))
    out["detail"] = pd.Series(detail_texts(out["detail_code"], params, out["detail"], lang), index=out.index,
                              dtype=object)
    return out


__all__ = ["CONTACT_KIND_CODES", "DETAIL_CODES", "PART_CODES", "detail_text", "detail_texts", "explain_frame",
           "message_reasons", "with_reasons"]
