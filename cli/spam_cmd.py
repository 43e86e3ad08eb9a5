"""`community-audit spam LOG`: flagged messages and members, with reasons."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from analysis.errors import OptionError
from analysis.loading import InputOptions
from analysis.spam import NaiveBayes, SpamResult, detect_spam, train_model
from cli import options as o
from cli import state
from cli.catalogue import say
from cli.catalogue_members import member_spam_reasons
from cli.catalogue_spam import explain_frame, with_reasons
from cli.common import open_for_command
from cli.output import csv_text, dumps, jsonl_text, records, write_output
from cli.tables import render_frame
from cli.words import localise_values

NAME = "spam"
HELP = """Ads, scams and flooding in LOG: flagged messages (or members) with the reasons.

Each message gets points from named checks (contact handles, disguised contacts, ad words,
repeated templates, flooding, newcomers, join-post-leave, ads in the display name ...); it
is spam when the score reaches the spam threshold (spam_threshold in the config's spam section) with
two kinds of evidence, or one strong one. Owners, admins and allowlisted members (the
config's group section, or the export's roles) are never judged spammers: --by promotion lists
their promotions. --explain MSG_ID shows every check for one message. --train OUT.json fits a
small Naive Bayes model on this group's own messages (rule verdicts, or --labels FILE);
--model FILE uses it as a booster.

Example:  community-audit spam sample_logs/qq_txt/study_group.txt --by member
"""


class Format(str, Enum):
    """What ``spam`` writes."""

    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


class By(str, Enum):
    """What ``spam`` lists."""

    message = "message"
    member = "member"
    promotion = "promotion"


_MESSAGE_COLS = ["msg_id", "line", "timestamp", "sender_id", "sender", "score", "verdict", "reasons", "text"]
_MEMBER_COLS = ["sender_id", "sender", "messages", "spam_messages", "suspect_messages", "spam_score",
                "is_spammer", "role", "promotions", "reasons"]

ByOpt = Annotated[By, typer.Option("--by", help="What to list: message (spam messages), member, or promotion "
                                   "(owners'/admins' promotions).", case_sensitive=False)]
SuspectsOpt = Annotated[bool, typer.Option("--suspects", help="Also list suspect messages (below the spam verdict).")]
ExplainOpt = Annotated[str | None, typer.Option("--explain", metavar="MSG_ID", help="Show every check for one message.")]
ModelOpt = Annotated[Path | None, typer.Option("--model", help="A model from --train, used as a booster.",
                                               dir_okay=False)]
TrainOpt = Annotated[Path | None, typer.Option("--train", metavar="OUT.json", dir_okay=False,
                                               help="Fit a Naive Bayes model on this log and write it.")]
LabelsOpt = Annotated[Path | None, typer.Option("--labels", dir_okay=False, help="With --train: a CSV with label "
                                                "and text (or msg_id) columns.")]


@o.reads_log
def command(
    log: o.LogArg,
    inputs: InputOptions,
    by: ByOpt = By.message,
    suspects: SuspectsOpt = False,
    explain: ExplainOpt = None,
    model: ModelOpt = None,
    train: TrainOpt = None,
    labels: LabelsOpt = None,
    fmt: o.format_option(Format, Format.table) = None,
    output: o.OutputOpt = None,
    no_bom: o.NoBomOpt = False,
    lang: o.LangOpt = "auto",
) -> None:
    if labels is not None and train is None:
        raise OptionError("--labels needs --train OUT.json")
    fmt = o.choose_format(fmt, output, Format.table)
    opened, lang = open_for_command(log, inputs, lang)
    if train is not None:
        fitted = train_model(opened.clipped, opened.config, labels)
        fitted.save(train)
        state.print_note(say("spam.trained", lang, spam=fitted.n_spam, ham=fitted.n_ham, path=str(train)))
        return
    result = detect_spam(opened.clipped, opened.config, model=NaiveBayes.load(model) if model else None)
    if explain is not None:
        frame, title = _explained(result, explain, lang)
    else:
        frame, title = _listing(result, by, suspects, lang)
    terminal = output is None and sys.stdout.isatty()
    writers = {
        Format.csv: lambda: write_output(output, text=csv_text(localise_values(frame, lang)),
                                         bom=not no_bom and output is not None, inputs=(log,)),
        Format.json: lambda: write_output(output, text=dumps(records(frame)), inputs=(log,)),
        Format.jsonl: lambda: write_output(output, text=jsonl_text(frame), inputs=(log,)),
        Format.table: lambda: write_output(output, inputs=(log,), text=render_frame(
            localise_values(frame, lang), title, lang=lang, color=terminal, shorten={"text": 120}, wide={"text": 3, "reasons": 2})),
    }
    writers[fmt]()


def _explained(result: SpamResult, msg_id: str, lang: str) -> tuple[pd.DataFrame, str]:
    try:
        frame = explain_frame(result.explain(msg_id), lang)[["check", "family", "hit", "points", "detail"]]
    except KeyError:
        raise OptionError(f"--explain {msg_id!r}: no message with this msg_id in the window",
                          hint="msg_id is the first column of 'community-audit spam LOG -f csv'") from None
    row = result.messages[result.messages["msg_id"] == msg_id].iloc[0]
    verdict = say(f"verdict.{row['verdict'] or 'clean'}", lang)
    return frame, say("spam.explain_title", lang, msg_id=msg_id, line=row["line"], sender=row["sender"],
                      sender_id=row["sender_id"], score=row["score"], verdict=verdict)


def _listing(result: SpamResult, by: By, suspects: bool, lang: str) -> tuple[pd.DataFrame, str]:
    if by is By.member:
        members = result.members
        frame = members[(members["spam_messages"] + members["suspect_messages"] + members["promotions"]) > 0]
        frame = frame[_MEMBER_COLS].assign(reasons=member_spam_reasons(frame, lang))
        return frame, say("spam.members_title", lang, spammers=result.spammer_count,
                                        members=len(members))
    if by is By.promotion:
        frame = result.promotions
        return with_reasons(frame, lang)[_MESSAGE_COLS + ["role"]], say("spam.promotions_title", lang, n=len(frame))
    frame = result.spam_and_suspects if suspects else result.flagged
    return with_reasons(frame, lang)[_MESSAGE_COLS].reset_index(drop=True), say(
        "spam.messages_title", lang, spam=result.spam_count, n=len(result.messages))
