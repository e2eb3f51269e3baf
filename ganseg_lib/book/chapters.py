"""The chapter sources: where they lie, the parameters each declares, and their ``.ipynb`` form.

The chapters' only source is ``notebooks/NN_name.py`` (jupytext percent format); everything else
in the book (executed pages, Colab copies) is made from it.
"""

from __future__ import annotations

from pathlib import Path

from ganseg_lib.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CHAPTERS = ROOT / "book" / "chapters"  # the executed copies (build output)
COLAB = NOTEBOOKS / "colab"  # the Colab copies (committed, generated)
KERNEL = "python3"


def chapter_sources() -> list[Path]:
    """The chapters' sources, in reading order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def chapter_parameters(source: Path) -> set[str]:
    """The names a chapter declares in its cell tagged ``parameters`` (read with ``ast``)."""
    import ast

    import jupytext

    for cell in jupytext.read(source).cells:
        if "parameters" in cell.metadata.get("tags", []):
            tree = ast.parse(cell.source)
            return {
                target.id
                for node in tree.body
                if isinstance(node, ast.AnnAssign | ast.Assign)
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                if isinstance(target, ast.Name)
            }
    raise ConfigError(f"{source}: no cell tagged 'parameters'")


def to_ipynb(source: Path, target: Path) -> Path:
    """jupytext percent ``.py`` → ``.ipynb`` (no outputs), keeping the kernelspec."""
    import jupytext

    nb = jupytext.read(source)
    if nb.metadata.get("kernelspec", {}).get("name") != KERNEL:
        raise ConfigError(f"{source}: the jupytext header must declare kernelspec name {KERNEL!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(nb, target, fmt="ipynb")
    return target
