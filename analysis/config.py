"""The configuration file: ``--config FILE``, else ``community-audit.toml`` in the working folder.

The file is TOML with one table per section below. Every key is optional; a missing key
keeps its documented default. An unknown section or key, or a value of the wrong type,
is a :class:`ConfigError` naming ``[section] key``.

Each analyser owns one section class here; add a field with its default and a docstring
that says where the default comes from.
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT_CONFIG_NAME = "community-audit.toml"


@dataclass(frozen=True)
class GeneralConfig:
    """``[general]``: reading and presentation."""

    tz: str | None = None
    """IANA zone for absolute timestamps (Telegram, Discord, Slack, QCE JSON); None = the
    format's default (Asia/Shanghai for QQ/WeChat, UTC elsewhere)."""
    lang: str = "auto"
    """Report language: auto (from the log's main language), zh or en."""


@dataclass(frozen=True)
class GroupConfig:
    """``[group]``: what the operator knows about the group."""

    theme: list[str] = field(default_factory=list)
    """Theme keywords (e.g. ["跑步", "配速", "马拉松"]); empty = proposed from the top keywords."""
    owners: list[str] = field(default_factory=list)
    """sender_ids of the group owner(s)."""
    admins: list[str] = field(default_factory=list)
    """sender_ids of admins; their posts count toward the announcement-board share."""
    allowlist: list[str] = field(default_factory=list)
    """sender_ids never judged spammers (bots you run, partners)."""


@dataclass(frozen=True)
class ActivityConfig:
    """``[activity]``: activity, threads and lifecycle."""

    thread_gap_minutes: float = 30.0
    """A silence longer than this starts a new conversation thread (the issue's default;
    30 minutes is the usual session gap in chat analytics)."""
    response_window_hours: float = 24.0
    """A message by someone else at most this long after a thread's first message is its
    first response (the issue's 24-hour rule for answering newcomers, applied to threads)."""
    question_patterns: list[str] = field(default_factory=lambda: [
        r"[?？]", r"[吗嘛呢么][\s。.!！~～]*$", "请问", "怎么", "为什么", "为啥", "如何",
        "有没有", "有谁", "谁知道", "哪里", "哪个", "能不能", "可以吗",
    ])
    """Regular expressions (any one matches) marking a text message as question-like: a
    question mark, a sentence-final 吗/嘛/呢/么, or a common Chinese question word. Our
    list of ordinary interrogative markers; tune it per group."""
    mau_days: int = 30
    """Trailing days in "monthly active" for DAU/MAU stickiness (the usual 30-day MAU)."""
    peak_hours: int = 3
    """How many of the busiest hours of the day to report as peak hours (our choice: a
    morning, lunch and evening peak fit in three)."""
    lifecycle_metric: str = "messages"
    """Weekly series the lifecycle stage is judged on: "messages" or "speakers"."""
    new_days: int = 28
    """A group whose first record is fewer than this many days before the window end is
    "new": four complete weeks are the least that gives a 2-week recent period and a
    2-week baseline."""
    dead_days: int = 14
    """No human message in this many days before the window end = "dead" (our choice:
    two full weeks of silence; operators' guides say abandoned groups die within weeks)."""
    recent_weeks: int = 2
    """Weeks (counted back from the window end) averaged as the recent level."""
    baseline_weeks: int = 8
    """Complete weeks before the recent ones whose median is the group's own baseline
    (about two months)."""
    growing_ratio: float = 1.3
    """Recent / baseline at or above this = "growing" (our choice: +30% is beyond the
    ordinary week-to-week swing of a chat group)."""
    declining_ratio: float = 0.7
    """Recent / baseline at or below this = "declining" (our choice: -30%)."""


@dataclass(frozen=True)
class MembersConfig:
    """``[members]``: member tiers."""

    dormant_days: int = 30
    """A member who spoke before but not in the last N days of the window is dormant
    (the issue's default: one month without a word)."""
    core_message_share: float = 0.5
    """Core = the fewest members (by messages in the window) who together wrote this share
    of the messages (the issue's example; the CHAOSS bus/absence factor uses 50%)."""
    core_day_share: float = 0.5
    """... or a member who spoke on at least this share of the window's days (the issue's
    example: active on at least half the days)."""
    active_week_share: float = 0.5
    """Active = spoke in at least this share of the window's weeks (weeks counted back from
    the window end); fewer = occasional (our choice: a regular is there every other week)."""


