"""Points per check, the verdict per message, and :func:`detect_spam` (the entry point).

Score: the sum of the points of the checks that fired (DEFAULT_WEIGHTS, overridable in
``[spam] weights``); contact handles together give at most ``contact_cap`` and lexicon
categories at most ``lexicon_cap``. An established member's message that has any evidence
gets the (negative) ``established`` credit.

Verdict per message:

- ``spam``: score >= ``spam_threshold`` and either two different *families* of evidence
  (contact, lexicon, obfuscation, behaviour, lifecycle, identity, model) or a strong check
  (``contact_obfuscated``). The model family only counts next to another family.
- ``suspect``: score >= ``suspect_threshold`` with evidence in what was said or who said it
  (contact, lexicon, obfuscation or identity; behaviour alone never is), reported, not spam.
- ``promotion``: what would be spam or suspect, from an owner, admin or allowlisted member;
  they are never judged spammers, their promotions are listed apart.
- empty: nothing worth reporting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.config import Config, SpamConfig
from analysis.schema import (
    EVENT_KINDS,
    KIND,
    LINE,
    MSG_ID,
    SENDER,
    SENDER_ID,
    TEXT,
    TIMESTAMP,
    Chat,
)
from analysis.spam import behaviour as bh
from analysis.spam.checks import (
    CheckInfo,
    ContentResult,
    Lexicon,
    check_infos,
    collect_groups,
    content_checks,
    domain_in,
    join_groups,
    normalise_and_check,
    param_dicts,
    shipped_domains,
)
from analysis.spam.normalise import as_large_string, normalise

DEFAULT_WEIGHTS: dict[str, float] = {
    "contact.phone": 3, "contact.wechat": 3, "contact.qq": 3, "contact.group": 3,
    "contact.telegram": 3, "contact.link": 1, "contact.shortlink": 3, "contact.kouling": 3,
    "contact.bare_id": 2, "contact_cap": 4,
    "contact_obfuscated": 3, "obfuscated_text": 2,
    "lexicon": 2, "lexicon.call_to_action": 1, "lexicon_cap": 4,
    "emoji": 1,
    "repeat_self": 2, "repeat_cross": 2, "flood": 2, "newcomer": 1, "hit_and_run": 3,
    "name_ad": 2, "new_domain": 1, "model_nb": 2, "established": -2,
}
"""Points per check (SPAM.md §4.2's starting weights, scaled so that one family alone stays
below the spam threshold of 4): a contact handle 3 (a link 1, a bare number 2), contacts
together at most 4; a lexicon category 2, categories together at most 4; a disguised
contact +3 (strong); a call to action (加我/私聊) 1; disguised text 2; dense emoji 1; repeated template 2; flooding 2;
newcomer 1; hit-and-run 3; ad in the display name 2; a domain new to the group 1; the
community model 2; established member -2. ``lexicon.<category>`` keys override one category."""

FAMILY_BITS = {"contact": 1, "lexicon": 2, "obfuscation": 4, "behaviour": 8, "lifecycle": 16,
               "identity": 32, "model": 64}
VERDICTS = ("spam", "suspect", "promotion")
REASON_ROW_FIELDS = ("check", "points", "detail_code", "params", "detail")
"""The fields of one row of a message's ``reason_rows``: the check id, its points (float),
the detail code ('' for matched text), its parameters (a dict, or None without a code) and
the machine detail (the text shown in ``reasons``)."""
EXEMPT_ROLES = ("owner", "admin")

MESSAGE_COLUMNS = ("msg_id", "line", "timestamp", "sender_id", "sender", "score", "verdict",
                   "reasons", "text")
"""Columns of the per-message table (plus ``role``, ``families`` and ``reason_rows``)."""

DETAIL_CODES: tuple[str, ...] = (
    "detail.obfuscation", "detail.obfuscated_text", "detail.emoji",
    "detail.repeat_self", "detail.repeat_cross", "detail.flood", "detail.newcomer",
    "detail.established", "detail.hit_and_run.joined", "detail.hit_and_run.first_spoke",
    "detail.name_ad", "detail.new_domain", "detail.contact_cap", "detail.lexicon_cap",
    "detail.model_nb", "detail.no_model",
)
"""Every detail code a check's detail can carry (``cli/catalogue_spam.py`` words each in zh
and en). A detail without a code is the log's own matched text (a QQ number, lexicon words,
link domains) and is shown as it is. Parameters (``detail_params``) and the machine text
(``detail``) per code:

- ``detail.obfuscation`` (``contact_obfuscated``): ``kinds`` (contact kinds, ``["qq"]``),
  ``invisible``, ``stylised`` (characters removed / folded; both 0: homophones, separators
  or numerals). ``qq`` / ``qq (invisible=1, stylised=8)``.
- ``detail.obfuscated_text``: ``invisible``, ``stylised`` (0: not counted), ``split`` (bool).
  ``invisible=3, stylised=4, split``.
- ``detail.emoji``: ``symbols``, ``chars``. ``8/9``.
- ``detail.repeat_self``: ``times`` (posts of this template by the member in the window),
  ``count``, ``hours`` (the rule: ``count`` posts within ``hours``). ``3x (3+/24h)``.
- ``detail.repeat_cross``: ``members`` (members who posted the template, or None when the
  template part did not fire), ``handles`` (list of ``[kind, value, members]``: contact
  handles posted by 2+ members). ``text=3; phone:13800001111=2, qq:12345678=3``.
