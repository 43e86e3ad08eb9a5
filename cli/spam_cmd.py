"""`community-audit spam LOG`: flagged messages and members, with reasons."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from analysis.errors import OptionError
from analysis.spam import NaiveBayes, SpamResult, detect_spam, train_model
from cli import options as o
from cli import state
from cli.common import load
from cli.output import choose_format, csv_text, dumps, jsonl_text, records, write_output

NAME = "spam"
HELP = """Ads, scams and flooding in LOG: flagged messages (or members) with the reasons.

Each message gets points from named checks (contact handles, disguised contacts, ad words,
repeated templates, flooding, newcomers, join-post-leave, ads in the display name ...); it
is spam when the score reaches [spam] spam_threshold with two kinds of evidence, or one
strong one. Owners, admins and allowlisted members ([group] in the config, or the export's
roles) are never judged spammers: --by promotion lists their promotions. --explain MSG_ID
shows every check for one message. --train OUT.json fits a small Naive Bayes model on this
group's own messages (rule verdicts, or --labels FILE); --model FILE uses it as a booster.

Example:  community-audit spam sample_logs/qq_txt/study_group.txt --by member
"""

_MESSAGE_COLS = ["msg_id", "line", "timestamp", "sender_id", "sender", "score", "verdict", "reasons", "text"]
_MEMBER_COLS = ["sender_id", "sender", "messages", "spam_messages", "suspect_messages", "spam_score",
                "is_spammer", "role", "promotions", "reasons"]


def command(
    log: o.LogArg,
    by: Annotated[str, typer.Option("--by", help="What to list: message (spam messages), member, "
                                    "or promotion (owners'/admins' promotions).")] = "message",
    suspects: Annotated[bool, typer.Option("--suspects", help="Also list suspect messages (below the "
                                           "spam verdict).")] = False,
    explain: Annotated[str | None, typer.Option("--explain", metavar="MSG_ID",
                                                help="Show every check for one message.")] = None,
    model: Annotated[Path | None, typer.Option("--model", help="A model from --train, used as a booster.",
                                               dir_okay=False)] = None,
    train: Annotated[Path | None, typer.Option("--train", metavar="OUT.json", dir_okay=False,
                                               help="Fit a Naive Bayes model on this log and write it.")] = None,
    labels: Annotated[Path | None, typer.Option("--labels", dir_okay=False, help="With --train: a CSV "
                                                "with label and text (or msg_id) columns.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="Output format: table, csv, json or jsonl.",
                                            rich_help_panel="Output")] = None,
    output: o.OutputOpt = None,
    no_bom: o.NoBomOpt = False,
    log_format: o.LogFormatOpt = None,
    tz: o.TzOpt = None,
    group: o.GroupOpt = None,
    columns: o.ColumnsOpt = None,
    dayfirst: o.DayfirstOpt = None,
    date: o.DateOpt = None,
    strict: o.StrictOpt = False,
    max_bytes: o.MaxBytesOpt = None,
    config: o.ConfigOpt = None,
    since: o.SinceOpt = None,
    until: o.UntilOpt = None,
    last: o.LastOpt = None,
) -> None:
    if by not in ("message", "member", "promotion"):
        raise OptionError(f"--by {by!r} is not one of message, member, promotion")
    if labels is not None and train is None:
        raise OptionError("--labels needs --train OUT.json")
    fmt = choose_format(fmt, output, "table", ("table", "csv", "json", "jsonl"))
    loaded = load(log, log_format=log_format, tz=tz, group=group, columns=columns, dayfirst=dayfirst,
                  date=date, strict=strict, max_bytes=max_bytes, config_path=config,
                  since=since, until=until, last=last)
    if train is not None:
        fitted = train_model(loaded.chat, loaded.config, labels)
        fitted.save(train)
        state.print_note(f"trained on {fitted.n_spam:,} spam and {fitted.n_ham:,} ham texts; wrote {train}")
        return
    result = detect_spam(loaded.chat, loaded.config, model=NaiveBayes.load(model) if model else None)
    if explain is not None:
        try:
            frame = result.explain(explain)
        except KeyError:
            raise OptionError(f"--explain {explain!r}: no message with this msg_id in the window",
                              hint="msg_id is the first column of 'community-audit spam LOG -f csv'") from None
        row = result.messages[result.messages["msg_id"] == explain].iloc[0]
        title = (f"{explain} (line {row['line']}) {row['sender']} ({row['sender_id']}): "
                 f"score {row['score']:g}, verdict {row['verdict'] or 'clean'}")
    else:
        frame, title = _listing(result, by, suspects)
    _write(frame, title, fmt, output, no_bom, log)


def _listing(result: SpamResult, by: str, suspects: bool) -> tuple[pd.DataFrame, str]:
    if by == "member":
        members = result.members
        frame = members[(members["spam_messages"] + members["suspect_messages"] + members["promotions"]) > 0]
        spammers = int(members["is_spammer"].sum())
        return frame[_MEMBER_COLS], f"{spammers} spammer(s) among {len(members)} members who wrote"
    if by == "promotion":
        frame = result.promotions
        return frame[_MESSAGE_COLS + ["role"]], f"{len(frame)} promotion(s) by owners, admins or allowlisted members"
    frame = result.messages[result.messages["verdict"].isin(("spam", "suspect") if suspects else ("spam",))]
    frame = frame.sort_values(["score", "timestamp"], ascending=[False, True], kind="stable")
    return frame[_MESSAGE_COLS].reset_index(drop=True), \
        f"{int((result.messages['verdict'] == 'spam').sum())} spam message(s) of {len(result.messages)}"


def _write(frame: pd.DataFrame, title: str, fmt: str, output: Path | None, no_bom: bool, log: str) -> None:
    if fmt == "csv":
        write_output(output, text=csv_text(frame), bom=not no_bom and output is not None, inputs=(log,))
    elif fmt == "json":
        write_output(output, text=dumps(records(frame)), inputs=(log,))
    elif fmt == "jsonl":
        write_output(output, text=jsonl_text(frame), inputs=(log,))
    else:
        write_output(output, text=render_table(frame, title, color=output is None and sys.stdout.isatty()),
                     inputs=(log,))


def render_table(frame: pd.DataFrame, title: str, *, color: bool = False, width: int = 140) -> str:
    """A Rich table rendered to text (long texts shortened)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    buf = io.StringIO()
    con = Console(file=buf, force_terminal=color, no_color=not color, width=width, highlight=False)
    table = Table(title=escape(title), title_justify="left")
    for col in frame.columns:
        table.add_column(col, overflow="fold")
    for row in frame.itertuples(index=False):
        cells = []
        for col, value in zip(frame.columns, row, strict=True):
            if isinstance(value, pd.Timestamp):
                value = value.strftime("%Y-%m-%d %H:%M:%S")
            text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
            if col == "text" and len(text) > 60:
                text = text[:57] + "..."
            cells.append(escape(text.replace("\n", " ")))
        table.add_row(*cells)
    con.print(table)
    return buf.getvalue()
