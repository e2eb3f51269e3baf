"""Packaging: pyproject, the lock file and environment.yml agree; one version number, a licence
and a citation; no DRIVE file or large binary is tracked."""

from __future__ import annotations

import re
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = "requirements/constraints.txt"
PY311 = {"python_version": "3.11", "python_full_version": "3.11.0"}  # environment.yml's Python


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_requirements(extras=("book", "test")) -> dict[str, Requirement]:
    """The requirements of the runtime and of ``extras`` that apply on Python 3.11."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in meta["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in meta["optional-dependencies"][extra]]
    return {canonical(r.name): r for r in reqs if r.marker is None or r.marker.evaluate(PY311)}


def constraint_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / CONSTRAINTS).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;+]+)", line.strip())
            assert m, f"{CONSTRAINTS}: not a plain name==version pin: {line!r}"
            pins[canonical(m.group(1))] = m.group(2)
    return pins


def environment_packages() -> tuple[list[str], list[str]]:
    """The pip section of environment.yml: its options and its package names."""
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = lines.index("  - pip:") + 1
    items = [ln.strip()[2:] for ln in lines[start:] if ln.startswith("      - ")]
    options = [i for i in items if i.startswith("-")]
    return options, [i for i in items if not i.startswith("-")]


def test_environment_yml_installs_exactly_the_pyproject_packages_from_the_lock_file():
    options, names = environment_packages()
    assert f"-c {CONSTRAINTS}" in options
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+", n) for n in names), "pins belong in the lock file"
    assert sorted(map(canonical, names)) == sorted(pyproject_requirements()), (
        "environment.yml and pyproject.toml list different packages"
    )


def test_the_lock_file_pins_every_requirement_within_its_range():
    pins = constraint_pins()
    for name, req in pyproject_requirements(("book", "test", "ray")).items():
        assert name in pins, f"{CONSTRAINTS} does not pin {name}"
        assert Version(pins[name]) in req.specifier, f"{name}=={pins[name]} violates {req}"
    assert "ganseg" not in pins and not [p for p in pins if p.startswith("nvidia-")]


def test_every_install_goes_through_the_lock_file():
    make = (ROOT / "Makefile").read_text()
    installs = [ln for ln in make.splitlines() if "pip install" in ln and "--upgrade pip" not in ln]
    assert installs and all("-c $(CONSTRAINTS)" in ln for ln in installs), installs
    assert f"CONSTRAINTS := {CONSTRAINTS}" in make and "constraints:" in make
    assert f"-c {CONSTRAINTS}" in (ROOT / "postBuild").read_text()
    assert "make constraints" in (ROOT / CONSTRAINTS).read_text().split("\n\n", 1)[0]


def test_the_version_is_set_in_one_place():
    import ganseg_lib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in meta["project"] and "version" in meta["project"]["dynamic"]
    attr = meta["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "ganseg_lib.__version__"
    assert ganseg_lib.__version__ not in (ROOT / "CITATION.cff").read_text()
    try:
        installed = metadata.version("ganseg")
    except metadata.PackageNotFoundError:  # not installed: nothing more to compare
        return
    assert installed == ganseg_lib.__version__


def test_licence_and_citation():
    yaml = pytest.importorskip("yaml")
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["license"] == "MIT" and meta["license-files"] == ["LICENSE"]
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "Copyright (c) 2026 the ganseg authors" in licence
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["license"] == "MIT"
    cited = {r["authors"][0]["family-names"]: r for r in cff["references"]}
    assert sorted(cited) == ["Fraz", "Lahiri", "Staal"]
    assert cited["Lahiri"]["year"] == 2017 and "Retinal Fundus Image" in cited["Lahiri"]["title"]
    assert (cited["Staal"]["volume"], cited["Staal"]["issue"]) == (23, 4)
    assert (cited["Fraz"]["volume"], cited["Fraz"]["issue"]) == (59, 9)


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