- ``detail.flood``: ``messages``, ``seconds`` (the rule). ``12/15s``.
- ``detail.newcomer``: ``n`` (the message's rank since joining, from 1), ``joined``
  (``YYYY-MM-DD HH:MM``). ``#2 (2024-03-28 22:03)``.
- ``detail.established``: ``n`` (clean messages before). ``40``.
- ``detail.hit_and_run.joined`` / ``detail.hit_and_run.first_spoke``: ``start``
  (``YYYY-MM-DD HH:MM``: the join, or the first message when no join is known), ``left``
  (``HH:MM``), ``minutes``. ``join=2024-03-28 22:03, leave=22:08 (5 min)`` /
  ``first=...``.
- ``detail.name_ad``: ``names``: a list of ``{"name": display name, "hits": [{"check",
  "detail", "detail_code", "detail_params"}, ...]}`` (the lexicon categories and
  ``contact_obfuscated`` that fired on the name; a hit's own detail code is
  ``detail.obfuscation`` or ''). ``'兼职招聘小助理': lexicon.job 兼职招聘``.
- ``detail.new_domain``: ``domains``: a list of ``[domain, members]``. ``a.example=1``.
- ``detail.contact_cap`` / ``detail.lexicon_cap``: ``cap`` (points the family counts at
  most). ``<=4``.
- ``detail.model_nb``: ``p`` (the model's probability), ``bigrams`` (the top spam bigrams).
  ``p=0.97; 刷单, 日结``.
- ``detail.no_model``: no parameters (``model_nb`` without ``--model``). ``-``.

Numbers are ints when whole (``hours`` 24, not 24.0).
"""


@dataclass
class SpamResult:
    """Spam analysis of one chat. Every table is a pandas DataFrame."""

    group: str
    """The chat's group name."""
    messages: pd.DataFrame
    """Every judged message (not join/leave/recall/system events): ``msg_id, line,
    timestamp, sender_id, sender, score, verdict, reasons, text, role, families,
    reason_rows``.

    - ``reasons``: the checks that fired, ``check: detail (+points)`` joined with ``"; "``
      (``contact.qq: 2233445566 (+3); flood: 12/15s (+2)``): check ids, figures and the
      log's matched text only, no words (see :data:`DETAIL_CODES` for the machine texts);
      ``cli/catalogue_spam.py`` words them. Empty for messages with no verdict.
    - ``reason_rows``: the same as data, a tuple of ``(check, points, detail_code, params,
      detail)`` rows (see :data:`REASON_ROW_FIELDS`; ``detail_code`` '' and ``params`` None
      when the detail is matched text); built for spam, suspect and promotion messages
      only, ``()`` for the others.
    """
    members: pd.DataFrame
    """One row per member who wrote: see :func:`analysis.spam.members.member_table`."""
    evidence: pd.DataFrame
    """Messages with content evidence, for cross-group repeats: ``msg_id, timestamp,
    sender_id, sender, verdict, score, template, handles``."""
    checks: list[CheckInfo]
    """Every check that was run, in report order."""
    config: SpamConfig
    """The settings used."""
    _state: dict = field(default_factory=dict, repr=False)

    @property
    def flagged(self) -> pd.DataFrame:
        """Spam messages, highest score first."""
        return _ordered(self.messages[self.messages["verdict"] == "spam"])

    @property
    def suspects(self) -> pd.DataFrame:
        """Suspect messages (below the spam verdict), highest score first."""
        return _ordered(self.messages[self.messages["verdict"] == "suspect"])

    @property
    def spam_count(self) -> int:
        """Messages judged spam."""
        return int((self.messages["verdict"] == "spam").sum()) if len(self.messages) else 0

    @property
    def suspect_count(self) -> int:
        """Messages judged suspect (below spam)."""
        return int((self.messages["verdict"] == "suspect").sum()) if len(self.messages) else 0

    @property
    def spammer_count(self) -> int:
        """Members judged spammers."""
        return int(self.members["is_spammer"].astype(bool).sum()) if len(self.members) else 0

    @property
    def spam_and_suspects(self) -> pd.DataFrame:
        """Spam and suspect messages together, highest score first."""
        return _ordered(self.messages[self.messages["verdict"].isin(("spam", "suspect"))])

    @property
    def promotions(self) -> pd.DataFrame:
        """Owners', admins' and allowlisted members' promotional messages."""
        return _ordered(self.messages[self.messages["verdict"] == "promotion"])

    def explain(self, msg_id: str) -> pd.DataFrame:
        """Every check for one message: ``check, family, hit, points, detail, detail_code,
        detail_params``.

        ``detail`` is ids, figures and the log's matched text (``-`` for a check that did
        not fire); ``detail_code`` the detail's code (:data:`DETAIL_CODES`, '' when the
        detail is matched text or nothing) and ``detail_params`` its parameters (a dict per
        row, ``{}`` without a code). ``cli/catalogue_spam.explain_frame`` words ``detail``.

        Raises:
            KeyError: no judged message has this id.
        """
        hits = np.flatnonzero(self.messages["msg_id"].to_numpy(dtype=object) == msg_id)
        if not len(hits):
            raise KeyError(msg_id)
        row = int(hits[0])
        table = _check_rows(self, np.array([row]), include_misses=True)
        params = table["detail_params"].to_numpy(dtype=object)
        table["detail_params"] = pd.Series([p if p is not None else {} for p in params], dtype=object,
                                           index=table.index)
        return table.drop(columns="row").reset_index(drop=True)


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["score", "timestamp"], ascending=[False, True], kind="stable") \
        .reset_index(drop=True)


def weights_of(config: SpamConfig) -> dict[str, float]:
    """DEFAULT_WEIGHTS with the config's overrides."""
    return {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in config.weights.items()}}


