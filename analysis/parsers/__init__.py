"""The registry of export formats, content detection, and :func:`read_log`.

Each export format is one module in this package exposing ``FORMAT``, a :class:`LogFormat`
with a content sniffer and a parser. ``_MODULES`` below is the only list of formats:
adding a format means one new module plus one line here.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from analysis.errors import (
    GroupChoiceError,
    OptionError,
    StrictModeError,
    UnknownFormatError,
)
from analysis.schema import Chat
from analysis.source import EncodingRetry, Source


@dataclass(frozen=True)
class ParseOptions:
    """Choices a user can make about how an export is read (all optional)."""

    tz: str | None = None
    """IANA zone that absolute times (Unix time, ISO with offset) are converted to;
    each format documents its default when this is None."""
    columns: Mapping[str, str] | None = None
    """Generic CSV/TSV/JSONL: canonical column -> the file's column name."""
    dayfirst: bool | None = None
    """Formats with ambiguous dates (WhatsApp): force day-first (True) or month-first (False)."""
    date: date | None = None
    """Formats whose text has no date (chatlog text for one day): the date of the messages."""
    extra: Mapping[str, str] = field(default_factory=dict)
    """Format-specific switches (e.g. ``channel`` for Slack)."""


@dataclass(frozen=True)
class LogFormat:
    """One supported export format."""

    name: str
    """Stable id used by ``--log-format`` and in ``Chat.format`` (e.g. ``qq-txt``)."""
    platform: str
    """qq, wechat, telegram, whatsapp, discord, slack, line or generic."""
    title: str
    """Human name, e.g. "QQ message manager TXT export"."""
    how_to_export: str
    """How an operator produces this file in the app or tool."""
    sniff: Callable[[Source], bool]
    """True when the content is this format (looks at ``source.head()`` only, or a zip's names)."""
    parse: Callable[[Source, ParseOptions], list[Chat]]
    """Read the whole source into one Chat per conversation."""


# Each module exposes FORMAT (one LogFormat) or FORMATS (a tuple, for a tool that writes
# several related files). Detection requires exactly one sniffer to claim each sample
# (tests/parsers/test_registry.py), so sniffers must be mutually exclusive; the order
# only matters for speed, and generic_table (the fallback for mapped CSVs) stays last.
_MODULES: tuple[str, ...] = (
    "qq_txt",
    "qce_json",
    "memotrace_txt",
    "memotrace_csv",
    "pywxdump",
    "chatlog",
    "wechatexporter_txt",
    "weflow_json",
    "telegram_json",
    "whatsapp_txt",
    "discord",
    "slack_export",
    "line_txt",
    "generic_table",
)


def _load() -> tuple[LogFormat, ...]:
    formats: list[LogFormat] = []
    for mod in _MODULES:
        module = importlib.import_module(f"analysis.parsers.{mod}")
        found = getattr(module, "FORMATS", None)
        formats.extend(found if found is not None else (module.FORMAT,))
    return tuple(formats)


FORMATS: tuple[LogFormat, ...] = _load()
"""Every supported export format, in detection order."""

FORMAT_NAMES: tuple[str, ...] = tuple(f.name for f in FORMATS)


def get_format(name: str) -> LogFormat:
    """Look a format up by name.

    Raises:
        OptionError: unknown name (the message lists the supported ones).
    """
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise OptionError(f"unknown log format {name!r}; supported: {', '.join(FORMAT_NAMES)}")


def detect_format(source: Source) -> LogFormat:
    """The first format whose sniffer claims ``source``.

    Raises:
        UnknownFormatError: no sniffer claimed it; the message lists the formats and names
            ``--log-format``.
    """
    for fmt in FORMATS:
        if fmt.sniff(source):
            return fmt
    raise UnknownFormatError(
        "not a chat export this tool recognises",
        path=source.name,
        hint=f"pass --log-format, one of: {', '.join(FORMAT_NAMES)}; 'community-audit formats' lists them",
    )


