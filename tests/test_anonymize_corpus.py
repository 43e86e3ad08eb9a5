"""The privacy corpus: two small logs (QQ TXT and a generic CSV) whose every name, id, phone,
e-mail and contact handle is known, run through ``report --anonymize`` in every format and
every csv section, in zh and en, in-process; stdout and stderr must hold none of them.

Planted on purpose: phones written ``555.123.4567``, ``(555) 123-4567``, ``138.1234.5678``,
``138–1234–5678`` (en dashes) and ``QQ 1234 5678``; e-mails with non-ASCII local parts and
domains; a WeChat handle without the ``wxid_`` prefix that the spam check quotes; lines the
parsers do not understand (printed on stderr) and a parser warning quoting a name; names
that segment into topic keywords (``大锤``, ``maya``, ``spam123`` from ``wxid_spam123``) and
a member called 读书 in a reading club (读书 must stay a keyword).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import itertools
import json
import re
import urllib.parse

import pandas as pd
import pytest
from typer.testing import CliRunner

import cli.report_cmd as report_cmd
from analysis.anonymize import Anonymizer, mask_contacts, name_parts
from analysis.parsers import ParseOptions, read_chats
from cli.main import app
from cli.render import SECTIONS

runner = CliRunner()

# -- the corpus ---------------------------------------------------------------------------------

QQ_MEMBERS = {  # uin -> display name
    "80012345": "王大锤",
    "80023456": "陈美玲",
    "80034567": "Maya Chen",
    "80045678": "读书",
    "80056789": "卖货助手",
    "80067890": "欧阳娜娜",
}
QQ_PHONES = ("555.123.4567", "(555) 123-4567", "138.1234.5678", "138–1234–5678", "13912345678",
             "+86 137 0000 2468")
QQ_OTHER = ("QQ 1234 5678", "josé.garcía@ejemplo.es", "张伟@例子.中国", "zhangwei1990", "wxid_lucky8899")

CSV_MEMBERS = {  # id -> display name
    "liam_obrien42": "Liam O'Brien",
    "zq_harper77": "Zoe Quinn-Harper",
    "wxid_spam123": "Deals4U",
    "dw_coach9": "DanaWhite",
}
CSV_PHONES = ("555.987.6543", "(555) 987-6543", "+1 (555) 246-8135", "138.5555.6666")
CSV_OTHER = ("QQ 8765 4321", "françois.dupont@exemple.fr", "liam.obrien@example.com", "dealsbot2024")


def _qq_log() -> str:
    """Five weeks of a reading club: theme talk, names that become keywords, contacts, spam."""
    start = dt.datetime(2024, 3, 4, 9, 0)
    talk = [
        ("80012345", "今晚读书会讲三体，大锤准备了读书笔记"),
        ("80023456", "大锤的读书笔记写得很好，三体第二部更精彩"),
        ("80034567", "Maya thinks the 三体 reading notes are great, thanks 大锤"),
        ("80045678", "读书分享会几点开始？三体第三部谁读完了"),
        ("80067890", "美玲推荐的读书书单很不错，三体之后读什么"),
        ("80012345", "大锤这周读书打卡完成，三体读到黑暗森林"),
        ("80023456", "Chen 老师说读书要做笔记，Maya 同意"),
    ]
    contacts = [
        ("80012345", "有事打我电话 555.123.4567"),
        ("80034567", "office (555) 123-4567, mail josé.garcía@ejemplo.es"),
        ("80023456", "我的手机 138.1234.5678 或者 138–1234–5678"),
        ("80067890", "QQ 1234 5678 加我，邮箱 张伟@例子.中国"),
        ("80045678", "紧急联系 13912345678，或 +86 137 0000 2468"),
        ("80012345", "@陈美玲 @Maya Chen 收到，欧阳娜娜 也来"),
    ]
    spam = [
        ("80056789", "兼职日赚500，加微信 zhangwei1990 免费领取资料"),
        ("80056789", "兼职日赚500，加微信 zhangwei1990 免费领取资料"),
        ("80056789", "刷单返利，加V wxid_lucky8899 秒到账，电话 138.1234.5678"),
    ]
    out = ["消息记录（此消息记录为文本格式，不支持重新导入）", "", "=" * 64, "消息分组:我的QQ群", "=" * 64,
           "消息对象:星火读书会", "=" * 64,
           "联系 Maya Chen 138–1234–5678 josé.garcía@ejemplo.es zhangwei1990", ""]
    t = start
    for week in range(5):
        for i, (uin, text) in enumerate(talk):
            t = start + dt.timedelta(days=7 * week + i % 5, hours=i)
            out += [f"{t:%Y-%m-%d} {t.hour}:{t.minute:02d}:{t.second:02d} {QQ_MEMBERS[uin]}({uin})", text, ""]
    for i, (uin, text) in enumerate([*contacts, *spam]):
        t = start + dt.timedelta(days=30, minutes=3 * i)
        out += [f"{t:%Y-%m-%d} {t.hour}:{t.minute:02d}:{t.second:02d} {QQ_MEMBERS[uin]}({uin})", text, ""]
    out += ["2024-13-45 99:00:00 陈美玲(80023456)", "555.123.4567 broken header", ""]
    return "\r\n".join(out)


def _csv_log() -> str:
    start = dt.datetime(2024, 5, 6, 9, 0)
    talk = [
        ("liam_obrien42", "Liam says the hiking trail maps are ready, thanks Harper"),
        ("zq_harper77", "Harper checked the hiking trail weather, Liam brings maps"),
        ("dw_coach9", "Dana leads the hiking warmup, trail starts at the north gate"),
        ("liam_obrien42", "Trail report: hiking boots needed, Dana agrees"),
    ]
    contacts = [
        ("liam_obrien42", "call me 555.987.6543 or (555) 987-6543", "text"),
        ("zq_harper77", "my cell +1 (555) 246-8135, mail françois.dupont@exemple.fr", "text"),
        ("dw_coach9", "QQ 8765 4321, 138.5555.6666, liam.obrien@example.com", "text"),
        ("wxid_spam123", "Part-time job! Earn 500/day, add wechat dealsbot2024, wxid_spam123", "text"),
        ("wxid_spam123", "Part-time job! Earn 500/day, add wechat dealsbot2024, wxid_spam123", "Zoe Quinn-Harper"),
    ]
    rows = []
    for week in range(4):
        for i, (uid, text) in enumerate(talk):
            t = start + dt.timedelta(days=7 * week + i, hours=i)
            rows.append((f"{t:%Y-%m-%d %H:%M:%S}", CSV_MEMBERS[uid], uid, text, "text"))
    for i, (uid, text, kind) in enumerate(contacts):
        t = start + dt.timedelta(days=29, minutes=5 * i)
        rows.append((f"{t:%Y-%m-%d %H:%M:%S}", CSV_MEMBERS[uid], uid, text, kind))
    rows.append(("Liam O'Brien 555.987.6543 liam.obrien@example.com", "Liam O'Brien", "liam_obrien42", "bad time", "text"))
    frame = pd.DataFrame(rows, columns=["Time", "User", "UserId", "Message", "Kind"])
    return frame.to_csv(index=False)


CSV_COLUMNS = ["--columns", "timestamp=Time,sender=User,sender_id=UserId,text=Message,kind=Kind"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("privacy")
    qq = folder / "club.txt"
    qq.write_text(_qq_log(), encoding="utf-8")
    csv = folder / "hike.csv"
    csv.write_text(_csv_log(), encoding="utf-8")
    return {
        "qq": (str(qq), [], QQ_MEMBERS, QQ_PHONES, QQ_OTHER),
        "csv": (str(csv), CSV_COLUMNS, CSV_MEMBERS, CSV_PHONES, CSV_OTHER),
    }


def _secrets(members: dict, phones: tuple, other: tuple) -> tuple[set[str], set[str]]:
    """(strings that must not appear, digit strings that must not appear once separators go)."""
    plain = {*members, *(n for n in members.values() if n != "读书"), *phones, *other}
    plain.add("周大福")  # the QQ join notice's inviter: an id made of a name
    digits = {re.sub(r"\D", "", p) for p in [*phones, *other] if sum(c.isdigit() for c in p) >= 7}
    digits |= {m for m in members if m.isdigit()}
    return plain, digits


def _leaks(text: str, plain: set[str], digits: set[str]) -> list[str]:
    views = [text, html.unescape(text), html.unescape(text).replace("\\", ""), urllib.parse.unquote(text)]
    try:
        views.append(json.dumps(json.loads(text), ensure_ascii=False))
    except ValueError:
        pass
    joined = "\n".join(views).casefold()
    found = [s for s in plain if s.casefold() in joined]
    without = re.sub(r"[\s.\-–—()（）+＋]", "", joined)
    found += [d for d in digits if d in without]
    return sorted(set(found))


_AUDITS: dict = {}


@pytest.fixture(autouse=True)
def _built_once(monkeypatch):
    """Typer rebuilds the click command on every CliRunner.invoke; build it once."""
    import typer.testing

    real = getattr(typer.testing, "_get_command", None)
    if real is not None:
        built = real(app)
        monkeypatch.setattr(typer.testing, "_get_command", lambda a: built if a is app else real(a))


@pytest.fixture
def seen(monkeypatch):
    """Audit each (log, lang) once; keep every rendered report."""
    real_audit, real_render = report_cmd.audit, report_cmd.render
    reports: list = []

    def audit(chat, config=None, **kwargs):
        key = (chat.source, repr(sorted(kwargs.items())))
        if key not in _AUDITS:
            _AUDITS[key] = real_audit(chat, config, **kwargs)
        return _AUDITS[key]

    def render(report, fmt, **kwargs):
        reports.append(report)
        return real_render(report, fmt, **kwargs)

    monkeypatch.setattr(report_cmd, "audit", audit)
    monkeypatch.setattr(report_cmd, "render", render)
    return reports


def _runs(path: str, extra: list[str], lang: str, *anon: str):
    base = ["report", path, *extra, "--lang", lang, *anon]
    runs = [[*base, "-f", fmt] for fmt in ("table", "json", "md", "html")]
    runs += [[*base, "-f", "csv", "--section", s] for s in SECTIONS]
    for args in runs:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.stderr, result.exception)
        yield " ".join(args[-2:]), result


KEYWORD_FIELDS = ("keywords", "frequent", "expansion", "matches")


def _keyword_terms(report) -> list[str]:
    t = report.topics
    terms = [*t.theme.terms]
    for frame in (t.keywords, t.frequent, t.theme.expansion, t.theme.matches, t.drift.keywords):
        if "term" in frame.columns:
            terms += [str(x) for x in frame["term"]]
    for frame in (t.drift.weeks, t.drift.falls):
        if "top_keywords" in frame.columns:
            for cell in frame["top_keywords"]:
                terms += list(cell) if isinstance(cell, (list, tuple)) else str(cell).split(", ")
    return terms


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("log", ["qq", "csv"])
def test_anonymize_leaves_no_planted_secret_anywhere(corpus, seen, log, lang):
    path, extra, members, phones, other = corpus[log]
    plain, digits = _secrets(members, phones, other)
    # The corpus really plants them: the plain report and stderr show many.
    shown = [r for _, r in itertools.islice(_runs(path, extra, lang), 2)]  # table and json
    before = _leaks("\n".join(r.stdout + r.stderr for r in shown), plain, digits)
    assert len(before) >= 5, before
    leaks = {}
    for what, result in _runs(path, extra, lang, "--anonymize"):
        for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
            found = _leaks(text, plain, digits)
            if found:
                leaks[f"{what} {stream}"] = found
    assert not leaks, leaks
    # Name fragments are not keywords; ordinary words that are also names stay.
    report = seen[-1]
    parts = set()
    for member, name in members.items():
        parts |= name_parts(name) | name_parts(member, is_id=True)
    terms = {t.casefold() for t in _keyword_terms(report)}
    assert not (terms & {p.casefold() for p in parts if p != "读书"}), terms & parts
    assert not any(t.startswith(("member-", "成员-")) for t in terms)
    if log == "qq":
        assert "读书" in terms and "三体" in terms
        assert report.spam.spam_count >= 1  # the audit still ran on the real texts


def test_anonymize_keeps_check_ids_and_detail_codes(corpus, seen):
    path, extra, *_ = corpus["qq"]
    result = runner.invoke(app, ["report", path, "-f", "json", "--anonymize"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    rows = [row for msg in data["spam"]["flagged"] for row in msg["reason_rows"]]
    checks = {row[0] if isinstance(row, list) else row["check"] for row in rows}
    assert "contact.wechat" in checks
    assert "zhangwei1990" not in result.stdout


@pytest.mark.parametrize(("text", "kept"), [
    ("call 555.123.4567 now", "call"),
    ("(555) 123-4567", ""),
    ("手机138.1234.5678", "手机"),
    ("138–1234–5678", ""),
    ("QQ 1234 5678", "QQ"),
    ("qq：1234-5678", "qq"),
    ("mail josé.garcía@ejemplo.es", "mail"),
    ("张伟@例子.中国", ""),
    ("+1 (555) 246-8135", ""),
])
def test_mask_contacts_formats(text, kept):
    masked = mask_contacts(text)
    assert not re.search(r"\d{3}", masked) and "@" not in masked, masked
    assert masked.startswith(kept)
    assert "[" in masked


def test_dates_and_figures_are_not_phones():
    for text in ("2024-05-01 20:00", "3.11.2", "版本 1.2.3", "共 12 人", "2023 2024", "10:30-11:45"):
        assert mask_contacts(text) == text


def test_name_parts():
    assert name_parts("Maya Chen") == {"maya chen", "maya", "chen"}
    assert {"liam", "o", "brien"} & name_parts("Liam O'Brien") == {"liam", "brien"}
    assert {"dana", "white"} <= name_parts("DanaWhite")
    assert name_parts("wxid_spam123", is_id=True) == {"wxid_spam123", "spam123"}
    assert name_parts("王大锤") == {"王大锤", "大锤"}
    assert name_parts("欧阳娜娜") == {"欧阳娜娜"}
    assert name_parts("读书") == {"读书"}


def test_coverage_masks_unparsed_lines_and_warning_params(corpus):
    path, *_ = corpus["csv"]
    [chat] = read_chats(path, options=ParseOptions(columns=dict(
        (a.split("=")) for a in CSV_COLUMNS[1].split(","))))
    assert chat.unparsed and chat.warnings
    masked = Anonymizer(chat, "k").coverage(chat)
    assert masked.messages is chat.messages  # only the notes are rewritten
    shown = " ".join([*(u.text for u in masked.unparsed),
                      *(json.dumps(dataclasses.asdict(w), ensure_ascii=False, default=str) for w in masked.warnings)])
    assert "555" not in shown and "o'brien" not in shown.casefold() and "quinn" not in shown.casefold()
    pseudo = Anonymizer(chat, "k").name(None, "liam_obrien42")
    assert pseudo in shown  # the same pseudonym as in the report
