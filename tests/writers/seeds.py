"""Seed inputs for fuzzing each format: the bundled samples, plus zips and canonical tables
built from them (nothing binary is committed)."""

from __future__ import annotations

import functools
import io
import zipfile

from tests.conftest import SAMPLE_LOGS

SAMPLES: dict[str, tuple[str, ...]] = {
    "qq-txt": ("qq_txt/edge_cases.txt", "qq_txt/all_messages.txt", "qq_txt/edge_cases_gb18030.txt"),
    "memotrace-txt": ("wechat/memotrace_v1.txt", "wechat/memotrace_v2.txt"),
    "wechatexporter-txt": ("wechat/wechatexporter.txt",),
    "chatlog-txt": ("wechat/chatlog.txt", "wechat/chatlog_oneday.txt"),
    "whatsapp-txt": ("whatsapp/android_en_24h.txt", "whatsapp/ios_en.txt", "whatsapp/android_zh.txt",
                     "whatsapp/android_es_ampm.txt", "whatsapp/ambiguous_dates.txt"),
    "line-txt": ("line/line_en.txt", "line/line_ja.txt", "line/line_zh_cn.txt", "line/line_zh_tw.txt"),
    "memotrace-csv": ("wechat/memotrace_v1.csv", "wechat/memotrace_v2.csv"),
    "pywxdump-csv": ("wechat/pywxdump/pywxdump.csv", "wechat/pywxdump/pywxdump_old.csv"),
    "pywxdump-json": ("wechat/pywxdump/pywxdump.json",),
    "chatlog-json": ("wechat/chatlog.json",),
    "chatlog-csv": ("wechat/chatlog.csv",),
    "weflow-json": ("wechat/weflow.json",),
    "echotrace-json": ("wechat/echotrace.json",),
    "chatlab-json": ("wechat/chatlab.json",),
    "chatlab-jsonl": ("wechat/chatlab.jsonl",),
    "telegram-json": ("telegram/group.json", "telegram/full_export.json"),
    "discord-json": ("discord/channel.json",),
    "discord-csv": ("discord/channel.csv", "discord/channel_old.csv"),
    "qce-json": ("qq_qce/group.json", "qq_qce/group_oldkeys.json"),
    "qce-jsonl": ("qq_qce/chunked/chunks/c000001.jsonl",),
    "slack-export": ("slack/workspace/general/2024-06-03.json",),
}
"""Format -> sample files (relative to ``sample_logs/``)."""

TEXT_FORMATS = ("qq-txt", "memotrace-txt", "wechatexporter-txt", "chatlog-txt", "whatsapp-txt", "line-txt")
"""Formats with physical lines to account for (the shared checker applies)."""


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A deflated zip archive holding ``files`` (name -> content)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


@functools.cache
def seeds(fmt: str) -> tuple[bytes, ...]:
    """The seed inputs of ``fmt``."""
    out = [(SAMPLE_LOGS / rel).read_bytes() for rel in SAMPLES.get(fmt, ())]
    if fmt == "whatsapp-txt":
        out.append(zip_bytes({"_chat.txt": out[1]}))
    elif fmt == "slack-export":
        root = SAMPLE_LOGS / "slack" / "workspace"
        out.append(zip_bytes({f"ws/{p.relative_to(root).as_posix()}": p.read_bytes()
                         for p in sorted(root.rglob("*.json"))}))
    elif fmt in ("generic-csv", "generic-jsonl"):
        out.append(_canonical(fmt))
    return tuple(out)


def _canonical(fmt: str) -> bytes:
    """A canonical table (what ``community-audit parse`` writes) of a QQ sample."""
    from analysis import read_log

    messages = read_log(SAMPLE_LOGS / "qq_txt" / "edge_cases.txt").messages.copy()
    messages["timestamp"] = messages["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    if fmt == "generic-csv":
        return messages.to_csv(index=False, lineterminator="\n").encode("utf-8")
    return messages.to_json(orient="records", lines=True, force_ascii=False).encode("utf-8")


def is_zip(data: bytes) -> bool:
    return data.startswith(b"PK")


__all__ = ["SAMPLES", "TEXT_FORMATS", "is_zip", "seeds", "zip_bytes"]
