"""One way in: open a log the way every command and every batch task needs it.

:func:`open_logs` reads an export (config fallback for the time zone, parse options, the
``--roster`` merge, the window) and returns one :class:`OpenedLog` per conversation;
:func:`open_log` picks one (``group``). The options a user can give about *reading* a log are
one object, :class:`InputOptions`; ``cli/options.py`` adds them to every command that reads a
log from that one declaration, so ``report``, ``members``, ``spam``, ``topics``, ``parse`` and
``batch`` accept the same ones.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from analysis.config import Config, load_config
from analysis.errors import OptionError
from analysis.notes import Note, note
from analysis.schema import Chat
from analysis.window import Window, clip, resolve_window


@dataclass(frozen=True)
class InputOptions:
    """How to read a log and which part of it to audit (every field optional).

    Strings are accepted where the command line gives strings (``date``, ``columns``,
    ``since``, ``until``, ``last``) and checked by :func:`open_logs`.
    """

    log_format: str | None = None
    """Force the input format by name (``--log-format``); detected from content when None."""
    tz: str | None = None
    """Time zone for absolute timestamps (``--tz``); ``[general] tz`` of the config when None."""
    group: str | None = None
    """Which conversation of a file that holds several (``--group``)."""
    columns: Mapping[str, str] | str | None = None
    """Generic CSV/TSV/JSONL column mapping, a mapping or ``'timestamp=Time,sender=User'``."""
    dayfirst: bool | None = None
    """Date order for formats that cannot tell (WhatsApp)."""
    date: datetime.date | str | None = None
    """The date of a log whose lines carry only times (chatlog text), ``YYYY-MM-DD``."""
    strict: bool = False
    """Fail when any non-blank line is not understood."""
    max_bytes: int | None = None
    """Refuse larger inputs; None: the format's default; 0: no limit."""
    roster: str | None = None
    """A member-list CSV (``--roster``) merged into the export's own roster."""
    config: str | None = None
    """The TOML config file (``--config``); ``./community-audit.toml`` when present otherwise."""
    since: str | None = None
    """Window start (inclusive)."""
    until: str | None = None
    """Window end (exclusive)."""
    last: str | None = None
    """Only the last span of the log (``30d``, ``12w``), counted back from its end or ``until``."""

    def fingerprint(self) -> dict[str, object]:
        """The options as plain data (for cache keys)."""
        return {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in dataclasses.asdict(self).items()}


@dataclass
class OpenedLog:
    """A log read for an analysis: the whole chat, the window and the config in force."""

    chat: Chat
    """The whole conversation (history before the window feeds first-seen, dormancy, baselines),
    with ``--roster`` merged into its roster."""
    window: Window
    """The window to audit."""
    config: Config
    """The configuration in force (``--config``, ``./community-audit.toml`` or the defaults)."""
    assumptions: tuple[Note, ...] = field(default=())
    """What was assumed while reading: the parser's warnings plus the loader's own
    (``open.tz_from_config``, ``open.roster_merged``)."""

    @cached_property
    def clipped(self) -> Chat:
        """The chat holding only the records inside the window."""
        return clip(self.chat, self.window)


def parse_date(text: datetime.date | str | None) -> datetime.date | None:
    """``--date`` as a date.

    Raises:
        OptionError: not ``YYYY-MM-DD``.
    """
    if text is None or isinstance(text, datetime.date):
        return text
    if not text.strip():
        return None
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise OptionError(f"--date {text!r} is not a date", hint="use YYYY-MM-DD") from None


def parse_columns(spec: Mapping[str, str] | str | None) -> dict[str, str] | None:
    """``'timestamp=Time,sender=User'`` -> ``{'timestamp': 'Time', 'sender': 'User'}``.

    Raises:
        OptionError: a part is not ``canonical=FileColumn``.
    """
    if spec is None or isinstance(spec, Mapping):
        return dict(spec) if spec else None
    if not spec.strip():
        return None
    mapping = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise OptionError(f"--columns part {part!r} is not canonical=FileColumn",
                              hint="e.g. --columns timestamp=Time,sender=User,text=Message")
        mapping[key.strip()] = value.strip()
    return mapping


def check_tz(tz: str | None, option: str = "--tz") -> str | None:
    """``--tz`` (or the config's ``[general] tz``) checked against the IANA zone database,
    also for formats whose times are naive and would ignore it.

    Raises:
        OptionError: not a zone name.
    """
    if tz is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise OptionError(f"{option} {tz!r} is not a time zone",
                          hint="use an IANA name such as Asia/Shanghai, Europe/Berlin or UTC") from None
    return tz