def exempt_ids(chat: Chat, config: Config) -> dict[str, str]:
    """sender_id -> role for owners, admins and allowlisted members (config and roster)."""
    roles: dict[str, str] = {}
    if chat.roster is not None and len(chat.roster):
        roster = chat.roster[chat.roster["role"].isin(EXEMPT_ROLES)]
        roles.update(zip(roster["sender_id"].astype(str), roster["role"].astype(str), strict=True))
    roles.update(dict.fromkeys(config.group.allowlist, "allowlisted"))
    roles.update(dict.fromkeys(config.group.admins, "admin"))
    roles.update(dict.fromkeys(config.group.owners, "owner"))
    return roles


def detect_spam(chat: Chat, config: Config | None = None, *, model=None,
                behaviour: bool = True) -> SpamResult:
    """Judge every message of ``chat`` and every member who wrote.

    Args:
        chat: the chat (already clipped to the analysis window).
        config: the configuration (``[spam]`` and ``[group]`` owners/admins/allowlist).
        model: an optional :class:`analysis.spam.naive_bayes.NaiveBayes` booster.
        behaviour: run the behaviour checks (False judges each text on its content alone,
            as :func:`judge_texts` does for labelled text sets).
    """
    config = config or Config()
    cfg = config.spam
    w = weights_of(cfg)
    all_msgs = chat.messages
    judged_mask = ~all_msgs[KIND].isin(EVENT_KINDS).to_numpy(bool)
    needed = [MSG_ID, TIMESTAMP, SENDER_ID, SENDER, KIND, TEXT, LINE]
    msgs = all_msgs[needed] if judged_mask.all() else all_msgs.loc[judged_mask, needed].reset_index(drop=True)
    n = len(msgs)

    # --- content, once per distinct text -------------------------------------------------
    text_arr = as_large_string(msgs[TEXT])
    enc = pc.dictionary_encode(text_arr) if n else None
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64) if n else np.zeros(0, np.int64)
    distinct = enc.dictionary if n else pa.array([], pa.large_string())
    lexicon = Lexicon.load(cfg.extra_words)
    domains = shipped_domains()
    allowlisted = (*domains["allowlisted"], *cfg.allowlisted_domains)
    shorteners = (*domains["shorteners"], *cfg.shorteners)
    views, content = normalise_and_check(
        distinct, lexicon, allowlisted=allowlisted, shorteners=shorteners,
        stylised_min=cfg.stylised_min, emoji_min=cfg.emoji_min, emoji_share=cfg.emoji_share)
    infos = [*check_infos(lexicon), *bh.BEHAVIOUR_CHECKS]
    fam_of = {c.name: c.family for c in infos}

    nd = len(distinct)
    d_score = np.zeros(nd)
    d_fam = np.zeros(nd, dtype=np.int64)
    d_strong = np.zeros(nd, dtype=bool)
    contact_pts = np.zeros(nd)
    lexicon_pts = np.zeros(nd)
    for name, hits in content.hits.items():
        pts = _points(w, name)
        if name.startswith("contact."):
            contact_pts += hits.hit * pts
        elif name.startswith("lexicon."):
            lexicon_pts += hits.hit * pts
        else:
            d_score += hits.hit * pts
        family = fam_of.get(name)
        if family:
            d_fam |= np.where(hits.hit, FAMILY_BITS[family], 0)
        if name == "contact_obfuscated":
            d_strong |= hits.hit
    d_score += np.minimum(contact_pts, w["contact_cap"]) + np.minimum(lexicon_pts, w["lexicon_cap"])
    d_evidence = (d_fam & (FAMILY_BITS["contact"] | FAMILY_BITS["lexicon"] | FAMILY_BITS["obfuscation"])) > 0

    d_model = None
    if model is not None:
        d_model = model.predict_proba(views)
        hit = d_model >= cfg.model_threshold
        d_score += hit * w["model_nb"]
        d_fam |= np.where(hit, FAMILY_BITS["model"], 0)

    score = d_score[codes]
    fam = d_fam[codes]
    strong = d_strong[codes]
    evidence = d_evidence[codes]

    # --- behaviour, per message ------------------------------------------------------------
    sender_enc = pc.dictionary_encode(as_large_string(msgs[SENDER_ID]))
    sender_codes = sender_enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    sender_ids = pd.Index(sender_enc.dictionary.to_numpy(zero_copy_only=False).astype(object))
    ts = msgs[TIMESTAMP]
    t0 = ts.min() if n else pd.Timestamp(0)
    seconds = ((ts - t0).to_numpy("timedelta64[s]").astype(np.int64)) if n else np.zeros(0, np.int64)
    d_keys = bh.template_keys(views, cfg.template_min_chars)
    d_template = bh.template_ids(d_keys, d_evidence, cfg.template_min_chars) if nd else np.zeros(0, np.int64)
    inp = bh.BehaviourInput(sender=sender_codes.astype(np.int64), seconds=seconds,
                            template=d_template[codes] if n else np.zeros(0, np.int64),
                            evidence=evidence)
    beh: dict[str, np.ndarray] = {}
    info: dict[str, np.ndarray] = {}
    beh["repeat_self"], info["self_times"] = bh.repeat_self(inp, cfg.repeat_self_count, cfg.repeat_self_hours)
    beh["repeat_cross"], info["cross_members"] = bh.repeat_cross(inp, cfg.repeat_cross_senders)
    shared = _shared_handles(content, codes, sender_codes)
    beh["repeat_cross"] |= shared["hit"]
    info["shared_handle"] = shared["detail"]
    info["shared_params"] = shared["handles"]
    beh["flood"] = bh.flood(inp, cfg.flood_messages, cfg.flood_seconds)
    newcomer, info["newcomer_rank"], info["join_ts"] = _newcomer(chat, msgs, sender_codes, sender_ids, cfg)
    beh["newcomer"] = newcomer
    beh["hit_and_run"], info["run_span"], info["run_code"], info["run_params"] = _hit_and_run(
        chat, msgs, sender_codes, sender_ids, cfg)
    name_hit, info["name_detail"], info["name_params"] = _name_ads(msgs, sender_codes, lexicon, allowlisted,
                                                                    shorteners, cfg)
    beh["name_ad"] = name_hit
    beh["new_domain"], info["domain_detail"], info["domain_params"] = _new_domains(
        content, codes, sender_codes, allowlisted, cfg)

    if not behaviour:
        beh = {name: np.zeros(n, dtype=bool) for name in beh}
    for name, hit in beh.items():
        score = score + hit * _points(w, name)
        family = fam_of.get(name)
        if family:
            fam = fam | np.where(hit, FAMILY_BITS[family], 0)

    # Established members: clean messages before this one.
    clean = (~evidence).astype(np.int64)
    before = pd.Series(clean).groupby(sender_codes).cumsum().to_numpy() - clean if n else clean
    established = (before >= cfg.established_messages) & (score > 0) & behaviour
    beh["established"] = established
    info["clean_before"] = before
    score = score + established * w["established"]

    # --- verdict ---------------------------------------------------------------------------
    model_bit = FAMILY_BITS["model"]
    other = fam & ~model_bit
    n_fam = _popcount(other) + (((fam & model_bit) > 0) & (other > 0))
    is_spam = (score >= cfg.spam_threshold) & ((n_fam >= 2) | strong)
    said = FAMILY_BITS["contact"] | FAMILY_BITS["lexicon"] | FAMILY_BITS["obfuscation"] | FAMILY_BITS["identity"]
    is_suspect = ~is_spam & (score >= cfg.suspect_threshold) & ((fam & said) > 0)
    roles = exempt_ids(chat, config)
    member_role = np.array([roles.get(sid, "member") for sid in sender_ids], dtype=object)
    role = member_role[sender_codes] if n else np.zeros(0, dtype=object)
    exempt = role != "member"
    verdict = np.full(n, "", dtype=object)
    verdict[is_spam | is_suspect] = np.where(is_spam, "spam", "suspect")[is_spam | is_suspect]
    verdict[exempt & (is_spam | is_suspect)] = "promotion"

    messages = pd.DataFrame({
        "msg_id": msgs[MSG_ID], "line": msgs[LINE], "timestamp": msgs[TIMESTAMP],
        "sender_id": msgs[SENDER_ID], "sender": msgs[SENDER], "score": score.astype(float),
        # object columns built as-is (no per-row string inference over a million rows)
        "verdict": pd.Series(verdict, dtype=object), "reasons": pd.Series(np.full(n, "", dtype=object), dtype=object),
        "text": msgs[TEXT], "role": pd.Series(role, dtype=object),
        "families": pd.Series(np.full(n, "", dtype=object), dtype=object),
        "reason_rows": pd.Series(_empty_tuples(n), dtype=object),
    })
    state = {
        "content": content, "codes": codes, "views": views, "beh": beh, "info": info,
        "weights": w, "infos": infos, "model": d_model, "model_obj": model, "fam": fam,
    }
    result = SpamResult(group=chat.group, messages=messages, members=pd.DataFrame(),
                        evidence=pd.DataFrame(), checks=infos, config=cfg, _state=state)
    reported = np.flatnonzero(verdict != "")
    state["long"] = _check_rows(result, reported, include_misses=False)
    if len(reported):
        long = state["long"]
        text = (long["check"] + ": " + long["detail"].astype(str) + " ("
                + long["points"].map(_fmt_points) + ")").to_numpy(dtype=object)
        keys, joined = join_groups(long["row"].to_numpy(), text, "; ")
        reasons = messages["reasons"].to_numpy(dtype=object, copy=True)
        reasons[keys] = joined
        messages["reasons"] = pd.Series(reasons, dtype=object, index=messages.index)
        fam_rows = long[long["family"] != ""].drop_duplicates(["row", "family"])
        keys, joined = join_groups(fam_rows["row"].to_numpy(), fam_rows["family"].to_numpy(dtype=object), ",")
        fam_col = messages["families"].to_numpy(dtype=object, copy=True)
        fam_col[keys] = joined
        messages["families"] = pd.Series(fam_col, dtype=object, index=messages.index)
        messages["reason_rows"] = pd.Series(_reason_rows(long, n), dtype=object, index=messages.index)
    result.evidence = _evidence(messages, evidence, content, codes, d_keys, d_template)
    from analysis.spam.members import member_table

    result.members = member_table(result, sender_codes, sender_ids)
    return result


