"""``-f csv --section NAME``: one table of the report, with stable snake_case headers."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.errors import OptionError
from analysis.members import member_table
from analysis.report import AuditReport, summary_row
from cli.catalogue import say_all
from cli.output import csv_text
from cli.render.view import spam_frames
from cli.words import localise_members

SECTIONS = ("summary", "health", "members", "spam", "activity", "topics")
"""CSV sections (``--section``)."""


def render(report: AuditReport, *, section: str = "summary", **_: Any) -> str:
    """The CSV text of one section."""
    return csv_text(section_frame(report, section))


def section_frame(report: AuditReport, section: str) -> pd.DataFrame:
    """The table behind ``-f csv --section SECTION``."""
    if section == "summary":
        return pd.DataFrame([summary_row(report)])
    if section == "health":
        return pd.DataFrame([{"component": c.name, "raw": c.raw, "band": c.band, "score": c.score,
                              "weight": c.weight, "evidence": say_all(c.evidence, report.lang)}
                             for c in report.health.components])
    if section == "members":
        return localise_members(member_table(report.members), report.members, report.lang)
    if section == "spam":
        flagged, _ = spam_frames(report)
        cols = ["msg_id", "line", "timestamp", "sender_id", "sender", "score", "verdict", "reasons", "text"]
        return flagged[cols] if len(flagged) else pd.DataFrame(columns=cols)
    if section == "activity":
        return report.activity.daily.copy()
    if section == "topics":
        kw = report.topics.keywords
        cols = [c for c in ("rank", "term", "count", "messages", "share", "tfidf", "on_theme") if c in kw.columns]
        return kw[cols].copy()
    raise OptionError(f"--section {section!r} is not one of {', '.join(SECTIONS)}")
