"""Format writers for property tests, and the shared "every line accounted for" checker.

Each writer module renders canonical-ish messages (:class:`Message`) the way one export tool
lays them out and says which line each record lands on. A writer module exposes:

* ``FORMAT``: the registry name it writes;
* ``messages()``: a hypothesis strategy of message lists the format can represent exactly
  (names, bodies and time precision within what the layout can carry);
* ``render(messages, rng)``: a :class:`Rendered` file (text, header line of each message,
  the parse options a reader needs, and the messages as the file shows them).

Writers are ours (synthetic names, no real exports); the QQ writer lives in
``tests/qq_writer.py`` and is wrapped by :mod:`tests.writers.qq`.
"""

from __future__ import annotations

from tests.writers.accounted import assert_accounted, decode_like, unaccounted_lines
from tests.writers.common import Message, Rendered

__all__ = ["Message", "Rendered", "WRITERS", "assert_accounted", "decode_like", "unaccounted_lines"]


def _writers():
    from tests.writers import line, memotrace, qq, wechatexporter, whatsapp

    return {w.FORMAT: w for w in (qq, whatsapp, line, memotrace, wechatexporter)}


WRITERS = _writers()
"""Format name -> writer module."""
