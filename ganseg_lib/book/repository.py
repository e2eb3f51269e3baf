"""The project's address, written once as ``Repository`` in ``pyproject.toml``'s
``[project.urls]`` and copied from there into ``_config.yml`` (the repository and launch
buttons) and into each chapter's bootstrap cell (which installs ``ganseg_lib`` on Colab)."""

from __future__ import annotations

import re
from pathlib import Path

from ganseg_lib.book.chapters import ROOT, chapter_sources
from ganseg_lib.errors import ConfigError

PYPROJECT = ROOT / "pyproject.toml"
CONFIG = ROOT / "_config.yml"
INSTALL_ENV = "GANSEG_INSTALL_SPEC"  # overrides where the bootstrap cell installs ganseg_lib from
_BOOTSTRAP = re.compile(r'# %% tags=\["remove-cell"\]\n# Bootstrap.*?(?=\n# %%)', re.S)
_CONFIG_URL = re.compile(r"(?m)^(repository:\n(?:[ \t]+#.*\n)*[ \t]+url:[ \t]*)(\S+)")


def repository_url(pyproject: Path = PYPROJECT) -> str:
    """``Repository`` of ``[project.urls]`` in pyproject.toml: the one place the address is set."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    urls = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"].get("urls", {})
    url = urls.get("Repository", "").rstrip("/")
    if not re.fullmatch(r"https://[\w.-]+/[\w.-]+/[\w.-]+", url):
        raise ConfigError(f"{pyproject}: [project.urls] Repository must be https://host/owner/name")
    return url


def bootstrap_cell(url: str) -> str:
    """The first code cell of every chapter: install ganseg_lib where it is missing (Colab)."""
    return f"""# %% tags=["remove-cell"]
# Bootstrap (Colab, or any Python without ganseg_lib): install the library from the project's
# repository. Set {INSTALL_ENV} to install from elsewhere (a folder, a wheel, another URL).
import importlib
import importlib.util
import os
import subprocess
import sys

REPOSITORY = "{url}"  # pyproject.toml's [project.urls] Repository

if importlib.util.find_spec("ganseg_lib") is None:
    spec = os.environ.get("{INSTALL_ENV}") or f"ganseg @ git+{{REPOSITORY}}"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], check=True)
    importlib.invalidate_caches()
"""


def config_repository_url(config: Path = CONFIG) -> str:
    """``repository: url:`` of ``_config.yml`` (the launch buttons and the repository button)."""
    match = _CONFIG_URL.search(config.read_text(encoding="utf-8"))
    if match is None:
        raise ConfigError(f"{config}: no 'repository: url:' entry")
    return match.group(2)


def sync_repository(
    check: bool = False,
    pyproject: Path = PYPROJECT,
    config: Path = CONFIG,
    sources: list[Path] | None = None,
) -> list[str]:
    """Write the repository URL of ``pyproject`` into ``config`` (``_config.yml``) and the
    chapters' bootstrap cells (or, with ``check``, only compare); return the names that differ."""
    url = repository_url(pyproject)
    stale = []
    text = config.read_text(encoding="utf-8")
    if config_repository_url(config) != url:
        stale.append(config.name)
        if not check:
            config.write_text(_CONFIG_URL.sub(lambda m: m.group(1) + url, text, count=1))
    cell = bootstrap_cell(url).rstrip("\n") + "\n"
    for src in chapter_sources() if sources is None else sources:
        text = src.read_text(encoding="utf-8")
        if not _BOOTSTRAP.search(text):
            raise ConfigError(
                f"{src.name}: no bootstrap cell (a remove-cell starting '# Bootstrap')"
            )
        new = _BOOTSTRAP.sub(lambda _: cell, text, count=1)
        if new != text:
            stale.append(src.name)
            if not check:
                src.write_text(new, encoding="utf-8")
    return stale
