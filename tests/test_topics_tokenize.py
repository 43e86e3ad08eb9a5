"""Segmentation: rjieba gives jieba's tokens, distinct texts once, the cache, the worker processes."""

from __future__ import annotations

import functools
import logging

import pyarrow as pa
import pytest

from analysis.errors import ConfigError
from analysis.parsers import read_chats
from analysis.topics import tokenize as tk
from analysis.topics.clean import strip_non_words
from tests.conftest import SAMPLE_LOGS

JIEBA = tk.TokenizerSpec("jieba")
TEXTS = ["今天跑了十公里，配速五分半", "收到", "我们读书会这周读《百年孤独》", "Python 3.11 的 typer 很好用",
         "", "哈哈哈哈", "准备下个月的马拉松"]


@functools.cache
def sample_texts() -> list[str]:
    """Every distinct text body in every sample log that our parsers read."""
    texts: set[str] = set()
    for path in sorted(SAMPLE_LOGS.rglob("*")):
        if not path.is_file() or path.suffix == ".py" or path.name == "README.md":
            continue
        try:
            chats = read_chats(str(path))
        except Exception:  # noqa: BLE001 - a file that is not a log (users.json) has no texts
            continue
        for chat in chats:
            texts.update(chat.messages["text"].dropna().astype(str))
    return sorted(texts)


def test_rjieba_gives_jiebas_tokens_on_every_sample_log():
    """segment_chunk cleans, then segments; so the two engines agree token for token.
    (On raw text they would differ: jieba-rs keeps ``second-hand`` and ``a_b`` whole, which
    is why cleaning turns ``-``, ``_`` and ``.`` into spaces.)"""
    pytest.importorskip("rjieba")
    texts = sample_texts()
    assert len(texts) > 400
    assert tk.segment_chunk(tk.TokenizerSpec("rjieba"), texts) == tk.segment_chunk(JIEBA, texts)


def test_rjieba_gives_jiebas_tokens_with_a_user_dictionary(tmp_path):
    pytest.importorskip("rjieba")
    words = (("星火燎原读书会", None, None), ("五分半", 20, "m"), ("配速表", None, "n"))
    texts = ["星火燎原读书会今晚见", "配速五分半", "配速表坏了", *sample_texts()]
    assert (tk.segment_chunk(tk.TokenizerSpec("rjieba", words), texts)
            == tk.segment_chunk(tk.TokenizerSpec("jieba", words), texts))


def test_segment_chunk_is_jieba_lcut_of_the_cleaned_text():
    import jieba

    cleaned = strip_non_words(pa.array(TEXTS)).to_pylist()
    assert tk.segment_chunk(JIEBA, TEXTS) == [" ".join(jieba.lcut(t)) for t in cleaned]
    assert tk.segment_chunk(JIEBA, ["看 https://example.org/a_b 配速@张三 好"])[0].split() == ["看", "配速", "好"]


def test_user_words_never_change_the_global_jieba(tmp_path):
    import jieba

    spec = tk.TokenizerSpec("jieba", (("星火燎原读书会", None, None),))
    assert tk.segment_chunk(spec, ["星火燎原读书会"]) == ["星火燎原读书会"]
    assert jieba.lcut("星火燎原读书会") != ["星火燎原读书会"]


def test_jieba_logging_is_quiet(capfd):
    tk.quiet_jieba()
    import jieba

    jieba.Tokenizer().initialize()  # would log "Building prefix dict ..." at DEBUG
    captured = capfd.readouterr()
    assert captured.out == "" and "prefix dict" not in captured.err
    assert logging.getLogger("jieba").level >= logging.WARNING


def test_user_dict_file_in_jieba_format(tmp_path):
    path = tmp_path / "user.txt"
    path.write_text("\ufeff# 群里的词\n星火燎原读书会 10 nz\n配速表\n半马 5\nNew York 3 ns\n\n", encoding="utf-8")
    assert tk.read_user_dict(path) == (("星火燎原读书会", 10, "nz"), ("配速表", None, None), ("半马", 5, None),
                                       ("New York", 3, "ns"))


def test_engine_names():
    assert tk.resolve_engine("jieba") == "jieba"
    assert tk.resolve_engine("auto") in ("jieba", "rjieba")
    with pytest.raises(ConfigError):
        tk.resolve_engine("pkuseg")


