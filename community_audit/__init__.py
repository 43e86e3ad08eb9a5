"""community-audit as a library: read chat exports and audit them, in a few names.

    from community_audit import read_log, audit
    chat = read_log("sample_logs/qq_txt/study_group.txt")
    report = audit(chat)
    report.health.score, report.activity.lifecycle.stage

    from community_audit import open_log, InputOptions
    opened = open_log("group.txt", InputOptions(last="30d", roster="members.csv"))
    report = audit(opened.chat, opened.config, window=opened.window)

    from community_audit import run_batch
    result = run_batch(["exports/"], recursive=True)
    result.rows  # one row per group

What the library says to people leaves it as codes (:class:`Note`); the command line words
them (``cli/catalogue.py``). Nothing here prints, exits or touches the network; errors are
typed (:class:`AuditError` and its subclasses in ``analysis.errors``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "read_log": "analysis.parsers",
    "read_chats": "analysis.parsers",
    "FORMATS": "analysis.parsers",
    "LogFormat": "analysis.logformat",
    "ParseOptions": "analysis.logformat",
    "open_log": "analysis.loading",
    "open_logs": "analysis.loading",
    "InputOptions": "analysis.loading",
    "OpenedLog": "analysis.loading",
    "audit": "analysis.report",
    "anonymize_report": "analysis.report",
    "summary_row": "analysis.report",
    "AuditReport": "analysis.report",
    "Recommendation": "analysis.report",
    "run_batch": "analysis.batch",
    "BatchOptions": "analysis.batch",
    "BatchResult": "analysis.batch",
    "Chat": "analysis.schema",
    "Config": "analysis.config",
    "load_config": "analysis.config",
    "Window": "analysis.window",
    "resolve_window": "analysis.window",
    "Note": "analysis.notes",
    "AuditError": "analysis.errors",
    "analyse_activity": "analysis.activity",
    "analyse_members": "analysis.members",
    "detect_spam": "analysis.spam",
    "analyze_topics": "analysis.topics",
    "analyse_events": "analysis.events",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from analysis.activity import analyse_activity
    from analysis.batch import BatchOptions, BatchResult, run_batch
    from analysis.config import Config, load_config
    from analysis.errors import AuditError
    from analysis.events import analyse_events
    from analysis.loading import InputOptions, OpenedLog, open_log, open_logs
    from analysis.logformat import LogFormat, ParseOptions
    from analysis.members import analyse_members
    from analysis.notes import Note
    from analysis.parsers import FORMATS, read_chats, read_log
    from analysis.report import AuditReport, Recommendation, anonymize_report, audit, summary_row
    from analysis.schema import Chat
    from analysis.spam import detect_spam
    from analysis.topics import analyze_topics
    from analysis.window import Window, resolve_window


def __getattr__(name: str) -> Any:
    # Imported on first use, so `import community_audit` stays cheap.
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'community_audit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