@dataclass(frozen=True)
class EventsConfig:
    """``[events]``: red packets, check-ins, newcomers."""

    red_packet_minutes: float = 30.0
    """Red-packet lift compares the messages and speakers this many minutes after a packet
    with the same span before it (the issue's default; PEERS §3.11 uses 30/60 min)."""
    checkin_patterns: list[str] = field(default_factory=lambda: [
        "打卡", "签到", r"(?i)\bday\s*\d+", r"第\s*[0-9零一二三四五六七八九十百]+\s*天", "接龙",
    ])
    """Regular expressions (any one matches) marking a text message as a check-in: 打卡,
    签到, "Day N", 第N天 and 接龙 lists (the issue's list)."""
    newcomer_days: int = 7
    """A newcomer is activated when they speak within this many days of joining (the
    issue's 7 days; social.plus's 7-day retained new senders)."""
    newcomer_answer_hours: float = 24.0
    """A newcomer's first message counts as answered if someone responds within this many
    hours (the issue's 24 hours)."""


@dataclass(frozen=True)
class SpamConfig:
    """``[spam]``: ad and flood detection (analysis/spam; README "What the numbers mean")."""

    spam_threshold: float = 4.0
    """A message is spam at this score or more AND with two kinds of evidence (or one strong
    check). 4 = a contact handle (3) plus anything else: SPAM.md §4.2 puts the spam tier at
    "two independent families"; the points are scaled so one family alone stays below it."""
    suspect_threshold: float = 3.0
    """Score for the "suspect" tier (reported, never counted as spam): one contact handle,
    or two lexicon categories (SPAM.md §4.2's 3-4 "suspect" band)."""
    weights: dict[str, float] = field(default_factory=dict)
    """Points per check name, overriding the defaults in analysis/spam/scoring.py
    (DEFAULT_WEIGHTS, from SPAM.md §4.2), e.g. {"contact.link" = 1, "lexicon.adult" = 3}.
    The keys "contact_cap" and "lexicon_cap" cap a family's total."""
    extra_words: dict[str, list[str]] = field(default_factory=dict)
    """Extra solicitation words per lexicon category (a new name adds a category), e.g.
    {job = ["代刷"], cheats = ["外挂", "辅助"]}. Added to the shipped
    analysis/spam/data/lexicon.toml."""
    allowlisted_domains: list[str] = field(default_factory=list)
    """Link domains (and their subdomains) that are never evidence, added to the shipped list
    in analysis/spam/data/domains.toml (WeChat articles, bilibili, zhihu, github ...)."""
    shorteners: list[str] = field(default_factory=list)
    """Extra URL-shortener domains, added to the shipped list in data/domains.toml."""
    stylised_min: int = 3
    """Stylised (full-width, mathematical, circled) letters/digits for obfuscated_text: one or
    two appear in ordinary typing (a full-width Ｖ); three in a row is a disguise (SPAM.md §4.2)."""
    emoji_min: int = 6
    """Emoji + decorative symbols for the weak emoji check: SPAM.md §4.2 ("> 5 Unicode emoji");
    tg-spam's 2 flags ordinary chats (tg-spam #17)."""
    emoji_share: float = 0.2
    """... and at least this share of the visible characters, so a long post with a few emoji
    does not count (our choice)."""
    template_min_chars: int = 10
    """Repeated-template checks only look at texts with at least this many characters after
    normalisation; short greetings repeat naturally (SPAM.md §4.4)."""
    repeat_self_count: int = 3
    """repeat_self: the same template this many times from one member ... (SPAM.md §4.4,
    tg-spam's duplicates threshold)."""
    repeat_self_hours: float = 24.0
    """... within this many hours (SPAM.md §4.4: 24 h for one sender)."""
    repeat_cross_senders: int = 3
    """repeat_cross: the same template from at least this many members (SPAM.md §4.4); the
    same contact handle from 2 or more members counts as well."""
    flood_messages: int = 12
    """flood: this many messages from one member ... (LingBot's anti-flood, SPAM.md §1.6)."""
    flood_seconds: float = 15.0
    """... within this many seconds (LingBot: 12 messages in 15 s)."""
    newcomer_messages: int = 3
    """newcomer: a member's first N messages after joining (tg-spam's first-messages idea,
    SPAM.md §4.5 uses the first 3)."""
    newcomer_days: float = 7.0
    """Without a join event or roster date, a member first seen at least this many days after
    the log starts is treated as having joined then (a week keeps regulars who were simply
    quiet at the start from counting; our choice)."""
    hit_and_run_minutes: float = 60.0
    """hit_and_run: joined (or first spoke) and left within this many minutes (SPAM.md §4.6:
    leaves within 60 min)."""
    established_messages: int = 30
    """A member with this many clean messages before a message is established and gets the
    "established" credit; an established member with one spam message is not a spammer
    (SPAM.md §4.2: >= 30 messages)."""
    familiar_domain_senders: int = 3
    """new_domain: a link domain shared by fewer members than this in the log is new to the
    group (SPAM.md §4.3: a domain shared by >= 3 members is the group's own)."""
    model_threshold: float = 0.9
    """With --model, the Naive Bayes booster fires at this spam probability or more (SPAM.md
    §4.7: p >= 0.9); it adds points but is never the only kind of evidence."""
    spammer_min_messages: int = 2
    """A member with this many spam messages is a spammer; with one, only if they are not an
    established member (SPAM.md §4.5)."""


