"""The library's floors: a module imports only from its own floor or the floors below it, so
that each stage of the paper can be read without the ones after it, and there is no loop."""

from __future__ import annotations

import ast
from pathlib import Path

import ganseg_lib

PACKAGE = Path(ganseg_lib.__file__).parent
# floor of each top-level name of ganseg_lib, in the order of the paper's pipeline
FLOORS = {
    "errors": 0,
    "paper": 0,
    "deviations": 0,
    "montage": 0,
    "atomic": 0,  # atomic file writes
    "markers": 0,  # generated blocks of Markdown files
    "progress": 0,  # progress bars
    "data": 1,
    "model": 2,
    "train": 3,
    "evaluate": 4,
    "models": 4,  # shipped DC nets and their records
    "experiment": 5,
    "analysis": 6,
    "predict": 7,
    "calibration": 7,  # the losses checked on digits: uses the model, statistics, provenance
    "api": 8,  # the public functions, over every floor below
    "book": 8,
    "cli": 9,
    "__main__": 10,  # python -m ganseg_lib
}
MAX_LINES = 420  # one idea per module; the phantom and the figures are the exceptions
LONG_ALLOWED = {"data/phantom.py", "analysis/replication/plots.py", "analysis/study/plots.py"}


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        yield rel, rel.parts[0].removesuffix(".py")


def imported_floors(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "ganseg_lib" and len(parts) > 1 and parts[1] in FLOORS:
                yield parts[1]


def test_every_module_has_a_floor():
    assert {top for _, top in modules()} - {"__init__"} <= set(FLOORS)


def test_no_import_runs_up_a_floor():
    upward = [
        f"{rel} ({FLOORS[top]}) imports {target} ({FLOORS[target]})"
        for rel, top in modules()
        if top != "__init__"
        for target in imported_floors(PACKAGE / rel)
        if FLOORS[target] > FLOORS[top]
    ]
    assert not upward, upward


def test_modules_hold_one_idea():
    long = [
        f"{rel}: {n} lines"
        for rel, _ in modules()
        if (n := len((PACKAGE / rel).read_text().splitlines())) > MAX_LINES
        and rel.as_posix() not in LONG_ALLOWED
    ]
    assert not long, long
