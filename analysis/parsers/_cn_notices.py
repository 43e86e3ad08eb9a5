"""System notices of WeChat and QQ (NT) groups: which event a notice text is, and about whom.

Private helper of the JSON parsers (WeFlow, EchoTrace, ChatLab, qq-chat-exporter). The texts
are those FORMATS.md §2 lists for WeChat type-10000 messages (names in ASCII or curly quotes,
``你`` for the exporting account) and the QQNT gray tips of §1b (names unquoted, spaces
around them). Only records the export already flags as system messages are classified, so a
member's own words that quote such a sentence stay text.

:func:`classify_notice` returns ``(kind, who, actor)``:

- ``join``: ``who`` joined; ``actor`` invited them or shared the QR code.
- ``leave``: ``who`` left or was removed; ``actor`` removed them.
- ``recall``: ``who`` is the member whose message was recalled; ``actor`` the admin who
  recalled someone else's message.
- ``system`` with a ``who``: red-packet receipts (``who`` received, ``actor`` sent the
  packet), pats (``who`` patted ``actor``), group renames (``who`` renamed the group).
  The parsers keep ``actor`` only for join, leave and recall (``actor_id``'s meaning).
- ``system`` without ``who``: anything else (notices, privacy reminders, time tips).

With several invitees in one notice, ``who`` is the first one (one record per notice).
"""

from __future__ import annotations

import re

SELF = "你"
"""How WeChat (and QQ) notices name the exporting account."""

_Q = "\"\u201c\u201d\u300c\u300d'"
"""Quote characters that may wrap names in notices."""
_QN = rf"[{_Q}]?(?P<{{g}}>[^{_Q}]+?)[{_Q}]?"


def _name(group: str) -> str:
    return _QN.format(g=group)


_WHO = _name("who")
_ACTOR = _name("actor")
_GROUP = r"(?:本群|群聊|该群|群)"

# First match decides. Invites before plain joins; "A 撤回了 B 的消息" before "A 撤回了一条消息".
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("join", rf"^{_WHO}\s*通过扫描\s*{_ACTOR}\s*分享的二维码加入{_GROUP}"),
        ("join", rf"^{_ACTOR}\s*邀请\s*(?P<list>.+?)\s*加入了?{_GROUP}"),
        ("join", rf"^欢迎\s*{_WHO}\s*加入了?{_GROUP}"),
        ("join", rf"^{_WHO}\s*通过\s*{_ACTOR}\s*(?:的)?邀请加入了?{_GROUP}"),
        ("join", rf"^{_WHO}\s*(?:通过\S*?)?加入了?{_GROUP}"),
        ("leave", rf"^{_WHO}\s*(?:已)?被\s*{_ACTOR}\s*移出了?{_GROUP}"),
        ("leave", rf"^{_ACTOR}\s*(?:将|把)\s*{_WHO}\s*移出了?{_GROUP}"),
        ("leave", rf"^{_WHO}\s*(?:已被移出|被移出|退出了?|已退出|离开了?){_GROUP}"),
        ("recall", rf"^{_ACTOR}\s*撤回了\s*{_WHO}\s*的(?:一条)?消息"),
        ("recall", rf"^{_WHO}\s*撤回了一条(?:成员)?消息"),
        ("system", rf"^{_WHO}\s*领取了\s*{_ACTOR}\s*的红包"),
        ("system", rf"^{_WHO}\s*(?:拍了拍|戳了戳)\s*{_ACTOR}(?:\s|$)"),
        ("system", rf"^{_WHO}\s*(?:拍了拍|戳了戳)"),
        ("system", rf"^{_WHO}\s*修改群名为"),
    )
)

_FIRST_IN_LIST = re.compile(rf"^(?:{SELF}和)?[{_Q}]?(?P<n>[^{_Q}、，,]+?)[{_Q}]?(?:[、，,和]|$)")


def _clean(name: str | None) -> str | None:
    if name is None:
        return None
    name = name.strip().strip(_Q).strip()
    return name or None


def classify_notice(text: str) -> tuple[str, str | None, str | None]:
    """``(kind, who, actor)`` for one system-notice text (names as written, ``你`` kept)."""
    body = (text or "").strip()
    for kind, pattern in _PATTERNS:
        m = pattern.match(body)
        if not m:
            continue
        groups = m.groupdict()
        who = groups.get("who")
        if "list" in groups and groups["list"] is not None:
            listed = groups["list"].strip()
            if listed.startswith(f"{SELF}和") or listed == SELF:
                who = SELF
            else:
                first = _FIRST_IN_LIST.match(listed)
                who = first["n"] if first else listed
        return kind, _clean(who), _clean(groups.get("actor"))
    return "system", None, None
