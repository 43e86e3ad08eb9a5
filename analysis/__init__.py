"""community-audit as a library: read chat exports into one canonical table and audit them.

    from analysis import read_log
    chat = read_log("sample_logs/qq_txt/study_group.txt")
    chat.messages.head()

Nothing here prints, exits or touches the network; errors are typed (:mod:`analysis.errors`).
"""

from analysis.config import Config, load_config
from analysis.errors import AuditError
from analysis.parsers import FORMATS, ParseOptions, detect_format, read_chats, read_log
from analysis.schema import Chat

__all__ = [
    "FORMATS",
    "AuditError",
    "Chat",
    "Config",
    "ParseOptions",
    "detect_format",
    "load_config",
    "read_chats",
    "read_log",
]
