"""What every command that reads a log does first: open it (one library call), settle the
language, and say on stderr what was read."""

from __future__ import annotations

from analysis.language import resolve_lang
from analysis.loading import InputOptions, OpenedLog, open_log
from cli import state
from cli.catalogue import say
from cli.catalogue_parse import coverage_line
from cli.options import lang_of


def open_for_command(log: str, inputs: InputOptions, lang: str = "auto", *,
                     quiet: bool = False) -> tuple[OpenedLog, str]:
    """:func:`analysis.loading.open_log`, the language (``--lang``, else the config, else the
    log's own), then the coverage line on stderr in that language (unless ``quiet``)."""
    lang_of(lang)
    opened = open_log(log, inputs)
    lang = resolve_lang(lang, opened.config, opened.chat)
    if not quiet:
        report_coverage(opened, lang)
    return opened, lang


def report_coverage(opened: OpenedLog, lang: str = "en") -> None:
    """Print the one-line coverage summary and any unparsed lines (a few) on stderr."""
    chat = opened.chat
    state.print_note(f"{chat.source}: {coverage_line(chat, lang)}")
    for item in opened.assumptions:
        if item.code.startswith("open."):
            state.print_note(say(item, lang))
    for item in chat.unparsed[:5]:
        state.print_warning(say("coverage.not_understood", lang, where=f"{chat.source}:{item.line}",
                                text=repr(item.text[:80])), lang)
    if chat.unparsed_count > 5:
        state.print_warning(say("coverage.more_not_understood", lang, n=chat.unparsed_count - 5), lang)