def read_chats(
    path: str | os.PathLike[str],
    log_format: str | None = None,
    *,
    options: ParseOptions | None = None,
    strict: bool = False,
    max_bytes: int | None = None,
    encoding: str | None = None,
) -> list[Chat]:
    """Read every conversation in an export file.

    Args:
        path: the export file (or folder, for folder-shaped exports); ``-`` for stdin.
        log_format: force the input format by name; detected from content when None.
        options: format options (time zone, column mapping, date order...).
        strict: raise :class:`StrictModeError` if any non-blank line was not understood.
        max_bytes: refuse inputs larger than this.
        encoding: force the text encoding instead of detecting it.

    Returns:
        One :class:`Chat` per conversation, in file order.

    Raises:
        InputError, UnknownFormatError, ParseError, OptionError, StrictModeError.
    """
    options = options or ParseOptions()
    source = Source.open(path, max_bytes=max_bytes, encoding=encoding)
    if log_format:
        fmt = get_format(log_format)
    elif options.columns:
        from analysis.parsers.generic_table import mapping_format

        fmt = get_format(mapping_format(source.head()))
    else:
        fmt = detect_format(source)
    try:
        chats = fmt.parse(source, options)
    except EncodingRetry:
        chats = fmt.parse(source, options)
    for chat in chats:
        chat.format = fmt.name
        chat.platform = chat.platform or fmt.platform
        chat.source = source.name
        chat.encoding = chat.encoding or source.encoding
        if not chat.group:
            chat.group = Path(source.name).stem if source.name != "-" else "stdin"
    if strict:
        for chat in chats:
            if chat.unparsed:
                first = chat.unparsed[0]
                raise StrictModeError(
                    f"{chat.unparsed_count} line(s) not understood, first: {first.text[:60]!r}",
                    path=source.name, line=first.line,
                    hint="drop --strict to keep going, or check --log-format")
    return chats


def read_log(
    path: str | os.PathLike[str],
    log_format: str | None = None,
    tz: str | None = None,
    *,
    group: str | None = None,
    options: ParseOptions | None = None,
    strict: bool = False,
    max_bytes: int | None = None,
    encoding: str | None = None,
) -> Chat:
    """Read one conversation from an export file.

    A file holding several conversations needs ``group`` (the name as listed in the
    error message); a file with one conversation ignores a ``group`` that matches it.

    Raises:
        GroupChoiceError: several conversations and no (or an unknown) ``group``.
        plus everything :func:`read_chats` raises.
    """
    if tz is not None:
        options = ParseOptions(**{**(options.__dict__ if options else {}), "tz": tz})
    chats = read_chats(path, log_format, options=options, strict=strict,
                       max_bytes=max_bytes, encoding=encoding)
    return choose_group(chats, group, str(path))


def choose_group(chats: list[Chat], group: str | None, name: str) -> Chat:
    """Pick one conversation by name from ``chats``.

    Raises:
        GroupChoiceError: no conversation, several and none chosen, or an unknown name.
    """
    if not chats:
        raise UnknownFormatError("the export holds no conversation", path=name)
    if group is None:
        if len(chats) == 1:
            return chats[0]
        raise GroupChoiceError(
            f"the file holds {len(chats)} conversations: {_list_groups(chats)}",
            path=name, hint="pick one with --group NAME, or audit them all with 'community-audit batch'")
    matches = [c for c in chats if c.group == group]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise GroupChoiceError(f"{len(matches)} conversations are named {group!r}", path=name,
                               hint="audit them all with 'community-audit batch'")
    raise GroupChoiceError(f"no conversation named {group!r}; found: {_list_groups(chats)}", path=name)


def _list_groups(chats: list[Chat]) -> str:
    names = [repr(c.group) for c in chats[:10]]
    more = f" and {len(chats) - 10} more" if len(chats) > 10 else ""
    return ", ".join(names) + more


__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
    "LogFormat",
    "ParseOptions",
    "choose_group",
    "detect_format",
    "get_format",
    "read_chats",
    "read_log",
]
