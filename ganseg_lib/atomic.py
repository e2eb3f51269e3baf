"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Every writer of the library goes through here: the content goes to a temporary file beside the
target, is flushed to disk (``fsync``), and is renamed over the target (``os.replace``, atomic
on POSIX and Windows). A process killed mid-write leaves the target as it was, and at most a
``*.tmp*`` file beside it.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path


def temporary_path(path: str | os.PathLike) -> Path:
    """Where the new content of ``path`` is written before the rename: beside it (the same file
    system, so the rename is atomic), named per process (concurrent writers never share it), and
    ending in the target's suffix (``np.save`` and Pillow choose the format from it)."""
    path = Path(path)
    return path.with_name(f"{path.name}.{os.getpid()}.tmp{path.suffix}")


def is_temporary(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a :func:`temporary_path` (a write in progress, or one a killed
    process left): ``<name>.<pid>.tmp<suffix>``."""
    path = Path(path)
    return re.fullmatch(r".+\.\d+\.tmp" + re.escape(path.suffix), path.name) is not None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def replacing(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path for a writer that needs a file name (``np.save``, Pillow,
    papermill); once the block ends, flush it to disk and rename it over ``path``. When the
    block raises, the temporary file is removed and ``path`` is left as it was."""
    path = Path(path)
    tmp = temporary_path(path)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename); return ``path``."""
    path = Path(path)
    with replacing(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
    return path


def write_text_atomic(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (temporary file, fsync, rename); return ``path``."""
    return write_bytes_atomic(path, text.encode(encoding))
