"""WhatsApp "Export chat" TXT, Android and iOS layouts in any locale (FORMATS.md §4).

Layouts::

    30/01/24, 20:49 - Alice: text                 Android, 24 h
    1/30/24, 8:49 PM - Alice: text                Android, 12 h (often U+202F before PM)
    30/01/2024, 08:49 p. m. - Alice: text         Android, es/pt "a. m./p. m."
    2024/1/30 下午8:49 - 林小雨: 你好               Android, zh (上午/下午 before or after the time)
    [30/01/24, 20:49:05] Alice: text              iOS (seconds; system and media bodies start with U+200E)
    30/01/24, 20:49 - Alice added Bob             Android system line (no "Name: ")

How records are found: the bytes become one Arrow string that is split into physical
lines in C++. An anchored regex picks the lines that start with a date; each is cut at its
first `` - `` (Android) or ``] `` (iOS) and the stamp is read with Arrow's ``strptime`` in
the file's own layout (learnt from the first stamps), under both date orders at once.
Candidates that this fast path cannot read go through the full header regex
(:data:`HEADER`); those that fail it are ordinary text. Every non-header line continues
the record above it, so multi-line bodies, polls and pasted text stay together; records
are assembled with Arrow list offsets and ``binary_join``. Kinds come from vectorised
lookups; only system notices (a few per cent of a chat) go through the per-language
phrase tables one by one. No Python loop runs per message.

Date order: the whole file decides. A first field of 3-4 digits is a year (year-first);
otherwise a first field above 12 means day-first and a second field above 12 means
month-first. When no field is above 12, the order under which the messages run forwards
in time wins, with a warning; when even that cannot tell, day-first is assumed with a
warning. ``ParseOptions.dayfirst`` (``--dayfirst/--monthfirst``) overrides all of this.

Identity: WhatsApp exports carry no member ids, so ``sender_id`` is the display name or
phone number as shown (``~`` and U+202F before non-contacts' names removed). A warning
says so on every chat.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.errors import InputError
from analysis.logformat import LogFormat, ParseOptions
from analysis.notes import Note, note
from analysis.parsers._common import to_ns
from analysis.schema import (
    ACTOR_ID,
    KIND,
    KIND_DTYPE,
    KINDS,
    LINE,
    MSG_ID,
    REPLY_TO,
    SENDER,
    SENDER_ID,
    STRING,
    TEXT,
    TIMESTAMP,
    Chat,
    UnparsedLine,
    build_messages,
    empty_messages,
)
from analysis.source import (
    LINE_BREAK,
    MIXED,
    ZIP_ERRORS,
    Source,
    codec_of,
    damaged_zip,
    decode_fallback,
    split_lines,
)

PLATFORM = "whatsapp"
SYSTEM_SENDER = "system"
"""``sender_id``/``sender`` of system notices that concern no particular member
(encryption notice, unknown wording)."""

IDENTITY_WARNING = note("parse.whatsapp_identity_by_name")
"""WhatsApp exports carry no member ids: members are identified by display name or phone number."""

# -- the header ------------------------------------------------------------------------
# Written with literal characters (no \uXXXX escapes) so that the same pattern works in
# RE2 (Arrow) and in Python's re (the sniffer). [0-9] rather than \d: ASCII digits only.
_MARKS = "\u200e\u200f\ufeff"
_SP = " \u202f\u00a0\u2009"
_CJK_AMPM = "上午|下午|午前|午後|오전|오후"
HEADER = (
    f"^[{_MARKS}]*(?P<br>\\[?)"
    "(?P<a>[0-9]{1,4})[./-](?P<b>[0-9]{1,2})[./-](?P<c>[0-9]{1,4})\\.?"
    f",?[{_SP}]*(?P<pre>{_CJK_AMPM})?[{_SP}]*"
    "(?P<h>[0-9]{1,2})[:.](?P<mi>[0-9]{2})(?:[:.](?P<s>[0-9]{2}))?"
    f"(?:[{_SP}]*(?P<post>[AaPp]\\.?[{_SP}]?[Mm]\\.?|{_CJK_AMPM}))?"
    f"(?P<close>\\][{_SP}]?|[{_SP}]+[-\u2013][{_SP}]?)"
    "(?P<rest>.*)$"
)
"""One header line: optional ``[``, date (any of ``/ . -``), time with optional seconds and
am/pm marker (Latin after the time, CJK before or after), then ``] `` (iOS) or `` - ``
(Android) and the rest of the line."""
_HEADER_PY = re.compile(HEADER)

_CANDIDATE = f"^[{_MARKS}]*\\[?[0-9]{{1,4}}[./-][0-9]{{1,2}}[./-][0-9]"
"""A line that starts like a header (a date); the cheap first filter."""
_INVISIBLE = "[\u200e\u200f\u202a-\u202e\u2066-\u2069]"
"""Direction marks and embeddings: removed for matching and from names, kept in ``text``.
(U+200D is kept: it joins emoji.)"""
_PM = ["pm", "下午", "午後", "오후"]

# -- media -----------------------------------------------------------------------------
# Bodies that are exactly one of these (after removing direction marks). "<Media omitted>"
# (Android, export without media) does not say which medium: kind "file".
MEDIA_PLACEHOLDERS: dict[str, str] = {
    "<Media omitted>": "file", "<Medien ausgeschlossen>": "file", "<Medien ausgelassen>": "file",
    "<Multimedia omitido>": "file", "<Mídia oculta>": "file", "<Arquivo de mídia oculto>": "file",
    "<省略影音内容>": "file", "<媒体文件已省略>": "file", "<已省略媒体>": "file",
    "<省略媒體內容>": "file", "<媒體已略去>": "file",
    "image omitted": "image", "video omitted": "video", "audio omitted": "voice",
    "sticker omitted": "sticker", "GIF omitted": "sticker", "Contact card omitted": "card",
    "Bild weggelassen": "image", "Video weggelassen": "video", "Audio weggelassen": "voice",
    "Sticker weggelassen": "sticker", "GIF weggelassen": "sticker", "Kontaktkarte weggelassen": "card",
    "imagen omitida": "image", "video omitido": "video", "audio omitido": "voice",
    "sticker omitido": "sticker", "GIF omitido": "sticker", "tarjeta de contacto omitida": "card",
    "imagem ocultada": "image", "vídeo ocultado": "video", "vídeo omitido": "video",
    "áudio ocultado": "voice", "áudio omitido": "voice", "figurinha omitida": "sticker",
    "GIF ocultado": "sticker", "cartão de contato omitido": "card",
    "圖片已略去": "image", "影片已略去": "video", "音訊已略去": "voice", "貼圖已略去": "sticker",
    "GIF 已略去": "sticker", "图片已省略": "image", "视频已省略": "video", "音频已省略": "voice",
    "贴纸已省略": "sticker", "GIF 已省略": "sticker", "null": "image",
}
"""Media placeholders (FORMATS.md §4; ``null`` is view-once media)."""

# Documents end with the placeholder after the file name ("Plan.pdf • 3 pages document omitted").
_DOCUMENT = (r"(?:^|\s)(?:document omitted|Dokument weggelassen|documento omitido|"
             r"documento ocultado|文件已略去|文档已省略)$")
_ATTACHED = (r"^<(?:attached|adjunto|anexado|Anhang|allegato|pièce jointe|附件|附加)[:：] ?"
             r"[^>]*>")
_FILE_ATTACHED = (r"^[^\n]+ \((?:file attached|Datei angehängt|archivo adjunto|arquivo anexado|"
                  r"fichier joint|file allegato|文件已附加|檔案已附加)\)")
_LOCATION = (r"^(?:(?:[Ll]ocation|Standort|[Uu]bicación|[Ll]ocalização|位置)[:：] ?https?://|"
             r"Live location shared|Standort wird geteilt|Ubicación en tiempo real|"
             r"Localização em tempo real|实时位置)")
_POLL = r"^(?:POLL|UMFRAGE|ENCUESTA|ENQUETE|SONDAGGIO|SONDAGE|投票)[:：]"
# Call notices exist on iOS only and start with U+200E; they are matched on such bodies only
# so that a typed "Video call tomorrow?" stays text.
_CALL = (r"^(?:Missed |Verpasster |Chamada perdida|Llamada perdida)?"
         r"(?:[Gg]roup |Gruppen)?(?:[Vv]oice call|[Vv]ideo call|Sprachanruf|Videoanruf|"
         r"Llamada de voz|Videollamada|Chamada de voz|Chamada de vídeo|语音通话|视频通话|"
         r"語音通話|視訊通話)")
_URL_ONLY = r"^https?://\S+$"

RECALL_TEXTS: frozenset[str] = frozenset({
    "This message was deleted", "You deleted this message",
    "Diese Nachricht wurde gelöscht", "Du hast diese Nachricht gelöscht",
    "Se eliminó este mensaje", "Eliminaste este mensaje", "Este mensaje fue eliminado",
    "Esta mensagem foi apagada", "Você apagou esta mensagem", "Mensagem apagada",
    "此消息已删除", "你删除了此消息", "此消息已被删除", "此訊息已刪除", "你已刪除此訊息",
})
"""Deleted-message notices (the member who deleted is the sender), with or without a final dot."""
_RECALL_BY_ADMIN = r"^(?:This message was deleted by |Diese Nachricht wurde von .+ gelöscht)"

# -- system lines ----------------------------------------------------------------------
# (kind, pattern). `who` is the member concerned (a list for add/remove: "A, B and C"),
# `actor` who added or removed them, `subject` a group name. The first match wins, so
# specific phrases come before general ones ("X added Y" would also match a longer text).
_Q = "[\"“”„«»「」]"
_SYSTEM_PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern)) for kind, pattern in (
        # encryption and other notices about the chat itself
        ("system", r"^(?:Messages and calls are end-to-end encrypted|Messages to this group are now secured"
                   r"|Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt"
                   r"|Los mensajes y las llamadas están cifrados"
                   r"|As mensagens e as chamadas são protegidas com a criptografia"
                   r"|消息和通话(?:已)?(?:进行)?端到端加密|訊息和通話(?:已)?(?:進行)?端對端加密)"),
        # created group
        ("system", rf"^(?P<who>.+?) created (?:the )?group(?: {_Q}(?P<subject>.*){_Q})?\.?$"),
        ("system", rf"^(?P<who>.+?) hat die Gruppe(?: {_Q}(?P<subject>.*){_Q})? erstellt\.?$"),
        ("system", rf"^(?P<who>.+?) creó (?:el )?grupo(?: {_Q}(?P<subject>.*){_Q})?\.?$"),
        ("system", rf"^(?P<who>.+?) criou (?:o )?grupo(?: {_Q}(?P<subject>.*){_Q})?\.?$"),
        ("system", rf"^(?P<who>.+?) ?(?:创建了群组|創建了群組|建立了群組) ?(?:{_Q}(?P<subject>.*){_Q})?$"),
        # subject / icon / description changes
        ("system", rf"^(?P<who>.+?) changed (?:the subject|the group name|this group's name)"
                   rf"(?: from {_Q}.*{_Q})? to {_Q}(?P<subject>.*){_Q}\.?$"),
        ("system", rf"^(?P<who>.+?) hat (?:den Betreff|den Gruppennamen)(?: von {_Q}.*{_Q})? "
                   rf"(?:zu|in) {_Q}(?P<subject>.*){_Q} geändert\.?$"),
        ("system", rf"^(?P<who>.+?) cambió (?:el asunto|el nombre del grupo)(?: de {_Q}.*{_Q})? "
                   rf"a {_Q}(?P<subject>.*){_Q}\.?$"),
        ("system", rf"^(?P<who>.+?) (?:mudou|alterou) o (?:assunto|nome do grupo|nome)"
                   rf"(?: de {_Q}.*{_Q})? para {_Q}(?P<subject>.*){_Q}\.?$"),
        ("system", rf"^(?P<who>.+?) ?将(?:群组名称|群组主题|主题)(?:从 ?{_Q}.*{_Q})? ?"
                   rf"(?:更改|改)为 ?{_Q}(?P<subject>.*){_Q}$"),
        ("system", r"^(?P<who>.+?) (?:changed|deleted) this group's (?:icon|description|settings)"),
        ("system", r"^(?P<who>.+?) changed the group description"),
        ("system", r"^(?P<who>.+?) hat (?:das Gruppenbild|die Gruppenbeschreibung) (?:geändert|gelöscht)"),
        ("system", r"^(?P<who>.+?) (?:cambió|eliminó) (?:el ícono|el icono|la imagen|la descripción) "
                   r"(?:de este|del) grupo"),
        ("system", r"^(?P<who>.+?) (?:mudou|alterou|apagou) (?:a imagem|a descrição|o ícone) "
                   r"(?:deste|do) grupo"),
        ("system", r"^(?P<who>.+?) ?(?:更改了此群组的图标|更改了群组图标|更改了群组描述|更改了此群組的圖示)"),
        # joins
        ("join", r"^(?P<who>.+?) joined using (?:this group's|an|the group's) invite link\.?$"),
        ("join", r"^(?P<who>.+?) (?:ist )?(?:dieser Gruppe )?über den Einladungslink"
                 r"(?: dieser Gruppe)? beigetreten\.?$"),
        ("join", r"^(?P<who>.+?) se unió (?:usando|mediante|con) el enlace de invitación"
                 r"(?: de este grupo| del grupo)?\.?$"),
        ("join", r"^(?P<who>.+?) entrou usando o link de convite(?: deste grupo| do grupo)?\.?$"),
        ("join", r"^(?P<who>.+?) ?(?:已)?(?:通过|使用)此群组的邀请链接加入(?:了群组)?$"),
        ("join", r"^(?P<who>.+?) ?已?透過此群組的邀請連結加入$"),
        ("join", r"^(?P<who>You|Du|Tú|Você|你) (?:were added|wurdest hinzugefügt|fuiste añadido"
                 r"|fuiste agregado|foi adicionado|已被添加)\.?$"),
        ("join", r"^(?P<actor>.+?) added (?P<who>.+?)\.?$"),
        ("join", r"^(?P<actor>.+?) hat (?P<who>.+?) hinzugefügt\.?$"),
        ("join", r"^(?P<actor>.+?) (?:te )?(?:añadió|agregó)(?: a)? ?(?P<who>.*?)\.?$"),
        ("join", r"^(?P<actor>.+?) (?:adicionou|te adicionou) ?(?P<who>.*?)\.?$"),
        ("join", r"^(?P<actor>.+?) ?(?:已)?(?:添加了|新增了) ?(?P<who>.+?)$"),
        ("join", r"^(?P<actor>.+?) ?已將 ?(?P<who>.+?) ?(?:加入|新增至)群組$"),
        ("join", r"^(?P<who>.+?) joined\.?$"),
        # leaves
        ("leave", r"^(?P<who>You|Du|Tú|Você|你) (?:were removed|wurdest entfernt|fuiste eliminado"
                  r"|foi removido|已被移除)\.?$"),
        ("leave", r"^(?P<actor>.+?) removed (?P<who>.+?)\.?$"),
        ("leave", r"^(?P<actor>.+?) hat (?P<who>.+?) entfernt\.?$"),
        ("leave", r"^(?P<actor>.+?) (?:te )?eliminó(?: a)? ?(?P<who>.*?)\.?$"),
        ("leave", r"^(?P<actor>.+?) (?:removeu|te removeu) ?(?P<who>.*?)\.?$"),
        ("leave", r"^(?P<actor>.+?) ?(?:已)?(?:移除了|将) ?(?P<who>.+?) ?(?:移出了?群组)?$"),
        ("leave", r"^(?P<actor>.+?) ?已將 ?(?P<who>.+?) ?(?:從群組中)?移除$"),
        ("leave", r"^(?P<who>.+?) left\.?$"),
        ("leave", r"^(?P<who>.+?) (?:hat die Gruppe verlassen|ist ausgetreten)\.?$"),
        ("leave", r"^(?P<who>.+?) (?:salió|abandonó|se salió)(?: del grupo)?\.?$"),
        ("leave", r"^(?P<who>.+?) saiu(?: do grupo)?\.?$"),
        ("leave", r"^(?P<who>.+?) ?(?:已)?(?:退出|离开|離開)(?:了)?(?:群组|群組)?$"),
    )
)
_WHO_LIST = re.compile(r"\s*(?:,|、|，| and | und | y | e | 和 |和|及)\s*")
"""Separators in "X added A, B and C"."""
_YOU = frozenset({"You", "you", "Du", "dich", "Tú", "te", "Você", "você", "你"})


# -- zip -------------------------------------------------------------------------------

def _chat_members(names: list[str]) -> list[str]:
    """The chat texts inside a WhatsApp zip, in zip order: every ``_chat.txt`` (iOS), else every
    ``WhatsApp Chat with X.txt``. A zip of several exports (``_chat.txt`` and ``other/_chat.txt``)
    holds several chats: each is read as its own conversation."""
    texts = [n for n in names if n.lower().endswith(".txt") and not n.startswith("__MACOSX/")]
    ios = [n for n in texts if PurePosixPath(n).name == "_chat.txt"]
    return ios or [n for n in texts if "whatsapp" in PurePosixPath(n).name.lower()]


def _chat_member(names: list[str]) -> str | None:
    """The first chat text inside a WhatsApp zip (:func:`_chat_members`), or None."""
    members = _chat_members(names)
    return members[0] if members else None


def _read_zip(source: Source) -> list[tuple[bytes, str]]:
    """(bytes, member name) of each chat inside a zip export."""
    try:
        with zipfile.ZipFile(source.open_binary()) as zf:
            members = _chat_members(zf.namelist())
            if not members:
                raise InputError("the zip holds no WhatsApp chat (_chat.txt or 'WhatsApp Chat ….txt')",
                                 path=source.name,
                                 hint="give the .txt from the export, or the zip WhatsApp made")
            # A zip says how large the chat unpacks: refuse a zip bomb before unpacking it.
            what = f"the chat in the zip ({members[0]})" if len(members) == 1 else \
                f"the {len(members)} chats in the zip"
            source.check_size(source.limit, f"{what} unpacks to",
                              size=sum(zf.getinfo(m).file_size for m in members))
            return [(zf.read(m), m) for m in members]
    except ZIP_ERRORS as exc:
        raise damaged_zip(source.name, exc) from None


def _zip_groups(chats: list[Chat], members: list[str], zip_name: str) -> None:
    """Name each chat of a zip: the name the chat gives, else WhatsApp's file name, else (several
    chats) the member's folder, else the zip's name; names that still collide become the
    member's path."""
    for chat, member in zip(chats, members, strict=True):
        folder = PurePosixPath(member).parent.name
        chat.group = chat.group or (folder if len(chats) > 1 and folder else _group_from_filename(zip_name))
    if len(chats) > 1:
        stem = PurePosixPath(zip_name.replace("\\", "/")).stem
        for chat in chats:
            chat.group = chat.group or stem
        names = [c.group for c in chats]
        for chat, member in zip(chats, members, strict=True):
            if not chat.group or names.count(chat.group) > 1:
                chat.group = member


