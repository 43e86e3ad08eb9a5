"""The Typer app, its one error boundary, and the list of commands."""

from __future__ import annotations

import functools
import logging
import signal
import sys
import threading
from collections.abc import Callable
from typing import Annotated, Any

import typer

from analysis.errors import AuditError, ConfigError, GroupChoiceError
from cli import state
from cli.exit_codes import ExitCode

app = typer.Typer(
    name="community-audit",
    help=(
        "Audit exported group-chat logs (QQ, WeChat, Telegram, WhatsApp, Discord, Slack, LINE): "
        "who is active, who is silent, what is spam, what the group talks about.\n\n"
        "Data goes to stdout; progress, warnings and errors to stderr."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"community-audit {version('community-audit')}")
        except PackageNotFoundError:
            typer.echo("community-audit (not installed)")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show a full traceback on errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what the library does, on stderr.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Audit exported group-chat logs."""
    state.debug = debug
    if verbose:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGPIPE"):
        # `community-audit parse x.txt -f csv | head` closes the pipe early; the default
        # handler ends us quietly instead of a BrokenPipeError traceback.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def error_boundary(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one line on stderr and a documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except KeyboardInterrupt:
            state.err_console().print("Interrupted.")
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except (ConfigError, GroupChoiceError) as exc:
            if state.debug:
                raise
            state.print_error(str(exc))
            raise typer.Exit(ExitCode.USAGE) from None
        except AuditError as exc:
            if state.debug:
                raise
            state.print_error(str(exc))
            raise typer.Exit(ExitCode.ERROR) from None
        except OSError as exc:
            if state.debug:
                raise
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            state.print_error(f"{where}{exc.strerror or exc}")
            raise typer.Exit(ExitCode.ERROR) from None
        except Exception as exc:  # the last resort: never a traceback without --debug
            if state.debug:
                raise
            state.print_error(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)")
            raise typer.Exit(ExitCode.ERROR) from None

    return wrapper


# One module per command, each exposing NAME, HELP and command(); listed in help order.
_COMMANDS = ("report_cmd", "batch_cmd", "members_cmd", "spam_cmd", "topics_cmd", "parse_cmd", "formats_cmd")


def _flags_without_placeholder() -> None:
    """Typer shows ``<bool>`` after every flag in the help (``--no-bom <bool>``), as if it took
    a value; a flag takes none, so its type column stays empty. Options with values keep theirs."""
    from typer.core import TyperOption

    shown = getattr(TyperOption, "display_type_rich", None)
    if shown is None or getattr(shown, "_flags_fixed", False):
        return

    def display_type_rich(self, ctx):
        return None if getattr(self, "is_flag", False) and self.metavar is None else shown(self, ctx)

    display_type_rich._flags_fixed = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich


def _register() -> None:
    import importlib

    for name in _COMMANDS:
        module = importlib.import_module(f"cli.{name}")
        app.command(name=module.NAME, help=module.HELP)(error_boundary(module.command))


_flags_without_placeholder()
_register()
