"""Options shared by several commands, declared once.

Every command that reads a log gets the same input options (:data:`INPUT_OPTIONS`, one
per field of :class:`analysis.loading.InputOptions`) from :func:`reads_log`; ``--lang``,
``-o`` and ``--no-bom`` are declared here too, and each command's ``-f`` is an Enum of the
formats it writes (:func:`choose_format` picks one, :func:`dispatch` calls its writer).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from analysis.loading import InputOptions

LOG_HELP = "The exported chat log (any supported export; '-' reads standard input)."

LogArg = Annotated[str, typer.Argument(help=LOG_HELP, metavar="LOG")]

LogFormatOpt = Annotated[
    str | None,
    typer.Option("--log-format", help="Force the INPUT export format (e.g. qq-txt); "
                 "detected from content otherwise. See 'community-audit formats'.",
                 rich_help_panel="Input"),
]
TzOpt = Annotated[
    str | None,
    typer.Option("--tz", help="Time zone for absolute timestamps, e.g. Asia/Shanghai or UTC.",
                 rich_help_panel="Input"),
]
GroupOpt = Annotated[
    str | None,
    typer.Option("--group", help="Which conversation to read from a file that holds several "
                 "(QQ 'all messages' export, Telegram full export).", rich_help_panel="Input"),
]
ColumnsOpt = Annotated[
    str | None,
    typer.Option("--columns", help="Generic CSV/TSV/JSONL: map canonical columns to the file's, "
                 "e.g. 'timestamp=Time,sender=User,text=Message'.", rich_help_panel="Input"),
]
DayfirstOpt = Annotated[
    bool | None,
    typer.Option("--dayfirst/--monthfirst", help="Date order when the log cannot decide (WhatsApp).",
                 show_default=False, rich_help_panel="Input"),
]
DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="The date of a log whose lines carry only times (chatlog text), e.g. 2025-03-01.",
                 rich_help_panel="Input"),
]
StrictOpt = Annotated[
    bool,
    typer.Option("--strict", help="Fail (exit 1) if any non-blank line is not understood.",
                 rich_help_panel="Input"),
]
MaxBytesOpt = Annotated[
    int | None,
    typer.Option("--max-bytes", help="Refuse inputs larger than this many bytes (default: 512 MiB for "
                 "formats read in blocks, 128 MiB for formats read whole; 0 = no limit).", rich_help_panel="Input"),
]
RosterOpt = Annotated[
    Path | None,
    typer.Option("--roster", help="Member list CSV with a header id,name,role,joined: members who never "
                 "spoke, roles and join dates the export lacks.", dir_okay=False, rich_help_panel="Input"),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="TOML configuration file (default: ./community-audit.toml if present).",
                 dir_okay=False, rich_help_panel="Input"),
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="Start of the window (inclusive), e.g. 2024-03-01.", rich_help_panel="Window"),
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help="End of the window (exclusive), e.g. 2024-04-01.", rich_help_panel="Window"),
]
LastOpt = Annotated[
    str | None,
    typer.Option("--last", help="Only the last span of the log, e.g. 30d, 12w, 6m, 1y; counted back "
                 "from the log's end (or --until), never from today.", rich_help_panel="Window"),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file instead of stdout (format from the "
                 "extension when -f is not given). Written atomically; never the input file.",
                 dir_okay=False, rich_help_panel="Output"),
]
NoBomOpt = Annotated[
    bool,
    typer.Option("--no-bom", help="Do not start a .csv file with a UTF-8 BOM (the BOM lets Excel show Chinese).",
                 rich_help_panel="Output"),
]
LangOpt = Annotated[
    str,
    typer.Option("--lang", help="Language of what people read (tables, md, html, advice): auto (the "
                 "log's main language), zh or en. JSON keys and codes and CSV headers never change.",
                 rich_help_panel="Output"),
]

INPUT_OPTIONS: dict[str, Any] = {
    "log_format": (LogFormatOpt, None),
    "tz": (TzOpt, None),
    "group": (GroupOpt, None),
    "columns": (ColumnsOpt, None),
    "dayfirst": (DayfirstOpt, None),
    "date": (DateOpt, None),
    "strict": (StrictOpt, False),
    "max_bytes": (MaxBytesOpt, None),
    "roster": (RosterOpt, None),
    "config": (ConfigOpt, None),
    "since": (SinceOpt, None),
    "until": (UntilOpt, None),
    "last": (LastOpt, None),
}
"""Every input option as ``name -> (annotation, default)``: the fields of
:class:`analysis.loading.InputOptions`, in help order."""

F = TypeVar("F", bound=Callable[..., Any])


def reads_log(func: F) -> F:
    """Give a command every input option: the parameter named ``inputs`` of ``func`` is
    replaced by the options of :data:`INPUT_OPTIONS`, which reach ``func`` as one
    :class:`InputOptions`."""
    signature = inspect.signature(func, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "inputs"]
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
             for name, (annotation, default) in INPUT_OPTIONS.items()]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name, default) for name, (_, default) in INPUT_OPTIONS.items()}
        for name in ("roster", "config"):
            values[name] = str(values[name]) if values[name] is not None else None
        return func(*args, inputs=InputOptions(**values), **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[
        *[p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in own],
        *[p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in added]])  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
              ".parquet": "parquet", ".md": "md", ".html": "html", ".htm": "html", ".txt": "table"}
"""Output format implied by ``-o``'s extension when ``-f`` is not given."""

E = TypeVar("E", bound=Enum)


def format_option(formats: type[Enum], default: Enum) -> Any:
    """The ``-f/--format`` option of a command that writes ``formats``."""
    names = ", ".join(f.value for f in formats)
    return Annotated[formats | None, typer.Option(
        "--format", "-f", help=f"Output format: {names} (default {default.value}; from -o's extension).",
        case_sensitive=False, show_default=False, rich_help_panel="Output")]


def choose_format(fmt: E | None, output: Path | None, default: E) -> E:
    """The output format: ``-f`` if given, else from ``-o``'s extension, else ``default``.

    Raises:
        OptionError: ``-o``'s extension names a format this command does not write.
    """
    from analysis.errors import OptionError

    if fmt is not None:
        return fmt
    if output is None:
        return default
    implied = EXTENSIONS.get(output.suffix.lower())
    if implied is None:
        return default
    try:
        return type(default)(implied)
    except ValueError:
        allowed = ", ".join(f.value for f in type(default))
        raise OptionError(f"this command writes {allowed}, not {implied!r} (from -o {output.name})",
                          hint="pick one with -f") from None


def lang_of(lang: str) -> str:
    """``--lang`` checked: auto, zh or en."""
    from analysis.errors import OptionError

    if lang not in ("auto", "zh", "en"):
        raise OptionError(f"--lang {lang!r} is not one of auto, zh, en")
    return lang


def check_fail_under(value: float | None) -> float | None:
    """``--fail-under`` checked: a finite number (``nan`` would never fail, ``inf`` always)."""
    import math

    from analysis.errors import OptionError

    if value is not None and not math.isfinite(value):
        raise OptionError(f"--fail-under {value} is not a score", hint="give a number such as 60")
    return value


def check_anonymize_key(key: str | None) -> str | None:
    """``--anonymize-key`` checked: not empty or blank (that would be a key anyone can guess)."""
    from analysis.errors import OptionError

    if key is not None and not key.strip():
        raise OptionError("--anonymize-key is empty", hint="give a secret, or use --anonymize for a random one")
    return key