# -- sniffing --------------------------------------------------------------------------

def is_header_line(line: str) -> bool:
    """True when ``line`` is a WhatsApp message header (Android or iOS)."""
    m = _HEADER_PY.match(line)
    return bool(m) and (m["br"] == "[") == m["close"].startswith("]")


def sniff(source: Source) -> bool:
    """A WhatsApp zip (by member names), or a text whose first non-blank line is a header."""
    if source.is_zip:
        return _chat_member(source.zip_names()) is not None
    for line in LINE_BREAK.split(source.head()[:8192]):
        if line.strip():
            return is_header_line(line.lstrip("\ufeff"))
    return False


# -- lines -----------------------------------------------------------------------------

def _utf8_lines(data: bytes) -> pa.Array | None:
    """Physical lines of UTF-8 ``data`` (CRLF, lone CR, lone LF), or None if not valid UTF-8.

    The bytes become one Arrow string without a copy, are validated once, and are split
    in C++; this is most of why the parser is fast.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data:
        return pa.array([], pa.string())
    if len(data) >= 2**31 - 1:
        whole = pa.array([data], pa.large_binary())
        try:
            whole = whole.cast(pa.large_string())
        except pa.ArrowInvalid:
            return None
    else:
        offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int32).tobytes())
        whole = pa.StringArray.from_buffers(1, offsets, pa.py_buffer(data))
        try:
            whole.validate(full=True)
        except pa.ArrowInvalid:
            return None
    cr = data.count(b"\r")
    if cr and cr != data.count(b"\r\n"):
        lines = pc.split_pattern_regex(whole, r"\r\n|\r|\n").values
    else:
        lines = pc.split_pattern(whole, "\n").values
        if cr:
            lines = pc.utf8_rtrim(lines, characters="\r")
    if data.endswith((b"\n", b"\r")):
        lines = lines.slice(0, len(lines) - 1)
    return lines


def _decode_lines(data: bytes, encoding: str) -> tuple[pa.Array, str]:
    """Lines of ``data`` and the encoding used (UTF-8 fast path; BOMs; GB18030 fallback)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or encoding.startswith(("utf-16", "utf-32")):
        enc = encoding if encoding.startswith(("utf-16", "utf-32")) else "utf-16"
        return _utf8_lines(data.decode(enc, errors="replace").encode("utf-8")), enc
    codec = codec_of(encoding)[0] if encoding and encoding != MIXED else "utf-8"
    if not codec.startswith(("utf", "gb")):
        # An encoding forced with --encoding (latin-1, cp1252...): WhatsApp on old phones and
        # re-saved files use them; U+0085 (NEL) that latin-1 gives stays text (and is reported).
        text = data.decode(codec, errors="replace")
        return _utf8_lines(text.encode("utf-8", errors="surrogatepass")), codec
    if not encoding.startswith("gb"):
        lines = _utf8_lines(data)
        if lines is not None:
            return lines, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    text, enc = decode_fallback(data)
    return _utf8_lines(text.encode("utf-8", errors="surrogatepass")), enc


