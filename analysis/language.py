"""Which language a report speaks: ``--lang``, else ``[general] lang``, else the log's own."""

from __future__ import annotations

from analysis.config import Config
from analysis.schema import EVENT_KINDS, KIND, TEXT, Chat

LANGS = ("zh", "en")


def detect_language(chat: Chat) -> str:
    """zh when at least a fifth of members' texts contain Chinese characters (and Japanese kana
    is not as common: a Japanese group gets English), else en."""
    texts = chat.messages.loc[~chat.messages[KIND].isin(EVENT_KINDS), TEXT]
    if not len(texts):
        return "en"
    sample = texts.iloc[:: max(1, len(texts) // 5000)]
    share = sample.str.contains(r"[\u4e00-\u9fff]", regex=True).fillna(False).mean()
    kana = sample.str.contains(r"[\u3040-\u30ff]", regex=True).fillna(False).mean()
    return "zh" if share >= 0.2 and kana < share / 2 else "en"


def resolve_lang(lang: str, config: Config | None, chat: Chat) -> str:
    """``lang`` when it is zh or en; else the config's ``[general] lang``; else detected."""
    if lang in LANGS:
        return lang
    if config is not None and config.general.lang in LANGS:
        return config.general.lang
    return detect_language(chat)
