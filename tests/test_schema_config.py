"""The canonical table contract and the configuration file."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.config import Config, config_from_dict, load_config
from analysis.errors import ConfigError, SchemaError
from analysis.schema import MESSAGE_COLUMNS, build_messages, empty_messages, validate


def test_build_messages_casts_sorts_and_derives_ids():
    frame = build_messages({
        "timestamp": ["2024-01-02 10:00", "2024-01-01 09:00", "2024-01-01 09:00"],
        "sender_id": ["1", "2", "3"], "sender": ["a", "b", "c"], "kind": ["text", "image", "join"],
        "text": ["x", "[图片]", "c加入本群"], "line": [7, 4, 1],
    })
    validate(frame)
    assert tuple(frame.columns) == MESSAGE_COLUMNS
    assert frame["line"].tolist() == [1, 4, 7]  # ties on time keep file order
    assert frame["msg_id"].tolist() == ["L1", "L4", "L7"]
    assert frame["reply_to"].isna().all()


def test_validate_names_the_problem():
    frame = empty_messages()
    validate(frame)
    with pytest.raises(SchemaError, match="missing"):
        validate(frame.drop(columns="text"))
    bad = build_messages({"timestamp": ["2024-01-01"], "sender_id": ["1"], "sender": ["a"],
                          "kind": ["text"], "text": ["x"], "line": [1]})
    bad["sender_id"] = pd.Series([None], dtype=bad["sender_id"].dtype)
    with pytest.raises(SchemaError, match="'sender_id' has a missing value"):
        validate(bad)
    with pytest.raises(SchemaError, match="shouting"):
        build_messages({"timestamp": ["2024-01-01"], "sender_id": ["1"], "sender": ["a"],
                        "kind": ["shouting"], "text": ["x"], "line": [1]}).pipe(validate)


def test_config_defaults_and_file(tmp_path):
    assert load_config(cwd=tmp_path) == Config()
    (tmp_path / "community-audit.toml").write_text(
        '[general]\ntz = "UTC"\n[group]\ntheme = ["跑步", "配速"]\n[members]\ndormant_days = 14\n', encoding="utf-8")
    cfg = load_config(cwd=tmp_path)
    assert cfg.general.tz == "UTC" and cfg.group.theme == ["跑步", "配速"] and cfg.members.dormant_days == 14


@pytest.mark.parametrize(("data", "needle"), [
    ({"nope": {}}, "unknown section [nope]"),
    ({"group": {"theme": "跑步"}}, "[group] theme must be a list of a string"),
    ({"members": {"dormant_days": 1.5}}, "[members] dormant_days must be an integer"),
    ({"general": {"zone": "UTC"}}, "unknown key [general] zone"),
])
def test_config_errors_name_the_key(data, needle):
    with pytest.raises(ConfigError) as err:
        config_from_dict(data)
    assert needle in str(err.value)


def test_broken_toml_is_a_config_error(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[general\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)