# -- parsing ---------------------------------------------------------------------------

def parse(source: Source, options: ParseOptions) -> list[Chat]:
    """Parse a WhatsApp export (.txt, or the .zip WhatsApp makes) into one Chat (one per chat
    text in a zip that holds several)."""
    if source.is_zip:
        chats, members = [], []
        for data, member in _read_zip(source):
            lines, encoding = _decode_lines(data, "utf-8")
            chat = parse_lines(lines, options, name=member)
            chat.encoding = encoding
            chats.append(chat)
            members.append(member)
        _zip_groups(chats, members, source.name)
        return chats
    lines, encoding = _decode_lines(source.read_bytes(), source.encoding)
    chat = parse_lines(lines, options, name=source.name)
    chat.encoding = encoding
    return [chat]


def parse_text(text: str, options: ParseOptions | None = None, *, name: str = "") -> Chat:
    """Parse the decoded text of a WhatsApp export; ``name`` (file name) may give the group name."""
    lines = _utf8_lines(text.encode("utf-8", errors="surrogatepass"))
    return parse_lines(lines if lines is not None else pa.array(split_lines(text), pa.string()),
                       options, name=name)


def _buffer_has(arr: pa.Array, *needles: str) -> bool:
    """True when any needle occurs anywhere in the string data of ``arr`` (a quick pre-check)."""
    if not len(arr):
        return False
    data = arr.buffers()[2]
    raw = data.to_pybytes() if data is not None else b""
    return any(n.encode("utf-8") in raw for n in needles)


