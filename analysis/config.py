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


@dataclass(frozen=True)
class MembersConfig:
    """``[members]``: member tiers."""

    dormant_days: int = 30
    """A member who spoke before but not in the last N days of the window is dormant
    (the issue's default: one month without a word)."""


@dataclass(frozen=True)
class EventsConfig:
    """``[events]``: red packets, check-ins, newcomers."""


@dataclass(frozen=True)
class SpamConfig:
    """``[spam]``: ad and flood detection."""


@dataclass(frozen=True)
class TopicsConfig:
    """``[topics]``: keywords, concentration, on-topic ratio."""


@dataclass(frozen=True)
class HealthConfig:
    """``[health]``: the 0-100 score's thresholds and weights."""


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


def load_config(path: str | Path | None = None, *, cwd: Path | None = None) -> Config:
    """Read the configuration.

    Args:
        path: an explicit file (``--config``); it must exist.
        cwd: where to look for ``community-audit.toml`` when ``path`` is None
            (default: the current folder). A missing default file means all defaults.

    Raises:
        ConfigError: unreadable file, TOML syntax error, unknown key, wrong type.
    """
    if path is None:
        candidate = (cwd or Path.cwd()) / DEFAULT_CONFIG_NAME
        if not candidate.is_file():
            return Config()
        path = candidate
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
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
