"""The analysis window: ``--since``, ``--until``, ``--last 30d``.

Every figure is computed over a window and "as of" its end, never "now", so the same log
gives the same answer next year. ``--last`` counts back from the end of the log (the last
record's time), or from ``--until`` when given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pandas as pd

from analysis.errors import OptionError
from analysis.schema import TIMESTAMP, Chat

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|d|w|m|y)\s*$", re.IGNORECASE)
_UNIT_DAYS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30, "y": 365}


@dataclass(frozen=True)
class Window:
    """A half-open time range ``[start, end)`` of naive wall-clock times."""

    start: pd.Timestamp
    """First instant included."""
    end: pd.Timestamp
    """First instant excluded; "as of" for days-silent and the like."""

    @property
    def days(self) -> float:
        """Length in days."""
        return (self.end - self.start) / pd.Timedelta(days=1)


def parse_duration(text: str) -> pd.Timedelta:
    """``30d``, ``12w``, ``6m`` (30-day months), ``1y`` (365 days), ``48h`` -> Timedelta.

    Raises:
        OptionError: not of that form, or longer than pandas can count (about 292 years).
    """
    match = _DURATION.match(text)
    if not match:
        raise OptionError(f"--last {text!r} is not a duration", hint="use e.g. 30d, 12w, 6m, 1y or 48h")
    try:
        return pd.Timedelta(days=float(match.group(1)) * _UNIT_DAYS[match.group(2).lower()])
    except (OverflowError, ValueError):  # pandas' OutOfBoundsTimedelta is a ValueError
        raise OptionError(f"--last {text!r} is too long", hint="use at most 292y (about 106,000 days)") from None


def parse_when(text: str, option: str) -> pd.Timestamp:
    """A date or date-time given on the command line.

    Raises:
        OptionError: not a date.
    """
    try:
        ts = pd.Timestamp(text)
    except (ValueError, TypeError):
        raise OptionError(f"{option} {text!r} is not a date", hint="use e.g. 2024-03-01 or '2024-03-01 18:00'") from None
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts


def resolve_window(
    chat: Chat,
    since: str | pd.Timestamp | None = None,
    until: str | pd.Timestamp | None = None,
    last: str | pd.Timedelta | None = None,
) -> Window:
    """The window the user asked for, defaulting to the whole log.

    ``until`` is exclusive; a bare date means midnight starting that day, so
    ``--until 2024-04-01`` stops at the end of March. Without ``until`` the window ends
    just after the last record. ``last`` counts back from the window's end.

    Raises:
        OptionError: ``since`` and ``last`` together, or an empty/backwards window.
    """
    if since is not None and last is not None:
        raise OptionError("--since and --last cannot be used together", hint="keep one of them")
    times = chat.messages[TIMESTAMP]
    log_start = times.min() if len(times) else pd.Timestamp("1970-01-01")
    log_end = times.max() + pd.Timedelta(seconds=1) if len(times) else log_start
    end = parse_when(until, "--until") if isinstance(until, str) else (until or log_end)
    if last is not None:
        span = parse_duration(last) if isinstance(last, str) else last
        try:
            start = end - span
        except (OverflowError, ValueError):  # before 1677: pandas' OutOfBoundsDatetime
            raise OptionError(f"--last {last} reaches back before the year 1677",
                              hint="use a shorter --last") from None
    elif since is not None:
        start = parse_when(since, "--since") if isinstance(since, str) else since
    else:
        start = min(log_start, end)
    if start >= end and len(times):
        raise OptionError(f"the window {start} .. {end} is empty", hint="check --since/--until/--last")
    return Window(start=pd.Timestamp(start), end=pd.Timestamp(end))


def clip(chat: Chat, window: Window) -> Chat:
    """A copy of ``chat`` holding only the records inside ``window``."""
    times = chat.messages[TIMESTAMP]
    keep = (times >= window.start) & (times < window.end)
    return replace(chat, messages=chat.messages[keep].reset_index(drop=True))