def _starts_with_any(arr: pa.Array, chars: str, *, rows: bool = False):
    """Whether any string (or, with ``rows``, which strings) start with one of ``chars``."""
    hit = np.zeros(len(arr), dtype=bool)
    for ch in chars:
        hit |= pc.fill_null(pc.starts_with(arr, ch), False).to_numpy(zero_copy_only=False)
    return hit if rows else bool(hit.any())


def _split_first(arr: pa.Array, sep: str) -> tuple[pa.Array, pa.Array, np.ndarray]:
    """(before, after, found) at the first ``sep`` of each string; ``after`` is "" where not found."""
    parts = pc.split_pattern(arr, sep, max_splits=1)
    offsets = np.asarray(parts.offsets)
    values = parts.values
    found = np.diff(offsets) == 2
    before = values.take(pa.array(offsets[:-1]))
    after = values.take(pa.array(np.where(found, offsets[:-1] + 1, offsets[:-1])))
    after = pc.if_else(pa.array(found), after, "")
    return before, after, found


def parse_lines(lines: pa.Array, options: ParseOptions | None = None, *, name: str = "") -> Chat:
    """Parse an export given as an Arrow array of its physical lines."""
    options = options or ParseOptions()
    n_lines = len(lines)
    warnings = [IDENTITY_WARNING]

    # 1. Header lines. A cheap anchored test picks candidates (lines starting with a date);
    #    the fast path splits them at " - " / "] " and reads the stamp with Arrow's strptime
    #    in the file's own layout; lines it cannot read go through the full regex.
    cand_idx = np.flatnonzero(pc.match_substring_regex(lines, _CANDIDATE).to_numpy(zero_copy_only=False))
    cand = lines.take(pa.array(cand_idx))
    if _starts_with_any(cand, _MARKS):
        cand = pc.utf8_ltrim(cand, characters=_MARKS)
    stamps = _read_stamps(cand, options)
    is_head = stamps.ok
    hidx = cand_idx[is_head]
    rest = stamps.rest.filter(pa.array(is_head))
    ts_a, ts_b = stamps.ts_a[is_head], stamps.ts_b[is_head]

    unparsed: list[UnparsedLine] = []
    first = int(hidx[0]) if len(hidx) else n_lines
    for i, raw in enumerate(lines.slice(0, first).to_pylist()):
        if raw.strip():
            unparsed.append(UnparsedLine(i + 1, raw))
    if not len(hidx):
        return Chat(messages=empty_messages(), group=_group_from_filename(name), platform=PLATFORM,
                    lines_total=n_lines, unparsed=unparsed, warnings=warnings)

    ts, order_warnings = _choose_order(ts_a, ts_b, stamps.kind, options)
    warnings += order_warnings

    # 2. "Name: body" on the header line; lines without it are system notices.
    name_raw, body_first, has_sender = _split_first(rest, ": ")
    if not has_sender.all():
        name_raw, body_first, has_sender = _sender_quirks(rest, name_raw, body_first, has_sender)
    body_first = pc.if_else(pa.array(has_sender), body_first, rest)

    # 3. One string per record: the body's first line, then its continuation lines.
    mask = np.zeros(n_lines, dtype=bool)
    mask[hidx] = True
    ends = np.append(hidx[1:], n_lines)
    body_lines = pc.replace_with_mask(lines, pa.array(mask), body_first)
    bounds = np.append(hidx, n_lines).astype(np.int32 if n_lines < 2**31 else np.int64)
    records = pc.binary_join(pa.ListArray.from_arrays(pa.array(bounds), body_lines), "\n")
    multi = np.flatnonzero(ends - hidx > 1)
    if len(multi):
        # Blank lines after a message's last line are spacing, not content.
        trailing = pc.equal(pc.utf8_trim_whitespace(lines.take(pa.array(ends[multi] - 1))), "")
        fix = multi[trailing.to_numpy(zero_copy_only=False)]
        if len(fix):
            fixed = np.zeros(len(hidx), dtype=bool)
            fixed[fix] = True
            trimmed = pc.replace_substring_regex(records.take(pa.array(fix)), r"\n\s*$", "")
            records = pc.replace_with_mask(records, pa.array(fixed), trimmed)

    # 4. Records with impossible dates are kept as lines not understood.
    line_no = hidx + 1
    bad = np.isnat(ts)
    if bad.any():
        for start, end in zip(hidx[bad], ends[bad], strict=True):
            for offset, raw in enumerate(lines.slice(int(start), int(end - start)).to_pylist()):
                if raw.strip():
                    unparsed.append(UnparsedLine(int(start) + offset + 1, raw))
        warnings.append(note("parse.impossible_dates_headers", n=int(bad.sum())))
        keep = pa.array(~bad)
        records, name_raw, rest = records.filter(keep), name_raw.filter(keep), rest.filter(keep)
        body_first = body_first.filter(keep)
        ts, line_no, has_sender = ts[~bad], line_no[~bad], has_sender[~bad]
        unparsed.sort(key=lambda u: u.line)

    columns, group = _classify(records, name_raw, rest, body_first, has_sender, line_no)
    rows = columns.pop("_row")
    columns[TIMESTAMP] = pd.Series(ts[rows], copy=False)
    columns[LINE] = pd.Series(pd.array(line_no[rows], dtype="Int64"), copy=False)
    group = _group_from_filename(name) or group
    # Exports are in time order; sorting is only needed when they are not (or for the extra
    # rows of "X added A, B and C", which are appended at the end).
    ordered = len(rows) == len(ts) and bool((ts[1:] >= ts[:-1]).all())
    messages = build_messages(columns, sort=not ordered)
    return Chat(messages=messages, group=group, platform=PLATFORM, lines_total=n_lines,
                unparsed=unparsed, warnings=warnings)


