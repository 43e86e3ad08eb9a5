"""The supported exports in people's words: each format's title and how to make it, in zh
and en. The English text is the format's own declaration (:class:`analysis.logformat.LogFormat`);
the Chinese is here."""

from __future__ import annotations

from analysis.logformat import LogFormat
from cli.catalogue import register

register({
    "formats.title": ("Supported exports (use the name with --log-format)", "支持的导出格式（用 --log-format 指定名称）"),
    "column.name": ("name", "名称"),
    "column.platform": ("platform", "平台"),
    "column.export": ("export", "导出"),
    "column.how_to_export": ("how to export", "导出方法"),
})

_CHATLOG = "http://127.0.0.1:5030/api/v1/chatlog?time=2025-01-01~2025-03-31&talker=<群聊ID>"
"""The chatlog query the three chatlog how-tos open (the group id is the part to fill in)."""

ZH: dict[str, tuple[str, str]] = {
    "qq-txt": (
        "QQ 消息管理器 TXT 导出（电脑版 QQ 9.x 及以下）",
        "电脑版 QQ → 消息管理器 → 右键点击该群 → 导出消息记录 → 保存为 .txt",
    ),
    "qce-json": (
        "qq-chat-exporter JSON（QQNT）",
        "qq-chat-exporter（QCE）网页界面 → 选择群聊 → 格式选 JSON → 导出",
    ),
    "qce-jsonl": (
        "qq-chat-exporter 分块 JSONL（QQNT；manifest.json + chunks/）",
        "qq-chat-exporter（QCE）→ 格式选 JSON，分块导出（分块 JSONL）→ 读取时指定 manifest.json",
    ),
    "memotrace-txt": (
        "MemoTrace（留痕 / WeChatMsg）TXT 导出，支持 v1 和 v2",
        "在 Windows 上打开 MemoTrace（留痕）→ 聊天 → 选择群聊 → 导出聊天记录 → TXT",
    ),
    "memotrace-csv": (
        "MemoTrace（留痕 / WeChatMsg）CSV 导出，支持 v1 和 v2",
        "在 Windows 上打开 MemoTrace（留痕）→ 聊天 → 选择群聊 → 导出聊天记录 → CSV",
    ),
    "pywxdump-csv": (
        "PyWxDump 聊天记录导出 CSV（新版 msg/src 列布局，以及 content 列内嵌 JSON 的旧版布局）",
        "PyWxDump（wxdump ui）→ 聊天记录 → 选择群聊 → 导出 → CSV；users.json 要和 CSV 放在同一文件夹",
    ),
    "pywxdump-json": (
        "PyWxDump 聊天记录导出 JSON",
        "PyWxDump（wxdump ui）→ 聊天记录 → 选择群聊 → 导出 → JSON；users.json 要和该文件放在同一文件夹",
    ),
    "chatlog-json": (
        "sjzar/chatlog JSON（/api/v1/chatlog?format=json）",
        f"chatlog 服务运行中 → 在浏览器打开以下地址并保存该页面： {_CHATLOG}&format=json",
    ),
    "chatlog-csv": (
        "sjzar/chatlog CSV（/api/v1/chatlog?format=csv）",
        f"chatlog 服务运行中 → 在浏览器打开以下地址（会下载一个 .csv 文件）： {_CHATLOG}&format=csv",
    ),
    "chatlog-txt": (
        "sjzar/chatlog 文本输出（/api/v1/chatlog，默认格式）",
        "chatlog 服务运行中 → 在浏览器打开以下地址，把页面另存为 .txt（如果只查询了一天，读取时要加 --date）： "
        + _CHATLOG,
    ),
    "wechatexporter-txt": (
        "WechatExporter（iOS 备份）TXT 导出",
        "用 iTunes/Finder 备份 iPhone（不加密）→ WechatExporter → 选择群聊 → 输出格式选 TXT",
    ),
    "weflow-json": (
        "WeFlow JSON 导出（微信）",
        "WeFlow → 导出 → 选择群聊 → 格式选 JSON（详细 JSON）→ 导出",
    ),
    "echotrace-json": (
        "EchoTrace JSON 导出（微信）",
        "EchoTrace → 导出聊天记录 → 选择群聊 → JSON",
    ),
    "chatlab-json": (
        "ChatLab 标准 JSON（由 WeFlow 等导出工具生成）",
        "WeFlow → 导出 → 格式选 ChatLab；也可以用任何能输出 ChatLab 格式的工具",
    ),
    "chatlab-jsonl": (
        "ChatLab 标准 JSONL（每行一条记录，适合特别大的聊天记录）",
        "WeFlow → 导出 → 格式选 ChatLab JSONL；也可以用任何能输出 ChatLab JSONL 的工具",
    ),
    "telegram-json": (
        "Telegram Desktop 聊天导出（result.json）",
        "Telegram Desktop（电脑版）→ 打开群组 → ⋮ → 导出聊天记录 → 格式选“机器可读的 JSON”"
        "（英文界面为 Machine-readable JSON）；要导出全部聊天：设置 → 高级 → 导出 Telegram 数据，格式选 JSON",
    ),
    "whatsapp-txt": (
        "WhatsApp“导出聊天”TXT 或 ZIP（安卓和 iOS）",
        "WhatsApp → 打开群组 → ⋮ → 更多（安卓）或点群组名称（iOS）→ 导出聊天 → 不附加媒体；"
        "提供 .txt 文件，或 WhatsApp 生成的 .zip（原样提供，不用解压）",
    ),
    "discord-json": (
        "DiscordChatExporter JSON",
        "DiscordChatExporter（图形界面或命令行）→ 选择频道 → 导出格式（“Export format”）选 JSON",
    ),
    "discord-csv": (
        "DiscordChatExporter CSV",
        "DiscordChatExporter（图形界面或命令行）→ 选择频道 → 导出格式（“Export format”）选 CSV"
        "（JSON 保留的信息更多：消息 ID、回复、加入服务器通知、机器人）",
    ),
    "slack-export": (
        "Slack 工作区导出（ZIP、解压后的文件夹，或单日文件）",
        "由 Slack 工作区管理员操作：“Tools & settings” → “Workspace settings” → “Import/Export Data” → "
        "“Export” → 下载 ZIP（提供这个 ZIP 或解压后的文件夹）",
    ),
    "line-txt": (
        "LINE 聊天记录 TXT（“传送聊天记录”）",
        "LINE → 打开群组 → 右上角 ≡ 菜单 → 设定 → 传送聊天记录 → 保存 .txt 文件"
        "（繁体中文界面为“傳送聊天記錄”，部分简体版本为“导出聊天记录”，日文界面为“トーク履歴を送信”，"
        "英文界面为“Export chat history”）",
    ),
    "generic-csv": (
        "CSV/TSV 表格（本工具输出的规范格式，或用 --columns 指定列的任意表格）",
        "任何能写出 CSV 的电子表格或工具：用 --columns timestamp=Time,sender=User,text=Message 指定各列的对应关系",
    ),
    "generic-jsonl": (
        "JSON Lines（本工具输出的规范格式，或用 --columns 指定字段的任意 JSONL）",
        "每行一个 JSON 对象；用 --columns 指定字段的对应关系，写法与 CSV 相同",
    ),
}
"""format name -> (title, how to export) in Chinese."""


def format_words(fmt: LogFormat, lang: str) -> dict[str, str]:
    """``{"title": ..., "how_to_export": ...}`` in ``lang`` (English where no Chinese is written)."""
    if lang == "zh" and fmt.name in ZH:
        title, how = ZH[fmt.name]
        return {"title": title, "how_to_export": how}
    return {"title": fmt.title, "how_to_export": fmt.how_to_export}
