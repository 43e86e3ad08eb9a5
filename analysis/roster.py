"""``--roster FILE``: the member list an operator has (QQ member list, WeCom export, a sheet).

The file is CSV with a header row naming at least ``id``; ``name``, ``role`` and ``joined``
are optional. Column names may also be ``sender_id``/``uin``/``qq``/``wxid`` (id),
``sender``/``nickname``/``昵称``/``群名片`` (name), ``身份``/``角色`` (role) and
``入群时间``/``join_time`` (joined). Roles: owner/群主, admin/管理员, member/成员 (or empty).
``joined``: a date or date-time (``2024-03-01``, ``2024-03-01 18:00``). The file may be
UTF-8 (with or without a BOM) or GB18030 (Excel's Chinese CSV), comma- or tab-separated.

Every row's fields are checked; a bad value is a :class:`ParseError` naming ``file:line``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from analysis.errors import InputError, ParseError
from analysis.schema import ROSTER_COLUMNS

__all__ = ["ROSTER_MAX_BYTES", "merge_roster", "read_roster"]

_ALIASES: dict[str, tuple[str, ...]] = {
    "sender_id": ("id", "sender_id", "uin", "qq", "qq号", "wxid", "user_id", "member_id", "账号"),
    "sender": ("name", "sender", "nickname", "display_name", "昵称", "群名片", "名字", "姓名"),
    "role": ("role", "身份", "角色"),
    "joined": ("joined", "join_time", "joined_at", "入群时间", "加入时间"),
}
_ROLES = {"owner": "owner", "群主": "owner", "admin": "admin", "管理员": "admin",
          "member": "member", "成员": "member", "群成员": "member", "": None}
ROSTER_MAX_BYTES = 256 * 1024 * 1024
"""The largest roster read (256 MiB, millions of members). The file is read whole into
memory; the limit keeps ``--roster /dev/zero`` or a wrong huge file from exhausting it."""

_HINT = "the roster is CSV with a header: id,name,role,joined (role: owner, admin or member)"


def _decode(data: bytes, path: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("the roster is neither UTF-8 nor GB18030 text", path=path, hint=_HINT)


def read_roster(path: str | Path) -> pd.DataFrame:
    """Read a roster CSV into the :data:`analysis.schema.ROSTER_COLUMNS` frame.

    Returns:
        Columns ``sender_id, sender, role, joined`` (one row per id; a later row for the
        same id wins), ``joined`` as naive timestamps (NaT where empty).

    Raises:
        InputError: the file is missing, not a regular file, larger than
            :data:`ROSTER_MAX_BYTES`, or not text.
        ParseError: no header with an id column, an empty id, an unknown role or a date
            that is not a date, naming ``file:line``.
    """
    from analysis.config import read_side_file

    name = str(path)
    try:
        data = read_side_file(path, limit=ROSTER_MAX_BYTES, what="roster", error=InputError)
    except FileNotFoundError:
        raise InputError("roster file not found", path=name, hint="check the --roster path") from None
    text = _decode(data, name)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        raise ParseError("the roster is empty", path=name, line=1, hint=_HINT)
    lookup = {h.strip().lower(): i for i, h in enumerate(header)}
    where: dict[str, int | None] = {}
    for col, aliases in _ALIASES.items():
        where[col] = next((lookup[a] for a in aliases if a in lookup), None)
    if where["sender_id"] is None:
        raise ParseError(f"the roster header has no id column (found: {', '.join(header)})",
                         path=name, line=1, hint=_HINT)

    rows: list[tuple[str, str | None, str | None, pd.Timestamp]] = []
    # One step per roster row (a member list, not messages); csv gives exact line numbers.
    start_line = reader.line_num + 1
    for record in reader:
        line = start_line
        start_line = reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue

        def cell(col: str, record: list[str] = record) -> str:
            i = where[col]
            return record[i].strip() if i is not None and i < len(record) else ""

        ident = cell("sender_id")
        if not ident:
            raise ParseError("empty id", path=name, line=line, hint=_HINT)
        role_text = cell("role")
        if role_text.lower() not in _ROLES and role_text not in _ROLES:
            raise ParseError(f"unknown role {role_text!r}", path=name, line=line,
                             hint="use owner, admin or member (群主, 管理员, 成员)")
        role = _ROLES.get(role_text.lower(), _ROLES.get(role_text))
        joined_text = cell("joined")
        joined = pd.NaT
        if joined_text:
            try:
                joined = pd.Timestamp(joined_text.replace("/", "-"))
            except (ValueError, TypeError):
                joined = pd.NaT
            if pd.isna(joined):
                raise ParseError(f"joined {joined_text!r} is not a date", path=name, line=line,
                                 hint="write dates like 2024-03-01 or '2024-03-01 18:00'")
            if joined.tzinfo is not None:
                joined = joined.tz_localize(None)
        rows.append((ident, cell("sender") or None, role, joined))

    frame = pd.DataFrame(rows, columns=list(ROSTER_COLUMNS))
    frame["sender_id"] = frame["sender_id"].astype("string")
    frame["sender"] = frame["sender"].astype("string")
    frame["role"] = frame["role"].astype("string")
    frame["joined"] = pd.to_datetime(frame["joined"]).astype("datetime64[ns]")
    return frame.drop_duplicates("sender_id", keep="last").reset_index(drop=True)


def merge_roster(base: pd.DataFrame | None, extra: pd.DataFrame | None) -> pd.DataFrame | None:
    """The export's roster completed by ``extra`` (e.g. ``--roster``): one row per id;
    where both know a field, ``extra`` wins; where only one does, it is kept."""
    if extra is None or not len(extra):
        return base
    if base is None or not len(base):
        return extra[list(ROSTER_COLUMNS)].reset_index(drop=True)
    a = base[list(ROSTER_COLUMNS)].drop_duplicates("sender_id", keep="last").set_index("sender_id")
    b = extra[list(ROSTER_COLUMNS)].drop_duplicates("sender_id", keep="last").set_index("sender_id")
    merged = b.combine_first(a)
    merged["joined"] = pd.to_datetime(merged["joined"]).astype("datetime64[ns]")
    out = merged.reset_index()[list(ROSTER_COLUMNS)]
    for col in ("sender_id", "sender", "role"):
        out[col] = out[col].astype("string")
    return out