# -- stamps ----------------------------------------------------------------------------

class _Stamps:
    """Header candidates read: which are headers, their rest of line, and their time under
    both possible date orders (``kind``: "dm" = day/month vs month/day, "ymd" = year-first)."""

    def __init__(self, n: int) -> None:
        self.ok = np.zeros(n, dtype=bool)
        self.rest: pa.Array = pa.nulls(n, pa.string())
        self.ts_a = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        self.ts_b = self.ts_a.copy()
        self.kind = "dm"


_STAMP_PY = re.compile(
    f"^(?P<br>\\[?)(?P<a>[0-9]{{1,4}})(?P<s1>[./-])(?P<b>[0-9]{{1,2}})(?P<s2>[./-])(?P<c>[0-9]{{1,4}})"
    f"(?P<mid>\\.?,?[{_SP}]*)(?P<pre>{_CJK_AMPM})?(?P<mid2>[{_SP}]*)"
    "(?P<h>[0-9]{1,2})(?P<t1>[:.])(?P<mi>[0-9]{2})(?:(?P<t2>[:.])(?P<s>[0-9]{2}))?"
    f"(?P<mid3>[{_SP}]*)(?P<post>[AaPp]\\.?[{_SP}]?[Mm]\\.?|{_CJK_AMPM})?(?P<tail>[{_SP}]*)$"
)
_AM_PM = {"上午": "AM", "下午": "PM", "午前": "AM", "午後": "PM", "오전": "AM", "오후": "PM"}


def _layout(prefix: str) -> tuple[str, str, dict[str, str], str, str] | None:
    """strptime formats for both date orders of one stamp, the marker replacements that
    turn its am/pm into ``AM``/``PM``, the order kind ("dm" or "ymd") and the date separator."""
    m = _STAMP_PY.match(prefix)
    if not m:
        return None
    def lit(text: str) -> str:
        return text.replace("%", "%%")
    marker = m["pre"] or m["post"]
    replace: dict[str, str] = {}
    if marker in _AM_PM:
        replace = dict(_AM_PM)
    elif marker and marker not in ("AM", "PM"):
        # "p. m." -> also "a. m."; "pm" -> also "am": both become what %p reads.
        am = ("a" if marker[0].islower() else "A") + marker[1:]
        pm = ("p" if marker[0].islower() else "P") + marker[1:]
        replace = {am: "AM", pm: "PM"}
    hour = "%I" if marker else "%H"
    time = f"{hour}{lit(m['t1'])}%M" + (f"{lit(m['t2'])}%S" if m["s"] else "")
    pre = "%p" if m["pre"] else ""
    post = "%p" if m["post"] else ""
    yfmt = "%Y" if len(m["c"]) == 4 else "%y"
    s1, s2 = lit(m["s1"]), lit(m["s2"])
    def fmt(date: str) -> str:
        return (f"{lit(m['br'])}{date}{lit(m['mid'])}{pre}{lit(m['mid2'])}{time}"
                f"{lit(m['mid3'])}{post}{lit(m['tail'])}")
    if len(m["a"]) >= 3:
        return fmt(f"%Y{s1}%m{s2}%d"), fmt(f"%Y{s1}%d{s2}%m"), replace, "ymd", m["s1"]
    return fmt(f"%d{s1}%m{s2}{yfmt}"), fmt(f"%m{s1}%d{s2}{yfmt}"), replace, "dm", m["s1"]


def _strptime(prefix: pa.Array, fmt: str) -> np.ndarray:
    parsed = pc.strptime(prefix, format=fmt, unit="s", error_is_null=True)
    return to_ns(parsed)


def _read_stamps(cand: pa.Array, options: ParseOptions) -> _Stamps:
    """Read the stamps of header candidates (fast path, then the full regex for the rest)."""
    n = len(cand)
    out = _Stamps(n)
    if not n:
        return out
    # iOS stamps end at "] ", Android ones at " - " (the first one on the line: the stamp
    # itself never holds " - ", and a prefix that is not a whole stamp fails strptime).
    ios = pc.starts_with(cand, "[").to_numpy(zero_copy_only=False)
    if ios.all() or not ios.any():
        prefix, rest, found = _split_first(cand, "] " if ios.all() else " - ")
    else:
        p1, r1, f1 = _split_first(cand, "] ")
        p2, r2, f2 = _split_first(cand, " - ")
        choose = pa.array(ios)
        prefix, rest, found = pc.if_else(choose, p1, p2), pc.if_else(choose, r1, r2), np.where(ios, f1, f2)
    # The file's layout: the most common among the first stamps.
    votes: Counter[tuple] = Counter()
    for text, hit in zip(prefix.slice(0, 200).to_pylist(), found[:200], strict=True):
        layout = _layout(text) if hit else None
        if layout is not None:
            votes[(layout[0], layout[1], tuple(layout[2].items()), layout[3], layout[4])] += 1
    fast = np.zeros(n, dtype=bool)
    if votes:
        fmt_a, fmt_b, replace, kind, sep = votes.most_common(1)[0][0]
        out.kind = kind
        norm = prefix
        for old, new in replace:
            norm = pc.replace_substring(norm, old, new)
        ts_a, ts_b = _strptime(norm, fmt_a), _strptime(norm, fmt_b)
        fast = found & ~(np.isnat(ts_a) & np.isnat(ts_b))
        _no_rollover(norm, sep, kind, fast, ts_a, ts_b)
        fast &= ~(np.isnat(ts_a) & np.isnat(ts_b))
        out.ts_a[fast], out.ts_b[fast] = ts_a[fast], ts_b[fast]
        out.rest = rest
    out.ok = fast
    slow = np.flatnonzero(~fast)
    if len(slow):
        _read_stamps_slowly(cand, slow, out)
    return out


def _no_rollover(prefix: pa.Array, sep: str, kind: str, rows: np.ndarray,
                 ts_a: np.ndarray, ts_b: np.ndarray) -> None:
    """Set to NaT the times strptime rolled over (it reads 31/02 as 2 or 3 March).

    The first two date fields are read again and the month (or, for year/day/month, the
    day) of each time must equal the field it came from.
    """
    idx = np.flatnonzero(rows)
    if not len(idx):
        return
    parts = pc.split_pattern(pc.utf8_ltrim(prefix.take(pa.array(idx)), characters="["), sep,
                             max_splits=2)
    starts = np.asarray(parts.offsets)[:-1]
    first = pc.cast(parts.values.take(pa.array(starts)), pa.int64()).to_numpy(zero_copy_only=False)
    second = pc.cast(parts.values.take(pa.array(starts + 1)), pa.int64()).to_numpy(zero_copy_only=False)
    def month(ts: np.ndarray) -> np.ndarray:
        return (ts.astype("datetime64[M]").astype(np.int64) % 12) + 1
    def day(ts: np.ndarray) -> np.ndarray:
        return (ts.astype("datetime64[D]") - ts.astype("datetime64[M]").astype("datetime64[D]")
                ).astype(np.int64) + 1
    a, b = ts_a[idx], ts_b[idx]
    bad_a = ~np.isnat(a) & (month(a) != second)
    bad_b = ~np.isnat(b) & ((day(b) if kind == "ymd" else month(b)) != (second if kind == "ymd" else first))
    ts_a[idx[bad_a]] = np.datetime64("NaT")
    ts_b[idx[bad_b]] = np.datetime64("NaT")


