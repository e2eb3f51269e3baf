"""Tables and figures on a page: a DataFrame and a figure as the book shows them, with captions.

A table has no index column, numbers formatted for a reader (thousands separators, a fixed number of
decimals, small p-values in scientific notation, missing values as "—"), headers that wrap at
most once, a table that scrolls inside the text column instead of running past it, and long
tables folded in a ``<details>`` dropdown. The HTML carries its own small style sheet, so the
table looks the same in the book, in Jupyter and on Colab. A figure is shown as a PNG whatever
the matplotlib backend (:func:`show`), and :class:`Captions` numbers a page's figures and tables.
"""

from __future__ import annotations

import html
import io
import math
import numbers
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MISSING = "—"
COLLAPSE_ROWS = 12  # longer tables are folded in a dropdown

# Scoped to the wrapper's class, so that it styles only these tables.
STYLE = """<style>
.ganseg-table{overflow-x:auto;max-width:100%;margin:0.5em 0 1em 0}
.ganseg-table table{border-collapse:collapse;width:auto;margin:0;font-size:0.9em}
.ganseg-table th,.ganseg-table td{padding:0.25em 0.6em;border-bottom:1px solid #ddd;
vertical-align:top}
.ganseg-table thead th{border-bottom:2px solid #888;text-align:left;font-weight:600}
.ganseg-table td.num,.ganseg-table th.num{text-align:right;white-space:nowrap;
font-variant-numeric:tabular-nums}
.ganseg-table caption{caption-side:top;text-align:left;font-style:italic;padding:0.2em 0}
p.ganseg-caption{margin:0.2em 0 1.2em 0;font-size:0.95em}
details.ganseg-details>summary{cursor:pointer;font-weight:600;margin:0.5em 0}
</style>"""

Formatter = str | Callable[[object], str]


