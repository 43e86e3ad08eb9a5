"""Exit codes: a documented contract (README, "Exit codes")."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What the process's exit status means."""

    OK = 0
    """Success."""
    ERROR = 1
    """The input could not be read or parsed (batch: some inputs failed, the rest were audited)."""
    USAGE = 2
    """Bad options, a bad config file, or a choice the user must make (--group)."""
    THRESHOLD = 3
    """A --fail-under health threshold was crossed."""
    INTERRUPTED = 130
    """Interrupted with Ctrl-C (128 + SIGINT)."""
