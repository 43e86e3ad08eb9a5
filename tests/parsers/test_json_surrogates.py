"""A lone surrogate escape (``"\\ud83d"`` without its pair) in any JSON export: JavaScript's
``JSON.stringify`` writes them, and a file cut inside an escaped emoji leaves one. No text
column can hold a lone surrogate, so it is read as U+FFFD instead of failing the file."""

from __future__ import annotations

import re

import pytest

from analysis.parsers import read_chats
from tests.writers.seeds import seeds

JSON_FORMATS = ("qce-json", "qce-jsonl", "pywxdump-json", "chatlog-json", "weflow-json", "echotrace-json",
                "chatlab-json", "chatlab-jsonl", "telegram-json", "discord-json", "slack-export", "generic-jsonl")
_CJK = re.compile("[\u4e00-\u9fff]")


@pytest.mark.parametrize("fmt", JSON_FORMATS)
def test_a_lone_surrogate_escape_is_read_as_a_replacement_character(fmt, tmp_path):
    text = next(s for s in seeds(fmt) if not s.startswith(b"PK")).decode("utf-8-sig")
    found = [m.start() for m in _CJK.finditer(text)]
    assert found, "the seed holds Chinese text"
    damaged = text
    for at in reversed(found[::5]):  # every fifth Chinese character, in names and texts alike
        damaged = damaged[:at] + "\\ud83d" + damaged[at + 1:]
    path = tmp_path / ("export.jsonl" if fmt.endswith("jsonl") else "export.json")
    path.write_text(damaged, encoding="utf-8")

    chats = read_chats(path, fmt)

    shown = "".join(c.group for c in chats) + "".join(
        "".join(c.messages[col].dropna().astype(str)) for c in chats for col in ("text", "sender", "sender_id"))
    shown += "".join(u.text for c in chats for u in c.unparsed)
    assert "\ufffd" in shown or "\\ud83d" in shown
