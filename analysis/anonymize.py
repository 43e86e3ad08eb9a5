"""``--anonymize``: stable pseudonyms for every member, and contact details masked.

Two entry points:

- :func:`anonymize` rewrites a :class:`~analysis.schema.Chat` (ids, names, names inside
  texts, contacts inside texts), for tools that output the messages themselves.
- :class:`Anonymizer` rewrites any *result* (a report, a frame, nested dataclasses). The
  report uses it *after* the audit (:func:`analysis.report.anonymize_report`): the analysers
  see the real log, so the spam checks still find contact handles and ads in display names,
  and owners/admins listed in the config still match; then every string of the result is
  rewritten before anything is rendered.

Rules (the same in both):

- Every member id (``sender_id``, ``actor_id``, roster ids) becomes ``m-<10 letters>``, a
  salted BLAKE2b hash: the same member gets the same pseudonym everywhere in one run, and
  across runs when the same ``key`` (``--anonymize-key``) is given. Without a key the salt
  is random, so pseudonyms cannot be linked between runs.
- Display names become ``成员-<6 letters>`` / ``member-<6 letters>`` derived from the
  member's id, so a member who renamed keeps one pseudonym.
- Pseudonyms use letters only (no digits), so masking digit runs afterwards never touches
  them.
- Inside free text: the contact handles the spam checks found (:data:`HANDLE_KINDS`) are
  masked, every display name and id of the log (at least :data:`MIN_NAME_LENGTH`
  characters; case-insensitive, Latin names as whole words) is replaced by its pseudonym,
  then e-mail addresses, wxids, phone numbers and digit runs of 5 or more (QQ numbers) are
  masked (:data:`CONTACT_PATTERNS`).
- Topic keywords (:data:`KEYWORD_FIELDS`) that are a member's name part
  (:func:`name_parts`) become :data:`NAME_MASK`, except declared theme terms and Chinese
  names that are ordinary words (:meth:`Anonymizer.keyword`).
- Spam ``reason_rows`` keep their check ids and detail codes (:meth:`Anonymizer.reason_rows`);
  fields in :data:`VERBATIM_FIELDS` are never rewritten.
- :meth:`Anonymizer.coverage` rewrites only what the coverage lines on stderr show (the
  lines not understood and the parser's warnings).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.schema import ACTOR_ID, SENDER, SENDER_ID, STRING, TEXT, Chat

_DIGIT = "[0-9０-９]"
_SEP = "[ .\u00a0\u2010-\u2015\u2212\uff0d\uff0e-]"
"""One separator inside a written number: space, dot, hyphen, the dashes (en, em, figure),
minus, full-width hyphen and dot."""
_WORD_RE2 = r"\p{L}\p{N}\p{M}_"
_WORD_PY = "\\w\u0300-\u036f"
_LABEL = (r"(?i:qq|q号|扣扣|企鹅|tel|phone|mobile|cell|whatsapp|电话|手机|微信|vx|wx|v信|群号)")


def _contact_patterns(word: str) -> tuple[tuple[str, str], ...]:
    return (
        (rf"[{word}.+-]+@[{word}-]+(?:\.[{word}-]+)+", "[email]"),
        (r"(?i:wxid)_[A-Za-z0-9_-]+", "[wxid]"),
        (rf"[+＋]{_DIGIT}{{1,3}}{_SEP}?\(?{_DIGIT}{{1,4}}\)?(?:{_SEP}?{_DIGIT}{{2,4}}){{2,4}}", "[phone]"),
        (rf"[(（]?{_DIGIT}{{3,4}}[)）]?{_SEP}{{1,2}}{_DIGIT}{{3,4}}{_SEP}{_DIGIT}{{4}}", "[phone]"),
        (rf"({_LABEL}[:：]?\s*){_DIGIT}{{2,}}(?:{_SEP}{{1,2}}{_DIGIT}{{2,}}){{1,5}}", "\\1[number]"),
        (rf"{_DIGIT}{{5,}}", "[number]"),
    )


CONTACT_PATTERNS: tuple[tuple[str, str], ...] = _contact_patterns(_WORD_RE2)
"""Contact details masked in free text, in this order (RE2 syntax, for pyarrow):

