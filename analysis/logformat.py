"""What an export format is: :class:`LogFormat`, the options a reader takes (:class:`ParseOptions`)
and the default size limits.

Every format module in :mod:`analysis.parsers` imports these from here, not from the package
that loads it, so the registry has no import cycle. Importable without pandas: nothing from
:mod:`analysis.parsers` or :mod:`analysis.schema` is imported at run time (the type hints name
``Source`` and ``Chat`` under ``TYPE_CHECKING`` only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.schema import Chat
    from analysis.source import Source


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
    streams: bool = False
    """True when the parser reads the input in blocks, so its memory follows the size of the
    result; False when it holds the whole decoded file (and per-line or per-record Python
    objects) at once. Decides the default size limit (:func:`default_max_bytes`)."""
    extensions: tuple[str, ...] = ()
    """File name endings this export comes in, lower-case with the dot (``('.txt',)``,
    ``('.csv', '.tsv')``; ``.zip`` where the exporter writes zips). A folder walk picks up the
    files whose names end in one of any format's endings (:func:`analysis.parsers.export_extensions`);
    detection still goes by content."""
    sidecars: frozenset[str] = frozenset()
    """File names (lower-case) that travel beside this export but are not one: PyWxDump's
    ``users.json``, Slack's channel and user lists, QCE's ``manifest.json``. A folder walk never
    picks them up on their own (:func:`analysis.parsers.sidecar_names`)."""
    folder: bool = False
    """True when the export can be a folder read as one export (Slack workspace, QCE chunked
    export)."""


STREAM_MAX_BYTES = 512 * 1024 * 1024
"""Default size limit for formats that stream. Measured peak memory is 3-8x the file size
(mostly the message table itself; ``test_peak_memory_per_format`` in
tests/benchmarks/bench_fuzz.py), so 512 MiB stays under about 4.5 GB."""
WHOLE_FILE_MAX_BYTES = 128 * 1024 * 1024
"""Default size limit for formats that read the whole file: measured peak memory is 11-34x
the file size (decoded text, per-line or per-record objects, then the table), so 128 MiB stays
under about 4.5 GB. Either limit is lifted with ``max_bytes`` (``--max-bytes``; 0: none)."""


def default_max_bytes(fmt: LogFormat) -> int:
    """The size limit that applies to ``fmt`` when the caller gives none."""
    return STREAM_MAX_BYTES if fmt.streams else WHOLE_FILE_MAX_BYTES


__all__ = [
    "STREAM_MAX_BYTES",
    "WHOLE_FILE_MAX_BYTES",
    "LogFormat",
    "ParseOptions",
    "default_max_bytes",
]
