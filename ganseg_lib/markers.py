"""Generated blocks of Markdown files: the text between two marker lines (``<!-- headline:
begin … -->`` … ``<!-- headline: end -->``) that a command writes and a check reads back.

The README's headline, study and shipped-models blocks all go through :func:`write_block`, which
rewrites the file atomically and only when the block changed.
"""

from __future__ import annotations

import os
from pathlib import Path

from ganseg_lib.atomic import write_text_atomic


def split_block(path: str | os.PathLike, begin: str, end: str) -> tuple[str, str, str]:
    """The text of ``path`` before, between and after its marker lines ``begin`` and ``end``;
    ValueError when it lacks either."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise ValueError(f"{path}: no generated block (lines {begin!r} … {end!r})")
    head, rest = text.split(begin, 1)
    body, tail = rest.split(end, 1)
    return head, body, tail


def write_block(path: str | os.PathLike, body: str, begin: str, end: str) -> bool:
    """Replace the text between the marker lines ``begin`` and ``end`` of the Markdown file at
    ``path`` with ``body``; True when the file changed.

    Raises ValueError when the file lacks either marker line.
    """
    head, old, tail = split_block(path, begin, end)
    if old == f"\n{body}\n":
        return False
    write_text_atomic(path, f"{head}{begin}\n{body}\n{end}{tail}")
    return True


def read_block(path: str | os.PathLike, begin: str, end: str) -> str:
    """The text between the marker lines ``begin`` and ``end`` of the file at ``path``."""
    return split_block(path, begin, end)[1].strip("\n")
