"""Property tests for the report path (issue 10): whatever message table a parser can hand
over, ``audit`` gives a report and every renderer shows it.

The tables are random but valid (:func:`analysis.schema.validate`): a handful of members or
none, every kind, times bunched in one second or spread over decades (down to 1970 and up to
the table's 2261 limit), replies to ids that do not exist, joins with and without an actor,
texts that are empty, huge, markup, formulas, contact handles or ads. Each is audited in a
random window and language and rendered in every format and CSV section, plain and
``--anonymize``d; the JSON must load, the HTML must not carry a live tag from a message, and
the anonymized output must not hold a member id.
"""

from __future__ import annotations

import json
import os

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.report import anonymize_report, audit, summary_row
from analysis.schema import KINDS, Chat, build_messages
from analysis.window import resolve_window
from cli.render import FORMATS, SECTIONS, render
from tests.writers.common import CHARS

EXAMPLES = int(os.environ.get("FUZZ_REPORTS", "25"))
"""Examples in the normal suite; raise it for a long run (``FUZZ_REPORTS=2000``)."""

_TEXTS = (
    "", " ", "?", "有人知道怎么报名吗？", "Anyone here?", "<script>alert(1)</script>", "<b>bold</b> & co",
    "=HYPERLINK(\"http://x.example\",\"x\")", "+1 555 0100", "@all 加我V信 wx_abc123 兼职日结 200元",
    "http://short.example/a?b=1 点击领取红包", "[图片]", "[捂脸][捂脸][捂脸]", "签到", "打卡 第3天",
    "line one\nline two\n\nline four", "😂" * 200, "长" * 5000, "\u200b\u200d\ufeff", "| pipe | table |",
    "# heading", "`code`", "QQ 123456789 联系", "someone@example.com",
)
_BASES = ("1970-01-01", "1999-12-31 23:59:59", "2024-02-29 12:00", "2260-12-01", "1678-01-01 00:00:01")
_SPANS = (0, 59, 86_400 * 2, 86_400 * 400, 86_400 * 365 * 30)


@st.composite
def chats(draw) -> Chat:
    n = draw(st.integers(0, 40))
    members = draw(st.integers(1, 8))
    base = pd.Timestamp(draw(st.sampled_from(_BASES)))
    span = draw(st.sampled_from(_SPANS))
    limit = pd.Timestamp("2261-12-31")
    seconds = draw(st.lists(st.integers(0, span), min_size=n, max_size=n))
    times = [min(base + pd.Timedelta(seconds=s), limit) for s in seconds]
    texts = draw(st.lists(st.one_of(st.sampled_from(_TEXTS), st.text(CHARS, max_size=30)), min_size=n, max_size=n))
    who = draw(st.lists(st.integers(0, members - 1), min_size=n, max_size=n))
    kinds = draw(st.lists(st.one_of(st.just("text"), st.sampled_from(KINDS)), min_size=n, max_size=n))
    names = draw(st.lists(st.one_of(st.sampled_from(["林小雨", "A", "<i>x</i>", "=cmd", "😀", " "]),
                                    st.text(CHARS, min_size=1, max_size=8)), min_size=members, max_size=members))
    ids = [f"{10001 + i * 7919}" for i in range(members)]
    replies = draw(st.lists(st.one_of(st.none(), st.sampled_from(["m0", "m3", "nope"])), min_size=n, max_size=n))
    actors = [ids[(w + 1) % members] if k in ("join", "leave") and w % 2 else None for w, k in zip(who, kinds, strict=True)]
    messages = build_messages({
        "msg_id": [f"m{i}" for i in range(n)], "timestamp": times, "sender_id": [ids[w] for w in who],
        "sender": [names[w] for w in who], "kind": kinds, "text": texts, "reply_to": replies,
        "actor_id": actors, "line": list(range(1, n + 1)),
    })
    return Chat(messages, group=draw(st.sampled_from(["读书会", "<g>", "=x"])), platform="qq", format="qq-txt",
                source="fuzz.txt", encoding="utf-8", lines_total=n)


_SETTINGS = {"max_examples": EXAMPLES, "deadline": None, "database": None,
             "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}


@settings(**_SETTINGS)
@given(chat=chats(), last=st.sampled_from([None, "7d", "1d"]), lang=st.sampled_from(["auto", "zh", "en"]))
def test_any_table_gives_a_report_every_renderer_shows(chat, last, lang):
    window = resolve_window(chat, last=last) if len(chat.messages) else None
    report = audit(chat, window=window, lang=lang, jobs=1)
    assert report.records == len(chat.messages)
    assert 0 <= report.health.score <= 100
    for fmt in FORMATS:
        for section in SECTIONS if fmt == "csv" else ("summary",):
            out = render(report, fmt, section=section)
            assert isinstance(out, str) and out
    document = json.loads(render(report, "json"))
    assert document["coverage"]["records"] == len(chat.messages)
    html = render(report, "html")
    assert "<script>alert" not in html and "<b>bold" not in html and "<i>x</i>" not in html
    summary_row(report)

    hidden = anonymize_report(report, chat, key="fuzz")
    shown = render(hidden, "json") + render(hidden, "html") + render(hidden, "csv", section="members")
    for member_id in chat.messages["sender_id"].unique():
        assert member_id not in shown, f"member id {member_id} survived --anonymize"