def format_value(value, digits: int = 3) -> str:
    """One cell as text: integers with thousands separators, floats with ``digits`` decimals
    (scientific below ``10**-digits``, no decimals from 10,000 up), missing values as "—"."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        x = float(value)
        if math.isinf(x):
            return "∞" if x > 0 else "−∞"
        if x != 0 and abs(x) < 10**-digits:
            return f"{x:.1e}"
        if abs(x) >= 10_000:
            return f"{x:,.0f}"
        return f"{x:,.{digits}f}"
    return str(value)


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _format_column(series: pd.Series, fmt: Formatter | None, digits: int) -> list[str]:
    out = []
    for v in series:
        if fmt is None or format_value(v) == MISSING:
            out.append(format_value(v, digits))
        elif callable(fmt):
            out.append(fmt(v))
        else:
            out.append(fmt.format(v))
    return out


def _header_cell(name: str, numeric: bool) -> str:
    # A long header may wrap once, at a space: its cell is at least half its length wide.
    text = html.escape(name)
    cls = ' class="num"' if numeric else ""
    if len(name) <= 14 or " " not in name:
        return f'<th{cls} style="white-space:nowrap">{text}</th>'
    return f'<th{cls} style="min-width:{math.ceil(len(name) / 2) + 1}ch">{text}</th>'


def table_html(
    df: pd.DataFrame,
    *,
    headers: Mapping[str, str] | None = None,
    formats: Mapping[str, Formatter] | None = None,
    digits: int = 3,
    caption: str | None = None,
    collapse_rows: int = COLLAPSE_ROWS,
    summary: str | None = None,
    index: bool = False,
) -> str:
    """The HTML of ``df`` for reading.

    ``headers`` renames columns (short headers); ``formats`` maps a column to a format string
    (``"{:.1%}"``) or a function; other cells go through :func:`format_value` with ``digits``.
    ``index=True`` turns a meaningful index (e.g. claim ids) into the first column. A table of
    more than ``collapse_rows`` rows is folded in a dropdown titled ``summary``.
    """
    if index:
        df = df.reset_index()
    headers = dict(headers or {})
    formats = dict(formats or {})
    columns = [str(c) for c in df.columns]
    numeric = [_is_numeric(df.iloc[:, i]) for i in range(df.shape[1])]
    cells = [_format_column(df.iloc[:, i], formats.get(c), digits) for i, c in enumerate(columns)]
    head = "".join(
        _header_cell(headers.get(c, c), num) for c, num in zip(columns, numeric, strict=True)
    )
    rows = []
    for r in range(len(df)):
        tds = "".join(
            f"<td{' class=num' if numeric[i] else ''}>{html.escape(cells[i][r])}</td>"
            for i in range(len(columns))
        )
        rows.append(f"<tr>{tds}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    table = (
        f'<div class="ganseg-table"><table>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    if len(df) > collapse_rows:
        title = summary or (
            f"{caption} (show {len(df)} rows)" if caption else f"Show the table ({len(df)} rows)"
        )
        table = (
            f'<details class="ganseg-details"><summary>{html.escape(title)}</summary>'
            f"{table}</details>"
        )
    return STYLE + table


class Table:
    """A table for a notebook's output: Jupyter shows :meth:`_repr_html_`, plain text shows the
    formatted cells without the index."""

    def __init__(self, df: pd.DataFrame, **options) -> None:
        self.df = df
        self.options = options

    def _repr_html_(self) -> str:
        return table_html(self.df, **self.options)

    def __repr__(self) -> str:
        df = self.df.reset_index() if self.options.get("index") else self.df
        return df.to_string(index=False)


def show_table(df: pd.DataFrame, **options) -> None:
    """Display ``df`` as a table for reading (see :func:`table_html` for the options)."""
    from IPython.display import display

    display(Table(df, **options))


def show(fig: Figure, dpi: int = 100) -> None:
    """Display a figure in a notebook as a PNG, whatever the matplotlib backend (e.g. Agg).

    The figures here are not registered with pyplot, so nothing else would display them when a
    notebook runs under ``MPLBACKEND=Agg`` (as ``make book`` does).
    """
    from IPython.display import Image, display

    display(Image(data=png_bytes(fig, dpi)))


def png_bytes(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes, cropped to its content, as the book shows it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


BOOK_ENV = "GANSEG_BOOK"  # "1" while ganseg_lib.book executes the chapters for the book


def building_book() -> bool:
    """Whether this kernel runs a chapter for the book (:data:`BOOK_ENV`, set by
    :func:`ganseg_lib.book.build`), where the builder numbers figures and tables."""
    return os.environ.get(BOOK_ENV) == "1"


def numbered_markdown(directive: str, name: str, caption: str) -> str:
    """The MyST of a named, numbered figure or table whose content is glued under ``name``
    (``glue:figure``, or ``glue:table`` from :mod:`ganseg_lib.book`): the builder numbers it,
    and ``{numref}`name``` in the text cites it."""
    return f"```{{{directive}}} {name}\n:name: {name}\n\n{caption}\n```"


class Captions:
    """A page's figures and tables with their captions, numbered in the order they are shown.

    One instance per page (chapter). Outside the book (Jupyter, Colab) a figure is displayed as
    a PNG with "Figure N. caption" below it, a table with "Table N. caption" above it. In the
    book, a figure or table given a ``name`` is glued under that name (myst-nb) and shown by a
    ``glue:figure`` or ``glue:table`` directive that the builder numbers across the book, so the
    text cites it as ``{numref}`name``` and no number is written by hand. A page names all of
    its figures and tables or none; names are unique across the book.
    """

    def __init__(self, book: bool | None = None) -> None:
        self.numbers = {"Figure": 0, "Table": 0}
        self.book = building_book() if book is None else book

    def _next(self, kind: str, caption: str) -> str:
        self.numbers[kind] += 1
        return f"{kind} {self.numbers[kind]}. {caption}"

    def _glue(self, name: str, content, directive: str, caption: str) -> None:
        from IPython.display import Markdown, display
        from myst_nb import glue

        glue(name, content, display=False)
        display(Markdown(numbered_markdown(directive, name, caption)))

    def figure(self, fig, caption: str, dpi: int = 100, name: str | None = None) -> int:
        """Display a matplotlib figure with its caption; return its number on the page."""
        from IPython.display import HTML, Image, display

        text = self._next("Figure", caption)
        if self.book and name:
            self._glue(name, Image(data=png_bytes(fig, dpi)), "glue:figure", caption)
            return self.numbers["Figure"]
        show(fig, dpi=dpi)
        display(HTML(f'<p class="ganseg-caption"><em>{html.escape(text)}</em></p>'))
        return self.numbers["Figure"]

    def table(self, df: pd.DataFrame, caption: str, name: str | None = None, **options) -> int:
        """Display ``df`` as :func:`show_table` does, with its caption; return its number on the
        page."""
        text = self._next("Table", caption)
        if self.book and name:
            self._glue(name, Table(df, **options), "glue:table", caption)
            return self.numbers["Table"]
        show_table(df, caption=text, **options)
        return self.numbers["Table"]
