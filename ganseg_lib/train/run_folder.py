"""The layout of a run folder, defined once.

``runs/<profile>/<data>/<cell>/`` holds ``config.json``, ``history.jsonl`` (one line per logging
interval), ``checkpoint.pt`` (atomic; everything needed to resume bit-for-bit) and ``samples/``
(fixed-noise grids of G's patches, ``iter_<i>.npy``). Every reader and writer of these files goes
through :class:`RunFolder`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ganseg_lib.atomic import replacing, write_text_atomic
from ganseg_lib.errors import ConfigError


@dataclass(frozen=True)
class RunFolder:
    """One run's folder and the names of the files in it."""

    path: Path

    @classmethod
    def for_cell(cls, runs_dir: str | os.PathLike, profile: str, data: str, cell: str) -> RunFolder:
        """``runs_dir/<profile>/<data>/<cell>``: where a grid cell's run lives."""
        return cls(Path(runs_dir) / profile / data / cell)

    @property
    def checkpoint(self) -> Path:
        return self.path / "checkpoint.pt"

    @property
    def config(self) -> Path:
        return self.path / "config.json"

    @property
    def history(self) -> Path:
        return self.path / "history.jsonl"

    @property
    def samples(self) -> Path:
        return self.path / "samples"

    def prepare(self) -> None:
        """Create the folder (and ``samples/``); an unwritable place is a :class:`ConfigError`."""
        try:
            self.samples.mkdir(parents=True, exist_ok=True)
            probe = self.path / ".write-test"
            probe.write_text("")
            probe.unlink()
        except OSError as err:
            raise ConfigError(
                f"out {self.path}: not writable ({err.strerror or err})", "out"
            ) from err

    # --- history -----------------------------------------------------------------------------

    def read_history(self) -> list[dict]:
        """The history lines of the run (none when it has not logged yet)."""
        if not self.history.exists():
            return []
        return [json.loads(ln) for ln in self.history.read_text().splitlines() if ln.strip()]

    def append_history(self, line: dict) -> None:
        with open(self.history, "a") as fh:
            fh.write(json.dumps(line) + "\n")

    def truncate_history(self, iteration: int) -> None:
        """Drop history lines written after the checkpoint (a run killed between the two writes)."""
        kept = [h for h in self.read_history() if h["iteration"] <= iteration]
        write_text_atomic(self.history, "".join(json.dumps(h) + "\n" for h in kept))

    # --- generator samples -------------------------------------------------------------------

    def save_samples(self, samples: np.ndarray, iteration: int) -> None:
        """Write one grid of generated patches (uint8, N×64×64) atomically."""
        path = self.samples / f"iter_{iteration:07d}.npy"
        with replacing(path) as tmp:
            np.save(tmp, samples)

    def read_samples(self) -> dict[int, np.ndarray]:
        """The saved grids, by iteration."""
        out = {}
        for path in sorted(self.samples.glob("iter_*.npy")):
            if ".tmp" not in path.name:
                out[int(path.stem.split("_")[1])] = np.load(path)
        return out
