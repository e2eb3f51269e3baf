"""The calibration data: scikit-learn's handwritten digits (1,797 8×8 images, 10 classes), split
into a few labelled images per class, the rest of a training split unlabelled, and a test split.

The images ship with scikit-learn (``sklearn.datasets.load_digits``), so nothing is downloaded.
Pixels (0..16) are scaled to [0, 1], the range of MNIST in Salimans et al. (2016), whose
semi-supervised setting (a few labels per class, every other training image unlabelled) this
reproduces at a smaller scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_CLASSES = 10  # K of the K+1-way classifier: the digits 0–9
N_PIXELS = 64  # 8 × 8
PIXEL_MAX = 16.0  # load_digits' pixel values are 0..16


@dataclass(frozen=True)
class DigitsSplit:
    """One seed's split, as indices into :func:`load_digits_scaled`'s arrays and the arrays."""

    seed: int
    labelled: np.ndarray  # indices of the labelled training images
    unlabelled: np.ndarray  # the other training images, whose labels are never used
    test: np.ndarray  # held out; used only for the final accuracies
    x: np.ndarray  # (1797, 64) float32 in [0, 1]
    y: np.ndarray  # (1797,) int64 digit classes

    @property
    def x_lab(self) -> np.ndarray:
        return self.x[self.labelled]

    @property
    def y_lab(self) -> np.ndarray:
        return self.y[self.labelled]

    @property
    def x_unl(self) -> np.ndarray:
        return self.x[self.unlabelled]

    @property
    def x_test(self) -> np.ndarray:
        return self.x[self.test]

    @property
    def y_test(self) -> np.ndarray:
        return self.y[self.test]

    def summary(self) -> dict:
        """Sizes and a fingerprint of the labelled set, for the run record."""
        return {
            "labelled": len(self.labelled),
            "unlabelled": len(self.unlabelled),
            "test": len(self.test),
            "labelled_indices": [int(i) for i in self.labelled],
        }


def load_digits_scaled() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 digits as (N, 64) float32 pixels in [0, 1] and (N,) int64 classes."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return (data.data / PIXEL_MAX).astype(np.float32), data.target.astype(np.int64)


def split_digits(seed: int, labels_per_class: int = 5, test_size: float = 0.3) -> DigitsSplit:
    """A stratified train/test split (``test_size`` of the images, seeded), then
    ``labels_per_class`` labelled training images per class drawn at random (seeded); every other
    training image is unlabelled. The three index sets are disjoint and cover all images."""
    from sklearn.model_selection import train_test_split

    x, y = load_digits_scaled()
    train, test = train_test_split(
        np.arange(len(y)), test_size=test_size, stratify=y, random_state=seed
    )
    rng = np.random.default_rng(seed)
    per_class = [train[y[train] == k] for k in range(N_CLASSES)]
    labelled = np.concatenate([rng.choice(c, labels_per_class, replace=False) for c in per_class])
    unlabelled = np.setdiff1d(train, labelled)
    return DigitsSplit(seed, np.sort(labelled), unlabelled, np.sort(test), x, y)
