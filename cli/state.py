"""Process-wide CLI state (the --debug flag) and the stderr console.

Every line printed here goes through :func:`cli.output.printable`: messages quote names and
texts from the log, and an escape sequence there must not act on the terminal.
"""

from __future__ import annotations

import functools

from rich.console import Console
from rich.markup import escape as _escape_markup

debug: bool = False


@functools.cache
def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def escape(text: str) -> str:
    """``text`` safe for a Rich line on stderr: controls and bidi made visible, markup escaped."""
    from cli.output import printable  # here: cli.output loads pandas

    return _escape_markup(printable(text))


def err_console() -> Console:
    """The console for progress, warnings and errors (stderr)."""
    return _stderr()


def print_error(message: str) -> None:
    """One line on stderr: ``Error: <what> (<how to fix>)``."""
    err_console().print(f"[bold red]Error:[/] {escape(message)}")


def print_note(message: str) -> None:
    """An informational line on stderr."""
    err_console().print(escape(message), style="dim")


def print_warning(message: str, lang: str = "en") -> None:
    """A warning line on stderr (``Warning:`` or ``警告：``)."""
    from cli.catalogue import say

    err_console().print(f"[yellow]{escape(say('prefix.warning', lang))}[/]{escape(message)}")
