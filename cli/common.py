"""What most commands do first: load the config, read the log, report coverage, clip the window."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.config import Config, load_config
from analysis.errors import OptionError
from analysis.parsers import ParseOptions, read_log
from analysis.schema import Chat
from analysis.window import Window, clip, resolve_window
from cli import state
from cli.catalogue_parse import coverage_line


def parse_columns(spec: str | None) -> dict[str, str] | None:
    """``'timestamp=Time,sender=User'`` -> ``{'timestamp': 'Time', 'sender': 'User'}``."""
    if not spec:
        return None
    mapping = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise OptionError(f"--columns part {part!r} is not canonical=FileColumn",
                              hint="e.g. --columns timestamp=Time,sender=User,text=Message")
        mapping[key.strip()] = value.strip()
    return mapping


def parse_date(text: str | None):
    """``--date`` value as a date, or None."""
    if not text:
        return None
    import datetime

    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise OptionError(f"--date {text!r} is not a date", hint="use YYYY-MM-DD") from None


@dataclass
class Loaded:
    """A log read for a command: the chat clipped to the window, the window, the config."""

    chat: Chat
    window: Window
    config: Config
    full: Chat
    """The chat before clipping (first_seen and tiers may look before the window)."""


def load(
    log: str,
    *,
    log_format: str | None = None,
    tz: str | None = None,
    group: str | None = None,
    columns: str | None = None,
    dayfirst: bool | None = None,
    date: str | None = None,
    strict: bool = False,
    max_bytes: int | None = None,
    config_path: Path | None = None,
    since: str | None = None,
    until: str | None = None,
    last: str | None = None,
    quiet: bool = False,
) -> Loaded:
    """Read ``log`` with the common options and print the coverage line on stderr."""
    config = load_config(config_path)
    options = ParseOptions(
        tz=tz or config.general.tz,
        columns=parse_columns(columns),
        dayfirst=dayfirst,
        date=parse_date(date),
    )
    chat = read_log(log, log_format, group=group, options=options, strict=strict, max_bytes=max_bytes)
    if not quiet:
        report_coverage(chat)
    window = resolve_window(chat, since=since, until=until, last=last)
    return Loaded(chat=clip(chat, window), window=window, config=config, full=chat)


def report_coverage(chat: Chat) -> None:
    """Print the one-line coverage summary and any unparsed lines (a few) on stderr."""
    state.print_note(f"{chat.source}: {coverage_line(chat)}")
    for item in chat.unparsed[:5]:
        state.print_warning(f"{chat.source}:{item.line}: not understood: {item.text[:80]!r}")
    if chat.unparsed_count > 5:
        state.print_warning(f"... and {chat.unparsed_count - 5} more lines not understood "
                            "(community-audit parse --unparsed lists them all)")
