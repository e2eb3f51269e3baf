"""What an entry point resolves once and passes down: the profile, the data source (with its
folder: DRIVE's, or CHASE_DB1's from ``--chase-dir`` or ``$GANSEG_CHASE_DIR``) and the folders for
run folders and records.

The command line, ``ganseg book`` and a chapter's first cell each build one :class:`Setup` with
:meth:`Setup.resolve`; everything below receives it (or the values it holds) and never looks the
profile or the data source up again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ganseg_lib.data.chase import find_chase_dir
from ganseg_lib.data.record import FundusRecord
from ganseg_lib.data.source import load_split, resolve_data, split_validation
from ganseg_lib.evaluate.record import record_path
from ganseg_lib.evaluate.run import EvalData
from ganseg_lib.train.config import TrainConfig
from ganseg_lib.train.profiles import Profile, get_profile
from ganseg_lib.train.run_folder import RunFolder


@dataclass(frozen=True)
class Setup:
    """A resolved profile and data source, and where runs and records go."""

    profile: Profile
    data: str  # the data source actually used: "drive", "chase", "phantom"
    requested: str  # what was asked for ("auto" picks DRIVE when it can be found)
    drive_dir: str | None = None
    results_dir: Path = Path("results")
    runs_dir: Path = Path("runs")
    chase_dir: str | None = None  # the CHASE_DB1 folder, checked, when data is "chase"
    _loaded: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def resolve(
        cls,
        profile: str | Profile | None = "smoke",
        data: str | None = "auto",
        drive_dir: str | os.PathLike | None = None,
        results_dir: str | os.PathLike = "results",
        runs_dir: str | os.PathLike = "runs",
        chase_dir: str | os.PathLike | None = None,
    ) -> Setup:
        """``data`` "auto" (or None) means the profile's data source, else DRIVE when found;
        ``chase_dir`` (default ``$GANSEG_CHASE_DIR``) is looked up and checked here when the data
        source is CHASE_DB1."""
        if profile is None:  # runs outside any profile: all test and validation images
            prof = Profile("custom", data=None)
        else:
            prof = get_profile(profile) if isinstance(profile, str) else profile
        requested = data if data not in (None, "auto") else (prof.data or "auto")
        drive_dir = str(drive_dir) if drive_dir else None
        resolved = resolve_data(requested, drive_dir, chase_dir)
        if resolved == "chase":
            chase_dir = str(find_chase_dir(chase_dir))
        chase_dir = str(chase_dir) if chase_dir else None
        return cls(
            prof,
            resolved,
            requested,
            drive_dir,
            Path(results_dir),
            Path(runs_dir),
            chase_dir=chase_dir,
        )

    # --- data ---------------------------------------------------------------------------------

    def split(self, name: str) -> list[FundusRecord]:
        """The images of a split ('training' or 'test'), loaded once."""
        if name not in self._loaded:
            self._loaded[name] = load_split(
                self.data, name, self.drive_dir, chase_dir=self.chase_dir
            )
        return self._loaded[name]

    def training_images(self) -> tuple[list[FundusRecord], list[FundusRecord]]:
        """(images to train on, held-out validation images)."""
        return split_validation(self.split("training"))

    def eval_data(self) -> EvalData:
        """The profile's test images and validation images (for the decision threshold)."""
        _, validation = self.training_images()
        return EvalData(
            self.split("test")[: self.profile.n_test_images],
            validation[: self.profile.n_validation_images],
        )

    # --- runs ---------------------------------------------------------------------------------

    def config(self, method: str, n_patches: int, seed: int, **overrides) -> TrainConfig:
        return self.profile.config(method, n_patches, seed, self.data, **overrides)

    def run_folder(self, config: TrainConfig) -> RunFolder:
        return RunFolder.for_cell(self.runs_dir, self.profile.name, self.data, config.cell)

    def record_path(self, config: TrainConfig) -> Path:
        return record_path(self.results_dir, self.profile.name, config)
