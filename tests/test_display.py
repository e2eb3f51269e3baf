"""Tables for reading (ganseg_lib.analysis.present.display): what a reader of the book sees."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from ganseg_lib.analysis.present.display import Table, format_value, table_html


class _Cells(HTMLParser):
    """The text of every header and body cell, and whether a dropdown wraps the table."""

    def __init__(self) -> None:
        super().__init__()
        self.head: list[str] = []
        self.body: list[list[str]] = []
        self.tags: list[str] = []
        self._where = ""
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("thead", "tbody"):
            self._where = tag
        elif tag == "tr" and self._where == "tbody":
            self.body.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell)
            (self.head if self._where == "thead" else self.body[-1]).append(text)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse(text: str) -> _Cells:
    p = _Cells()
    p.feed(text)
    return p


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (150000, "150,000"),
        (np.int64(30000), "30,000"),
        (0.93125, "0.931"),
        (np.float32(0.5), "0.500"),
        (1.2e-5, "1.2e-05"),
        (0.0, "0.000"),
        (12345.6, "12,346"),
        (float("nan"), "—"),
        (None, "—"),
        (True, "yes"),
        ("GAN-CNN", "GAN-CNN"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


def test_no_index_column_and_formatted_numbers():
    df = pd.DataFrame({"size": ["15K", "30K"], "AUC": [0.93084, 0.945], "n": [15000, 30000]})
    cells = parse(table_html(df))
    assert cells.head == ["size", "AUC", "n"]  # no empty corner cell of an index
    assert cells.body == [["15K", "0.931", "15,000"], ["30K", "0.945", "30,000"]]
    assert "<th>0</th>" not in table_html(df) and "dataframe" not in table_html(df)


def test_index_true_keeps_a_meaningful_index_as_a_column():
    df = pd.DataFrame({"verdict": ["replicated"]}, index=pd.Index(["1"], name="claim"))
    assert parse(table_html(df, index=True)).head == ["claim", "verdict"]


def test_headers_and_formats_per_column():
    df = pd.DataFrame({"mean AUC of the GAN-CNN": [0.9], "share": [0.25], "p": [np.nan]})
    text = table_html(
        df,
        headers={"mean AUC of the GAN-CNN": "GAN-CNN"},
        formats={"share": "{:.0%}", "p": "{:.2g}"},
    )
    cells = parse(text)
    assert cells.head == ["GAN-CNN", "share", "p"]
    assert cells.body == [["0.900", "25%", "—"]]  # a missing value stays "—" under a format


def test_long_header_wraps_at_most_once_and_numbers_do_not_wrap():
    text = table_html(pd.DataFrame({"GAN−CNN difference in mean AUC": [0.01]}))
    width = int(re.search(r"min-width:(\d+)ch", text).group(1))
    assert width >= len("GAN−CNN difference in mean AUC") / 2
    assert "white-space:nowrap" in text  # numeric cells


def test_table_scrolls_inside_the_text_column():
    text = table_html(pd.DataFrame({"a": [1]}))
    assert re.search(r"\.ganseg-table\{overflow-x:auto;max-width:100%", text)
    assert '<div class="ganseg-table">' in text


def test_long_table_is_collapsed_in_a_dropdown():
    long = pd.DataFrame({"run": range(30)})
    text = table_html(long, summary="All 30 runs")
    assert text.count("<details") == 1 and "<summary>All 30 runs</summary>" in text
    assert len(parse(text).body) == 30
    assert "<details" not in table_html(long.head(12))


def test_values_are_escaped():
    cells = parse(table_html(pd.DataFrame({"<b>": ["a < b & c"]})))
    assert cells.head == ["<b>"] and cells.body == [["a < b & c"]]
    assert "<b>" not in table_html(pd.DataFrame({"x": ["<b>"]})).split("</style>")[1]


def test_table_object_repr_has_no_index():
    t = Table(pd.DataFrame({"size": ["15K"], "AUC": [0.9]}))
    assert t.__repr__().splitlines()[1].split() == ["15K", "0.9"]
    assert "<table>" in t._repr_html_()
