"""The book's Sphinx extension (``ganseg_lib.book`` in ``_config.yml``'s
``sphinx: extra_extensions``): launch buttons that open a chapter's Colab copy, and glued
tables numbered as tables."""

from __future__ import annotations

import re

from ganseg_lib.book.colab import colab_path

# --- launch buttons ------------------------------------------------------------------------------


def _point_launch_buttons(app, pagename, templatename, context, doctree) -> None:
    # The theme links the executed copy (book/chapters/…, a build output that is not in the
    # repository); Binder and Colab must open the committed Colab copy instead.
    target = colab_path(pagename)
    if target is None:
        return

    def fix(item):
        if isinstance(item, dict):
            if isinstance(item.get("url"), str):
                item["url"] = re.sub(r"book/chapters/[\w]+\.ipynb", target, item["url"])
            for value in item.values():
                fix(value)
        elif isinstance(item, list):
            for value in item:
                fix(value)

    fix(context.get("header_buttons", []))


# --- numbered tables -----------------------------------------------------------------------------

try:
    from docutils import nodes as _nodes
except ModuleNotFoundError:  # the book's packages are not installed: no Sphinx build either
    _nodes = None

if _nodes is not None:

    class table_figure(_nodes.figure):  # noqa: N801 (docutils names node classes in lower case)
        """A glued table with its caption, numbered as a table ("Table 3"): the builder's table
        numbering covers only Markdown tables, not a notebook's HTML output."""


TABLE_FIGURE_CLASS = "ganseg-table-figure"  # book/_static/custom.css sets its caption on top


def _visit_table_figure(self, node) -> None:
    self.visit_figure(node)


def _depart_table_figure(self, node) -> None:
    self.depart_figure(node)


def _glue_table_directive():
    """``glue:table``: myst-nb's ``glue:figure`` made a :class:`table_figure` (what
    :class:`ganseg_lib.analysis.present.display.Captions` writes for a named table in the book)."""
    from myst_nb.ext.glue.directives import PasteFigureDirective

    class PasteTableDirective(PasteFigureDirective):
        def run(self):
            out = super().run()
            if not out or not isinstance(out[0], _nodes.figure):
                return out
            figure = out[0]
            table = table_figure(figure.rawsource, *figure.children, **figure.attributes)
            table.source, table.line = figure.source, figure.line
            table["classes"].append(TABLE_FIGURE_CLASS)
            for node_id in table["ids"]:  # the label must point at the node in the tree
                self.state.document.ids[node_id] = table
            return [table, *out[1:]]

    return PasteTableDirective


def setup(app) -> dict:
    """Sphinx's entry point: connect the launch buttons, register ``glue:table``."""
    app.connect("html-page-context", _point_launch_buttons, priority=900)
    app.add_enumerable_node(table_figure, "table", html=(_visit_table_figure, _depart_table_figure))
    app.add_directive_to_domain("glue", "table", _glue_table_directive())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