def _read_stamps_slowly(cand: pa.Array, rows: np.ndarray, out: _Stamps) -> None:
    """The full header regex on the candidates the fast path could not read."""
    match = pc.extract_regex(cand.take(pa.array(rows)), HEADER)
    valid = pc.is_valid(match).to_numpy(zero_copy_only=False)
    if not valid.any():
        return
    rows = rows[valid]
    fields = match.filter(pa.array(valid))
    consistent = pc.equal(pc.equal(fields.field("br"), "["),
                          pc.starts_with(fields.field("close"), "]")).to_numpy(zero_copy_only=False)
    rows, fields = rows[consistent], fields.filter(pa.array(consistent))
    if not len(rows):
        return
    a_str = fields.field("a")
    a, b, c = _ints(a_str), _ints(fields.field("b")), _ints(fields.field("c"))
    hour, minute, second = _ints(fields.field("h")), _ints(fields.field("mi")), _ints(fields.field("s"))
    marker = pc.if_else(pc.equal(fields.field("post"), ""), fields.field("pre"), fields.field("post"))
    marker = pc.replace_substring_regex(pc.utf8_lower(marker), f"[.{_SP}]", "")
    twelve = pc.not_equal(marker, "").to_numpy(zero_copy_only=False)
    pm = pc.is_in(marker, pa.array(_PM)).to_numpy(zero_copy_only=False)
    # "00:08 a. m." happens (chat-miner's sample); 13 PM does not: make it invalid.
    hour = np.where(twelve, np.where(hour > 12, 99, hour % 12 + np.where(pm, 12, 0)), hour)
    if out.kind == "ymd" or (not out.ok.any() and (pc.utf8_length(a_str).to_numpy(
            zero_copy_only=False) >= 3).mean() > 0.5):
        out.kind = "ymd"
        out.ts_a[rows] = _civil(a, b, c, hour, minute, second)
        out.ts_b[rows] = _civil(a, c, b, hour, minute, second)
    else:
        year = np.where(c < 100, c + 2000, c)
        out.ts_a[rows] = _civil(year, b, a, hour, minute, second)
        out.ts_b[rows] = _civil(year, a, b, hour, minute, second)
    out.ok[rows] = True
    mask = np.zeros(len(out.ok), dtype=bool)
    mask[rows] = True
    out.rest = pc.replace_with_mask(out.rest, pa.array(mask), fields.field("rest"))


def _ints(arr: pa.Array, empty: int = 0) -> np.ndarray:
    """Digit strings to int64 (empty strings become ``empty``)."""
    filled = pc.if_else(pc.equal(arr, ""), str(empty), arr)
    return pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False)


def _civil(year, month, day, hour, minute, second) -> np.ndarray:
    """Naive datetimes from components; NaT where the date or time is impossible."""
    year, month, day = (np.asarray(x, dtype=np.int64) for x in (year, month, day))
    hour, minute, second = (np.asarray(x, dtype=np.int64) for x in (hour, minute, second))
    ok = ((month >= 1) & (month <= 12) & (day >= 1) & (year >= 1970) & (year < 2200)
          & (hour < 24) & (minute < 60) & (second < 60))
    months = (np.where(ok, year, 1970) - 1970) * 12 + np.where(ok, month, 1) - 1
    start = months.astype("datetime64[M]").astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[M]").astype("datetime64[D]") - start).astype(np.int64)
    ok &= day <= length
    seconds = (np.where(ok, day, 1) - 1) * 86400 + hour * 3600 + minute * 60 + second
    stamps = start.astype("datetime64[ns]") + (seconds * 1_000_000_000).astype("timedelta64[ns]")
    stamps[~ok] = np.datetime64("NaT")
    return stamps


def _inversions(ts: np.ndarray) -> int:
    """How many times a message is dated before the one above it."""
    values = ts[~np.isnat(ts)]
    return int((values[1:] < values[:-1]).sum())


def _choose_order(ts_a: np.ndarray, ts_b: np.ndarray, kind: str, options: ParseOptions
                  ) -> tuple[np.ndarray, list[Note]]:
    """Pick the date order for the whole file (see the module docstring)."""
    warnings: list[Note] = []
    bad_a, bad_b = int(np.isnat(ts_a).sum()), int(np.isnat(ts_b).sum())
    if kind == "ymd":
        # y/m/d (ISO, CJK locales); y/d/m only when more dates fit it.
        return (ts_b if bad_b < bad_a else ts_a), warnings
    if options.dayfirst is not None:
        chosen, bad = (ts_a, bad_a) if options.dayfirst else (ts_b, bad_b)
        if bad:
            warnings.append(note("parse.dates_misfit_dayfirst" if options.dayfirst
                                 else "parse.dates_misfit_monthfirst", n=bad))
        return chosen, warnings
    if bad_a != bad_b:
        dayfirst = bad_a < bad_b
        if min(bad_a, bad_b):
            warnings.append(note("parse.dates_mixed_dayfirst" if dayfirst else "parse.dates_mixed_monthfirst"))
        return (ts_a if dayfirst else ts_b), warnings
    inv_a, inv_b = _inversions(ts_a), _inversions(ts_b)
    if inv_a != inv_b:
        dayfirst = inv_a < inv_b
        warnings.append(note("parse.date_order_inferred_dayfirst" if dayfirst
                             else "parse.date_order_inferred_monthfirst"))
        return (ts_a if dayfirst else ts_b), warnings
    warnings.append(note("parse.dayfirst_assumed"))
    return ts_a, warnings


# -- senders and kinds -----------------------------------------------------------------

_SENDER_QUIRK = "^(?P<name>.+?):(?P<body>[\u200e\u200f\u00a0].*|\\.)$"
"""Header lines without ": " that still have a sender: "Name:\u200e…" and "Name:." (a
self-destructed message in chat-miner's samples)."""


def _sender_quirks(rest: pa.Array, name_raw: pa.Array, body: pa.Array, has_sender: np.ndarray
                   ) -> tuple[pa.Array, pa.Array, np.ndarray]:
    """Apply :data:`_SENDER_QUIRK` to the header lines without ": "."""
    rows = np.flatnonzero(~has_sender)
    match = pc.extract_regex(rest.take(pa.array(rows)), _SENDER_QUIRK)
    hit = pc.is_valid(match).to_numpy(zero_copy_only=False)
    if not hit.any():
        return name_raw, body, has_sender
    rows = rows[hit]
    fields = match.filter(pa.array(hit))
    mask = np.zeros(len(has_sender), dtype=bool)
    mask[rows] = True
    has_sender = has_sender | mask
    return (pc.replace_with_mask(name_raw, pa.array(mask), fields.field("name")),
            pc.replace_with_mask(body, pa.array(mask), fields.field("body")), has_sender)


_KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
_EXACT: dict[str, str] = {
    **MEDIA_PLACEHOLDERS,
    **dict.fromkeys(RECALL_TEXTS, "recall"),
    **{text + ".": "recall" for text in RECALL_TEXTS},
}
_EXACT_KEYS = pa.array(list(_EXACT), pa.string())
_EXACT_CODES = np.array([_KIND_CODE[k] for k in _EXACT.values()], dtype=np.int8)
_PREFILTER = "|".join(f"(?:{p})" for p in (_RECALL_BY_ADMIN, _ATTACHED, _LOCATION, _POLL, _CALL,
                                            _URL_ONLY))
_DOCUMENT_SUFFIXES = ("document omitted", "Dokument weggelassen", "documento omitido",
                      "documento ocultado", "文件已略去", "文档已省略")
_FILE_ATTACHED_SUFFIXES = ("(file attached)", "(Datei angehängt)", "(archivo adjunto)",
                           "(arquivo anexado)", "(fichier joint)", "(file allegato)",
                           "(文件已附加)", "(檔案已附加)")


def _strip_marks(arr: pa.Array) -> pa.Array:
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, _INVISIBLE, ""))


def _clean_name(arr: pa.Array) -> pa.Array:
    """Display name without direction marks and without iOS's ``~`` before non-contacts."""
    text = pc.replace_substring_regex(arr, _INVISIBLE, "")
    text = pc.replace_substring_regex(text, f"^[{_SP}]*~[{_SP}]?", "", max_replacements=1)
    return pc.utf8_trim_whitespace(text)


def _mask(arr: pa.Array, pattern: str) -> np.ndarray:
    return pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_numpy(zero_copy_only=False)


def _ends_with_any(arr: pa.Array, suffixes: tuple[str, ...]) -> np.ndarray:
    out = np.zeros(len(arr), dtype=bool)
    for suffix in suffixes:
        out |= pc.fill_null(pc.ends_with(arr, suffix), False).to_numpy(zero_copy_only=False)
    return out


def _file_kinds(names: pa.Array) -> np.ndarray:
    """Kind codes of attachments from their file names (WhatsApp's naming: IMG-, PHOTO, VID- ...)."""
    kinds = np.full(len(names), _KIND_CODE["file"], dtype=np.int8)
    todo = np.ones(len(names), dtype=bool)
    for kind, pattern in (
        ("card", r"(?i)\.vcf\b"),
        ("sticker", r"(?i)STICKER|STK-|\.webp\b|\bGIF\b|-GIF-"),
        ("voice", r"(?i)AUDIO|PTT-|AUD-|\.(?:opus|m4a|aac|mp3|ogg)\b"),
        ("video", r"(?i)VIDEO|VID-|\.(?:mp4|mov|3gp)\b"),
        ("image", r"(?i)PHOTO|IMG-|\.(?:jpe?g|png|heic)\b"),
    ):
        hit = _mask(names, pattern) & todo
        kinds[hit] = _KIND_CODE[kind]
        todo &= ~hit
    return kinds


def _kinds(records: pa.Array, first_lines: pa.Array, generated: np.ndarray) -> np.ndarray:
    """Kind code of every record from its body (vectorised; system notices come later)."""
    n = len(records)
    # Exact lookups and anchored patterns: WhatsApp writes placeholders without surrounding
    # spaces (and the header's separator space is already gone), so no trimming pass.
    clean = records
    codes = np.zeros(n, dtype=np.int8)   # text
    unset = np.ones(n, dtype=bool)

    def assign(mask: np.ndarray, code: int | np.ndarray) -> None:
        hit = mask & unset
        codes[hit] = code if np.isscalar(code) else code[hit]
        unset[hit] = False

    index = pc.index_in(clean, value_set=_EXACT_KEYS).to_numpy(zero_copy_only=False)
    found = ~np.isnan(index.astype(float))
    exact = np.zeros(n, dtype=np.int8)
    exact[found] = _EXACT_CODES[index[found].astype(np.int64)]
    assign(found, exact)
    assign(_ends_with_any(clean, _DOCUMENT_SUFFIXES), _KIND_CODE["file"])
    attached = _ends_with_any(first_lines, _FILE_ATTACHED_SUFFIXES) & unset
    # One anchored pass picks the few bodies that can be an attachment, location, poll,
    # call, link or admin deletion; each pattern then runs on those only.
    maybe = np.flatnonzero(_mask(clean, _PREFILTER) & unset)
    if len(maybe):
        sub = clean.take(pa.array(maybe))
        def on(pattern: str) -> np.ndarray:
            hit = np.zeros(n, dtype=bool)
            hit[maybe[_mask(sub, pattern)]] = True
            return hit
        assign(on(_RECALL_BY_ADMIN), _KIND_CODE["recall"])
        attached |= on(_ATTACHED) & unset
    if attached.any():
        kinds = np.zeros(n, dtype=np.int8)
        kinds[attached] = _file_kinds(first_lines.filter(pa.array(attached)))
        assign(attached, kinds)
    if len(maybe):
        assign(on(_LOCATION), _KIND_CODE["location"])
        assign(on(_POLL), _KIND_CODE["poll"])
        if generated.any():
            assign(generated & on(_CALL), _KIND_CODE["call"])
        assign(on(_URL_ONLY), _KIND_CODE["link"])
    return codes


