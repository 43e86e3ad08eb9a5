"""DiscordChatExporter (DCE) CSV, FORMATS.md §5.

Three generations, picked with ``rng``:

* ``iso`` (v2.42.3+, ``CsvMessageWriter.cs``): header ``AuthorID,Author,Date,Content,
  Attachments,Reactions`` unquoted, every field quoted with ``""`` escaping, raw line breaks
  inside Content, ``Date`` in the round-trip format ``o`` (seven fractional digits and the
  offset, converted to ``--tz`` by the reader);
* ``locale`` (v2.16 to v2.42.3): the same layout with ``Date`` in the exporting computer's
  short date and time (``g``) of its culture: ``1/17/2023 7:33 PM`` (en-US, a narrow
  no-break space before PM on newer ICU), ``17/01/2023 19:33`` (en-GB, fr-FR),
  ``17.01.2023 19:33`` (de-DE), ``2023/1/17 19:33`` (zh-CN)... The reader is told the date
  order of a day-first culture (``--dayfirst``), as a user would be;
* ``semicolon`` (before v2.16, ``CsvChatLogRenderer``): header
  ``AuthorID;Author;Date;Content;Attachments;Reactions;`` and every field followed by ``;``,
  ``Date`` in the ``--dateformat`` setting with the invariant culture: the default
  ``dd-MMM-yy hh:mm tt`` (``17-Jan-23 07:33 PM``) or ``MM/dd/yyyy h:mm tt``.

Locale dates are wall-clock times to the minute. The CSV has no message ids: a row is
``L<line>``, the physical line where it starts. ``Author`` is the user name, with
``#discriminator`` for legacy accounts.
"""

from __future__ import annotations

import random
import re
from datetime import datetime

from hypothesis import strategies as st

from tests.writers.common import (
    Message,
    Rendered,
    bodies_strategy,
    lines_strategy,
    message_lists,
    names_strategy,
)
from tests.writers.discord_json import ZONES, exported, offset_text, people, timeline, wall

FORMAT = "discord-csv"
ENCODINGS = ("utf-8", "utf-8-sig")
"""DCE's ``StreamWriter`` writes UTF-8 without a BOM; re-saving in a spreadsheet adds one."""

MACHINE_ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Shanghai", "Asia/Kolkata")
"""The exporting computer's zone (local offsets unless ``--utc``; locale dates are local)."""
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_NAMES_ANOTHER_MEMBER = re.compile(r"^(?:Added .+ to the group\.|Removed .+ from the group\.)$", re.S)


def _body_ok(lines: list[str]) -> bool:
    # The CSV has no message type: a content that reads "Added X to the group." or "Removed X
    # from the group." is DCE's fallback text of a group-DM notice, credited to X.
    return not _NAMES_ANOTHER_MEMBER.match("\n".join(lines))


def messages() -> st.SearchStrategy[list[Message]]:
    # Quoted CSV fields hold any text and any non-empty user name.
    return message_lists(names_strategy(lambda name: True), bodies_strategy(lines_strategy(), _body_ok))


def _twelve(t: datetime) -> tuple[int, str]:
    return t.hour % 12 or 12, "PM" if t.hour >= 12 else "AM"


def _en_us(t: datetime) -> str:
    hour, ampm = _twelve(t)
    return f"{t.month}/{t.day}/{t.year} {hour}:{t.minute:02d} {ampm}"


def _en_us_icu(t: datetime) -> str:
    hour, ampm = _twelve(t)
    return f"{t.month}/{t.day}/{t.year} {hour}:{t.minute:02d}\u202f{ampm}"