def check_max_bytes(max_bytes: int | None) -> None:
    """``--max-bytes`` checked: None (the format's default), 0 (no limit) or a positive size.

    Raises:
        OptionError: negative.
    """
    if max_bytes is not None and max_bytes < 0:
        raise OptionError(f"--max-bytes {max_bytes} is negative", hint="give a size in bytes, or 0 for no limit")


def check_options(options: InputOptions) -> None:
    """Everything about ``options`` that can be checked without a log (dates, durations,
    the column mapping, the format name, the roster file), so ``batch`` fails once with a
    usage error instead of once per file.

    Raises:
        OptionError, InputError, ParseError.
    """
    from analysis.window import parse_duration, parse_when

    check_tz(options.tz)
    check_max_bytes(options.max_bytes)
    parse_date(options.date)
    parse_columns(options.columns)
    if options.log_format:
        from analysis.parsers import get_format

        get_format(options.log_format)
    if options.since is not None and options.last is not None:
        raise OptionError("--since and --last cannot be used together", hint="keep one of them")
    for value, name in ((options.since, "--since"), (options.until, "--until")):
        if value is not None:
            parse_when(value, name)
    if options.last is not None:
        parse_duration(options.last)
    if options.roster:
        from analysis.roster import read_roster

        read_roster(options.roster)


def resolve_config(options: InputOptions, config: Config | None = None) -> Config:
    """The config given, else ``options.config``, else ``./community-audit.toml``, else defaults."""
    if config is not None:
        return config
    return load_config(Path(options.config) if options.config else None)


def open_logs(
    path: str | os.PathLike[str],
    options: InputOptions | None = None,
    config: Config | None = None,
) -> list[OpenedLog]:
    """Read every conversation of an export, each with its window.

    ``options.group`` is ignored here (see :func:`open_log`); a window option that leaves a
    conversation empty is an error for that conversation only when it is the one chosen.

    Raises:
        the typed errors of :func:`analysis.parsers.read_chats`, :class:`OptionError` for
        a bad option, :class:`analysis.errors.ParseError` for a bad roster.
    """
    options = options or InputOptions()
    config = resolve_config(options, config)
    chats, roster = read_conversations(path, options, config)
    return [open_chat(chat, options, config, roster) for chat in chats]


def open_log(
    path: str | os.PathLike[str],
    options: InputOptions | None = None,
    config: Config | None = None,
) -> OpenedLog:
    """Read one conversation (``options.group`` picks it from a file holding several).

    Raises:
        GroupChoiceError: several conversations and no (or an unknown) ``group``;
        plus everything :func:`open_logs` raises.
    """
    from analysis.parsers import choose_group

    options = options or InputOptions()
    config = resolve_config(options, config)
    chats, roster = read_conversations(path, options, config)
    return open_chat(choose_group(chats, options.group, str(path)), options, config, roster)


def read_conversations(path: str | os.PathLike[str], options: InputOptions, config: Config):
    """The first half of :func:`open_logs`: every conversation read, and the ``--roster``
    frame (None without one), windows not yet resolved (``batch`` resolves each group's
    window on its own, so one group's empty window fails that group only).
    """
    from analysis.parsers import ParseOptions, read_chats

    check_tz(options.tz)
    if options.tz is None:
        check_tz(config.general.tz, "the config's [general] tz")
    check_max_bytes(options.max_bytes)
    parse_options = ParseOptions(tz=options.tz or config.general.tz, columns=parse_columns(options.columns),
                                 dayfirst=options.dayfirst, date=parse_date(options.date))
    roster = None
    if options.roster:
        from analysis.roster import read_roster

        roster = read_roster(options.roster)
    chats = read_chats(path, options.log_format, options=parse_options, strict=options.strict,
                       max_bytes=options.max_bytes)
    return chats, roster


def open_chat(chat: Chat, options: InputOptions, config: Config, roster=None) -> OpenedLog:
    """The second half of :func:`open_logs` for one conversation: roster merge and window.

    Raises:
        OptionError: the window options are inconsistent or leave nothing.
    """
    assumed: list[Note] = list(chat.warnings)
    if options.tz is None and config.general.tz:
        assumed.append(note("open.tz_from_config", tz=config.general.tz))
    if roster is not None:
        from analysis.roster import merge_roster

        chat = dataclasses.replace(chat, roster=merge_roster(chat.roster, roster))
        assumed.append(note("open.roster_merged", members=len(roster)))
    window = resolve_window(chat, since=options.since, until=options.until, last=options.last)
    return OpenedLog(chat=chat, window=window, config=config, assumptions=tuple(assumed))


__all__ = ["InputOptions", "OpenedLog", "check_max_bytes", "check_options", "check_tz", "open_chat", "open_log", "open_logs", "parse_columns", "parse_date",
           "read_conversations", "resolve_config"]
