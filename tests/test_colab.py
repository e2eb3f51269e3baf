"""A Colab copy of a chapter as a Colab user meets it: a Python where ``ganseg_lib`` is missing.

The test makes a fresh virtual environment that sees this environment's packages (torch, numpy,
Jupyter…) but not ganseg itself, points ``GANSEG_INSTALL_SPEC`` at a wheel built from the
checkout (standing in for the repository URL, which needs the internet), and runs the Colab copy
of the data chapter with papermill and no DRIVE: its bootstrap cell must install the library,
and the chapter must run to the end on the phantom.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

from ganseg_lib import book

CHAPTER = book.COLAB / "01_data.ipynb"
KERNEL = "ganseg-colab-test"


def _is_ganseg(name: str) -> bool:
    return name.startswith(("ganseg", "__editable__")) or name.endswith(".pth")


def _venv_without_ganseg(tmp: Path) -> Path:
    """A venv whose only view of this environment's packages is a folder of links to them,
    leaving out ganseg (its distribution and its editable-install hooks)."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    links = tmp / "base-site-packages"
    links.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not _is_ganseg(entry.name):
            (links / entry.name).symlink_to(entry)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site) / "base_packages.pth").write_text(f"{links}\n")
    return python


def _wheel(tmp: Path) -> Path:
    """A wheel of the library, built from a copy of the checkout (the build writes beside it)."""
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(book.ROOT / name, src / name)
    shutil.copytree(
        book.ROOT / "ganseg_lib", src / "ganseg_lib", ignore=shutil.ignore_patterns("__pycache__")
    )
    out = tmp / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["--no-index", "-w", str(out), str(src)],
        check=True,
    )
    (wheel,) = out.glob("ganseg-*.whl")
    return wheel


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_colab_copy_installs_the_library_and_runs_on_the_phantom(tmp_path):
    python = _venv_without_ganseg(tmp_path)
    work = tmp_path / "work"  # the kernel's folder: not the checkout, whose ganseg_lib it would see
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GANSEG_", "PYTHONPATH"))}
    env |= {
        "GANSEG_CACHE_DIR": str(tmp_path / "cache"),
        "TQDM_DISABLE": "1",
        "JUPYTER_PATH": str(tmp_path / "jupyter"),
        "PIP_NO_INDEX": "1",  # offline: every dependency must already be there
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "MPLBACKEND": "Agg",
    }
    probe = "import importlib.util as u; print(u.find_spec('ganseg_lib') is None)"
    missing = subprocess.run(
        [python, "-c", probe], cwd=work, env=env, capture_output=True, text=True
    )
    assert missing.stdout.strip() == "True", "ganseg_lib must be missing before the bootstrap"

    kernels = tmp_path / "jupyter" / "kernels" / KERNEL
    kernels.mkdir(parents=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (kernels / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "Colab stand-in", "language": "python"})
    )
    env["GANSEG_INSTALL_SPEC"] = str(_wheel(tmp_path))
    out = tmp_path / "executed.ipynb"
    subprocess.run(
        [sys.executable, "-m", "papermill", str(CHAPTER), str(out), "-k", KERNEL]
        + ["--cwd", str(work), "--no-progress-bar"],
        check=True,
        env=env,
        timeout=540,
    )

    nb = nbformat.read(out, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "every cell ran"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors
    text = "".join(o.get("text", "") for c in code for o in c.outputs)
    text += "".join(
        str(o.get("data", {}).get("text/markdown", "")) for c in code for o in c.outputs
    )
    assert "phantom" in text  # no DRIVE: the banner names the phantom
    installed = subprocess.run(
        [python, "-c", "import ganseg_lib; print(ganseg_lib.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(tmp_path / "venv") in installed, (
        f"installed by the bootstrap into the venv: {installed}"
    )