- e-mail addresses, local part and domain in any script (``josé.garcía@ejemplo.es``,
  ``张伟@例子.中国``);
- wxids;
- phone numbers with a country code (``+86 138 0000 1234``, ``+1 (555) 246-8135``);
- phone numbers in three groups of 3-4, 3-4 and 4 digits with any separator: space, dot,
  hyphen, en/em dash, full-width hyphen (``555.123.4567``, ``(555) 123-4567``,
  ``138.1234.5678``, ``138–1234–5678``); dates (``2024-05-01``), versions and times do not
  have that shape;
- any other number after a contact label (QQ, 扣扣, 企鹅, tel, phone, mobile, cell, 电话,
  手机, 微信, vx, wx, 群号), whatever its separators (``QQ 1234 5678``, ``qq：1234-5678``):
  the label is kept, the number becomes ``[number]``;
- any run of 5 or more digits (QQ numbers, phone numbers without separators, group numbers).

Full-width digits count. :data:`CONTACT_PATTERNS_PY` is the same list for Python ``re``."""
CONTACT_PATTERNS_PY: tuple[tuple[str, str], ...] = _contact_patterns(_WORD_PY)
""":data:`CONTACT_PATTERNS` for Python ``re`` (no ``\\p{..}`` classes there)."""

HANDLE_KINDS = {"phone": "[phone]", "wechat": "[handle]", "qq": "[number]", "group": "[number]",
                "telegram": "[handle]", "bare_id": "[number]"}
"""Contact handles the spam checks found (``kind:value`` in the spam evidence's ``handles``)
and what each becomes: they are masked wherever they occur (case-insensitive), so a WeChat id
without the ``wxid_`` prefix (``加微信 zhangwei1990``) is masked in the texts and in the spam
reasons that quote it. Links and 淘口令 codes are not personal and are kept."""
NAME_MASK = "[name]"
"""What a topic keyword that is a member's name part becomes (see :meth:`Anonymizer.keyword`)."""

MIN_NAME_LENGTH = 2
"""Display names and ids shorter than this are not searched for inside texts: a
one-character name (淑, A) would rewrite ordinary words. They still get pseudonyms in
every name and id column."""

ID_FIELDS = frozenset({"sender_id", "actor_id", "opener_id", "member_id"})
"""Column names holding member ids: mapped to id pseudonyms as a whole."""
NAME_FIELDS = frozenset({"sender", "names"})
"""Column names holding display names: mapped to name pseudonyms as a whole."""
NO_CONTACT_FIELDS = frozenset({"evidence", "msg_id", "reply_to", "line"})
"""Strings built by the analysers from counts and dates (``evidence``) or message ids: names
inside them are replaced, but digit runs are kept (an evidence's "12034 messages" is not a
QQ number; a message id is not personal)."""
VERBATIM_FIELDS = frozenset({"code", "check", "metric", "stage", "evidence_code", "detail_code", "family",
                             "verdict", "role", "kind"})
"""Fields holding the library's own codes (a :class:`analysis.notes.Note`'s ``code``, a spam
check id): never personal, kept as they are so the catalogue can still word them."""
KEYWORD_FIELDS = frozenset({"term", "terms", "top_keywords"})
"""Fields holding topic keywords (keywords, frequent terms, theme terms and expansion, weekly
drift keywords): masked token by token with :meth:`Anonymizer.keyword`."""
KEEP_FIELDS = frozenset({"_state"})
"""Dataclass fields dropped (reset to empty) rather than rewritten: internal caches."""

_ALPHABET = "abcdefghijkmnpqrstuvwxyz"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ALL_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_PIECE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[^\W\d_A-Za-z]+")
GENERIC_ID_PARTS = frozenset({"wxid", "qq", "id", "user", "uid"})
"""Id parts that are platform prefixes, not personal: never masked as keywords."""
COMMON_WORD_FREQ = 100
"""A Chinese name is an ordinary word (kept among the keywords) when the segmenter's
dictionary (jieba's ``dict.txt``) lists it at least this often and not as a person name
(tags ``nr*``): 读书 (2347, n) is kept, 大锤 (3) and 美玲 (nr) are masked."""
_DETAIL_CODE = re.compile(r"detail\.[a-z_.]+")


def name_parts(value: str, *, is_id: bool = False) -> set[str]:
    """The tokens of a display name or id that give the member away as a topic keyword
    (casefolded, at least :data:`MIN_NAME_LENGTH` characters).

    - Every name and id: itself, whole.
    - An id: its pieces split at ``_`` (``wxid_spam123`` -> ``spam123``), platform prefixes
      (:data:`GENERIC_ID_PARTS`) left out.
    - A name with Latin letters: its pieces split at spaces, punctuation and camel case
      (``Liam O'Brien`` -> ``liam``, ``brien``; ``DanaWhite`` -> ``dana``, ``white``).
    - A Chinese name of exactly 3 characters: also the given name without the one-character
      surname (``王大锤`` -> ``大锤``). Two-character names and four-character names (compound
      surnames, 欧阳娜娜) count whole only.
    """
    value = value.strip()
    parts = {value}
    if is_id:
        parts.update(value.split("_"))
        parts -= GENERIC_ID_PARTS
    else:
        if len(value) == 3 and _ALL_CJK.fullmatch(value):
            parts.add(value[1:])
        for piece in re.split(r"[\W_]+", value):
            parts.add(piece)
            if not _CJK.search(piece):
                parts.update(_LATIN_PIECE.findall(piece))
    return {p.casefold() for p in parts if len(p) >= MIN_NAME_LENGTH}


@functools.lru_cache(maxsize=32)
def common_words(words: frozenset[str]) -> frozenset[str]:
    """Those of ``words`` that the segmenter's dictionary lists as ordinary words (see
    :data:`COMMON_WORD_FREQ`); empty when jieba is not importable."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a dependency
        return frozenset()
    path = Path(jieba.__file__).resolve().parent / "dict.txt"
    found = set()
    try:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                word, _, rest = line.partition(" ")
                if word in words:
                    freq, _, tag = rest.strip().partition(" ")
                    if freq.isdigit() and int(freq) >= COMMON_WORD_FREQ and not tag.startswith("nr"):
                        found.add(word)
    except OSError:  # pragma: no cover
        return frozenset()
    return frozenset(found)



def _letters(digest: bytes, n: int) -> str:
    value = int.from_bytes(digest, "big")
    out = []
    for _ in range(n):
        value, rest = divmod(value, len(_ALPHABET))
        out.append(_ALPHABET[rest])
    return "".join(out)


def mask_contacts(text: str) -> str:
    """``text`` with e-mails, wxids, phone numbers and 5+ digit runs masked (:data:`CONTACT_PATTERNS`)."""
    for pattern, token in _COMPILED_CONTACTS:
        text = pattern.sub(token, text)
    return text


_COMPILED_CONTACTS = tuple((re.compile(p), t) for p, t in CONTACT_PATTERNS_PY)


class Pseudonyms:
    """A salted, stable mapping from ids to pseudonyms (letters only)."""

    def __init__(self, key: str | None = None) -> None:
        self.salt = hashlib.blake2b((key if key is not None else secrets.token_hex(16)).encode("utf-8"),
                                    digest_size=32).digest()

    def member(self, value: str) -> str:
        """``m-<10 letters>`` for a member id."""
        return "m-" + _letters(hashlib.blake2b(value.encode("utf-8"), key=self.salt, digest_size=8).digest(), 10)

    def name(self, member_id: str, zh: bool) -> str:
        """A display-name pseudonym derived from the member's id."""
        digest = hashlib.blake2b(("name:" + member_id).encode("utf-8"), key=self.salt, digest_size=8).digest()
        tag = _letters(digest, 6)
        return f"成员-{tag}" if zh else f"member-{tag}"


class Anonymizer:
    """Pseudonyms and masks for one chat, applicable to the chat and to any result of it.

    Args:
        chat: the log as read (its ids and names are what gets replaced).
        key: a secret that makes pseudonyms repeatable across runs; random when None.
        zh: Chinese name pseudonyms (成员-...); None = when most texts are Chinese.
        keep_words: words never masked as topic keywords although a member is called so
            (the group's declared theme terms).
        handles: contact handles to mask wherever they occur, as ``kind:value`` (the spam
            evidence's ``handles``; see :data:`HANDLE_KINDS` and :meth:`add_handles`).
    """

    def __init__(self, chat: Chat, key: str | None = None, *, zh: bool | None = None,
                 keep_words: Iterable[str] = (), handles: Iterable[str] = ()) -> None:
        self.pseudo = Pseudonyms(key)
        messages = chat.messages
        if zh is None:
            zh = bool(messages[TEXT].astype(str).str.contains(r"[\u4e00-\u9fff]", regex=True).mean() > 0.2) \
                if len(messages) else False
        self.zh = zh
        frames = [messages[[SENDER_ID, SENDER]].dropna(subset=[SENDER_ID])]
        if chat.roster is not None and len(chat.roster):
            frames.append(chat.roster[["sender_id", "sender"]].dropna(subset=["sender_id"])
                          .rename(columns={"sender_id": SENDER_ID, "sender": SENDER}))
        pairs = pd.concat([f.astype(object) for f in frames]).drop_duplicates()
        ids = list(dict.fromkeys([*pairs[SENDER_ID].astype(str), *messages[ACTOR_ID].dropna().astype(str)]))
        self.ids: dict[str, str] = {i: self.pseudo.member(i) for i in ids}
        self.names_of_id: dict[str, str] = {i: self.pseudo.name(i, zh) for i in ids}
        names: dict[str, str] = {}
        for name, member in zip(pairs[SENDER], pairs[SENDER_ID], strict=True):
            if isinstance(name, str) and name:
                names.setdefault(name, self.names_of_id[str(member)])
        self.names = names
        # Inside texts: names and ids (an id that is also a name maps to the name pseudonym),
        # case-insensitive; a name starting or ending with a Latin letter or digit only as a
        # whole word ("Lan" is not replaced inside "plan").
        found = {i: self.ids[i] for i in ids}
        found.update(names)
        self.in_text = {k: v for k, v in found.items() if len(k) >= MIN_NAME_LENGTH}
        self._in_text_lower: dict[str, str] = {}
        for k, v in self.in_text.items():
            self._in_text_lower.setdefault(k.lower(), v)
        keys = sorted(self.in_text, key=len, reverse=True)
        self._pattern = "(?i)" + "|".join(re.escape(k) for k in keys) if keys else None  # RE2 pre-filter
        self._compiled = re.compile("|".join(_bounded(k) for k in keys), re.IGNORECASE) if keys else None
        # Topic keywords: name parts (see name_parts), except declared theme terms and
        # Chinese names that are ordinary words.
        parts: set[str] = set()
        for member in ids:
            parts |= name_parts(member, is_id=True)
        for name in names:
            parts |= name_parts(name)
        cjk = frozenset(p for p in parts if _ALL_CJK.fullmatch(p))
        self.keep_words = frozenset(w.casefold() for w in keep_words) | common_words(cjk)
        self.name_parts = frozenset(parts - self.keep_words)
        self._cjk_parts = tuple(p for p in self.name_parts if _CJK.search(p))
        self.handles: dict[str, str] = {}
        self._handles: re.Pattern | None = None
        self.add_handles(handles)

    def add_handles(self, handles: Iterable[str]) -> None:
        """Mask these contact handles (``kind:value``, kinds in :data:`HANDLE_KINDS`) wherever
        they occur from now on (case-insensitive; values of 4+ characters)."""
        for handle in handles:
            if not isinstance(handle, str) or ":" not in handle:
                continue
            kind, _, value = handle.partition(":")
            token = HANDLE_KINDS.get(kind)
            if token is None or len(value.strip()) < 4:
                continue
            token = "[wxid]" if value.lower().startswith("wxid_") else token
            self.handles.setdefault(value.strip().lower(), token)
        keys = sorted(self.handles, key=len, reverse=True)
        self._handles = re.compile("|".join(_bounded(k) for k in keys), re.IGNORECASE) if keys else None

    @classmethod
    def for_report(cls, report: Any, chat: Chat, key: str | None = None) -> Anonymizer:
        """The anonymizer for an :class:`analysis.report.AuditReport` of ``chat``: pseudonyms
        in the report's language, the contact handles its spam checks found, and its declared
        theme terms kept as keywords."""
        theme = getattr(getattr(report, "topics", None), "theme", None)
        keep = tuple(theme.terms) if theme is not None and theme.source in ("option", "config") else ()
        evidence = getattr(getattr(report, "spam", None), "evidence", None)
        handles = [h for hs in evidence["handles"] for h in (hs or ())] \
            if evidence is not None and "handles" in evidence else []
        return cls(chat, key, zh=report.lang == "zh", keep_words=keep, handles=handles)

    # -- single values ---------------------------------------------------------------------

    def member_id(self, value: Any) -> Any:
        """The pseudonym of a member id (missing stays missing)."""
        if not isinstance(value, str):
            return value
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = self.pseudo.member(value)
        return found

    def name(self, value: Any, member_id: Any = None) -> Any:
        """The pseudonym of a display name (of ``member_id`` when given)."""
        if isinstance(member_id, str) and member_id:
            found = self.names_of_id.get(member_id)
            if found is None:
                found = self.names_of_id[member_id] = self.pseudo.name(member_id, self.zh)
            return found
        if not isinstance(value, str) or not value:
            return value
        return self.names.get(value) or self.names_of_id.get(value) or self.pseudo.name("name:" + value, self.zh)

    def _names_in(self, value: str, keep: frozenset[str] = frozenset()) -> str:
        if self._handles is not None:
            value = self._handles.sub(lambda m: self.handles.get(m.group(0).lower(), "[handle]"), value)
        if self._compiled is not None:
            value = self._compiled.sub(
                lambda m: m.group(0) if m.group(0).casefold() in keep
                else self._in_text_lower.get(m.group(0).lower(), NAME_MASK), value)
        return value

    def text(self, value: Any, contacts: bool = True) -> Any:
        """Free text with contact handles, names and ids replaced and (when ``contacts``)
        contacts masked."""
        if not isinstance(value, str) or not value:
            return value
        value = self._names_in(value)
        return mask_contacts(value) if contacts else value

    def keyword(self, value: Any) -> Any:
        """A topic keyword (or a ``", "``-joined list of them), under ``--anonymize``.

        A keyword that is a member's name part (:func:`name_parts`: the name, its Latin
        pieces, a 3-character Chinese name's given name, an id and its ``_`` pieces), or
        holds a Chinese name part, or holds a member's whole name or id, becomes
        :data:`NAME_MASK`; contacts are masked. Kept as they are: the declared theme terms
        (``--theme``, the config's ``[group] theme``) and Chinese names that are ordinary
        words (:data:`COMMON_WORD_FREQ`: a member called 读书 does not take 读书 away from a
        reading club's keywords).
        """
        if not isinstance(value, str) or not value:
            return value
        if ", " in value:
            return ", ".join(self.keyword(v) for v in value.split(", "))
        low = value.casefold()
        if low in self.keep_words:
            return value
        if low in self.name_parts or any(p in low for p in self._cjk_parts):
            return NAME_MASK
        if self._names_in(value, self.keep_words) != value:
            return NAME_MASK
        return mask_contacts(value)

    def coverage(self, chat: Chat) -> Chat:
        """``chat`` with only what the coverage lines on stderr show rewritten: the texts of
        the lines not understood (``unparsed``) and the parameters of the parser's warnings
        (``warnings``). The messages are not touched (cheap: for ``report --anonymize``,
        which prints :func:`cli.common.report_coverage` of this chat)."""
        return replace(chat, unparsed=[replace(u, text=self.text(u.text)) for u in chat.unparsed],
                       warnings=[self.value(w) for w in chat.warnings])

    # -- columns -----------------------------------------------------------------------------

    def texts(self, series: pd.Series, contacts: bool = True) -> pd.Series:
        """:meth:`text` over a column, vectorised with pyarrow (RE2)."""
        arr = pa.array(series.astype(object).where(series.notna(), None).tolist(), pa.large_string())
        filters = [p for p in (self._pattern, self._handles_pattern()) if p]
        if filters and len(arr):
            hit = pc.fill_null(pc.match_substring_regex(arr, "|".join(f"(?:{p})" for p in filters)), False)
            if pc.any(hit).as_py():
                subset = pc.filter(arr, hit).to_pylist()
                fixed = pa.array([self._names_in(t) for t in subset], arr.type)
                arr = pc.replace_with_mask(arr, hit, fixed)
        if contacts and len(arr):
            for pattern, token in CONTACT_PATTERNS:
                arr = pc.replace_substring_regex(arr, pattern, token)
        out = pd.Series(arr.to_pylist(), index=series.index, dtype=object)
        return out.astype(series.dtype) if isinstance(series.dtype, pd.StringDtype) else out

    def _handles_pattern(self) -> str | None:
        if not self.handles:
            return None
        return "(?i)" + "|".join(re.escape(k) for k in sorted(self.handles, key=len, reverse=True))

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``frame`` with id, name and free-text columns rewritten."""
        out = frame.copy()
        raw_ids = frame["sender_id"].astype(object) if "sender_id" in frame.columns else None
        for col in frame.columns:
            series = frame[col]
            name = str(col)
            if pd.api.types.is_datetime64_any_dtype(series) or pd.api.types.is_timedelta64_dtype(series) \
                    or pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
                continue
            if isinstance(series.dtype, pd.CategoricalDtype) and name not in ID_FIELDS | NAME_FIELDS:
                continue
            values = series.astype(object)
            if name in VERBATIM_FIELDS:
                continue
            if name == "reason_rows":
                out[col] = [self.reason_rows(v) for v in values]
            elif name in KEYWORD_FIELDS:
                out[col] = _same_kind(pd.Series([self.value(v, name) for v in values], index=frame.index,
                                                dtype=object), series)
            elif name in ID_FIELDS:
                out[col] = _same_kind(values.map(self.member_id), series)
            elif name == "sender" and raw_ids is not None:
                out[col] = _same_kind(pd.Series([self.name(v, i) for v, i in zip(values, raw_ids, strict=True)],
                                                index=frame.index, dtype=object), series)
            elif name == "names":
                ids = raw_ids if raw_ids is not None else pd.Series([None] * len(frame), index=frame.index)
                out[col] = [_like(v, [self.name(None, i)] if isinstance(i, str) else
                                  [self.name(x) for x in v] if isinstance(v, (list, tuple)) else self.name(v))
                            for v, i in zip(values, ids, strict=True)]
            elif name in NAME_FIELDS:
                out[col] = _same_kind(values.map(self.name), series)
            elif values.map(lambda v: isinstance(v, (list, tuple))).any():
                out[col] = [self.value(v, name) for v in values]
            else:
                out[col] = self.texts(series, contacts=name not in NO_CONTACT_FIELDS)
        if not pd.api.types.is_numeric_dtype(out.index) and out.index.dtype == object:
            out.index = pd.Index([self.text(v) for v in out.index], name=out.index.name)
        return out

    # -- anything ------------------------------------------------------------------------------

    def value(self, obj: Any, field: str = "") -> Any:
        """Rewrite ``obj`` recursively: frames, series, dataclasses, dicts, lists, strings.

        ``field`` is the name obj is held under: it decides id/name/text treatment.
        """
        if isinstance(obj, str):
            if field in VERBATIM_FIELDS:
                return obj
            if field in ID_FIELDS:
                return self.member_id(obj)
            if field in NAME_FIELDS:
                return self.name(obj)
            if field in KEYWORD_FIELDS:
                return self.keyword(obj)
            return self.text(obj, contacts=field not in NO_CONTACT_FIELDS)
        if isinstance(obj, pd.DataFrame):
            return self.frame(obj)
        if isinstance(obj, pd.Series):
            if obj.dtype == object or isinstance(obj.dtype, pd.StringDtype):
                return self.frame(obj.to_frame(name=obj.name or field)).iloc[:, 0].rename(obj.name)
            return obj
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            new = copy.copy(obj)
            for f in dataclasses.fields(obj):
                current = getattr(obj, f.name)
                if f.name in KEEP_FIELDS:
                    object.__setattr__(new, f.name, type(current)())
                    continue
                rewritten = self.value(current, f.name)
                if rewritten is not current:
                    object.__setattr__(new, f.name, rewritten)
            return new
        if isinstance(obj, dict):
            return {k: self.value(v, str(k)) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            items = [self.value(v, field) for v in obj]
            return type(obj)(items) if not hasattr(obj, "_fields") else type(obj)(*items)
        return obj

    def reason_rows(self, rows: Any) -> Any:
        """A spam table's ``reason_rows`` cell: per row, the check id (first) and the detail
        code (``detail.*``) kept, the matched detail and the parameters rewritten."""
        if not isinstance(rows, (list, tuple)):
            return self.value(rows, "reason_rows")
        out = []
        for row in rows:
            if not isinstance(row, (list, tuple)) or not row:
                out.append(self.value(row, "detail"))
                continue
            cells = [row[0]] + [c if isinstance(c, str) and (not c or _DETAIL_CODE.fullmatch(c))
                                else self.value(c, "detail") for c in row[1:]]
            out.append(type(row)(cells))
        return type(rows)(out)

    # -- the chat itself -----------------------------------------------------------------------

    def chat(self, chat: Chat) -> Chat:
        """A copy of ``chat`` with ids, names and contacts rewritten (texts included)."""
        messages = chat.messages
        out = messages.copy()
        raw = messages[SENDER_ID].astype(object)
        out[SENDER] = pd.Series([self.name(n, i) for n, i in zip(messages[SENDER].astype(object), raw, strict=True)],
                                index=messages.index, dtype=object).astype(STRING)
        out[SENDER_ID] = raw.map(self.member_id).astype(STRING)
        out[ACTOR_ID] = messages[ACTOR_ID].astype(object).map(self.member_id).astype(STRING)
        out[TEXT] = self.texts(messages[TEXT]).astype(STRING)
        roster = chat.roster
        if roster is not None and len(roster):
            roster = roster.copy()
            raw_roster = roster["sender_id"].astype(object)
            roster["sender"] = [self.name(n, i) for n, i in zip(roster["sender"].astype(object), raw_roster,
                                                                  strict=True)]
            roster["sender_id"] = raw_roster.map(self.member_id)
        return replace(self.coverage(chat), messages=out, roster=roster)  # Notes: names in params


def _bounded(key: str) -> str:
    """``key`` as a regex; a Latin letter or digit at either end must not touch another."""
    left = r"(?<![A-Za-z0-9])" if key[:1].isascii() and key[:1].isalnum() else ""
    right = r"(?![A-Za-z0-9])" if key[-1:].isascii() and key[-1:].isalnum() else ""
    return left + re.escape(key) + right


def _same_kind(values: pd.Series, like: pd.Series) -> pd.Series:
    if isinstance(like.dtype, pd.StringDtype):
        return values.astype(like.dtype)
    return values


def _like(original: Any, items: list) -> Any:
    if isinstance(original, tuple):
        return tuple(dict.fromkeys(items))
    if isinstance(original, list):
        return list(dict.fromkeys(items))
    return items[0] if items else original


def anonymize(chat: Chat, key: str | None = None) -> Chat:
    """A copy of ``chat`` with pseudonyms for ids and names and contact details masked.

    Args:
        chat: the chat as read.
        key: a secret that makes pseudonyms repeatable across runs; random when None.
    """
    return Anonymizer(chat, key).chat(chat)
