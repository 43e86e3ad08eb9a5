"""Content checks: each looks at the normalised views of distinct texts and returns, per
text, whether it fired and a detail (the tg-spam pattern: name, hit, details).

A detail is never an English phrase (``cli/catalogue_spam.py`` words them). It is either the
log's own matched text (a QQ number, a lexicon word, a link domain: :attr:`Hits.code` is None),
or a *detail code* with parameters (:attr:`Hits.code`, :attr:`Hits.params`) plus a short
machine text of ids and figures in :attr:`Hits.detail`:

- ``contact_obfuscated`` -> ``detail.obfuscation``: ``kinds`` (list of contact kinds,
  ``["qq"]``), ``invisible`` (zero-width characters removed), ``stylised`` (stylised
  characters folded); both 0 means homophones, separators or numerals. Machine text:
  ``qq`` or ``qq, phone (invisible=2, stylised=3)`` (the non-zero counts).
- ``obfuscated_text`` -> ``detail.obfuscated_text``: ``invisible``, ``stylised`` (0 when
  below ``stylised_min``: not counted), ``split`` (bool: separators between single
  characters). Machine text: ``invisible=3, stylised=4, split`` (the parts that count).
- ``emoji`` -> ``detail.emoji``: ``symbols`` (emoji and decorative symbols), ``chars``
  (visible characters). Machine text: ``8/9``.

Every check is listed in :data:`CHECKS` with its evidence *family* (the spam verdict needs
two different families, or one strong check) and a one-line meaning. Behaviour checks
(repeats, flooding, newcomers, hit-and-run) live in :mod:`analysis.spam.behaviour`.

Patterns run as RE2 (Arrow compute) over the whole column; each pattern first runs on the
texts that can possibly match (a cheap filter), and details are only built for the texts
that fired.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.spam.normalise import DATA, Views

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


@dataclass(frozen=True)
class CheckInfo:
    """What a check is, for scoring, ``--explain`` and the README."""

    name: str
    """Stable name shown in reasons (``contact.qq``)."""
    family: str | None
    """Kind of evidence; None for weak checks that add points but never count as a kind."""
    strong: bool
    """A strong check is enough on its own for the spam verdict (if the score is reached)."""
    meaning: str
    """One line for operators."""


CONTACT_KINDS = ("phone", "wechat", "qq", "group", "telegram", "link", "shortlink", "kouling",
                 "bare_id")

_BASE_CHECKS: tuple[CheckInfo, ...] = (
    CheckInfo("contact.phone", "contact", False, "a Chinese mobile number (or a 400/800 hotline)"),
    CheckInfo("contact.wechat", "contact", False, "a WeChat id after 微信/vx/加V (or a wxid_)"),
    CheckInfo("contact.qq", "contact", False, "a QQ number after qq/扣/企鹅 (or before +扣)"),
    CheckInfo("contact.group", "contact", False, "a group number after 群/群号 (引流 to another group)"),
    CheckInfo("contact.telegram", "contact", False, "a t.me link, or an @handle / 飞机 id after a contact word"),
    CheckInfo("contact.link", "contact", False, "a link to a domain that is not allowlisted"),
    CheckInfo("contact.shortlink", "contact", False, "a link through a URL shortener (hides the target)"),
    CheckInfo("contact.kouling", "contact", False, "a 淘口令-style share code between currency signs (¥…¥)"),
    CheckInfo("contact.bare_id", "contact", False, "a 6-12 digit number next to 加/私聊/联系 (an id without a label)"),
    CheckInfo("contact_obfuscated", "obfuscation", True,
              "a contact handle that is only readable after normalisation (homophones, "
              "fancy or circled digits, separators, zero-width characters): deliberate evasion"),
    CheckInfo("obfuscated_text", "obfuscation", False,
              "invisible characters, 3+ stylised letters/digits, or separators between single "
              "characters (家-企-鹅)"),
    CheckInfo("emoji", None, False, "dense emoji and decorative symbols"),
)

LEXICON_MEANINGS = {
    "job": "兼职/刷单/日赚 task-scam and easy-money words",
    "business": "代理/招商/加盟 reseller recruiting and ad-posting services",
    "free": "免费领/优惠券 giveaways and coupon lures",
    "gambling": "博彩/彩金 gambling words",
    "adult": "adult lures",
    "profile_lure": "看我昵称: pointing at the display name or profile",
    "grey_finance": "loans, cash-out, card renting, laundering",
    "group_lure": "引流 to other groups and channels, fake 新生群 notices",
    "call_to_action": "加我/私聊/联系/咨询: a call to contact the poster privately",
}

_GAP = r"[\s:：号码是为\-]{0,3}"
_PATTERNS: dict[str, str] = {
    "phone": r"(?:^|[^0-9])(1[3-9][0-9]{9}|[48]00[0-9]{7})(?:[^0-9]|$)",
    "wechat": r"(wxid_[a-z0-9_]{4,})"
              rf"|(?:微信|vx|wx|加微|加v|(?:^|[^a-z])v\s?[:：]){_GAP}([a-z][-_a-z0-9]{{5,19}}|1[3-9][0-9]{{9}})",
    "qq": rf"(?:qq|(?:^|[^a-z])q|[扣抠筘寇宼蔻]){_GAP}([1-9][0-9]{{4,11}})(?:[^0-9]|$)"
          r"|(?:^|[^0-9])([1-9][0-9]{5,11})[^0-9]{0,4}(?:加qq|qq|[扣抠筘寇宼蔻])",
    "group": rf"群{_GAP}([1-9][0-9]{{5,10}})(?:[^0-9]|$)",
    "telegram": r"(?:t\.me|telegram\.me|telegram\.dog)/(\+?[a-z0-9_]{3,})"
                r"|(?:联系|客服|咨询|私聊|私信|找我|对接|飞机|电报|tg|频道|加|dd|滴滴|详情|了解|认准|唯一)"
                r"[^@\n]{0,6}@([a-z][a-z0-9_]{3,31})"
                r"|(?:飞机|电报|tg|telegram)[\s号]{0,2}[:：]\s{0,2}@?([a-z][a-z0-9_]{4,31})",
    "url": r"((?:https?://|www\.)[^\s<>\"'，。、）)\]]+"
           r"|(?:[a-z0-9][a-z0-9-]*\.)+(?:com|cn|net|org|top|xyz|cc|vip|me|io|shop|club|app|tv|info"
           r"|co|link|site|online|ws|la|biz|pw|icu|fun|live|ink|wang|ltd|ru|hk|tw)(?:/[^\s，。、）)\]]*)?)"
           r"(?:[^a-z0-9]|$)",
    "kouling": r"([¥$€₤¢₳][a-z0-9]{8,14}[¥$€₤¢₳])",
    "bare_id": r"(?:加|私聊|私信|私我|联系|咨询|找我|滴滴|dd|戳我|扫码|详询)[^0-9]{0,6}([1-9][0-9]{5,11})(?:[^0-9]|$)"
               r"|(?:^|[^0-9])([1-9][0-9]{5,11})[^0-9]{0,4}(?:加我|私聊|私我|联系我|找我)",
}
# A cheap filter per pattern (texts that cannot match are skipped).
_PREFILTER: dict[str, str] = {
    "phone": r"[0-9]{9}", "wechat": r"微信|vx|wx|加微|加v|v\s?[:：]", "qq": r"[0-9]{5}",
    "group": r"群", "telegram": r"t\.me|telegram|@|飞机|电报|tg", "url": r"\.[a-z]{2}",
    "kouling": r"[¥$€₤¢₳]", "bare_id": r"[0-9]{6}",
}
# How each kind is written plainly, on the raw lower-cased text. A kind found in the
# normalised text whose plain form is absent from the raw text was disguised.
_D = r"[0-9](?:[- ]?[0-9])"  # a digit run as people type it (single spaces or dashes allowed)
_PLAIN: dict[str, str] = {
    "phone": r"(?:^|[^0-9])(?:1[3-9][0-9](?:[- ]?[0-9]{4}){2}|[48]00-?[0-9]{3}-?[0-9]{4})(?:[^0-9]|$)",
    "wechat": r"(?:微信|vx|wx|v信|加v|\+v)\s*号?\s*[:：]?\s*[a-z0-9]|wxid_|(?:^|[^a-z])v\s?[:：]",
    "qq": rf"(?:qq|q)\s*号?\s*[:：]?\s*{_D}{{4,}}|{_D}{{5,}}\s*(?:qq)",
    "group": rf"群\s*号?\s*[:：]?\s*{_D}{{5,}}",
    "telegram": r"t\.me/|telegram\.me/|@[a-z]|(?:飞机|电报|tg)\s*[:：]",
    "link": r"https?://|www\.|[a-z0-9-]+\.[a-z]{2,}",
    "shortlink": r"https?://|www\.|[a-z0-9-]+\.[a-z]{2,}",
    "kouling": r"[¥$€₤¢₳￥]",
    "bare_id": rf"{_D}{{5,}}",
}
_WECHAT_NEEDS_DIGIT = re.compile(r"\d")
_HOST = re.compile(r"^(?:https?://)?([a-z0-9.\-]+)")


@dataclass(frozen=True)
class Hits:
    """One check over n items."""

    name: str
    hit: np.ndarray
    """bool per item."""
    detail: np.ndarray
    """object per item: the detail where it fired (matched text, or ids and figures when
    ``code`` is set), else None."""
    code: str | None = None
    """The detail code (``detail.obfuscation``) when the detail has parameters; None when the
    detail is the matched text itself."""
    params: dict[str, np.ndarray] = field(default_factory=dict)
    """Parameter name -> one value per item (meaningful where ``hit``); see the module doc."""

    def params_at(self, idx: np.ndarray) -> list[dict | None]:
        """The parameters of items ``idx`` as dicts (None when there is no ``code``)."""
        if self.code is None:
            return [None] * len(idx)
        return param_dicts(self.params, idx)


def param_dicts(params: Mapping[str, np.ndarray], idx: np.ndarray) -> list[dict]:
    """``[{name: params[name][i], ...} for i in idx]`` with numpy scalars made plain (int,
    float, bool) so the dicts are JSON data."""
    names = list(params)
    if not names:
        return [{} for _ in range(len(idx))]
    columns = [np.asarray(params[k])[idx].tolist() for k in names]  # .tolist(): plain Python values
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


@dataclass(frozen=True)
class Lexicon:
    """Solicitation words by category."""

    categories: dict[str, tuple[str, ...]]

    @classmethod
    def load(cls, extra: Mapping[str, Iterable[str]] | None = None) -> Lexicon:
        """The shipped lexicon (``data/lexicon.toml``) plus ``extra`` words per category
        (a new category name adds a category)."""
        base = _shipped_lexicon()
        cats = {name: tuple(words) for name, words in base.items()}
        for name, words in (extra or {}).items():
            cats[name] = tuple(dict.fromkeys((*cats.get(name, ()), *words)))
        return cls({k: tuple(w for w in _compact_words(tuple(v)) if w) for k, v in cats.items()})


@functools.lru_cache(maxsize=64)
def _compact_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """Words in the compact view (the view the lexicon is matched on)."""
    from analysis.spam.normalise import normalise

    return tuple(normalise(list(words)).compact.to_pylist()) if words else ()


@functools.cache
def _shipped_lexicon() -> dict[str, tuple[str, ...]]:
    data = tomllib.loads((DATA / "lexicon.toml").read_text(encoding="utf-8"))
    return {name: tuple(table["words"]) for name, table in data.items()}


@functools.cache
def shipped_domains() -> dict[str, tuple[str, ...]]:
    """``allowlisted`` and ``shorteners`` from ``data/domains.toml``."""
    data = tomllib.loads((DATA / "domains.toml").read_text(encoding="utf-8"))
    return {k: tuple(v) for k, v in data.items()}


def check_infos(lexicon: Lexicon) -> list[CheckInfo]:
    """The content checks, with one ``lexicon.<category>`` per lexicon category."""
    lex = [CheckInfo(f"lexicon.{name}", "lexicon", False,
                     LEXICON_MEANINGS.get(name, f"words of the '{name}' category (config)"))
           for name in lexicon.categories]
    return [*_BASE_CHECKS[:-1], *lex, _BASE_CHECKS[-1]]


def _match(arr: pa.Array, pattern: str, where: np.ndarray | None = None) -> np.ndarray:
    """Boolean per item: RE2 ``pattern`` matches; only items in ``where`` are tested."""
    if where is None:
        return pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False)
    out = np.zeros(len(arr), dtype=bool)
    idx = np.flatnonzero(where)
    if len(idx):
        sub = pc.take(arr, pa.array(idx))
        out[idx] = pc.match_substring_regex(sub, pattern).to_numpy(zero_copy_only=False)
    return out


def _values(arr: pa.Array, idx: np.ndarray) -> list[str]:
    return pc.take(arr, pa.array(idx, pa.int64())).to_pylist() if len(idx) else []


def domain_of(url: str) -> str:
    """The host of a URL or bare domain, lower case, without ``www.``."""
    match = _HOST.match(url)
    host = match.group(1) if match else url
    return host[4:] if host.startswith("www.") else host


def domain_in(host: str, domains: Iterable[str]) -> bool:
    """``host`` is one of ``domains`` or a subdomain of one."""
    return any(host == d or host.endswith("." + d) for d in domains)


@dataclass
class ContentResult:
    """Content checks over distinct texts."""

    hits: dict[str, Hits]
    """Check name -> hits (only checks that can fire are present)."""
    handles: dict[int, list[str]] = field(default_factory=dict)
    """Text index -> contact handles found (``qq:12345678``), for cross-sender repeats."""
    domains: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"code": [], "domain": []}))
    """Link domains per text (columns ``code``, ``domain``; allowlisted ones included)."""


def content_checks(views: Views, lexicon: Lexicon, *, allowlisted: Iterable[str],
                   shorteners: Iterable[str], stylised_min: int = 3, emoji_min: int = 6,
                   emoji_share: float = 0.2) -> ContentResult:
    """Run every content check over ``views``.

    Args:
        views: normalised views of distinct texts.
        lexicon: solicitation words by category.
        allowlisted: link domains that are not evidence (with their subdomains).
        shorteners: URL-shortener domains.
        stylised_min: stylised letters/digits for ``obfuscated_text``.
        emoji_min, emoji_share: emoji and symbols needed for ``emoji``, in count and as a
            share of the visible characters.
    """
    n = len(views)
    norm, compact = views.norm, views.compact
    allowlisted = tuple(allowlisted)
    shorteners = tuple(shorteners)
    hits: dict[str, Hits] = {}
    handles: dict[int, list[str]] = {}
    found: dict[str, np.ndarray] = {}

    def add(name: str, hit: np.ndarray, details: dict[int, str] | np.ndarray, code: str | None = None,
            params: dict[str, np.ndarray] | None = None) -> None:
        if isinstance(details, np.ndarray):
            detail = details
        else:
            detail = np.full(n, None, dtype=object)
            for i, text in details.items():
                detail[i] = text
        hits[name] = Hits(name, hit, detail, code, params or {})

    possible = _match(norm, "|".join(_PREFILTER.values()))
    for kind in ("phone", "wechat", "qq", "group", "telegram", "kouling", "bare_id"):
        cand = _match(norm, _PREFILTER[kind], possible)
        hit = _match(norm, _PATTERNS[kind], cand)
        idx = np.flatnonzero(hit)
        details = {}
        regex = re.compile(_PATTERNS[kind].replace(r"\p{Han}", r"\u4e00-\u9fff"))
        for i, text in zip(idx, _values(norm, idx), strict=True):
            values = [next(g for g in m.groups() if g) for m in regex.finditer(text)]
            if kind == "wechat":
                values = [v for v in values if _WECHAT_NEEDS_DIGIT.search(v) or v.startswith("wxid_")]
            if kind == "bare_id":  # a number already read as a phone/QQ/group is not bare
                known = {h.split(":", 1)[1] for h in handles.get(int(i), [])}
                values = [v for v in values if not any(v in k for k in known)]
            values = list(dict.fromkeys(values))
            if not values:
                hit[i] = False
                continue
            details[int(i)] = ", ".join(values)
            handles.setdefault(int(i), []).extend(f"{kind}:{v}" for v in values)
        found[kind] = hit
        add(f"contact.{kind}", hit, details)

    # Links: every domain is recorded; allowlisted ones are not evidence.
    link_hit, short_hit, link_details, short_details, domains = _links(
        norm, possible, allowlisted, shorteners, handles)
    found["link"], found["shortlink"] = link_hit, short_hit
    add("contact.link", link_hit, link_details)
    add("contact.shortlink", short_hit, short_details)

    # Contact found only after normalisation.
    any_contact = np.zeros(n, dtype=bool)
    for hit in found.values():
        any_contact |= hit
    obf = np.zeros(n, dtype=bool)
    obf_details: dict[int, str] = {}
    obf_kinds = np.full(n, None, dtype=object)
    idx = np.flatnonzero(any_contact)
    if len(idx):
        raw_lower = pc.utf8_lower(pc.take(views.raw, pa.array(idx, pa.int64())))
        hidden: dict[int, list[str]] = {}
        for kind, hit in found.items():
            sub = hit[idx]
            if not sub.any():
                continue
            plain = _match(raw_lower, _PLAIN[kind], sub)
            for j in np.flatnonzero(sub & ~plain):
                hidden.setdefault(int(idx[j]), []).append(kind)
        for i, kinds in hidden.items():
            obf[i] = True
            obf_kinds[i] = list(kinds)
            obf_details[i] = ", ".join(kinds) + _how(views, i)
    add("contact_obfuscated", obf, obf_details, "detail.obfuscation",
        {"kinds": obf_kinds, "invisible": views.n_invisible, "stylised": views.n_stylised})

    # Disguised text without a contact.
    split = views.split
    counted = np.where(views.n_stylised >= stylised_min, views.n_stylised, 0)
    text_obf = (views.n_invisible > 0) | (views.n_stylised >= stylised_min) | split
    idx = np.flatnonzero(text_obf)
    text_details = np.full(n, None, dtype=object)
    if len(idx):
        text_details[idx] = join_parts([
            _labelled("invisible=", views.n_invisible[idx]), _labelled("stylised=", counted[idx]),
            np.where(split[idx], "split", "").astype(object)], ", ")
    add("obfuscated_text", text_obf, text_details, "detail.obfuscated_text",
        {"invisible": views.n_invisible, "stylised": counted, "split": split})

    # Lexicon: one union pass, then categories on the texts that matched something.
    words = {w for ws in lexicon.categories.values() for w in ws}
    if words:
        union = _match(compact, _alternation(words))
        idx = np.flatnonzero(union)
        texts = _values(compact, idx)
        for name, cat_words in lexicon.categories.items():
            hit = np.zeros(n, dtype=bool)
            details = {}
            if cat_words and len(idx):
                regex = re.compile("|".join(re.escape(w) for w in sorted(cat_words, key=len, reverse=True)))
                for i, text in zip(idx, texts, strict=True):
                    got = list(dict.fromkeys(regex.findall(text)))
                    if got:
                        hit[i] = True
                        details[int(i)] = ", ".join(got)
            add(f"lexicon.{name}", hit, details)

    sym = views.n_emoji + views.n_symbol
    emoji = (sym >= emoji_min) & (sym >= emoji_share * np.maximum(views.n_visible, 1))
    idx = np.flatnonzero(emoji)
    emoji_details = np.full(n, None, dtype=object)
    if len(idx):
        emoji_details[idx] = sym[idx].astype(str).astype(object) + "/" + views.n_visible[idx].astype(str).astype(object)
    add("emoji", emoji, emoji_details, "detail.emoji", {"symbols": sym, "chars": views.n_visible})
    return ContentResult(hits=hits, handles=handles, domains=domains)


_TELEGRAM_HOSTS = ("t.me", "telegram.me", "telegram.dog")
_HOST_RE2 = r"^(?:https?://)?(?:www\.)?(?P<host>[a-z0-9.\-]+)"


def _links(norm: pa.Array, possible: np.ndarray, allowlisted: tuple[str, ...],
           shorteners: tuple[str, ...], handles: dict[int, list[str]]):
    """Link checks, vectorised: the host of a text's only URL is extracted in Arrow; texts
    with several URLs (rare) are read in Python. Allowlisted / shortener tests run once per
    distinct host."""
    n = len(norm)
    link_hit = np.zeros(n, dtype=bool)
    short_hit = np.zeros(n, dtype=bool)
    link_details: dict[int, str] = {}
    short_details: dict[int, str] = {}
    cand = _match(norm, _PREFILTER["url"], possible)
    hit = _match(norm, _PATTERNS["url"], cand)
    idx = np.flatnonzero(hit)
    empty = pd.DataFrame({"code": np.zeros(0, np.int64), "domain": np.zeros(0, object)})
    if not len(idx):
        return link_hit, short_hit, link_details, short_details, empty
    sub = pc.take(norm, pa.array(idx, pa.int64()))
    count = pc.count_substring_regex(sub, _PATTERNS["url"]).to_numpy(zero_copy_only=False)
    one = count == 1
    codes, hosts = [], []
    if one.any():
        first = pc.filter(sub, pa.array(one))
        url = pc.struct_field(pc.extract_regex(first, _PATTERNS["url"].replace("(", "(?P<u>", 1)), [0])
        host = pc.struct_field(pc.extract_regex(url, _HOST_RE2), [0])
        codes.append(idx[one])
        hosts.append(np.asarray(host.to_numpy(zero_copy_only=False), dtype=object))
    many = np.flatnonzero(~one)
    if len(many):
        regex = re.compile(_PATTERNS["url"])
        rows, found = [], []
        for i, text in zip(idx[many], _values(norm, idx[many]), strict=True):
            for m in regex.finditer(text):
                rows.append(i)
                found.append(domain_of(m.group(1)))
        codes.append(np.asarray(rows, dtype=np.int64))
        hosts.append(np.asarray(found, dtype=object))
    frame = pd.DataFrame({"code": np.concatenate(codes), "domain": np.concatenate(hosts)})
    frame = frame[frame["domain"].str.contains(".", regex=False) & ~frame["domain"].isin(_TELEGRAM_HOSTS)]
    frame = frame.drop_duplicates().reset_index(drop=True)
    distinct = frame["domain"].unique()
    is_short = {d: domain_in(d, shorteners) for d in distinct}
    is_allowed = {d: domain_in(d, allowlisted) for d in distinct}
    short = frame["domain"].map(is_short).to_numpy(bool)
    other = ~short & ~frame["domain"].map(is_allowed).to_numpy(bool)
    for mask, hit_arr, details in ((short, short_hit, short_details), (other, link_hit, link_details)):
        part = frame[mask]
        if not len(part):
            continue
        hit_arr[part["code"].to_numpy()] = True
        keys, joined = join_groups(part["code"].to_numpy(), part["domain"].to_numpy(dtype=object), ", ")
        details.update(zip(keys.tolist(), joined, strict=True))
        for code, dom in zip(part["code"].tolist(), part["domain"].tolist(), strict=True):
            handles.setdefault(code, []).append(f"link:{dom}")
    return link_hit, short_hit, link_details, short_details, frame


def join_groups(keys: np.ndarray, texts: np.ndarray, sep: str) -> tuple[np.ndarray, list[str]]:
    """Group ``texts`` by ``keys`` (stable) and join each group with ``sep``."""
    if not len(keys):
        return keys, []
    order = np.argsort(keys, kind="stable")
    k, t = keys[order], np.asarray(texts, dtype=object)[order]
    starts = np.r_[0, np.flatnonzero(k[1:] != k[:-1]) + 1]
    ends = np.r_[starts[1:], len(k)]
    return k[starts], [sep.join(t[a:b]) for a, b in zip(starts, ends, strict=True)]


def collect_groups(keys: np.ndarray, items: list) -> tuple[np.ndarray, list[list]]:
    """Group ``items`` by ``keys`` (stable): (the distinct keys, sorted; a list of each key's
    items in order)."""
    if not len(keys):
        return keys, []
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    t = [items[i] for i in order.tolist()]
    starts = np.r_[0, np.flatnonzero(k[1:] != k[:-1]) + 1]
    ends = np.r_[starts[1:], len(k)]
    return k[starts], [t[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _how(views: Views, i: int) -> str:
    """`` (invisible=2, stylised=3)`` (the non-zero counts), or '' for homophones, separators
    or numerals."""
    parts = []
    if views.n_invisible[i]:
        parts.append(f"invisible={views.n_invisible[i]}")
    if views.n_stylised[i]:
        parts.append(f"stylised={views.n_stylised[i]}")
    return f" ({', '.join(parts)})" if parts else ""


def _labelled(label: str, values: np.ndarray) -> np.ndarray:
    """``label + value`` where ``values`` is non-zero, else '' (object array)."""
    out = np.full(len(values), "", dtype=object)
    nz = np.asarray(values) != 0
    out[nz] = label + np.asarray(values)[nz].astype(str).astype(object)
    return out


def join_parts(parts: list[np.ndarray], sep: str) -> np.ndarray:
    """Row-wise join of the non-empty strings of ``parts`` (object arrays of equal length)."""
    out = np.asarray(parts[0], dtype=object).copy()
    for part in parts[1:]:
        part = np.asarray(part, dtype=object)
        both = (out != "") & (part != "")
        out = np.where(both, out + sep, out) + part
    return out


def normalise_and_check(texts: pa.Array, lexicon: Lexicon, **kwargs) -> tuple[Views, ContentResult]:
    """:func:`normalise` then :func:`content_checks`, on large inputs in slices on threads
    (numpy and Arrow release the GIL), with the results joined back in order."""
    from analysis.spam.normalise import (
        _normalise,
        as_large_string,
        chunks,
        concat_views,
        warm_tables,
    )

    raw = as_large_string(texts)
    spans = chunks(len(raw))
    if len(spans) == 1:
        views = _normalise(raw)
        return views, content_checks(views, lexicon, **kwargs)
    from concurrent.futures import ThreadPoolExecutor

    warm_tables()
    _ = lexicon.categories, shipped_domains()

    def work(span: tuple[int, int]) -> tuple[Views, ContentResult]:
        v = _normalise(raw.slice(span[0], span[1] - span[0]))
        return v, content_checks(v, lexicon, **kwargs)

    with ThreadPoolExecutor(len(spans)) as pool:
        parts = list(pool.map(work, spans))
    views = concat_views(raw, [v for v, _ in parts])
    hits = {}
    for name, first in parts[0][1].hits.items():
        params = {k: np.concatenate([c.hits[name].params[k] for _, c in parts]) for k in first.params}
        hits[name] = Hits(name, np.concatenate([c.hits[name].hit for _, c in parts]),
                          np.concatenate([c.hits[name].detail for _, c in parts]), first.code, params)
    handles: dict[int, list[str]] = {}
    frames = []
    for (start, _stop), (_, c) in zip(spans, parts, strict=True):
        handles.update({k + start: v for k, v in c.handles.items()})
        frames.append(c.domains.assign(code=c.domains["code"].to_numpy(dtype=np.int64) + start))
    return views, ContentResult(hits=hits, handles=handles, domains=pd.concat(frames, ignore_index=True))
