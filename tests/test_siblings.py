"""The analysers are siblings: none imports another, shared helpers live in small modules
that depend only on the schema, config and window, and one audit computes the window, the
membership and the clipped chat once and hands them to every analyser."""

from __future__ import annotations

import ast
import dataclasses
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import window as window_module
from analysis.activity import analyse_activity
from analysis.config import Config, GroupConfig
from analysis.events import analyse_events
from analysis.members import analyse_members
from analysis.membership import membership
from analysis.report import audit
from analysis.schema import Chat
from analysis.topics import analyze_topics
from analysis.window import Window, clip
from tests.conftest import ROOT, make_messages

ANALYSIS = ROOT / "analysis"

ANALYSERS = frozenset({"activity", "events", "members", "topics", "spam", "health", "report"})
"""The analyser modules and packages of ``analysis`` (and the composer, ``report``)."""

SHARED = ("kinds", "membership", "periods", "textmatch", "threads")
"""The helper modules the analysers share."""

SHARED_MAY_IMPORT = frozenset({"schema", "config", "window", "errors", *SHARED})


def _analyser_sources() -> list[Path]:
    files = [ANALYSIS / "activity.py", ANALYSIS / "events.py", ANALYSIS / "members.py"]
    files += sorted((ANALYSIS / "topics").glob("*.py")) + sorted((ANALYSIS / "spam").glob("*.py"))
    return files


def _module_name(path: Path, root: Path = ROOT) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def _imported(path: Path, root: Path = ROOT) -> set[str]:
    """Every ``analysis`` module ``path`` imports (top level or inside functions), relative
    imports resolved; ``from analysis import x`` counts as importing ``analysis.x``."""
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            out.add(module)
            out.update(f"{module}.{a.name}" for a in node.names)  # maybe submodules
    return {m for m in out if m == "analysis" or m.startswith("analysis.")}


def _top(module: str) -> str:
    """``analysis.topics.model`` -> ``topics``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_the_import_parser_sees_every_form(tmp_path):
    pkg = tmp_path / "analysis" / "topics"
    pkg.mkdir(parents=True)
    src = pkg / "x.py"
    src.write_text("import analysis.spam\nfrom analysis import members\nfrom ..activity import a\n"
                   "from . import model\n\ndef f():\n    from analysis.events import b\n", encoding="utf-8")
    tops = {_top(m) for m in _imported(src, tmp_path)}
    assert {"spam", "members", "activity", "topics", "events"} <= tops


def test_no_analyser_imports_another_analyser():
    offenders = []
    for path in _analyser_sources():
        own = _top(_module_name(path))
        for module in sorted(_imported(path)):
            top = _top(module)
            if top in ANALYSERS and top != own:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_shared_helpers_depend_only_on_schema_config_and_window():
    offenders = []
    for name in SHARED:
        path = ANALYSIS / f"{name}.py"
        assert path.is_file(), name
        for module in sorted(_imported(path)):
            if _top(module) not in SHARED_MAY_IMPORT:
                offenders.append(f"{name}.py imports {module}")
    assert offenders == []


ROWS = [
    ("2024-01-01 09:00", "a", "大家好"),
    ("2024-01-01 09:10", "b", "你好"),
    ("2024-01-01 09:20", "a", "今天读什么？"),
    ("2024-01-01 09:25", "c", "三体"),
    ("2024-01-02 20:00", "x", "x加入本群", "join"),
    ("2024-01-03 21:00", "x", "打卡"),
    ("2024-01-10 08:00", "b", "早"),
    ("2024-01-10 08:01", "a", "[红包]", "red_packet"),
    ("2024-01-10 08:02", "c", "谢谢老板"),
]


def _chat() -> Chat:
    return Chat(messages=make_messages(ROWS), group="g", platform="qq", format="qq-txt", source="t.txt")


def _count_calls(monkeypatch, original) -> list[int]:
    """Replace ``original`` by a counting wrapper in every loaded ``analysis`` module that
    holds it (each imports it by name), so a call from anywhere is seen."""
    calls: list[int] = []

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if (name == "analysis" or name.startswith("analysis.")) and module is not None:
            for attr, value in list(vars(module).items()):
                if value is original:
                    monkeypatch.setattr(module, attr, counted)
    return calls


@pytest.mark.parametrize("window", [None, Window(pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-11"))])
def test_one_audit_resolves_the_window_computes_the_membership_and_clips_once(monkeypatch, window):
    resolves = _count_calls(monkeypatch, window_module.resolve_window)
    memberships = _count_calls(monkeypatch, membership)
    clips = _count_calls(monkeypatch, clip)
    report = audit(_chat(), window=window)
    assert len(memberships) == 1
    assert len(clips) == 1
    assert len(resolves) == (1 if window is None else 0)
    for part in (report.activity, report.members, report.events, report.topics):
        assert part.window == report.window


def test_shared_work_gives_the_same_results_as_each_analyser_alone():
    chat = _chat()
    config = Config(group=GroupConfig(owners=["a"]))
    window = Window(pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-11"))
    known = membership(chat, window.end, config)
    clipped = clip(chat, window)
    alone = (analyse_activity(chat, window=window, config=config),
             analyse_members(chat, window=window, config=config),
             analyse_events(chat, window=window, config=config),
             analyze_topics(chat, window=window, config=config))
    shared = (analyse_activity(chat, window=window, config=config, known=known),
              analyse_members(chat, window=window, config=config, known=known),
              analyse_events(chat, window=window, config=config, known=known),
              analyze_topics(chat, window=window, config=config, clipped=clipped))
    # How segmentation went (time, memo hits) is about the run, not the findings.
    alone, shared = (tuple(dataclasses.replace(r, segmentation=None) if r is x[3] else r for r in x)
                     for x in (alone, shared))
    _assert_same(alone, shared)


def test_a_membership_for_another_end_is_not_used():
    chat = _chat()
    window = Window(pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-11"))
    stale = membership(chat, pd.Timestamp("2024-01-02"))
    _assert_same(analyse_members(chat, window=window, known=stale), analyse_members(chat, window=window))


def _assert_same(a, b, where: str = "result") -> None:
    """Deep equality of analyser results (dataclasses, frames, floats with NaN)."""
    assert type(a) is type(b), where
    if dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            _assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, obj=where)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, obj=where)
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), where
    else:
        assert a == b or (pd.isna(a) and pd.isna(b)), where
