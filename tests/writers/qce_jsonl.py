"""qq-chat-exporter (QCE) chunked JSONL, FORMATS.md §1b (``chunked_jsonl_writer.rs``).

An export folder ``<name>_chunked_jsonl/`` holds ``manifest.json`` (``metadata``,
``chatInfo``, ``statistics``, ``chunked: {format, chunksDir, chunks: [{index, fileName,
relativePath, start, end, count, bytes, startTsMs, endTsMs}]}``, pretty-printed) and
``chunks/c000001.jsonl``…, one compact ``CleanMessage`` per line, each line ending in ``\\n``.
The rendered file is the first chunk; the manifest and later chunks are sidecars. A reader is
handed the manifest, the export folder, or (``bare``) a lone chunk file.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

from hypothesis import strategies as st

from tests.writers.common import Message, Rendered
from tests.writers.qce_json import (
    ZONES,
    chat_info,
    clean_message,
    compact,
    epoch_ms,
    expected,
    metadata,
    ordered,
    people,
    statistics,
)
from tests.writers.qce_json import messages as _qce_messages

FORMAT = "qce-jsonl"
ENCODINGS = ("utf-8", "utf-8-sig")
"""QCE writes UTF-8 without a BOM; a BOM is what an editor adds when a chunk is saved again."""
FOLDER = "group_900000001_20240318_100000_chunked_jsonl"


def messages() -> st.SearchStrategy[list[Message]]:
    # The same messages as the single-file JSON: one JSON object per line holds any text
    # (line breaks inside a body are escaped).
    return _qce_messages()


def _iso(instant: datetime) -> str:
    """``ms_to_iso``: UTC with milliseconds and ``Z``."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}Z"


def render(messages: list[Message], rng: random.Random) -> Rendered:
    mode = rng.choice(("manifest", "folder", "bare"))
    tz = rng.choice(ZONES)
    who = people(messages, rng)
    rows = ordered(messages, rng)
    lines = [compact(clean_message(m, instant, msg_id, who[m.sender], 1000 + i, rng))
             for i, (m, instant, msg_id) in enumerate(rows)]
    exp = [expected(m, instant, msg_id, who[m.sender], tz) for m, instant, msg_id in rows]
    options = {} if tz is None else {"tz": tz}
    if mode == "bare":
        return Rendered("".join(line + "\n" for line in lines), None, exp, options, filename="c000001.jsonl")
    per_chunk = rng.randint(1, max(1, len(lines)))  # maxMessagesPerChunk
    chunks = [lines[i:i + per_chunk] for i in range(0, len(lines), per_chunk)]
    infos = []
    texts = []
    start = 0
    for index, chunk in enumerate(chunks, start=1):
        text = "".join(line + "\n" for line in chunk)
        texts.append(text)
        times = [rows[start + k][1] for k in range(len(chunk))]
        start += len(chunk)
        name = f"c{index:06d}.jsonl"
        infos.append({"index": index, "fileName": name, "relativePath": f"chunks/{name}",
                      "start": _iso(times[0]), "end": _iso(times[-1]),
                      "count": len(chunk), "bytes": len(text.encode("utf-8")),
                      "startTsMs": epoch_ms(times[0]), "endTsMs": epoch_ms(times[-1])})
    manifest = {"metadata": metadata(), "chatInfo": chat_info(), "statistics": statistics(rows),
                "chunked": {"format": "jsonl", "chunksDir": "chunks", "chunkFileExt": ".jsonl",
                            "maxMessagesPerChunk": per_chunk, "maxBytesPerChunk": 52428800,
                            "chunks": infos}}
    sidecars = {f"{FOLDER}/manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2)}
    for info, text in zip(infos[1:], texts[1:], strict=True):
        sidecars[f"{FOLDER}/{info['relativePath']}"] = text
    entry = f"{FOLDER}/manifest.json" if mode == "manifest" else FOLDER
    return Rendered(texts[0], None, exp, options, filename=f"{FOLDER}/chunks/c000001.jsonl",
                    sidecars=sidecars, entry=entry)