def test_memo_segments_each_text_once_per_process():
    tk.clear_memo()
    texts = pa.array(["跑步配速", "马拉松训练"])
    tokens, first = tk.segment_distinct(texts, JIEBA, jobs=1)
    assert (first.segmented, first.from_memo, first.cache_file) == (2, 0, None)
    again, second = tk.segment_distinct(pa.array(["马拉松训练", "新的一句话"]), JIEBA, jobs=1)
    assert (second.segmented, second.from_memo) == (1, 1)
    assert again.to_pylist()[0] == tokens.to_pylist()[1] == ["马拉松", "训练"]


def test_cache_folder_second_run_segments_nothing(tmp_path):
    folder = tmp_path / "cache"
    texts = pa.array(["跑步配速", "马拉松训练", "收到"])
    tk.clear_memo()
    tokens, first = tk.segment_distinct(texts, JIEBA, cache_dir=folder, jobs=1)
    assert first.segmented == 3 and first.from_disk == 0
    files = list(folder.iterdir())
    assert [f.name for f in files] == [f"topics-tokens-{JIEBA.fingerprint()}.arrow"]
    tk.clear_memo()  # a new process: only the folder remembers
    again, second = tk.segment_distinct(texts, JIEBA, cache_dir=folder, jobs=1)
    assert (second.segmented, second.from_disk) == (0, 3)
    assert again.to_pylist() == tokens.to_pylist()
    # New texts are added to the same file.
    tk.clear_memo()
    _, third = tk.segment_distinct(pa.array(["跑步配速", "新的一句话"]), JIEBA, cache_dir=folder, jobs=1)
    assert (third.segmented, third.from_disk) == (1, 1)
    tk.clear_memo()
    _, fourth = tk.segment_distinct(pa.array(["新的一句话"]), JIEBA, cache_dir=folder, jobs=1)
    assert fourth.from_disk == 1


def test_cache_is_keyed_by_tokenizer_fingerprint(tmp_path):
    other = tk.TokenizerSpec("jieba", (("跑步配速", None, None),))
    assert other.fingerprint() != JIEBA.fingerprint()
    tk.clear_memo()
    tk.segment_distinct(pa.array(["跑步配速"]), JIEBA, cache_dir=tmp_path, jobs=1)
    tokens, stats = tk.segment_distinct(pa.array(["跑步配速"]), other, cache_dir=tmp_path, jobs=1)
    assert stats.segmented == 1 and tokens.to_pylist() == [["跑步配速"]]
    assert len(list(tmp_path.iterdir())) == 2


def test_a_corrupt_cache_file_is_ignored_and_replaced(tmp_path):
    tk.cache_path(tmp_path, JIEBA).write_bytes(b"not arrow")
    tk.clear_memo()
    tokens, stats = tk.segment_distinct(pa.array(["跑步配速"]), JIEBA, cache_dir=tmp_path, jobs=1)
    assert stats.segmented == 1 and tokens.to_pylist() == [["跑步", "配速"]]
    tk.clear_memo()
    assert tk.segment_distinct(pa.array(["跑步配速"]), JIEBA, cache_dir=tmp_path, jobs=1)[1].from_disk == 1


def test_cache_folder_must_be_usable(tmp_path):
    afile = tmp_path / "file"
    afile.write_text("x")
    with pytest.raises(ConfigError, match="is not a folder"):
        tk.segment_distinct(pa.array(["a"]), JIEBA, cache_dir=afile)
    with pytest.raises(ConfigError, match="does not exist"):
        tk.segment_distinct(pa.array(["a"]), JIEBA, cache_dir=tmp_path / "no" / "such")


def test_worker_processes_give_the_same_tokens(monkeypatch):
    monkeypatch.setitem(tk.PARALLEL_MIN_CHARS, "jieba", 0)
    texts = [f"第{i}次训练，今天跑了{i}公里，配速五分半" for i in range(40)] + TEXTS
    tk.clear_memo()
    tokens, stats = tk.segment_distinct(pa.array(texts), JIEBA, jobs=2)
    assert stats.jobs == 2
    assert tokens.to_pylist() == tk.token_lists(pa.array(tk.segment_chunk(JIEBA, texts))).to_pylist()


def test_token_lists_keep_only_tokens_with_a_letter():
    joined = pa.array(["今天 跑 了 10 公里 ， 配速 5.5", "", "  ！ ", "Python 3 rocks"])
    assert tk.token_lists(joined).to_pylist() == [["今天", "跑", "了", "公里", "配速"], [], [],
                                                  ["Python", "rocks"]]
