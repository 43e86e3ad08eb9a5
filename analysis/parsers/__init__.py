"""The registry of export formats, content detection, and :func:`read_log`.

Each export format is one module in this package exposing ``FORMAT``, a :class:`LogFormat`
with a content sniffer and a parser. ``_MODULES`` below is the only list of formats:
adding a format means one new module plus one line here. :class:`LogFormat` and
:class:`ParseOptions` live in :mod:`analysis.logformat` (format modules import them from
there, not from this package) and are re-exported here.
"""

from __future__ import annotations

import csv
import importlib
import os
from pathlib import Path

from analysis.errors import (
    AuditError,
    GroupChoiceError,
    InputError,
    OptionError,
    ParseError,
    StrictModeError,
    UnknownFormatError,
)
from analysis.logformat import (
    STREAM_MAX_BYTES,
    WHOLE_FILE_MAX_BYTES,
    LogFormat,
    ParseOptions,
    default_max_bytes,
)
from analysis.notes import note
from analysis.schema import Chat
from analysis.source import EncodingRetry, Source

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


def export_extensions() -> tuple[str, ...]:
    """Every file name ending some format's export comes in (:attr:`LogFormat.extensions`),
    sorted: what a folder walk picks up."""
    return tuple(sorted({ext for fmt in FORMATS for ext in fmt.extensions}))


def sidecar_names() -> frozenset[str]:
    """Every file name some format declares as travelling beside its export without being
    one (:attr:`LogFormat.sidecars`): a folder walk never picks these up on their own."""
    return frozenset(name for fmt in FORMATS for name in fmt.sidecars)


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
        max_bytes: refuse inputs larger than this; None: the format's default
            (:func:`default_max_bytes`), 0: no limit.
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
    source.limit = default_max_bytes(fmt) if max_bytes is None else (max_bytes or None)
    if max_bytes is None:
        source.check_size(source.limit, "file is" if not source.is_dir else "the folder's JSON files are",
                          why=f"the default for {fmt.name}, which "
                              + ("streams" if fmt.streams else "reads the whole file into memory"))
    chats = _parse(fmt, source, options)
    for chat in chats:
        _note_odd_characters(chat)
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


def _note_odd_characters(chat: Chat) -> None:
    """Warn about texts holding NUL (damage: kept as it stands) or U+0085 NEL, which no chat
    exporter writes as a line break but some tools show as one (kept inside the text: if the
    file used it to end lines, the messages after it are merged into one)."""
    from analysis.schema import LINE, TEXT

    texts = chat.messages[TEXT] if TEXT in chat.messages else None
    if texts is None or not len(texts):
        return
    def first_line(char: str) -> tuple[int, int]:
        hit = texts.str.contains(char, regex=False).fillna(False).to_numpy(dtype=bool)
        lines = chat.messages[LINE][hit].dropna()
        return int(hit.sum()), int(lines.min()) if len(lines) else 0

    n, line = first_line("\x00")
    if n:
        chat.warnings.append(note("parse.nul_in_text", n=n, line=line))
    n, line = first_line("\x85")
    if n:
        chat.warnings.append(note("parse.nel_in_text", n=n, line=line))


class UnreadableError(ParseError):
    """A parser met something it did not expect and raised an untyped exception (a bug to
    report, or damage no check foresaw). :func:`read_chats` raises this instead, so a command
    shows one line; the original exception is its ``__cause__`` (``--debug`` shows it).
    The fuzz tests fail on it: every damage they make must be handled by the parsers."""


def _parse(fmt: LogFormat, source: Source, options: ParseOptions) -> list[Chat]:
    """``fmt.parse``, started again when a streamed block shows the encoding guess was wrong,
    with every failure turned into a typed error.

    UTF-8 falls back to GB18030, and GB18030 to "invalid bytes replaced" (which cannot fail),
    so at most three attempts are made.

    Raises:
        ParseError: JSON nested too deeply for Python, or a CSV field past the csv module's
            limit (damaged or hostile files); :class:`UnreadableError` for anything else
            unexpected.
        InputError: out of memory (with the size and ``--max-bytes``).
    """
    try:
        for _ in range(2):
            try:
                return fmt.parse(source, options)
            except EncodingRetry:
                continue
        return fmt.parse(source, options)
    except AuditError:
        raise
    except RecursionError:
        raise ParseError(f"nested too deeply to read as {fmt.name}", path=source.name,
                         hint="the file is damaged or not an export; check --log-format") from None
    except csv.Error as exc:
        raise ParseError(f"CSV error reading it as {fmt.name}: {exc}", path=source.name,
                         hint="the file is damaged or not an export; check --log-format") from None
    except MemoryError:
        raise InputError(f"ran out of memory reading {source.size:,} bytes as {fmt.name}", path=source.name,
                         hint="use a machine with more memory, lower --max-bytes to fail early, or split "
                              "the export by date") from None
    except Exception as exc:
        detail = (str(exc).splitlines() or [""])[0][:200]  # the error is shown as one line
        raise UnreadableError(f"could not read it as {fmt.name}: {type(exc).__name__}: {detail}",
                              path=source.name,
                              hint="check --log-format; if it is a real export, rerun with --debug and "
                                   "report it") from exc


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
    "STREAM_MAX_BYTES",
    "WHOLE_FILE_MAX_BYTES",
    "FORMAT_NAMES",
    "LogFormat",
    "ParseOptions",
    "UnreadableError",
    "choose_group",
    "default_max_bytes",
    "detect_format",
    "export_extensions",
    "get_format",
    "read_chats",
    "read_log",
    "sidecar_names",
]