@dataclass(frozen=True)
class TopicsConfig:
    """``[topics]``: keywords, concentration, on-topic ratio.

    The theme itself is ``[group] theme`` (or ``--theme``). Paths are relative to the
    working folder.
    """

    top_n: int = 20
    """Keywords reported, and the size of the top sets compared week over week (the issue's
    "top-20")."""
    concentration_top_k: int = 50
    """Keywords whose counts make the distribution for entropy and HHI: wide enough to tell one
    dominant subject from several, narrow enough that the long tail of one-off words (which
    every chat has) does not decide the figure."""
    min_token_chars: int = 2
    """A token needs this many letters (Han characters or Latin letters) to be a term;
    jieba.analyse drops one-character words the same way (they are mostly particles)."""
    stopwords: list[str] = field(default_factory=list)
    """Extra stopwords, added to the shipped Chinese and English lists."""
    stopwords_file: str | None = None
    """A UTF-8 file of extra stopwords, one a line (# comments allowed)."""
    user_dict: str | None = None
    """A jieba user dictionary (``word [freq] [tag]`` a line) for group jargon, names, products."""
    idf_file: str | None = None
    """IDF table (``word idf`` a line, jieba's format) from your own background corpus;
    None = jieba's bundled table (general Chinese web text). Unknown words get its median."""
    tokenizer: str = "auto"
    """auto (rjieba, the jieba-rs binding, when installed, else jieba), jieba or rjieba."""
    cache_dir: str | None = None
    """Folder for the token cache (as ``--cache``); None = no on-disk cache, nothing written."""
    jobs: int = 0
    """Processes that segment text; 0 = all cores (DESIGN.md: jieba is the hot spot)."""
    chitchat_max_chars: int = 2
    """Messages with at most this many characters besides emoji and punctuation are chit-chat
    (嗯, 啊这); three characters can already carry a topic (跑完了)."""
    chitchat_phrases: list[str] = field(default_factory=list)
    """Extra acknowledgement phrases; a message made only of these is chit-chat."""
    proposed_theme_size: int = 5
    """With no theme declared, the top this-many keywords are proposed as the theme (a short
    list keeps the proposal readable and checkable)."""
    expansion_terms: int = 10
    """At most this many co-occurring terms widen the theme (method in analysis/topics)."""
    expansion_min_npmi: float = 0.2
    """A term widens the theme only if its normalised PMI with the theme is at least this
    (0 = independent, 1 = always together); 0.2 keeps clearly associated words only."""
    expansion_min_cooccurrence: int = 3
    """... and it appears in at least this many theme messages (fewer is coincidence)."""
    drift_min_messages: int = 20
    """Weeks with fewer substantive messages are shown but not compared: a top-20 from a
    handful of messages is noise."""
    drift_falls: int = 3
    """How many weeks with the largest fall in theme share are listed."""