CULTURES = {
    # culture -> (short date and time "g", day-first)
    "en-US": (_en_us, False),
    "en-US (ICU 72+)": (_en_us_icu, False),
    "en-GB": (lambda t: f"{t.day:02d}/{t.month:02d}/{t.year} {t.hour:02d}:{t.minute:02d}", True),
    "fr-FR": (lambda t: f"{t.day:02d}/{t.month:02d}/{t.year} {t.hour:02d}:{t.minute:02d}", True),
    "de-DE": (lambda t: f"{t.day:02d}.{t.month:02d}.{t.year} {t.hour:02d}:{t.minute:02d}", True),
    "es-ES": (lambda t: f"{t.day}/{t.month}/{t.year} {t.hour}:{t.minute:02d}", True),
    "zh-CN": (lambda t: f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}", None),
    "ja-JP": (lambda t: f"{t.year}/{t.month:02d}/{t.day:02d} {t.hour}:{t.minute:02d}", None),
}
"""None: year first, no date order to tell."""


def _dd_mmm_yy(t: datetime) -> str:
    hour, ampm = _twelve(t)
    return f"{t.day:02d}-{_MONTHS[t.month - 1]}-{t.year % 100:02d} {hour:02d}:{t.minute:02d} {ampm}"


def _mm_dd_yyyy(t: datetime) -> str:
    hour, ampm = _twelve(t)
    return f"{t.month:02d}/{t.day:02d}/{t.year} {hour}:{t.minute:02d} {ampm}"


DATE_FORMATS = {"dd-MMM-yy hh:mm tt": _dd_mmm_yy, "MM/dd/yyyy h:mm tt": _mm_dd_yyyy}
"""Old ``--dateformat`` settings (invariant culture); the first is DCE's default."""


def _round_trip(moment: datetime) -> str:
    """.NET ``o`` for a ``DateTimeOffset``: seven fractional digits and the offset."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond * 10:07d}" + offset_text(moment)


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def render(messages: list[Message], rng: random.Random) -> Rendered:
    layout = rng.choice(("iso", "locale", "semicolon"))
    tz = rng.choice(ZONES)
    machine = rng.choice(MACHINE_ZONES)
    utc = rng.random() < 0.3
    eol = rng.choice(("\n", "\r\n"))
    who = people(messages, rng, set())
    options: dict = {}
    if layout == "iso":
        stamp = lambda instant: _round_trip(exported(instant, utc, machine))  # noqa: E731
        when = lambda instant: wall(instant, tz or "UTC")  # noqa: E731
        options = {} if tz is None else {"tz": tz}
    else:
        if layout == "locale":
            fmt, dayfirst = CULTURES[rng.choice(sorted(CULTURES))]
            if dayfirst is not None and (dayfirst or rng.random() < 0.5):
                options = {"dayfirst": dayfirst}
        else:
            fmt = DATE_FORMATS[rng.choice(sorted(DATE_FORMATS))]
        # NormalizeDate: UTC with --utc; the semicolon-era renderer always used ToLocalTime.
        zone = "UTC" if utc and layout == "locale" else machine
        stamp = lambda instant: fmt(wall(instant, zone))  # noqa: E731
        when = lambda instant: wall(instant, zone).replace(second=0, microsecond=0)  # noqa: E731
    semicolon = layout == "semicolon"
    out = ["AuthorID;Author;Date;Content;Attachments;Reactions;" if semicolon
           else "AuthorID,Author,Date,Content,Attachments,Reactions"]
    line = 2
    expected = []
    for m, instant in timeline(messages, rng):
        person = who[m.sender]
        discriminator = person["discriminator"]
        if semicolon and discriminator == "0000":
            discriminator = person["id"][-4:].replace("0000", "0001")  # every account had one then
        author = m.sender if discriminator == "0000" else f"{m.sender}#{discriminator}"
        reactions = rng.choice(("", "", "👍 (3)", "👍 (3),❤️ (2)"))
        fields = [person["id"], author, stamp(instant), m.text, "", reactions]
        row = "".join(_quote(f) + ";" for f in fields) if semicolon else ",".join(map(_quote, fields))
        out.append(row)
        expected.append(Message(when(instant), author, m.text, person["id"], f"L{line}"))
        line += 1 + row.count("\n")
    name = "星火读书会 Spark Readers - Text Channels - general [900000000000000010].csv"
    return Rendered(eol.join(out) + eol, None, expected, options, filename=name)
