"""WhatsApp "Export chat" TXT/ZIP parser (analysis/parsers/whatsapp_txt.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analysis import read_log
from analysis.notes import note
from analysis.parsers import FORMATS, ParseOptions, detect_format, read_chats
from analysis.parsers.whatsapp_txt import IDENTITY_WARNING, parse_text
from analysis.schema import validate
from analysis.source import LINE_BREAK, Source
from tests.conftest import SAMPLE_LOGS

SAMPLES = sorted((SAMPLE_LOGS / "whatsapp").glob("*.txt"))
NAMES = [p.name for p in SAMPLES]


def test_samples_present():
    assert {"android_en_24h.txt", "android_en_12h_dayfirst.txt", "ios_en.txt", "android_es_ampm.txt",
            "android_de.txt", "ios_pt.txt", "android_zh.txt", "ambiguous_dates.txt"} <= set(NAMES)


@pytest.mark.parametrize("path", SAMPLES, ids=NAMES)
def test_sample_matches_golden(path: Path, golden):
    chat = read_log(path)
    assert chat.format == "whatsapp-txt" and chat.platform == "whatsapp"
    validate(chat.messages)
    assert chat.unparsed == []
    assert IDENTITY_WARNING in chat.warnings
    assert IDENTITY_WARNING == note("parse.whatsapp_identity_by_name")
    golden.check_messages(chat.messages, f"whatsapp/{path.stem}.messages.csv")


@pytest.mark.parametrize("path", SAMPLES, ids=NAMES)
def test_sample_detected_by_whatsapp_only(path: Path):
    source = Source.open(path)
    claimed = [fmt.name for fmt in FORMATS if fmt.sniff(source)]
    assert claimed == ["whatsapp-txt"]


def _covered_lines(chat) -> set[int]:
    """Physical lines taken by records (a record spans as many lines as its text) or unparsed."""
    covered = {u.line for u in chat.unparsed}
    for line, text in chat.messages[["line", "text"]].drop_duplicates("line").itertuples(index=False):
        covered.update(range(int(line), int(line) + text.count("\n") + 1))
    return covered


@pytest.mark.parametrize("path", SAMPLES, ids=NAMES)
def test_nothing_lost(path: Path):
    chat = read_log(path)
    lines = LINE_BREAK.split(path.read_text(encoding="utf-8"))
    non_blank = {i + 1 for i, text in enumerate(lines) if text.strip()}
    assert non_blank <= _covered_lines(chat)
    assert chat.lines_total == len(lines) - (lines[-1] == "")


# -- public samples (chat-miner's fixtures: four date layouts of one chat) ----------------------

PUBLIC_STAMPS = ["2019-01-01 11:25", "2019-01-20 11:23", "2019-01-30 20:49", "2020-06-10 15:55",
                 "2020-06-20 00:08", "2020-06-30 09:10", "2021-12-10 10:10", "2021-12-20 12:10",
                 "2021-12-30 22:01"]


def test_public_samples_parse_with_the_right_date_order(shared_dir: Path):
    files = sorted((shared_dir / "samples" / "whatsapp").glob("*.txt"))
    assert len(files) >= 4
    for path in files:
        chat = read_log(path)
        assert chat.format == "whatsapp-txt", path.name
        assert chat.unparsed == [], path.name
        stamps = chat.messages["timestamp"].dt.strftime("%Y-%m-%d %H:%M").tolist()
        assert stamps == PUBLIC_STAMPS, path.name
        # no date order warning: a day above 12 (or a 4-digit year first) decides
        assert chat.warnings == [IDENTITY_WARNING], path.name
        m = chat.messages
        assert m.loc[m["line"] == 2, "text"].item() == "."   # "John Doe:." quirk
        assert m.loc[m["line"] == 6, "kind"].item() == "system"   # created group
        assert m.loc[m["line"] == 7, ["kind", "sender_id"]].values.tolist() == [["join", "You"]]
        assert m.loc[m["line"] == 9, "sender_id"].item() == "🤓"
        assert chat.group == "Groupname"


# -- date order ----------------------------------------------------------------------------------

def test_ambiguous_dates_warn_and_follow_message_order():
    chat = read_log(SAMPLE_LOGS / "whatsapp" / "ambiguous_dates.txt")
    assert note("parse.date_order_inferred_dayfirst") in chat.warnings
    assert chat.messages["timestamp"].iloc[-1] == pd.Timestamp("2024-03-12 08:00")
    assert chat.messages["timestamp"].is_monotonic_increasing


def test_dayfirst_option_overrides_inference_without_warning():
    path = SAMPLE_LOGS / "whatsapp" / "ambiguous_dates.txt"
    month_first = read_log(path, options=ParseOptions(dayfirst=False))
    first = month_first.messages.set_index("line")["timestamp"]
    assert first[1] == pd.Timestamp("2024-03-01 19:00")   # 03/01 read as March 1
    assert month_first.warnings == [IDENTITY_WARNING]
    day_first = read_log(path, options=ParseOptions(dayfirst=True))
    assert day_first.messages.set_index("line")["timestamp"][1] == pd.Timestamp("2024-01-03 19:00")
    assert day_first.warnings == [IDENTITY_WARNING]


def test_undecidable_dates_assume_day_first_and_say_so():
    text = ("05/06/2024, 10:00 - Ana: hi\n"
            "05/06/2024, 10:05 - Ben: hello\n"
            "05/06/2024, 11:00 - Ana: bye\n")
    chat = parse_text(text)
    assert chat.messages["timestamp"].iloc[0] == pd.Timestamp("2024-06-05 10:00")
    assert note("parse.dayfirst_assumed") in chat.warnings


def test_month_first_decided_by_a_second_field_above_12():
    text = "1/2/24, 9:00 AM - Ana: a\n1/13/24, 9:00 PM - Ben: b\n"
    chat = parse_text(text)
    assert chat.messages["timestamp"].tolist() == [pd.Timestamp("2024-01-02 09:00"),
                                                   pd.Timestamp("2024-01-13 21:00")]
    assert chat.warnings == [IDENTITY_WARNING]


def test_impossible_date_is_kept_as_unparsed_lines():
    text = ("13/01/2024, 10:00 - Ana: fine\n"
            "31/02/2024, 10:00 - Ben: no such day\n"
            "second line of it\n"
            "14/01/2024, 10:00 - Ana: fine again\n")
    chat = parse_text(text)
    assert chat.messages["text"].tolist() == ["fine", "fine again"]
    assert [u.line for u in chat.unparsed] == [2, 3]
    assert note("parse.impossible_dates_headers", n=1) in chat.warnings


# -- clocks and invisible characters ------------------------------------------------------------

@pytest.mark.parametrize(("header", "expected"), [
    ("20/04/2024, 9:05\u202fpm - ", "2024-04-20 21:05"),
    ("20/04/2024, 12:15\u202fam - ", "2024-04-20 00:15"),
    ("20/04/2024, 12:15 PM - ", "2024-04-20 12:15"),
    ("20/04/24, 08:49 p. m. - ", "2024-04-20 20:49"),
    ("20/04/24, 00:08 a. m. - ", "2024-04-20 00:08"),
    ("2024/4/20 下午3:05 - ", "2024-04-20 15:05"),
    ("2024/4/20 3:05 下午 - ", "2024-04-20 15:05"),
    ("2024/4/20 上午12:30 - ", "2024-04-20 00:30"),
    ("20.04.24, 21:05 - ", "2024-04-20 21:05"),
    ("[20/04/2024, 21:05:33] ", "2024-04-20 21:05:33"),
    ("\u200e[4/20/24, 9:05:33\u202fPM] ", "2024-04-20 21:05:33"),
])
def test_clock_layouts(header: str, expected: str):
    chat = parse_text(f"{header}Ana: hello\n{header}Ana: again\n")
    assert chat.unparsed == []
    assert chat.messages["timestamp"].iloc[0] == pd.Timestamp(expected)
    assert chat.messages["sender_id"].iloc[0] == "Ana"


def test_ios_marks_and_tilde_names():
    text = ("[20/04/2024, 10:00:00] Club: \u200eMessages and calls are end-to-end encrypted.\r\n"
            "[20/04/2024, 10:01:00] ~\u202fKai: \u200e~\u202fKai joined using this group's invite link\r\n"
            "\u200e[20/04/2024, 10:02:00] ~\u202fKai: \u200eimage omitted\r\n"
            "[20/04/2024, 10:03:00] ~\u202fKai: hi \u200e!\r\n")
    m = parse_text(text).messages
    assert m["sender_id"].tolist() == ["system", "Kai", "Kai", "Kai"]
    assert m["kind"].tolist() == ["system", "join", "image", "text"]
    assert m["text"].iloc[3] == "hi \u200e!"   # raw text kept
    assert parse_text(text).group == "Club"


def test_crlf_lf_and_lone_cr_give_the_same_table():
    lf = "20/04/2024, 10:00 - Ana: one\ntwo\n\n20/04/2024, 10:01 - Ben: three\n"
    a = parse_text(lf).messages
    b = parse_text(lf.replace("\n", "\r\n")).messages
    c = parse_text(lf.replace("\n", "\r")).messages
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)
    assert a["text"].tolist() == ["one\ntwo", "three"]


def test_blank_lines_inside_a_message_are_kept_trailing_ones_dropped():
    text = "20/04/2024, 10:00 - Ana: one\n\ntwo\n\n\n20/04/2024, 10:01 - Ben: three\n"
    assert parse_text(text).messages["text"].tolist() == ["one\n\ntwo", "three"]


def test_text_before_the_first_header_is_unparsed():
    chat = parse_text("some junk\n20/04/2024, 10:00 - Ana: one\n")
    assert [(u.line, u.text) for u in chat.unparsed] == [(1, "some junk")]
    assert chat.messages["line"].tolist() == [2]


# -- events and media ----------------------------------------------------------------------------

def test_adds_give_one_join_per_member_with_the_actor():
    m = read_log(SAMPLE_LOGS / "whatsapp" / "android_de.txt").messages
    joins = m[(m["kind"] == "join") & (m["line"] == 3)]
    assert joins["sender_id"].tolist() == ["Lena Hoffmann", "Mehmet Yilmaz", "Sophie Krüger"]
    assert joins["actor_id"].unique().tolist() == ["Jonas Weber"]
    assert joins["msg_id"].tolist() == ["L3", "L3.2", "L3.3"]
    removed = m[m["kind"] == "leave"].iloc[0]
    assert (removed["sender_id"], removed["actor_id"]) == ("+49 151 00000123", "Jonas Weber")


@pytest.mark.parametrize(("sample", "expected"), [
    ("android_en_24h.txt", {"<Media omitted>": "file", "This message was deleted": "recall",
                            "You deleted this message": "recall", "Leo Brandt left": "leave"}),
    ("android_es_ampm.txt", {"<Multimedia omitido>": "file", "Se eliminó este mensaje.": "recall",
                             "Diego Ruiz salió del grupo": "leave"}),
    ("android_zh.txt", {"<省略影音内容>": "file", "此消息已删除": "recall", "赵一鸣已退出": "leave",
                        "周晓梅通过此群组的邀请链接加入": "join"}),
    ("ios_pt.txt", {"\u200eimagem ocultada": "image", "\u200efigurinha omitida": "sticker",
                    "\u200eáudio ocultado": "voice", "\u200eDaniel Rocha saiu": "leave"}),
    ("ios_en.txt", {"\u200eGIF omitted": "sticker", "\u200eVoice call, \u200e12 min": "call",
                    "\u200e<attached: 00000012-PHOTO-2024-03-05-09-01-20.jpg>": "image"}),
])
def test_localised_placeholders_and_notices(sample: str, expected: dict[str, str]):
    m = read_log(SAMPLE_LOGS / "whatsapp" / sample).messages
    kinds = dict(zip(m["text"], m["kind"].astype(str), strict=True))
    for text, kind in expected.items():
        assert kinds[text] == kind, text


def test_a_typed_message_about_calls_stays_text():
    m = parse_text("20/04/2024, 10:00 - Ana: Video call tomorrow?\n").messages
    assert m["kind"].tolist() == ["text"]


def test_group_names():
    assert read_log(SAMPLE_LOGS / "whatsapp" / "android_en_24h.txt").group == "Maple Street Runners: Saturdays"
    assert read_log(SAMPLE_LOGS / "whatsapp" / "ios_en.txt").group == "Oak Hill Book Club 📚"
    chat = parse_text("20/04/2024, 10:00 - Ana: hi\n", name="WhatsApp Chat with Film Night.txt")
    assert chat.group == "Film Night"


# -- zip exports ---------------------------------------------------------------------------------

def _zip(path: Path, member: str, data: bytes, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member, data)
        for name, blob in (extra or {}).items():
            zf.writestr(name, blob)
    return path


@pytest.mark.parametrize(("member", "group"), [
    ("_chat.txt", "Oak Hill Book Club 📚"),                  # from the encryption notice
    ("WhatsApp Chat with Oak Hill.txt", "Oak Hill"),       # the file name wins
])
def test_zip_export_reads_like_its_text(tmp_path: Path, member: str, group: str):
    sample = SAMPLE_LOGS / "whatsapp" / "ios_en.txt"
    archive = _zip(tmp_path / "WhatsApp Chat - Oak Hill.zip", member, sample.read_bytes(),
                   {"00000012-PHOTO-2024-03-05-09-01-20.jpg": b"\xff\xd8\xff\xe0 not really a jpeg"})
    source = Source.open(archive)
    assert detect_format(source).name == "whatsapp-txt"
    assert [f.name for f in FORMATS if f.sniff(source)] == ["whatsapp-txt"]
    from_zip = read_log(archive)
    pd.testing.assert_frame_equal(from_zip.messages, read_log(sample).messages)
    assert from_zip.unparsed == []
    assert from_zip.group == group


def test_zip_without_a_chat_is_an_input_error(tmp_path: Path):
    from analysis.errors import InputError
    archive = _zip(tmp_path / "photos.zip", "IMG-0001.jpg", b"x")
    with pytest.raises(InputError, match="no WhatsApp chat"):
        read_chats(archive, "whatsapp-txt")


def test_a_zip_of_several_chats_gives_one_conversation_each(tmp_path: Path):
    # Two exports zipped together used to read as the first one only, silently.
    runners = (SAMPLE_LOGS / "whatsapp" / "android_en_24h.txt").read_bytes()
    books = (SAMPLE_LOGS / "whatsapp" / "ios_en.txt").read_bytes()
    archive = _zip(tmp_path / "chats.zip", "_chat.txt", runners, {"other/_chat.txt": books})
    chats = read_chats(archive)
    assert [c.group for c in chats] == ["Maple Street Runners: Saturdays", "Oak Hill Book Club 📚"]
    assert [len(c.messages) for c in chats] == [len(read_log(SAMPLE_LOGS / "whatsapp" / n).messages)
                                                for n in ("android_en_24h.txt", "ios_en.txt")]
    from analysis.errors import GroupChoiceError
    with pytest.raises(GroupChoiceError, match="2 conversations"):
        read_log(archive)
    pd.testing.assert_frame_equal(read_log(archive, group="Oak Hill Book Club 📚").messages,
                                  read_log(SAMPLE_LOGS / "whatsapp" / "ios_en.txt").messages)


def test_chats_of_a_zip_without_names_are_named_by_their_member(tmp_path: Path):
    text = b"20/04/2024, 10:00 - Ana: hi\n"
    archive = _zip(tmp_path / "chats.zip", "a/_chat.txt", text, {"b/_chat.txt": text, "_chat.txt": text})
    assert [c.group for c in read_chats(archive)] == ["a", "b", "chats"]


def test_batch_audits_each_chat_of_a_zip(tmp_path: Path):
    import io

    from typer.testing import CliRunner

    from cli.main import app

    runners = (SAMPLE_LOGS / "whatsapp" / "android_en_24h.txt").read_bytes()
    books = (SAMPLE_LOGS / "whatsapp" / "ios_en.txt").read_bytes()
    archive = _zip(tmp_path / "chats.zip", "_chat.txt", runners, {"other/_chat.txt": books})
    result = CliRunner().invoke(app, ["batch", str(archive), "--jobs", "1", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    rows = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert len(rows) == 2 and set(rows["status"]) == {"ok"}


def test_nel_stays_text_and_is_reported():
    # U+0085 (NEL) is a line break to some tools; no WhatsApp export writes it, so it stays in
    # the text, and a warning says so (the messages after it would otherwise merge silently).
    chat = read_chats(_nel_file())[0]
    assert len(chat.messages) == 1
    assert note("parse.nel_in_text", n=1, line=1) in chat.warnings


def _nel_file() -> Path:
    import tempfile
    path = Path(tempfile.mkdtemp()) / "nel.txt"
    path.write_bytes("01/02/24, 10:00 - Jürgen: Grüße\u008501/02/24, 10:01 - Zoë: Tschüß\n".encode())
    return path


def test_a_forced_latin1_encoding_is_used(tmp_path: Path):
    path = tmp_path / "de.txt"
    path.write_bytes("01/02/24, 10:00 - Jürgen: Grüße\n01/02/24, 10:01 - Zoë: Tschüß\x85\n".encode("latin-1"))
    chat = read_chats(path, encoding="latin-1")[0]
    assert chat.encoding == "latin-1"
    assert chat.messages["sender"].tolist() == ["Jürgen", "Zoë"]
    assert note("parse.nel_in_text", n=1, line=2) in chat.warnings