@dataclass(frozen=True)
class HealthConfig:
    """``[health]``: the 0-100 score's thresholds and weights.

    Each component scores 100 at its ``*_good`` threshold (or better), 0 at its ``*_poor``
    threshold (or worse), and linearly in between.
    """

    participation_good: float = 0.15
    """Weekly speakers / members at which participation is healthy: operators' rule of thumb
    "weekly 15-25% is healthy" (PEERS.md §1F, Chinese operator practice)."""
    participation_poor: float = 0.05
    """... and at which it scores 0: half of the "below 10% is a 公告板/死群" line (PEERS.md §1F),
    so a group at 10% still scores 50."""
    top10_share_good: float = 0.60
    """Share of messages by the top 10% of speakers that is still healthy: in van Mierlo's
    measured communities the top 10% wrote ~99% (PEERS.md §1F), but a chat group where one
    tenth of speakers writes more than 60% is leaning on a few people."""
    top10_share_poor: float = 0.90
    """... and at which the group is a one-person show (scores 0)."""
    spam_ratio_good: float = 0.01
    """Flagged spam share that is still clean: 1 in 100 messages."""
    spam_ratio_poor: float = 0.10
    """... and at which ads dominate (scores 0): one message in ten."""
    on_topic_good: float = 0.50
    """On-topic share at which a group is clearly about its theme (half of substantive messages)."""
    on_topic_poor: float = 0.15
    """... and at which it has become a 水群 (scores 0)."""
    newcomers_good: float = 0.50
    """Share of newcomers who spoke within 7 days that is healthy: half (social.plus's
    "retained new senders at 7 days", PEERS.md §1F; the level is our judgement)."""
    newcomers_poor: float = 0.10
    """... and at which newcomers join and never speak (scores 0)."""
    unanswered_good: float = 0.20
    """Share of questions nobody answered that is still responsive (one in five)."""
    unanswered_poor: float = 0.60
    """... and at which most questions go unanswered (scores 0)."""
    weight_participation: float = 25.0
    """Weight of participation: the operators' first health signal (PEERS.md §1F)."""
    weight_trend: float = 20.0
    """Weight of the lifecycle stage (growing/stable/declining/dead)."""
    weight_concentration: float = 10.0
    """Weight of dependence on a few members."""
    weight_spam: float = 15.0
    """Weight of spam pressure ("广告满天飞" is the first reason operators give for dead groups)."""
    weight_on_topic: float = 10.0
    """Weight of staying on the theme."""
    weight_newcomers: float = 10.0
    """Weight of newcomer activation."""
    weight_responsiveness: float = 10.0
    """Weight of questions getting answers."""
    flooding_per_person_day: float = 8.0
    """Messages per speaker per active day above which the spam component's evidence warns of
    flooding (刷屏): "more than 8 per person per day suggests 刷屏" (PEERS.md §1F, Chinese
    operator practice). Evidence only; it does not change the score."""
    link_share_risk: float = 0.25
    """Share of members' messages carrying a link above which the spam component's evidence
    warns of ads: "link share above 25% = ad risk" (PEERS.md §1F). Evidence only."""
    fail_under: float | None = None
    """Default for ``--fail-under``: exit 3 when the score is lower. None = never."""


@dataclass(frozen=True)
class Config:
    """The whole configuration; ``Config()`` is every default."""

    general: GeneralConfig = field(default_factory=GeneralConfig)
    group: GroupConfig = field(default_factory=GroupConfig)
    activity: ActivityConfig = field(default_factory=ActivityConfig)
    members: MembersConfig = field(default_factory=MembersConfig)
    events: EventsConfig = field(default_factory=EventsConfig)
    spam: SpamConfig = field(default_factory=SpamConfig)
    topics: TopicsConfig = field(default_factory=TopicsConfig)
    health: HealthConfig = field(default_factory=HealthConfig)


CONFIG_MAX_BYTES = 16 * 1024 * 1024
"""The largest config file read (16 MiB). A real one is a few KiB; the limit keeps
``--config /dev/zero`` or a wrong multi-gigabyte file from being read into memory."""


def read_side_file(path: str | Path, *, limit: int, what: str, error: type[Exception] = ConfigError) -> bytes:
    """The bytes of a side input (config, roster, labels), which must be a regular file of at
    most ``limit`` bytes.

    The file is opened without blocking and checked on the open descriptor, so a FIFO, a
    device (``/dev/zero``) or a folder is refused at once instead of read without end, and
    at most ``limit + 1`` bytes are ever read (a file growing while read is caught too).

    Raises:
        ``error`` (a :class:`~analysis.errors.AuditError`) naming the file: missing, not a
        regular file, unreadable, or larger than ``limit``. FileNotFoundError is raised as is
        (callers word it).
    """
    import os
    import stat

    name = str(path)
    mib = f"{limit / (1024 * 1024):g} MiB"
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        before = os.stat(name)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise error(f"cannot read the {what}: {exc.strerror or exc}", path=name) from None
    if not stat.S_ISREG(before.st_mode):
        raise error(f"the {what} is not a regular file", path=name,
                    hint="give a regular file (not a folder, pipe or device)")
    if before.st_size > limit:
        raise error(f"the {what} is larger than the {mib} limit ({before.st_size:,} bytes)", path=name)
    try:
        fd = os.open(name, flags)
    except OSError as exc:
        raise error(f"cannot read the {what}: {exc.strerror or exc}", path=name) from None
    with open(fd, "rb", closefd=True) as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a pipe or device since the stat
            raise error(f"the {what} is not a regular file", path=name)
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise error(f"cannot read the {what}: {exc.strerror or exc}", path=name) from None
    if len(data) > limit:
        raise error(f"the {what} is larger than the {mib} limit", path=name)
    return data


