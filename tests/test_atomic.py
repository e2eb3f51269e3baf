"""Atomic writes and the README's generated blocks: a reader never sees half a file."""

from __future__ import annotations

import numpy as np
import pytest

from ganseg_lib.atomic import (
    is_temporary,
    replacing,
    temporary_path,
    write_bytes_atomic,
    write_text_atomic,
)
from ganseg_lib.markers import read_block, write_block


def test_a_write_replaces_the_file_and_leaves_nothing_beside_it(tmp_path):
    path = tmp_path / "record.json"
    path.write_text("old")
    assert write_text_atomic(path, "new ✓\n") == path
    assert path.read_text(encoding="utf-8") == "new ✓\n"
    write_bytes_atomic(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "map.npy"
    np.save(path, np.zeros(3))
    with pytest.raises(RuntimeError), replacing(path) as tmp:
        np.save(tmp, np.ones(3))  # the writer needs a name ending in .npy: it keeps the suffix
        assert tmp.suffix == ".npy" and tmp.parent == tmp_path
        raise RuntimeError("killed mid-write")
    np.testing.assert_array_equal(np.load(path), np.zeros(3))
    assert [p.name for p in tmp_path.iterdir()] == ["map.npy"]


def test_a_block_between_markers_is_replaced_and_read_back(tmp_path):
    begin, end = "<!-- x: begin -->", "<!-- x: end -->"
    readme = tmp_path / "README.md"
    readme.write_text(f"# t\n\n{begin}\nold\n{end}\n\nafter\n")
    assert write_block(readme, "new | table", begin, end)
    assert readme.read_text() == f"# t\n\n{begin}\nnew | table\n{end}\n\nafter\n"
    assert not write_block(readme, "new | table", begin, end)  # unchanged: not rewritten
    assert read_block(readme, begin, end) == "new | table"
    with pytest.raises(ValueError, match="no generated block"):
        write_block(readme, "x", "<!-- y: begin -->", "<!-- y: end -->")


def test_a_temporary_file_is_told_from_the_files_it_replaces(tmp_path):
    record = tmp_path / "gan-fair-lr0.0003-b0.5-n1000-s100.json"
    assert is_temporary(temporary_path(record)) and not is_temporary(record)
    assert not is_temporary(tmp_path / "a.tmp.json")  # no process id: a name, not a write
    assert is_temporary(tmp_path / "a.json.4242.tmp.json")
