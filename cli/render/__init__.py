"""The audit report in every output format: one module per format, one registry.

Each ``to_<format>`` module has ``render(report, **options) -> str``; the person-readable ones
(table, md, html) format :func:`cli.render.view.build_view`, json and csv read the report
directly. Adding a format is a new module and one line in :data:`RENDERERS` (the ``report``
command's ``-f`` choices come from here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from analysis.errors import OptionError
from analysis.report import AuditReport
from cli.render import to_csv, to_html, to_json, to_md, to_table
from cli.render.to_csv import SECTIONS
from cli.render.to_json import SCHEMA, SCHEMA_VERSION, report_dict

RENDERERS: dict[str, Callable[..., str]] = {
    "table": to_table.render,
    "json": to_json.render,
    "csv": to_csv.render,
    "md": to_md.render,
    "html": to_html.render,
}
"""Output format -> renderer, in the order ``--help`` lists them."""

FORMATS = tuple(RENDERERS)


def render(report: AuditReport, fmt: str, *, section: str = "summary", width: int | None = None,
           color: bool = False) -> str:
    """The report in ``fmt`` as text.

    Args:
        report: the audit.
        fmt: the output format (:data:`FORMATS`).
        section: for csv, which table (:data:`SECTIONS`).
        width: for table, the width in columns (100 when None).
        color: for table, ANSI colours (only when writing to a terminal).

    Raises:
        OptionError: an unknown format or section.
    """
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise OptionError(f"report writes {', '.join(FORMATS)}, not {fmt!r}", hint="pick one with -f")
    if fmt == "csv" and section not in SECTIONS:
        raise OptionError(f"--section {section!r} is not one of {', '.join(SECTIONS)}")
    options: dict[str, Any] = {"section": section, "width": width, "color": color}
    return renderer(report, **options)


__all__ = ["FORMATS", "RENDERERS", "SCHEMA", "SCHEMA_VERSION", "SECTIONS", "render", "report_dict"]
