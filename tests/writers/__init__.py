"""Format writers for property tests, and the shared "every line accounted for" checker.

Each writer module renders canonical-ish messages (:class:`Message`) the way one export tool
lays them out and says which line each record lands on. A writer module exposes:

* ``FORMAT``: the registry name it writes;
* ``messages()``: a hypothesis strategy of message lists the format can represent exactly
  (names, bodies and time precision within what the layout can carry);
* ``render(messages, rng)``: a :class:`Rendered` file (text, header line of each message,
  the parse options a reader needs, and the messages as the file shows them);
* optionally ``ENCODINGS``: the encodings the export tool can write (default: UTF-8 with and
  without a BOM, GB18030 and UTF-16, as Windows TXT exports are found in).

Every module in this package with a ``FORMAT`` is a writer (found by :func:`_writers`).

Writers are ours (synthetic names, no real exports); the QQ writer lives in
``tests/qq_writer.py`` and is wrapped by :mod:`tests.writers.qq`.
"""

from __future__ import annotations

from tests.writers.accounted import (
    CSV_FORMATS,
    assert_accounted,
    assert_rows_accounted,
    decode_like,
    unaccounted_lines,
)
from tests.writers.common import Message, Rendered

__all__ = ["CSV_FORMATS", "Message", "Rendered", "WRITERS", "assert_accounted", "assert_rows_accounted", "decode_like",
           "unaccounted_lines"]


def _writers():
    import importlib
    import pkgutil

    import tests.writers as package

    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"tests.writers.{info.name}")
        if hasattr(module, "FORMAT"):
            found[module.FORMAT] = module
    return found


WRITERS = _writers()
"""Format name -> writer module."""
