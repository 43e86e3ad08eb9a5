"""The one message catalogue: every code the library returns, worded in zh and en.

The library (``analysis/``) returns :class:`analysis.notes.Note` codes with parameters; this
module is the only place that turns them into sentences. Each entry is ``code -> (en, zh)``,
``str.format`` templates over the note's parameters. Formatting helpers (``pct``) are applied
to parameters whose names end in ``_pct`` (a 0..1 share shown as a percentage).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from analysis.notes import Note

LANGS = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {}
"""code -> (English template, Chinese template)."""

PREPARE: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {}
"""code -> a function that derives more template parameters from a note's own (lists of
names joined, nested notes worded); for codes whose parameters are not plain figures."""


def register(entries: Mapping[str, tuple[str, str]],
             prepare: Mapping[str, Callable[[dict[str, Any], str], dict[str, Any]]] | None = None) -> None:
    """Add entries (and their :data:`PREPARE` hooks); a code defined twice is a programming error."""
    for code in entries:
        if code in MESSAGES:
            raise ValueError(f"message code {code!r} defined twice")
    MESSAGES.update(entries)
    PREPARE.update(prepare or {})


def pct(value: float) -> str:
    """A share as a percentage: one decimal below 10% (0.1% of spam matters), none above."""
    text = f"{value:.1%}" if abs(value) < 0.1 and value != 0 else f"{value:.0%}"
    return text.replace(".0%", "%")


class _Params(dict):
    """Parameters for ``str.format``: ``x_pct`` shows the share ``x`` as a percentage,
    ``x_list`` joins the list ``x`` (", " in en, "、" in zh)."""

    def __init__(self, values: Mapping[str, Any], lang: str) -> None:
        super().__init__(values)
        self.lang = lang

    def __missing__(self, key: str) -> Any:
        if key.endswith("_pct"):
            value = self.get(key[:-4])
            if isinstance(value, (int, float)):
                return pct(value)
        if key.endswith("_list"):
            value = self.get(key[:-5])
            if isinstance(value, (list, tuple)):
                return ("、" if self.lang == "zh" else ", ").join(str(v) for v in value)
        return "{" + key + "}"


def say(message: Note | str, lang: str = "en", /, **params: Any) -> str:
    """The sentence for a note (or a bare code with ``params``) in ``lang`` (zh or en).

    An unknown code is shown as the code and its parameters, never an error: a newer
    library with an older catalogue still prints something true.
    """
    if isinstance(message, Note):
        code, values = message.code, {**message.params, **params}
    else:
        code, values = message, params
    entry = MESSAGES.get(code)
    if entry is None:
        shown = ", ".join(f"{k}={v}" for k, v in values.items())
        return f"{code}({shown})" if shown else code
    template = entry[1] if lang == "zh" else entry[0]
    hook = PREPARE.get(code)
    if hook is not None:
        values = {**values, **hook(values, lang)}
    return template.format_map(_Params(values, lang))


def lang_key(lang: str) -> str:
    """``lang`` as one of :data:`LANGS` (anything but zh reads as en), for tables keyed by language."""
    return "zh" if lang == "zh" else "en"


def template(code: str, lang: str) -> str | None:
    """The raw template of ``code`` in ``lang`` (None for an unknown code)."""
    entry = MESSAGES.get(code)
    if entry is None:
        return None
    return entry[1] if lang == "zh" else entry[0]


def fill_rows(text: str, values: Mapping[str, Any], n: int):
    """``text`` (a template) filled for ``n`` rows at once, for tables of many members or
    messages: each value is a scalar (the same for every row) or an object array of ``n``
    strings; ``name_pct`` shows the share ``name`` with :func:`pct`. Only plain ``{name}``
    fields (no format spec): row values arrive already formatted.

    Raises:
        ValueError: a field with a format spec or conversion.
    """
    import string

    import numpy as np

    out = np.full(n, "", dtype=object)
    for literal, name, spec, conversion in string.Formatter().parse(text):
        if literal:
            out = out + literal
        if name is None:
            continue
        if spec or conversion:
            raise ValueError(f"catalogue template {text!r}: only plain {{name}} fields are filled per row")
        if name in values:
            value = values[name]
        elif name.endswith("_pct") and isinstance(values.get(name[:-4]), (int, float)):
            value = pct(values[name[:-4]])
        else:
            value = "{" + name + "}"
        out = out + (value if isinstance(value, np.ndarray) else str(value))
    return out


def say_rows(codes, lang: str, values: Mapping[str, Any]):
    """One sentence per row: the template of ``codes[i]`` filled with row ``i`` of ``values``
    (object arrays; scalars are shared). An unknown code is shown as the code."""
    import numpy as np
    import pandas as pd

    out = np.asarray(codes, dtype=object).copy()
    for code in pd.unique(out):
        text = template(str(code), lang)
        if text is None:
            continue
        sel = out == code
        row_values = {k: (v[sel] if isinstance(v, np.ndarray) else v) for k, v in values.items()}
        out[sel] = fill_rows(text, row_values, int(sel.sum()))
    return out


def catalogue_reference() -> str:
    """Markdown listing every code with its English and Chinese wording (docs/messages.md)."""
    lines = ["# Message catalogue", "",
             "Every code the library returns (warnings, evidence, advice, spam reasons) and every label",
             "a person reads, with its wording in English and Chinese. Generated from `cli/catalogue*.py`",
             "(`python -c \"from cli.catalogue import catalogue_reference; print(catalogue_reference(), "
             "end='')\" > docs/messages.md`); a test checks it is current. `{name}` is a parameter of the",
             "code (JSON: `params`); `{x_pct}` shows the share `x` as a percentage, `{x_list}` joins the list `x`.", ""]
    area = None
    for code in sorted(MESSAGES):
        head = code.split(".", 1)[0]
        if head != area:
            area = head
            lines += [*([""] if lines[-1] else []), f"## `{area}.*`", "", "| code | en | zh |", "|---|---|---|"]
        en, zh = MESSAGES[code]
        cell = [x.replace("|", "\\|").replace("\n", " ") for x in (en, zh)]
        lines.append(f"| `{code}` | {cell[0]} | {cell[1]} |")
    return "\n".join(lines) + "\n"


def say_all(notes, lang: str = "en") -> str:
    """Several notes as one text, joined with "; " (en) or "；" (zh)."""
    return ("；" if lang == "zh" else "; ").join(say(n, lang) for n in notes)


register({
    "open.tz_from_config": ("absolute times converted to {tz} ([general] tz of the config)",
                            "绝对时间按配置 [general] tz 换算为 {tz}"),
    "open.roster_merged": ("member list merged: {members:,} member(s) from --roster",
                           "已合并成员名单：--roster 中 {members:,} 人"),
    "coverage.not_understood": ("{where}: not understood: {text}", "{where}：未识别：{text}"),
    "coverage.more_not_understood": ("... and {n} more lines not understood (community-audit parse --unparsed lists "
                                     "them all)", "……另有 {n} 行未识别（community-audit parse --unparsed 可列出全部）"),
    "members.known": ("{known:,} known members as of {as_of}: {tiers}", "截至 {as_of} 已知成员 {known:,} 人：{tiers}"),
    "members.title": ("Members as of {as_of}", "成员（截至 {as_of}）"),
    "report.done": ("health {score:g}/100 ({band}), stage {stage}", "健康分 {score:g}/100（{band}），阶段：{stage}"),
    "band.good": ("good", "良好"),
    "band.fair": ("fair", "一般"),
    "band.poor": ("poor", "较差"),
    "band.n/a": ("n/a", "不适用"),
    "band.healthy": ("healthy", "健康"),
    "band.at risk": ("at risk", "有风险"),
    "band.critical": ("critical", "危险"),
    "stage.growing": ("growing", "增长"),
    "stage.stable": ("stable", "平稳"),
    "stage.new": ("new", "新建"),
    "stage.declining": ("declining", "衰退"),
    "stage.dead": ("dead", "沉寂"),
    "stage.insufficient": ("insufficient history", "数据不足"),
    "prefix.warning": ("Warning: ", "警告："),
    "value.yes": ("yes", "是"),
    "value.no": ("no", "否"),
    "verdict.spam": ("spam", "广告"),
    "verdict.suspect": ("suspect", "可疑"),
    "verdict.promotion": ("promotion", "推广"),
    "verdict.clean": ("clean", "正常"),
    "spam.trained": ("trained on {spam:,} spam and {ham:,} ham texts; wrote {path}",
                     "用 {spam:,} 条广告和 {ham:,} 条正常文本训练；已写入 {path}"),
    "spam.explain_title": ("{msg_id} (line {line}) {sender} ({sender_id}): score {score:g}, verdict {verdict}",
                           "{msg_id}（第 {line} 行）{sender}（{sender_id}）：得分 {score:g}，判定：{verdict}"),
    "spam.members_title": ("{spammers} spammer(s) among {members} members who wrote",
                           "{members} 位发言成员中有 {spammers} 个广告号"),
    "spam.promotions_title": ("{n} promotion(s) by owners, admins or allowlisted members",
                              "群主、管理员或白名单成员的推广 {n} 条"),
    "spam.messages_title": ("{spam} spam message(s) of {n}", "{n} 条消息中 {spam} 条广告"),
    "batch.nothing_found": ("no export found (folders are walked for {extensions}; subfolders only with --recursive)",
                            "没有找到导出文件（在文件夹中查找 {extensions}；子文件夹需加 --recursive）"),
    "batch.audited": ("audited {ok} group(s) from {inputs} input(s) in {seconds:.1f} s",
                      "已审计 {inputs} 个输入中的 {ok} 个群，用时 {seconds:.1f} 秒"),
    "batch.from_cache": ("; {n} input(s) from cache", "；{n} 个输入来自缓存"),
    "batch.and_more": (" and {n} more", " 等另外 {n} 个"),
    "batch.skipped": ("skipped {n} file(s) no format recognises: {shown} (name a file explicitly, or pass "
                      "--log-format, to see why)",
                      "跳过 {n} 个无法识别格式的文件：{shown}（直接指定文件或加 --log-format 可查看原因）"),
    "batch.summary_title": ("{groups} group(s), sorted by health; {errors} error(s)",
                            "{groups} 个群，按健康度排序；{errors} 个错误"),
    "batch.cross_title": ("{n} finding(s) shared by several groups", "多个群共有的发现 {n} 条"),
    "status.ok": ("ok", "正常"),
    "status.error": ("error", "错误"),
})


# Each area's entries live in a module of their own; importing it registers them. At the
# bottom, so those modules can import ``register`` from here.
from cli import (  # noqa: E402,F401
    catalogue_batch,
    catalogue_columns,
    catalogue_formats,
    catalogue_labels,
    catalogue_members,
    catalogue_parse,
    catalogue_report,
    catalogue_spam,
    catalogue_topics,
)