def judge_texts(texts, config: Config | None = None, *, model=None) -> pd.DataFrame:
    """Content-only verdicts for loose texts (labelled sets, quick checks).

    Returns:
        One row per text, in order: ``text, score, verdict, families, reasons, reason_rows``
        (see :attr:`SpamResult.messages`).
    """
    from analysis.schema import build_messages

    texts = [("" if t is None else str(t)) for t in texts]
    k = len(texts)
    msgs = build_messages({
        "timestamp": pd.Timestamp("2000-01-01") + pd.to_timedelta(np.arange(k), unit="D"),
        "sender_id": [f"t{i}" for i in range(k)], "sender": [f"t{i}" for i in range(k)],
        "kind": ["text"] * k, "text": texts, "line": np.arange(1, k + 1),
    }, sort=False)
    result = detect_spam(Chat(messages=msgs, group="texts"), config, model=model, behaviour=False)
    return result.messages[["text", "score", "verdict", "families", "reasons", "reason_rows"]]


def _points(w: dict[str, float], name: str) -> float:
    if name in w:
        return w[name]
    if name.startswith("lexicon."):
        return w["lexicon"]
    return 0.0


def _fmt_points(p: float) -> str:
    return f"{p:+g}"


def _num(x: float) -> int | float:
    """A setting as a parameter: an int when whole (24, not 24.0)."""
    x = float(x)
    return int(x) if x.is_integer() else x