def load_config(path: str | Path | None = None, *, cwd: Path | None = None) -> Config:
    """Read the configuration.

    Args:
        path: an explicit file (``--config``); it must exist.
        cwd: where to look for ``community-audit.toml`` when ``path`` is None
            (default: the current folder). A missing default file means all defaults.

    Raises:
        ConfigError: unreadable file, not a regular file, larger than :data:`CONFIG_MAX_BYTES`,
            TOML syntax error, unknown key, wrong type.
    """
    if path is None:
        candidate = (cwd or Path.cwd()) / DEFAULT_CONFIG_NAME
        if not candidate.is_file():
            return Config()
        path = candidate
    path = Path(path)
    try:
        data = tomllib.loads(read_side_file(path, limit=CONFIG_MAX_BYTES, what="config").decode("utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError("config file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(path),
                          hint="see the README's configuration section") from None
    return config_from_dict(data, source=str(path))


def config_from_dict(data: dict[str, Any], *, source: str = "config") -> Config:
    """Build a :class:`Config` from a parsed TOML mapping, checking names and types."""
    sections = {f.name: f for f in dataclasses.fields(Config)}
    values: dict[str, Any] = {}
    for name, table in data.items():
        if name not in sections:
            raise ConfigError(f"unknown section [{name}]; known: {', '.join(sections)}", path=source)
        if not isinstance(table, dict):
            raise ConfigError(f"[{name}] must be a table", path=source)
        cls = typing.get_type_hints(Config)[name]
        values[name] = _build_section(name, cls, table, source)
    return Config(**values)


def _build_section(section: str, cls: type, table: dict[str, Any], source: str) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(
                f"unknown key [{section}] {key}; known: {', '.join(sorted(known)) or '(none yet)'}",
                path=source)
        if not _matches(value, hints[key]):
            raise ConfigError(
                f"[{section}] {key} must be {_describe(hints[key])}, got {type(value).__name__} {value!r}",
                path=source)
        if isinstance(value, int) and not isinstance(value, bool) and _base(hints[key]) is float:
            value = float(value)
        kwargs[key] = value
    return cls(**kwargs)


def _base(tp: Any) -> Any:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return tp


def _matches(value: Any, tp: Any) -> bool:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, arg) for arg in typing.get_args(tp))
    if tp is type(None):
        return value is None
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin in (list, tuple):
        (item,) = typing.get_args(tp)[:1] or (Any,)
        return isinstance(value, list) and all(_matches(v, item) for v in value)
    if origin is dict:
        key_t, val_t = typing.get_args(tp)
        return isinstance(value, dict) and all(_matches(v, val_t) for v in value.values())
    if tp is Any:
        return True
    return isinstance(value, tp)


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(tp))
    if origin in (list, tuple):
        return f"a list of {_describe(typing.get_args(tp)[0])}"
    if origin is dict:
        return f"a table of {_describe(typing.get_args(tp)[1])}"
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false",
            type(None): "absent"}.get(tp, getattr(tp, "__name__", str(tp)))


def config_reference() -> str:
    """Markdown listing every section and key with its default and docstring (docs/configuration.md)."""
    import ast
    import inspect

    lines = ["# Configuration reference", "",
             "Every key of `community-audit.toml` (or `--config FILE`), with its default and where the",
             "default comes from. All keys are optional. Generated from `analysis/config.py`",
             "(`python -c \"from analysis.config import config_reference; print(config_reference(), end='')\" > docs/configuration.md`).",
             ""]
    for section in dataclasses.fields(Config):
        cls = typing.get_type_hints(Config)[section.name]
        tree = ast.parse(inspect.getsource(cls))
        body = tree.body[0].body  # type: ignore[attr-defined]
        docs: dict[str, str] = {}
        for node, nxt in zip(body, [*body[1:], None], strict=True):
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                    and isinstance(nxt, ast.Expr) and isinstance(getattr(nxt, "value", None), ast.Constant):
                docs[node.target.id] = " ".join(str(nxt.value.value).split())
        lines += [f"## [{section.name}]", "", " ".join((cls.__doc__ or "").split()), ""]
        fields = dataclasses.fields(cls)
        if not fields:
            lines += ["(no keys yet)", ""]
            continue
        lines += ["| key | default | meaning and source |", "|---|---|---|"]
        defaults = cls()
        for f in fields:
            value = getattr(defaults, f.name)
            shown = "(none)" if value is None else repr(value) if not isinstance(value, (list, tuple, dict)) or len(repr(value)) < 60 else f"{type(value).__name__} of {len(value)}"
            lines.append(f"| `{f.name}` | `{shown}` | {docs.get(f.name, '').replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)
