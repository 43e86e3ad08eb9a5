"""Many groups at once: one audit per export file, in a process pool or on a Dask cluster.

The unit of work is one *input*: an export file, or an export folder (an unzipped Slack
workspace, a QCE chunked export). One module per job:

- :mod:`~analysis.batch.inputs`: files, folders and globs -> :class:`Input` items
  (:func:`expand_paths`; which files a folder walk picks up);
- :mod:`~analysis.batch.task`: the per-file task (:func:`audit_file`): one small, picklable
  :class:`GroupResult` per group, an error row instead of an exception;
- :mod:`~analysis.batch.cache`: :class:`ResultCache`, reuse by content hash;
- :mod:`~analysis.batch.engines`: :func:`run_batch` on the ``local`` process pool or the
  ``dask`` engine, and the :class:`BatchResult`;
- :mod:`~analysis.batch.crossgroup`: the summary frame, health order and the cross-group
  findings (with :mod:`analysis.spam.crossgroup`).

Every public name is importable from here (``from analysis.batch import run_batch``).
"""

from analysis.batch.cache import CACHE_FORMAT, ResultCache, content_hash, tool_version
from analysis.batch.crossgroup import (
    CROSS_GROUP_COLUMNS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    cross_group_findings,
    rows_frame,
    sort_by_health,
)
from analysis.batch.engines import (
    ENGINES,
    STATS_COLUMNS,
    BatchResult,
    Progress,
    default_jobs,
    run_batch,
)
from analysis.batch.inputs import (
    EXPORT_EXTENSIONS,
    SIDECAR_NAMES,
    Input,
    expand_paths,
    is_export_folder,
)
from analysis.batch.task import (
    GLOBAL_ID_PLATFORMS,
    TRIM_THRESHOLD_BYTES,
    BatchOptions,
    DetailsHook,
    FileOutcome,
    GroupResult,
    audit_file,
)

__all__ = [
    "CACHE_FORMAT",
    "CROSS_GROUP_COLUMNS",
    "ENGINES",
    "EXPORT_EXTENSIONS",
    "FLOAT_COLUMNS",
    "GLOBAL_ID_PLATFORMS",
    "INT_COLUMNS",
    "SIDECAR_NAMES",
    "STATS_COLUMNS",
    "TRIM_THRESHOLD_BYTES",
    "BatchOptions",
    "BatchResult",
    "DetailsHook",
    "FileOutcome",
    "GroupResult",
    "Input",
    "Progress",
    "ResultCache",
    "audit_file",
    "content_hash",
    "cross_group_findings",
    "default_jobs",
    "expand_paths",
    "is_export_folder",
    "rows_frame",
    "run_batch",
    "sort_by_health",
    "tool_version",
]