def _classify(records: pa.Array, name_raw: pa.Array, rest: pa.Array, body_first: pa.Array,
              has_sender: np.ndarray, line_no: np.ndarray) -> tuple[dict, str]:
    """Columns of the message table (without timestamp) and the group name found in notices.

    ``_row`` in the result maps each output row to its record (notices about several
    members, "X added A, B and C", give one row per member)."""
    n = len(records)
    names = _clean_name(name_raw) if _starts_with_any(name_raw, "~" + _SP + _MARKS) else name_raw
    # iOS starts the bodies of notices, media and calls with U+200E; only those rows need
    # the marks removed before their kind is looked up.
    generated = _starts_with_any(body_first, "\u200e\u200f", rows=True) & has_sender
    if generated.any():
        mask = pa.array(generated)
        text_for_kinds = pc.replace_with_mask(records, mask, pc.replace_substring_regex(
            records.filter(mask), _INVISIBLE, ""))
        first_for_kinds = pc.replace_with_mask(body_first, mask, pc.replace_substring_regex(
            body_first.filter(mask), _INVISIBLE, ""))
    else:
        text_for_kinds, first_for_kinds = records, body_first
    codes = _kinds(text_for_kinds, first_for_kinds, generated)

    # System notices: Android lines without "Name: ", iOS bodies that start with U+200E and
    # are no media, and "names" holding a quote ('X changed the subject to "a: b"' splits at
    # the colon inside the quotes).
    quoted = _mask(names, _Q) & has_sender if _buffer_has(names, *_QUOTES) else np.zeros(n, bool)
    cand = np.flatnonzero(~has_sender | (generated & (codes == 0)) | quoted)
    sender_rows: list[int] = []
    sender_vals: list[str] = []
    actor_rows: list[int] = []
    actor_vals: list[str] = []
    whole_rows: list[int] = []
    extra: list[tuple[int, str]] = []
    subjects: list[str] = []
    ios_group = ""
    if len(cand):
        own = has_sender[cand] & ~quoted[cand]
        line_text = pc.if_else(pa.array(own), body_first.take(pa.array(cand)), rest.take(pa.array(cand)))
        line_text = pc.replace_substring_regex(line_text, f"~[{_SP}]", "")
        line_text = pc.replace_substring_regex(line_text, f"[{_SP}]", " ")
        line_text = _strip_marks(line_text)
        which = _which_phrase(line_text)
        texts = line_text.to_pylist()
        pseudo: list[int] = []
        for row, is_own, text, k in zip(cand.tolist(), own.tolist(), texts, which.tolist(), strict=True):
            hit = _match_system(text, k) if k >= 0 else None
            if hit is None:
                if quoted[row]:
                    continue  # an ordinary message whose sender's name has a quote in it
                codes[row] = _KIND_CODE["system"]
                if not has_sender[row]:
                    sender_rows.append(row)
                    sender_vals.append(SYSTEM_SENDER)
                else:
                    pseudo.append(row)
                continue
            kind, who, actor, subject = hit
            if is_own and kind == "system" and not who:
                ios_group = ios_group or str(names[row].as_py())  # iOS: the group is the pseudo-sender
            if quoted[row]:
                whole_rows.append(row)
            codes[row] = _KIND_CODE[kind]
            sender_rows.append(row)
            sender_vals.append(who[0] if who else SYSTEM_SENDER)
            if actor:
                actor_rows.append(row)
                actor_vals.append(actor)
            extra.extend((row, member) for member in who[1:])
            if subject:
                subjects.append(subject)
        if ios_group and pseudo:
            # Other iOS notices of unknown wording have the group as pseudo-sender too.
            for row in pseudo:
                if names[row].as_py() == ios_group:
                    sender_rows.append(row)
                    sender_vals.append(SYSTEM_SENDER)

    senders = pc.if_else(pa.array(has_sender), names, "")
    senders = _set_rows(senders, sender_rows, sender_vals)
    actors = _set_rows(pa.nulls(n, pa.string()), actor_rows, actor_vals)
    texts_out = records
    if whole_rows:
        whole = [rest[r].as_py() + records[r].as_py()[len(body_first[r].as_py()):] for r in whole_rows]
        texts_out = _set_rows(records, whole_rows, whole)
    msg_ids = pc.binary_join_element_wise("L", pc.cast(pa.array(line_no), pa.string()), "")
    rows = np.arange(n)
    if extra:
        extra_rows = np.array([r for r, _ in extra], dtype=np.int64)
        seq = pd.Series(extra_rows).groupby(extra_rows).cumcount().to_numpy() + 2
        rows = np.concatenate([rows, extra_rows])
        take = pa.array(extra_rows)
        senders = pa.concat_arrays([senders, pa.array([m for _, m in extra], pa.string())])
        actors = pa.concat_arrays([actors, actors.take(take)])
        texts_out = pa.concat_arrays([texts_out, texts_out.take(take)])
        codes = np.concatenate([codes, codes[extra_rows]])
        msg_ids = pa.concat_arrays([msg_ids, pa.array(
            [f"L{line_no[r]}.{k}" for r, k in zip(extra_rows, seq, strict=True)], pa.string())])
    def col(arr: pa.Array) -> pd.Series:
        return pd.Series(pd.array(arr, dtype=STRING), copy=False)
    columns = {
        MSG_ID: col(msg_ids),
        SENDER_ID: col(senders),
        SENDER: col(senders),
        KIND: pd.Series(pd.Categorical.from_codes(codes, dtype=KIND_DTYPE), copy=False),
        TEXT: col(texts_out),
        REPLY_TO: col(pa.nulls(len(rows), pa.string())),
        ACTOR_ID: col(actors),
        "_row": rows,
    }
    group = ios_group or (subjects[-1] if subjects else "")
    return columns, group


_QUOTES = ("\"", "“", "”", "„", "«", "»", "「", "」")


def _set_rows(arr: pa.Array, rows: list[int], values: list[str]) -> pa.Array:
    """``arr`` with ``values`` at ``rows`` (rows in any order)."""
    if not rows:
        return arr
    order = np.argsort(rows, kind="stable")
    mask = np.zeros(len(arr), dtype=bool)
    mask[rows] = True
    ordered = [values[i] for i in order]
    if len(set(rows)) != len(rows):  # the last value given for a row wins
        last = dict(zip(rows, values, strict=True))
        ordered = [last[r] for r in sorted(last)]
    return pc.replace_with_mask(arr, pa.array(mask), pa.array(ordered, pa.string()))


def _which_phrase(texts: pa.Array) -> np.ndarray:
    """Index of the first system phrase each text matches (-1: none), with RE2 in bulk."""
    which = np.full(len(texts), -1, dtype=np.int64)
    for k, (_, pattern) in enumerate(_SYSTEM_PHRASES):
        todo = np.flatnonzero(which < 0)
        if not len(todo):
            break
        hit = _mask(texts.take(pa.array(todo)), pattern.pattern)
        which[todo[hit]] = k
    return which


def _match_system(text: str, k: int) -> tuple[str, list[str], str | None, str | None] | None:
    """(kind, members concerned, actor, new group subject) of a notice matching phrase ``k``."""
    kind, pattern = _SYSTEM_PHRASES[k]
    m = pattern.match(text)
    if not m:
        return None
    groups = m.groupdict()
    who_text = (groups.get("who") or "").strip()
    actor = (groups.get("actor") or "").strip() or None
    if actor is not None:
        # "X added A, B and C" concerns three members; "X added you" the exporter.
        who = [w for w in _WHO_LIST.split(who_text) if w] if who_text else ["You"]
    else:
        who = [who_text] if who_text else []
    who = ["You" if w in _YOU else w for w in who]
    if actor in _YOU:
        actor = "You"
    return kind, who, actor, groups.get("subject")


_FILENAME_GROUP = re.compile(
    r"^(?:WhatsApp Chat (?:with|mit|con|com|avec) |WhatsApp Chat - |与|與)(?P<name>.+?)"
    r"(?:的 ?WhatsApp ?(?:聊天|對話))?(?:\.txt|\.zip)?$")


def _group_from_filename(name: str) -> str:
    """Group name from WhatsApp's file names (``WhatsApp Chat with X.txt``, ``与X的 WhatsApp 聊天.txt``)."""
    if not name or name == "-":
        return ""
    m = _FILENAME_GROUP.match(PurePosixPath(name.replace("\\", "/")).name)
    return m["name"] if m else ""


FORMAT = LogFormat(
    name="whatsapp-txt",
    platform=PLATFORM,
    title="WhatsApp \"Export chat\" TXT or ZIP (Android and iOS)",
    how_to_export="WhatsApp → open the group → ⋮ / group name → More → Export chat → Without media; "
                  "give the .txt, or the .zip as WhatsApp made it",
    sniff=sniff,
    parse=parse,
    extensions=(".txt", ".zip"),
)
