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
- Inside free text: every display name and id of the log (at least
  :data:`MIN_NAME_LENGTH` characters) is replaced by its pseudonym, then e-mail addresses,
  wxids, phone numbers and digit runs of 5 or more (QQ numbers) are masked.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import re
import secrets
from dataclasses import replace
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.schema import ACTOR_ID, SENDER, SENDER_ID, STRING, TEXT, Chat

_DIGIT = "[0-9０-９]"
CONTACT_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "[email]"),
    (r"(?i:wxid)_[A-Za-z0-9_-]+", "[wxid]"),
    (rf"[+＋]{_DIGIT}{{1,3}}[ -]?\(?{_DIGIT}{{1,4}}\)?(?:[ -]?{_DIGIT}{{2,4}}){{2,4}}", "[phone]"),
    (rf"{_DIGIT}{{3,4}}[ -]{_DIGIT}{{3,4}}[ -]{_DIGIT}{{4}}", "[phone]"),
    (rf"{_DIGIT}{{5,}}", "[number]"),
)
"""Contact details masked in free text, in this order: e-mail addresses, wxids, phone numbers
written with a country code or with separators (``+86 138 0000 1234``, ``138-0000-1234``),
and any run of 5 or more digits (QQ numbers, phone numbers without separators, group
numbers). Written for both RE2 (pyarrow) and Python ``re``; full-width digits count."""

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
VERBATIM_FIELDS = frozenset({"code", "check", "metric", "stage", "evidence_code", "detail_code"})
"""Fields holding the library's own codes (a :class:`analysis.notes.Note`'s ``code``, a spam
check id): never personal, kept as they are so the catalogue can still word them."""
KEEP_FIELDS = frozenset({"_state"})
"""Dataclass fields dropped (reset to empty) rather than rewritten: internal caches."""

_ALPHABET = "abcdefghijkmnpqrstuvwxyz"


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


_COMPILED_CONTACTS = tuple((re.compile(p), t) for p, t in CONTACT_PATTERNS)


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
    """

    def __init__(self, chat: Chat, key: str | None = None, *, zh: bool | None = None) -> None:
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
        # Inside texts: names and ids (an id that is also a name maps to the name pseudonym).
        found = {i: self.ids[i] for i in ids}
        found.update(names)
        self.in_text = {k: v for k, v in found.items() if len(k) >= MIN_NAME_LENGTH}
        keys = sorted(self.in_text, key=len, reverse=True)
        self._pattern = "|".join(re.escape(k) for k in keys) if keys else None
        self._compiled = re.compile(self._pattern) if self._pattern else None

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

    def text(self, value: Any, contacts: bool = True) -> Any:
        """Free text with names and ids replaced and (when ``contacts``) contacts masked."""
        if not isinstance(value, str) or not value:
            return value
        if self._compiled is not None:
            value = self._compiled.sub(lambda m: self.in_text[m.group(0)], value)
        return mask_contacts(value) if contacts else value

    # -- columns -----------------------------------------------------------------------------

    def texts(self, series: pd.Series, contacts: bool = True) -> pd.Series:
        """:meth:`text` over a column, vectorised with pyarrow (RE2)."""
        arr = pa.array(series.astype(object).where(series.notna(), None).tolist(), pa.large_string())
        if self._pattern is not None and len(arr):
            hit = pc.fill_null(pc.match_substring_regex(arr, self._pattern), False)
            if pc.any(hit).as_py():
                subset = pc.filter(arr, hit).to_pylist()
                fixed = pa.array([self._compiled.sub(lambda m: self.in_text[m.group(0)], t) for t in subset],
                                 arr.type)
                arr = pc.replace_with_mask(arr, hit, fixed)
        if contacts and len(arr):
            for pattern, token in CONTACT_PATTERNS:
                arr = pc.replace_substring_regex(arr, pattern, token)
        out = pd.Series(arr.to_pylist(), index=series.index, dtype=object)
        return out.astype(series.dtype) if isinstance(series.dtype, pd.StringDtype) else out

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
            if name in ID_FIELDS:
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
        return replace(chat, messages=out, roster=roster,
                       unparsed=[replace(u, text=self.text(u.text)) for u in chat.unparsed],
                       warnings=[self.value(w) for w in chat.warnings])  # Notes: names in params


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
