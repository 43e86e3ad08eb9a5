"""A corpus of bad inputs through ``community-audit parse`` (issue 10).

Every case is generated in ``tmp_path`` (no binaries are committed) and has its expected
outcome: an exit code 1 with one ``Error:`` line on stderr naming the file and saying what
is wrong (never a traceback), or exit 0 with the coverage line counting the records and the
lines not understood.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analysis.parsers import WHOLE_FILE_MAX_BYTES
from cli.exit_codes import ExitCode
from cli.main import app
from tests.conftest import SAMPLE_LOGS
from tests.writers.seeds import zip_bytes

QQ = SAMPLE_LOGS / "qq_txt" / "edge_cases.txt"
WHATSAPP = SAMPLE_LOGS / "whatsapp" / "android_en_24h.txt"
TELEGRAM = SAMPLE_LOGS / "telegram" / "group.json"
SLACK = SAMPLE_LOGS / "slack" / "workspace"
QCE_CHUNKED = SAMPLE_LOGS / "qq_qce" / "chunked"

runner = CliRunner()


@dataclass(frozen=True)
class Case:
    """One bad input and what ``community-audit parse`` must make of it."""

    name: str
    make: Callable[[Path], list[str]]
    """Writes the input under the given folder; returns the command line after ``parse``."""
    exit: int
    needle: str = ""
    """Words the error line must hold (exit 1), or the coverage line (exit 0)."""
    unparsed: int | None = None
    """Exit 0: the count of lines not understood the coverage line must show."""
    records: int | None = None


def _write(name: str, data: bytes, *extra: str) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(data)
        return [str(path), *extra]
    return make


def _qq(records: list[tuple[str, str, str, str]]) -> bytes:
    """A QQ TXT export of (time, name, id, body) records."""
    head = "消息记录（此消息记录为文本格式，不支持重新导入）\r\n\r\n" + "=" * 64 + "\r\n消息分组:我的QQ群\r\n" + "=" * 64
    head += "\r\n消息对象:测试群\r\n" + "=" * 64 + "\r\n\r\n"
    body = "".join(f"{t} {n}({i})\r\n{b}\r\n\r\n" for t, n, i, b in records)
    return (head + body).encode("utf-8")


_THREE = [("2024-03-01 10:00:00", "林小雨", "10001", "早上好"),
          ("2024-03-01 10:01:00", "王大锤", "10002", "你好\n第二行"),
          ("2024-03-01 10:02:00", "林小雨", "10001", "[图片]")]


def _symlink_loop(folder: Path) -> list[str]:
    a, b = folder / "loop_a.txt", folder / "loop_b.txt"
    a.symlink_to(b)
    b.symlink_to(a)
    return [str(a)]


def _dangling(folder: Path) -> list[str]:
    link = folder / "dangling.txt"
    link.symlink_to(folder / "gone.txt")
    return [str(link)]


def _under_a_file(folder: Path) -> list[str]:
    # A path that cannot be opened even by root: its "folder" is a file.
    (folder / "plain.txt").write_text("x", encoding="utf-8")
    return [str(folder / "plain.txt" / "export.txt")]


def _chmod_000(folder: Path) -> list[str]:
    if os.geteuid() == 0:
        pytest.skip("root reads any file; the path-under-a-file case covers unreadable paths")
    path = folder / "locked.txt"
    path.write_bytes(QQ.read_bytes())
    path.chmod(0)
    return [str(path)]


def _plain_folder(folder: Path) -> list[str]:
    (folder / "dir").mkdir()
    (folder / "dir" / "notes.txt").write_text("hi", encoding="utf-8")
    return [str(folder / "dir")]


def _big_single_line(folder: Path) -> list[str]:
    path = folder / "one_line.txt"
    with path.open("wb") as fh:
        fh.write(b"x" * (50 * 1024 * 1024))
    return [str(path), "--log-format", "qq-txt", "--max-bytes", "0"]


def _slack_zip_cut(folder: Path) -> list[str]:
    data = zip_bytes({f"ws/{p.relative_to(SLACK).as_posix()}": p.read_bytes() for p in sorted(SLACK.rglob("*.json"))})
    path = folder / "slack.zip"
    path.write_bytes(data[: len(data) * 2 // 3])
    return [str(path), "--log-format", "slack-export"]


def _whatsapp_zip_cut(folder: Path) -> list[str]:
    data = zip_bytes({"_chat.txt": WHATSAPP.read_bytes() * 20})
    path = folder / "whatsapp.zip"
    path.write_bytes(data[: len(data) // 2])
    return [str(path)]


def _qce_chunk_at(rel: str) -> Callable[[Path], list[str]]:
    """A QCE chunked export whose manifest names a chunk at ``rel`` (outside its folder)."""
    def make(folder: Path) -> list[str]:
        export = folder / "qce"
        shutil.copytree(QCE_CHUNKED, export)
        manifest = json.loads((export / "manifest.json").read_text(encoding="utf-8"))
        manifest["chunked"]["chunks"][1]["relativePath"] = rel
        (export / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        (folder / "secret.jsonl").write_text('{"password": "hunter2"}\n', encoding="utf-8")
        return [str(export / "manifest.json")]
    return make


def _csv_unbalanced_quote() -> bytes:
    rows = ["msg_id,timestamp,sender_id,sender,kind,text"]
    rows += [f"m{i},2024-03-01T10:{i:02d}:00,u{i % 3},N{i % 3},text,hello {i}" for i in range(49)]
    rows[3] = rows[3].replace("hello 2", '"hello 2')  # opens a quote that never closes
    return ("\n".join(rows) + "\n").encode()


_WA = WHATSAPP.read_bytes()
_WA_LINES = _WA.decode("utf-8").splitlines()
_TG = TELEGRAM.read_bytes()

CASES: tuple[Case, ...] = (
    # -- unreadable: exit 1, one Error: line ------------------------------------------------
    Case("empty", _write("empty.txt", b""), 1, "file is empty"),
    Case("blank-lines-only", _write("blank.txt", b"\n\n   \r\n\t\n"), 1, "not a chat export"),
    Case("bom-only", _write("bom.txt", b"\xef\xbb\xbf"), 1, "not a chat export"),
    Case("random-binary", _write("blob.bin", bytes(range(256)) * 64), 1, "binary"),
    Case("nul-bytes-only", _write("nul.txt", b"\x00" * 4096), 1, "binary"),
    Case("png-image", _write("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\x01" * 500), 1, "binary"),
    Case("sqlite-database", _write("MSG0.db", b"SQLite format 3\x00" + b"\x00" * 4000), 1, "binary"),
    Case("plain-notes", _write("notes.txt", "购物清单\n牛奶\n鸡蛋\n".encode()), 1, "not a chat export"),
    Case("other-json", _write("config.json", json.dumps({"theme": "dark", "size": [1, 2]}).encode()), 1,
         "not a chat export"),
    Case("truncated-json", _write("cut.json", _TG[: len(_TG) // 2]), 1, "cut.json"),
    Case("deeply-nested-json", _write("deep.json", b"[" * 100_000, "--log-format", "telegram-json"), 1, ""),
    Case("truncated-whatsapp-zip", _whatsapp_zip_cut, 1, "zip"),
    Case("truncated-slack-zip", _slack_zip_cut, 1, "zip"),
    Case("zip-without-a-chat", _write("photos.zip", zip_bytes({"IMG-0001.jpg": b"\xff\xd8\xff" * 10})), 1,
         "not a chat export"),
    Case("zip-forced-as-text", _write("chat.zip", zip_bytes({"_chat.txt": _WA}), "--log-format", "qq-txt"), 1,
         "ZIP archive"),
    Case("lone-surrogate-escape", _write("half_emoji.json", _TG.replace("早".encode(), b"\\ud83d", 1)), 0,
         "records", unparsed=0),
    Case("text-forced-as-json", _write("qq.txt", QQ.read_bytes(), "--log-format", "telegram-json"), 1, "qq.txt"),
    Case("missing-file", lambda folder: [str(folder / "nope.txt")], 1, "no such file"),
    Case("a-directory", _plain_folder, 1, "is a directory"),
    Case("path-under-a-file", _under_a_file, 1, "cannot open"),
    Case("unreadable-file", _chmod_000, 1, "permission denied"),
    Case("symlink-loop", _symlink_loop, 1, "cannot open"),
    Case("dangling-symlink", _dangling, 1, "no such file"),
    Case("over-max-bytes", _write("qq_big.txt", QQ.read_bytes(), "--max-bytes", "1000"), 1, "--max-bytes"),
    # -- readable: exit 0, the coverage line counts what was not understood ------------------
    Case("50MB-single-line-forced", _big_single_line, 0, "0 records", unparsed=1),
    Case("wrong-log-format", _write("wa.txt", _WA, "--log-format", "qq-txt"), 0, "0 records",
         unparsed=len([x for x in _WA_LINES if x.strip()])),
    Case("out-of-order-times", _write("order.txt", _qq(_THREE[::-1])), 0, "3 records", unparsed=0),
    Case("future-times", _write("future.txt", _qq([("2099-12-31 23:59:59", "未来人", "10009", "hello")])), 0,
         "1 records", unparsed=0),
    Case("1970-dates", _write("epoch.txt", _qq([("1970-01-01 00:00:00", "零点", "10000", "epoch")])), 0,
         "1 records", unparsed=0),
    Case("impossible-dates", _write("bad_dates.txt", _qq([*_THREE, ("2024-13-45 25:61:00", "坏", "10003", "x\ny")])),
         0, "3 records", unparsed=3),
    Case("year-beyond-2262", _write("y9999.txt", _qq([*_THREE, ("9999-01-01 10:00:00", "远", "10004", "far")])),
         0, "3 records", unparsed=2),
    Case("json-null-forced", _write("null.json", b"null", "--log-format", "chatlog-json"), 0, "0 records",
         unparsed=0),
    Case("duplicate-message-ids", _write("dups.csv",
         b"msg_id,timestamp,sender_id,sender,kind,text\nm1,2024-03-01T10:00:00,u1,A,text,hi\n"
         b"m1,2024-03-01T10:01:00,u2,B,text,yo\n"), 0, "2 records", unparsed=0),
    Case("stray-nul-in-text", _write("nul_inside.txt", _qq(_THREE).replace("早上好".encode(), b"\xe6\x97\xa9\x00")),
         0, "3 records", unparsed=0),
    Case("gb18030-encoded", _write("gbk.txt", _qq(_THREE).decode("utf-8").encode("gb18030")), 0,
         "encoding gb18030,", unparsed=0, records=3),
    Case("mixed-encodings", _write("mixed.txt", _qq(_THREE).replace("你好".encode(), "你好".encode("gb18030"))),
         0, "encoding utf-8 (some lines gb18030)", unparsed=0, records=3),
    Case("utf16-without-bom", _write("u16.txt", _WA.decode("utf-8").encode("utf-16-le")), 0,
         "encoding utf-16-le", unparsed=0, records=40),
    Case("latin1-whatsapp", _write("de.txt", "01/02/24, 10:00 - Jürgen: Grüße\n01/02/24, 10:01 - Zoë: Tschüß\n"
                                   .encode("latin-1")), 0, "2 records", unparsed=0),
    Case("lone-cr-line-breaks", _write("cr.txt", _WA.replace(b"\n", b"\r")), 0, "records", unparsed=0),
    Case("truncated-mid-record", _write("cut.txt", _qq(_THREE)[:-12]), 0, "3 records", unparsed=0),
    Case("garbage-before-records", _write("garbage.txt", b"??\xff\xfe junk\r\n" + _qq(_THREE)), 0,
         "3 records", unparsed=1),
    # -- adversarial review: paths out of the export, several chats, swallowed lines ---------
    Case("qce-chunk-absolute-path", _qce_chunk_at("/etc/passwd"), 1, "outside the export's folder"),
    Case("qce-chunk-dotdot-path", _qce_chunk_at("../secret.jsonl"), 1, "outside the export's folder"),
    Case("zip-with-two-chats", _write("two.zip", zip_bytes({"_chat.txt": _WA,
                                                            "other/_chat.txt": (SAMPLE_LOGS / "whatsapp" / "ios_en.txt").read_bytes()})),
         2, "2 conversations"),
    Case("csv-unbalanced-quote", _write("quote.csv", _csv_unbalanced_quote()), 0,
         "unbalanced quote", unparsed=1, records=48),
    Case("qq-header-with-nul", _write("nul_header.txt", _qq(_THREE).replace(b"10:01:00", b"10:0\x001:00")), 0,
         "damaged message header", unparsed=3, records=2),
    Case("nel-line-breaks", _write("nel.txt", "01/02/24, 10:00 - Jürgen: Grüße\u008501/02/24, 10:01 - Zoë: Tschüß\n"
                                   .encode()), 0, "U+0085", unparsed=0, records=1),
)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case, tmp_path):
    args = case.make(tmp_path)
    result = runner.invoke(app, ["parse", *args, "--lang", "en"])
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exit_code == case.exit, result.stderr
    if case.exit:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("Error: ") and args[0] in lines[0], lines[0]
        assert case.needle in lines[0]
        assert result.stdout == ""
    else:
        coverage = result.stderr.splitlines()[0]
        assert case.needle in coverage
        assert f"{case.unparsed:,} lines not understood" in coverage, coverage
        if case.records is not None:
            assert coverage.split(": ", 1)[1].startswith(f"{case.records:,} records"), coverage


def test_the_corpus_has_at_least_30_cases():
    assert len(CASES) >= 30
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"`tests/test_bad_inputs.py`): {len(CASES)} cases" in readme, "the README counts the corpus"


def test_default_limit_refuses_a_whole_file_format_with_a_clear_message(tmp_path, monkeypatch):
    import analysis.logformat as logformat

    monkeypatch.setattr(logformat, "WHOLE_FILE_MAX_BYTES", 1000)  # where default_max_bytes reads it
    path = tmp_path / "line.txt"
    path.write_bytes((SAMPLE_LOGS / "line" / "line_en.txt").read_bytes())
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == ExitCode.ERROR
    line = result.stderr.strip()
    assert "over the limit of 1,000" in line and "line-txt" in line and "--max-bytes" in line
    assert runner.invoke(app, ["parse", str(path), "--max-bytes", "0"]).exit_code == 0
    assert WHOLE_FILE_MAX_BYTES >= 100 * 1024 * 1024


def test_stdin_over_the_limit_is_refused(monkeypatch):
    result = runner.invoke(app, ["parse", "-", "--max-bytes", "100"], input=QQ.read_bytes())
    assert result.exit_code == ExitCode.ERROR
    assert "standard input is over the limit of 100" in result.stderr


def test_mixed_encoding_lines_are_each_read_in_their_own_encoding(tmp_path):
    from analysis import read_log

    path = tmp_path / "mixed.txt"
    path.write_bytes(_qq(_THREE).replace("你好".encode(), "你好".encode("gb18030")))
    chat = read_log(path)
    assert chat.messages["text"].tolist() == ["早上好", "你好\n第二行", "[图片]"]
    assert chat.messages["sender"].tolist() == ["林小雨", "王大锤", "林小雨"]


def test_a_zip_is_held_to_the_limit_by_its_unpacked_size(tmp_path):
    path = tmp_path / "bomb.zip"
    path.write_bytes(zip_bytes({"_chat.txt": _WA * 50}))
    assert path.stat().st_size < 20_000 < len(_WA) * 50
    result = runner.invoke(app, ["parse", str(path), "--max-bytes", "20000"])
    assert result.exit_code == ExitCode.ERROR
    assert "unpacks to" in result.stderr and "over the limit of 20,000" in result.stderr
    assert runner.invoke(app, ["parse", str(path)]).exit_code == 0


def test_batch_over_the_whole_corpus_finishes(tmp_path):
    paths = []
    for case in CASES:
        if case.name in ("50MB-single-line-forced", "a-directory", "unreadable-file"):
            continue  # the 50 MB line is covered above; a plain folder is a folder walk, not an input
        folder = tmp_path / case.name
        folder.mkdir()
        paths.append(case.make(folder)[0])
    result = runner.invoke(app, ["batch", *paths, "--jobs", "1", "-f", "csv", "--sort", "input"])
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exit_code == 1, result.stderr  # some inputs failed, the rest were audited
    import pandas as pd

    rows = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert set(rows["status"]) == {"ok", "error"}
    assert (rows["status"] == "ok").sum() >= 10
    errors = rows[rows["status"] == "error"]
    assert (errors["error"].str.len() > 0).all()
    # Batch is given only the path: the zip forced as text is read as the WhatsApp export it is.
    assert len(errors) >= sum(1 for c in CASES if c.exit == 1 and c.name not in ("a-directory", "unreadable-file", "zip-forced-as-text")) - 1
