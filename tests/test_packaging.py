"""Packaging: pyproject and environment.yml agree; no DRIVE file or large binary is tracked."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

ROOT = Path(__file__).resolve().parents[1]


def pyproject_requirements() -> dict[str, Requirement]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in ("book", "test"):
        reqs += meta["optional-dependencies"][extra]
    return {Requirement(r).name.lower(): Requirement(r) for r in reqs}


def environment_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.\-]+)==(\S+)\s*$", line)
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_environment_yml_pins_exactly_the_pyproject_packages():
    reqs, pins = pyproject_requirements(), environment_pins()
    assert sorted(pins) == sorted(reqs), (
        "environment.yml and pyproject.toml list different packages"
    )
    for name, req in reqs.items():
        assert Version(pins[name]) in req.specifier, f"{name}=={pins[name]} violates {req}"


def test_every_runtime_dependency_has_a_lower_bound():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for r in meta["dependencies"]:
        assert any(s.operator == ">=" for s in Requirement(r).specifier), r


def tracked_files() -> list[str]:
    try:
        out = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [f for f in out.splitlines() if f]


def test_no_drive_files_or_large_binaries_are_tracked():
    drive_like = re.compile(
        r"(^|/)\d{2}_(training|test)(_mask)?\.(tif|gif|png|jpe?g)$|_manual[12]\.(gif|png)$", re.I
    )
    files = tracked_files()
    assert not [f for f in files if drive_like.search(f)]
    big = [f for f in files if (ROOT / f).is_file() and (ROOT / f).stat().st_size > 2 * 1024**2]
    assert not big, f"files over 2 MB are tracked: {big}"
    # trained DC-net weights (no image data) are kept beside records and shipped as models
    weights = re.compile(r"^(results/[^/]+/[^/]+|ganseg_lib/models)/[^/]+\.dcnet\.pt$")
    binaries = [f for f in files if f.endswith((".npz", ".npy", ".pt", ".tif", ".gif"))]
    assert not [f for f in binaries if not weights.match(f)]


def test_readme_gives_exactly_two_commands():
    text = (ROOT / "README.md").read_text()
    block = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^```(?:bash|sh)?\n(.*?)^```", block, re.M | re.S)
    lines = [ln for c in commands for ln in c.splitlines() if ln.strip()]
    assert lines == ["make book", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