def _g(x: float) -> str:
    return f"{x:g}"


def _empty_tuples(n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out[:] = [()] * n
    return out


def _objects(values: list) -> np.ndarray:
    """A 1-d object array of ``values`` (lists and dicts kept as elements)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _reason_rows(long: pd.DataFrame, n: int) -> np.ndarray:
    """Per message (``n``), the tuple of its :data:`REASON_ROW_FIELDS` rows from the long
    check table (one Python tuple per fired check of a reported message)."""
    out = _empty_tuples(n)
    if not len(long):
        return out
    rows = long["row"].to_numpy()
    cells = list(zip(long["check"].tolist(), long["points"].astype(float).tolist(), long["detail_code"].tolist(),
                     long["detail_params"].tolist(), long["detail"].astype(str).tolist(), strict=True))
    starts = np.r_[0, np.flatnonzero(rows[1:] != rows[:-1]) + 1]
    ends = np.r_[starts[1:], len(rows)]
    out[rows[starts]] = [tuple(cells[a:b]) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    return out


def _popcount(x: np.ndarray) -> np.ndarray:
    count = np.zeros(len(x), dtype=np.int64)
    for bit in FAMILY_BITS.values():
        count += (x & bit) > 0
    return count


def _shared_handles(content: ContentResult, codes: np.ndarray, sender_codes: np.ndarray) -> dict:
    n = len(codes)
    hit = np.zeros(n, dtype=bool)
    detail = np.full(n, None, dtype=object)
    handles = np.full(n, None, dtype=object)
    if not content.handles or not n:
        return {"hit": hit, "detail": detail, "handles": handles}
    have = np.fromiter(content.handles.keys(), dtype=np.int64)
    rows = np.flatnonzero(np.isin(codes, have))
    if not len(rows):
        return {"hit": hit, "detail": detail, "handles": handles}
    frame = pd.DataFrame({"row": rows, "code": codes[rows], "sender": sender_codes[rows]})
    frame["handle"] = frame["code"].map(content.handles)
    frame = frame.explode("handle").dropna(subset=["handle"])
    frame = frame[~frame["handle"].astype(str).str.startswith("link:")]
    senders = frame.groupby("handle")["sender"].nunique()
    frame["members"] = frame["handle"].map(senders)
    multi = frame[frame["members"] >= 2]
    if len(multi):
        text = (multi["handle"] + "=" + multi["members"].astype(str)).to_numpy(dtype=object)
        keys, joined = join_groups(multi["row"].to_numpy(), text, ", ")
        hit[keys] = True
        detail[keys] = joined
        kind_value = multi["handle"].astype(str).str.split(":", n=1)
        triples = [[k, v, m] for (k, v), m in zip(kind_value.tolist(), multi["members"].astype(int).tolist(),
                                                   strict=True)]
        keys, lists = collect_groups(multi["row"].to_numpy(), triples)
        handles[keys] = _objects(lists)
    return {"hit": hit, "detail": detail, "handles": handles}


def _join_times(chat: Chat, sender_ids: pd.Index) -> pd.Series:
    """First join time per member (join events, else the roster's ``joined``)."""
    events = chat.messages[chat.messages[KIND] == "join"]
    joins = events.groupby(SENDER_ID, observed=True)[TIMESTAMP].min()
    if chat.roster is not None and "joined" in chat.roster and chat.roster["joined"].notna().any():
        roster = chat.roster.dropna(subset=["joined"]).groupby("sender_id")["joined"].min()
        joins = joins.combine_first(pd.to_datetime(roster))
    joins = pd.Series(pd.to_datetime(joins.to_numpy()), index=joins.index.astype(object))
    found = joins.reindex(pd.Index(np.asarray(sender_ids, dtype=object)))
    return pd.Series(found.to_numpy(), index=range(len(found)))


def _newcomer(chat: Chat, msgs: pd.DataFrame, sender_codes, sender_ids, cfg: SpamConfig):
    n = len(msgs)
    if not n:
        return np.zeros(0, bool), np.zeros(0, np.int64), np.zeros(0, "datetime64[ns]")
    ts = msgs[TIMESTAMP]
    join = _join_times(chat, sender_ids)
    first_seen = ts.groupby(sender_codes).min()
    log_start = chat.messages[TIMESTAMP].min()
    late = first_seen >= log_start + pd.Timedelta(days=cfg.newcomer_days)
    start = join.where(join.notna(), first_seen.where(late))
    start_per_msg = pd.to_datetime(start.reindex(sender_codes).to_numpy())
    after = (ts.to_numpy() >= start_per_msg) & ~pd.isna(start_per_msg)
    rank = pd.Series(after.astype(np.int64)).groupby(sender_codes).cumsum().to_numpy() - 1
    hit = after & (rank < cfg.newcomer_messages)
    return hit, rank, start_per_msg


def _hit_and_run(chat: Chat, msgs: pd.DataFrame, sender_codes, sender_ids, cfg: SpamConfig):
    """(hit, machine detail, detail code, params ``start, left, minutes`` as arrays) per
    message (see :data:`DETAIL_CODES`)."""
    n = len(msgs)
    span = np.full(n, None, dtype=object)
    code = np.full(n, "", dtype=object)
    params = {"start": np.full(n, None, dtype=object), "left": np.full(n, None, dtype=object),
              "minutes": np.zeros(n, dtype=np.int64)}
    hit = np.zeros(n, dtype=bool)
    leaves = chat.messages[chat.messages[KIND] == "leave"]
    if not n or not len(leaves):
        return hit, span, code, params
    ts = msgs[TIMESTAMP]
    first = ts.groupby(sender_codes).min()
    last = ts.groupby(sender_codes).max()
    join = _join_times(chat, sender_ids)
    code_of = pd.Series(range(len(sender_ids)), index=pd.Index(sender_ids, dtype=object))
    lv = pd.DataFrame({"code": leaves[SENDER_ID].astype(object).map(code_of),
                       "ts": leaves[TIMESTAMP].to_numpy()}).dropna()
    lv["code"] = lv["code"].astype(np.int64)
    lv = lv[lv["ts"].to_numpy() >= last.reindex(lv["code"]).to_numpy()]
    leave = lv.groupby("code")["ts"].min()
    if not len(leave):
        return hit, span, code, params
    start = first.copy()
    joined = join.reindex(first.index)
    use_join = joined.notna() & (joined <= first)
    start[use_join] = joined[use_join]
    dur = (leave - start.reindex(leave.index)).dt.total_seconds() / 60
    runners = dur[dur <= cfg.hit_and_run_minutes]
    if not len(runners):
        return hit, span, code, params
    rows = np.flatnonzero(np.isin(sender_codes, runners.index.to_numpy()))
    hit[rows] = True
    # Per runner, then spread to their messages (vectorised).
    joined = use_join.reindex(runners.index).fillna(False).to_numpy(bool)
    start_text = pd.DatetimeIndex(start.reindex(runners.index)).strftime("%Y-%m-%d %H:%M").to_numpy(dtype=object)
    left_text = pd.DatetimeIndex(leave.reindex(runners.index)).strftime("%H:%M").to_numpy(dtype=object)
    minutes = np.round(runners.to_numpy(dtype=float)).astype(np.int64)  # half to even, as "{:.0f}"
    machine = (np.where(joined, "join=", "first=").astype(object) + start_text + ", leave=" + left_text
               + " (" + minutes.astype(str).astype(object) + " min)")
    at = pd.Index(runners.index).get_indexer(sender_codes[rows])
    span[rows] = machine[at]
    code[rows] = np.where(joined, "detail.hit_and_run.joined", "detail.hit_and_run.first_spoke")[at]
    params["start"][rows] = start_text[at]
    params["left"][rows] = left_text[at]
    params["minutes"][rows] = minutes[at]
    return hit, span, code, params


def _name_ads(msgs: pd.DataFrame, sender_codes, lexicon: Lexicon, allowlisted, shorteners,
              cfg: SpamConfig):
    """(hit, machine detail, ``names`` parameter) per message (see :data:`DETAIL_CODES`)."""
    n = len(msgs)
    hit = np.zeros(n, dtype=bool)
    detail = np.full(n, None, dtype=object)
    names_param = np.full(n, None, dtype=object)
    if not n:
        return hit, detail, names_param
    name_enc = pc.dictionary_encode(as_large_string(msgs[SENDER]))
    name_codes = name_enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    pair = np.unique(sender_codes * (len(name_enc.dictionary) + 1) + name_codes)
    pair_sender = pair // (len(name_enc.dictionary) + 1)
    pair_name = pair % (len(name_enc.dictionary) + 1)
    views = normalise(name_enc.dictionary)
    res = content_checks(views, lexicon, allowlisted=allowlisted, shorteners=shorteners,
                         stylised_min=cfg.stylised_min, emoji_min=cfg.emoji_min,
                         emoji_share=cfg.emoji_share)
    names = name_enc.dictionary.to_pylist()
    parts: dict[int, list[str]] = {}
    found: dict[int, list[dict]] = {}
    for check, hits in res.hits.items():
        if not (check.startswith("lexicon.") or check == "contact_obfuscated"):
            continue
        idx = np.flatnonzero(hits.hit)
        for i, params in zip(idx.tolist(), hits.params_at(idx), strict=True):  # one per ad-like name
            parts.setdefault(i, []).append(f"{check} {hits.detail[i]}")
            found.setdefault(i, []).append({"check": check, "detail": hits.detail[i],
                                            "detail_code": hits.code or "", "detail_params": params})
    if not parts:
        return hit, detail, names_param
    bad = np.isin(pair_name, np.fromiter(parts, dtype=np.int64))
    text = np.array([f"{names[i]!r}: {'; '.join(parts[i])}" for i in pair_name[bad]], dtype=object)
    keys, joined = join_groups(pair_sender[bad], text, "; ")
    _, lists = collect_groups(pair_sender[bad], [{"name": names[i], "hits": found[i]} for i in pair_name[bad]])
    rows = np.flatnonzero(np.isin(sender_codes, keys))
    hit[rows] = True
    at = np.searchsorted(keys, sender_codes[rows])  # keys are sorted
    detail[rows] = np.asarray(joined, dtype=object)[at]
    names_param[rows] = _objects(lists)[at]
    return hit, detail, names_param


def _new_domains(content: ContentResult, codes, sender_codes, allowlisted, cfg: SpamConfig):
    n = len(codes)
    hit = np.zeros(n, dtype=bool)
    detail = np.full(n, None, dtype=object)
    domains = np.full(n, None, dtype=object)
    links = content.domains
    if not len(links) or not n:
        return hit, detail, domains
    rows = np.flatnonzero(np.isin(codes, links["code"].to_numpy()))
    frame = pd.DataFrame({"row": rows, "code": codes[rows], "sender": sender_codes[rows]})
    frame = frame.merge(links, on="code")
    senders = frame.groupby("domain")["sender"].nunique()
    allowed = {d: domain_in(d, allowlisted) for d in senders.index}
    frame["members"] = frame["domain"].map(senders).to_numpy()
    frame["allowed"] = frame["domain"].map(allowed).to_numpy(bool)
    new = frame[~frame["allowed"] & (frame["members"] < cfg.familiar_domain_senders)]
    if len(new):
        text = (new["domain"] + "=" + new["members"].astype(str)).to_numpy(dtype=object)
        keys, joined = join_groups(new["row"].to_numpy(), text, ", ")
        hit[keys] = True
        detail[keys] = joined
        pairs = [[d, m] for d, m in zip(new["domain"].tolist(), new["members"].astype(int).tolist(), strict=True)]
        keys, lists = collect_groups(new["row"].to_numpy(), pairs)
        domains[keys] = _objects(lists)
    return hit, detail, domains


def _behaviour_details(name: str, rows: np.ndarray, info: dict,
                       cfg: SpamConfig) -> tuple[np.ndarray, np.ndarray | str, dict[str, Any]]:
    """(machine detail, detail code, parameters) of a behaviour check for the given rows
    (where it fired); a parameter is an array over ``rows`` or a scalar shared by all."""
    k = len(rows)
    if name == "repeat_self":
        times = info["self_times"][rows]
        count, hours = _num(cfg.repeat_self_count), _num(cfg.repeat_self_hours)
        text = times.astype(str).astype(object) + f"x ({count}+/{_g(hours)}h)"
        return text, "detail.repeat_self", {"times": times, "count": count, "hours": hours}
    if name == "repeat_cross":
        members = info["cross_members"][rows]
        shared = info["shared_handle"][rows]
        out = np.full(k, "", dtype=object)
        many = members >= cfg.repeat_cross_senders
        out[many] = "text=" + members[many].astype(str).astype(object)
        has = np.array([bool(x) for x in shared], dtype=bool)
        both = many & has
        out[both] = out[both] + "; "
        out[has] = out[has] + shared[has].astype(str)
        handles = info["shared_params"][rows]
        handles = _objects([h if h is not None else [] for h in handles.tolist()])
        members_param = _objects([int(m) if ok else None for m, ok in zip(members.tolist(), many.tolist(),
                                                                           strict=True)])
        return out, "detail.repeat_cross", {"members": members_param, "handles": handles}
    if name == "flood":
        messages, seconds = _num(cfg.flood_messages), _num(cfg.flood_seconds)
        return (np.full(k, f"{messages}/{_g(seconds)}s", dtype=object), "detail.flood",
                {"messages": messages, "seconds": seconds})
    if name == "newcomer":
        rank = info["newcomer_rank"][rows] + 1
        joined = pd.DatetimeIndex(info["join_ts"][rows]).strftime("%Y-%m-%d %H:%M").to_numpy(dtype=object)
        return "#" + rank.astype(str).astype(object) + " (" + joined + ")", "detail.newcomer", \
            {"n": rank, "joined": joined}
    if name == "established":
        before = info["clean_before"][rows]
        return before.astype(str).astype(object), "detail.established", {"n": before}
    if name == "hit_and_run":
        params = {key: values[rows] for key, values in info["run_params"].items()}
        return info["run_span"][rows].astype(str), info["run_code"][rows], params
    if name == "name_ad":
        return info["name_detail"][rows].astype(str), "detail.name_ad", {"names": info["name_params"][rows]}
    return (info["domain_detail"][rows].astype(str), "detail.new_domain",
            {"domains": info["domain_params"][rows]})


def _row_params(k: int, where: np.ndarray, params: dict[str, Any]) -> np.ndarray:
    """Object array of ``k`` cells: a parameter dict at ``where`` (positions; ``params`` holds
    arrays over ``where`` or shared scalars), None elsewhere."""
    out = np.full(k, None, dtype=object)
    if len(where):
        arrays = {key: (np.asarray(v, dtype=object) if isinstance(v, np.ndarray) else _objects([v] * len(where)))
                  for key, v in params.items()}
        out[where] = _objects(param_dicts(arrays, np.arange(len(where))))
    return out


def _check_rows(result: SpamResult, rows: np.ndarray, *, include_misses: bool) -> pd.DataFrame:
    """Long table (row, check, family, hit, points, detail, detail_code, detail_params) for
    the given message rows: ``detail`` the machine text, ``detail_code`` '' or one of
    :data:`DETAIL_CODES`, ``detail_params`` a dict where there is a code, else None."""
    st = result._state
    content: ContentResult = st["content"]
    codes = st["codes"][rows]
    w = st["weights"]
    cfg = result.config
    k = len(rows)
    parts: list[pd.DataFrame] = []
    for order, info_ in enumerate(st["infos"]):
        name = info_.name
        code: np.ndarray | str = ""
        params = np.full(k, None, dtype=object)
        if name in content.hits:
            hits = content.hits[name]
            fired = hits.hit[codes]
            detail = np.where(fired, hits.detail[codes], "")
            if hits.code is not None:
                where = np.flatnonzero(fired)
                code = np.where(fired, hits.code, "").astype(object)
                params[where] = _objects(hits.params_at(codes[where]))
        elif name == "model_nb":
            probs = st["model"]
            if probs is None:
                fired = np.zeros(k, dtype=bool)
                detail = np.full(k, "-", dtype=object)
                code = "detail.no_model"
                params = _objects([{} for _ in range(k)])
            else:
                p = probs[codes]
                fired = p >= cfg.model_threshold
                need = fired | include_misses
                model = st["model_obj"]
                found = [model.explain_params(st["views"].compact[int(c)].as_py(), q) if f else None
                         for c, q, f in zip(codes, p, need, strict=True)]
                detail = np.array([_model_text(x) if x is not None else "" for x in found], dtype=object)
                code = np.where(need, "detail.model_nb", "").astype(object)
                params = _objects(found)
        elif name in st["beh"]:
            fired = st["beh"][name][rows]
            detail = np.full(k, "", dtype=object)
            if fired.any():
                where = np.flatnonzero(fired)
                text, row_code, row_params = _behaviour_details(name, rows[where], st["info"], cfg)
                detail[where] = text
                code = np.full(k, "", dtype=object)
                code[where] = row_code
                params = _row_params(k, where, row_params)
        else:
            continue
        keep = slice(None) if include_misses else fired
        part = pd.DataFrame({"row": rows[keep], "order": order, "check": name, "family": info_.family or "",
                             "hit": fired[keep], "points": np.where(fired[keep], _points(w, name), 0.0),
                             "detail": np.asarray(detail, dtype=object)[keep],
                             "detail_code": np.broadcast_to(np.asarray(code, dtype=object), (k,))[keep],
                             "detail_params": params[keep]})
        if len(part):
            parts.append(part)
    cols = ["row", "check", "family", "hit", "points", "detail", "detail_code", "detail_params"]
    if not parts:
        return pd.DataFrame(columns=cols)
    table = pd.concat(parts, ignore_index=True)
    # family caps: one extra line per capped family, so the points still add up
    for prefix, cap in (("contact.", w["contact_cap"]), ("lexicon.", w["lexicon_cap"])):
        part = table[table["check"].str.startswith(prefix)]
        total = part.groupby("row")["points"].sum()
        over = total[total > cap]
        if len(over):
            table = pd.concat([table, pd.DataFrame({
                "row": over.index.to_numpy(), "order": len(st["infos"]) + (prefix == "lexicon."),
                "check": prefix[:-1] + "_cap", "family": "", "hit": True,
                "points": cap - over.to_numpy(),
                "detail": f"<={_g(cap)}", "detail_code": f"detail.{prefix[:-1]}_cap",
                "detail_params": _objects([{"cap": _num(cap)} for _ in range(len(over))])})], ignore_index=True)
    table = table.sort_values(["row", "order"], kind="stable")
    if include_misses:
        miss = ~table["hit"].to_numpy(bool)
        table.loc[miss, "detail"] = table.loc[miss, "detail"].replace("", "-")
    return table[cols].reset_index(drop=True)


def _model_text(params: dict) -> str:
    """The machine detail of ``detail.model_nb``: ``p=0.97; 刷单, 日结``."""
    return f"p={params['p']:.2f}" + (f"; {', '.join(params['bigrams'])}" if params["bigrams"] else "")


def _evidence(messages: pd.DataFrame, evidence: np.ndarray, content: ContentResult,
              codes: np.ndarray, keys: pa.Array, d_template: np.ndarray) -> pd.DataFrame:
    rows = np.flatnonzero(evidence)
    cols = ["msg_id", "timestamp", "sender_id", "sender", "verdict", "score", "template", "handles"]
    if not len(rows):
        return pd.DataFrame(columns=cols)
    d = codes[rows]
    key_text = np.asarray(pc.take(keys, pa.array(d)).to_pylist(), dtype=object)
    key_text[d_template[d] < 0] = None
    frame = messages.iloc[rows][["msg_id", "timestamp", "sender_id", "sender", "verdict", "score"]].copy()
    frame["template"] = key_text
    frame["handles"] = [content.handles.get(c, []) for c in d.tolist()]
    return frame.reset_index(drop=True)[cols]
