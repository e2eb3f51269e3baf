"""Can a classifier tell two sets of patches apart? The classifier two-sample test of the
generator check (Lopez-Paz & Oquab 2017).

Each patch is described by 27 simple features (:func:`patch_features`); scikit-learn's
``HistGradientBoostingClassifier`` learns to tell the generated patches from the real ones on a
stratified half and is scored on the other half (:func:`two_sample_accuracy`). 0.5 means it
cannot tell them apart, 1.0 that it always can. The same test on one group of features at a
time (:func:`group_accuracies`), on all but the spectrum (:func:`without_spectrum`) and one
feature at a time (:func:`feature_aucs`) says *which kind* of difference gives the generator away.
The pass rule that uses it is :mod:`ganseg_lib.evaluate.generator_check`'s.
"""

from __future__ import annotations

import numpy as np

N_FEATURES = 27  # the columns of patch_features


def patch_features(patches: np.ndarray) -> np.ndarray:
    """(N, 64, 64) uint8 patches → (N, 27) features that a two-sample classifier compares.

    Intensity: mean, standard deviation and the 1, 5, 25, 50, 75, 95, 99th percentiles (9).
    Texture: mean, standard deviation and 90th percentile of the absolute horizontal and vertical
    differences (6); mean and standard deviation of the absolute 4-neighbour Laplacian, which a
    checkerboard raises (2). Spectrum: the log share of the power (the mean removed) in 8 radial
    frequency bands up to Nyquist (8). Vessels: the centre 8×8 mean minus the patch mean (a
    vessel patch's centre is dark), and the darkest 5×5 box mean minus the patch mean (2).
    """
    x = np.asarray(patches, dtype=np.float64) / 255.0
    n, h, w = x.shape
    flat = x.reshape(n, -1)
    mean = flat.mean(1)
    feats = [mean, flat.std(1), *np.percentile(flat, [1, 5, 25, 50, 75, 95, 99], axis=1)]
    for d in (np.abs(np.diff(x, axis=2)), np.abs(np.diff(x, axis=1))):
        d = d.reshape(n, -1)
        feats += [d.mean(1), d.std(1), np.percentile(d, 90, axis=1)]
    lap = np.abs(
        4 * x[:, 1:-1, 1:-1] - x[:, :-2, 1:-1] - x[:, 2:, 1:-1] - x[:, 1:-1, :-2] - x[:, 1:-1, 2:]
    ).reshape(n, -1)
    feats += [lap.mean(1), lap.std(1)]
    power = np.abs(np.fft.fft2(x - mean[:, None, None])) ** 2
    fy, fx = np.meshgrid(np.fft.fftfreq(h), np.fft.fftfreq(w), indexing="ij")
    radius = np.sqrt(fx**2 + fy**2)
    edges = np.linspace(0, 0.5 * np.sqrt(2) + 1e-9, 9)
    total = power.reshape(n, -1).sum(1) + 1e-12
    for lo, hi in zip(edges[:-1], edges[1:]):
        band = (radius > lo) & (radius <= hi)
        feats.append(np.log(power[:, band].sum(1) / total + 1e-12))
    c0, c1 = h // 2 - 4, h // 2 + 4
    feats.append(x[:, c0:c1, c0:c1].reshape(n, -1).mean(1) - mean)
    box = np.lib.stride_tricks.sliding_window_view(x, (5, 5), axis=(1, 2)).mean(axis=(-1, -2))
    feats.append(box.reshape(n, -1).min(1) - mean)
    return np.stack(feats, axis=1)


FEATURE_NAMES = (
    ("mean", "std")
    + tuple(f"percentile {q}" for q in (1, 5, 25, 50, 75, 95, 99))
    + tuple(f"|d{a}| {b}" for a in "xy" for b in ("mean", "std", "p90"))
    + ("|laplacian| mean", "|laplacian| std")
    + tuple(f"power band {i}" for i in range(8))
    + ("centre contrast", "darkest 5×5")
)  # the columns of patch_features, in order


# the columns of patch_features by what they measure
FEATURE_GROUPS = {
    "intensity": tuple(range(0, 9)),
    "differences": tuple(range(9, 15)),
    "laplacian": (15, 16),
    "spectrum": tuple(range(17, 25)),
    "vessel": (25, 26),
}


def group_accuracies(
    fake: np.ndarray, real: np.ndarray, seed: int = 0, groups: dict = FEATURE_GROUPS
) -> dict[str, float]:
    """The two-sample accuracy of :func:`two_sample_accuracy`'s classifier given only one
    group of features (of ``groups``, columns of :func:`patch_features`) at a time: which kind
    of difference tells the generated patches from real ones."""
    x, y = _labelled_features(fake, real)
    return {
        name: _held_out_accuracy(x[:, list(columns)], y, seed) for name, columns in groups.items()
    }


# every feature of the check but the spectrum's: a judge that the spectral term does not target
NOT_SPECTRUM = {
    "all but spectrum": tuple(
        c for g, cols in FEATURE_GROUPS.items() if g != "spectrum" for c in cols
    )
}


def without_spectrum(fake: np.ndarray, real: np.ndarray, seed: int = 0) -> float:
    """The two-sample accuracy on :data:`NOT_SPECTRUM`'s features."""
    return group_accuracies(fake, real, seed, NOT_SPECTRUM)["all but spectrum"]


def feature_aucs(fake: np.ndarray, real: np.ndarray) -> dict[str, float]:
    """How well each feature of :func:`patch_features` alone tells generated from real patches:
    its ROC AUC (scikit-learn's ``roc_auc_score``, generated = positive), folded to ≥ 0.5 so
    that 0.5 means no difference and 1.0 a feature that separates the two sets completely.
    Sorted from the most to the least telling."""
    from sklearn.metrics import roc_auc_score

    x, y = _labelled_features(fake, real)
    aucs = {}
    for name, column in zip(FEATURE_NAMES, x.T):
        auc = float(roc_auc_score(y, column))
        aucs[name] = max(auc, 1.0 - auc)
    return dict(sorted(aucs.items(), key=lambda kv: -kv[1]))


def two_sample_accuracy(fake: np.ndarray, real: np.ndarray, seed: int = 0) -> float:
    """Held-out accuracy of a classifier telling generated from real patches.

    ``HistGradientBoostingClassifier`` (scikit-learn defaults, ``random_state=seed``) on
    :func:`patch_features`, trained on a stratified half of the patches and scored on the other
    half. About 0.5 when the two sets cannot be told apart; 1.0 when they always can.
    """
    x, y = _labelled_features(fake, real)
    return _held_out_accuracy(x, y, seed)


def _labelled_features(fake: np.ndarray, real: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.concatenate([patch_features(fake), patch_features(real)])
    return x, np.concatenate([np.ones(len(fake), int), np.zeros(len(real), int)])


def _held_out_accuracy(x: np.ndarray, y: np.ndarray, seed: int) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import train_test_split

    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, stratify=y, random_state=seed)
    clf = HistGradientBoostingClassifier(random_state=seed).fit(x_tr, y_tr)
    return float((clf.predict(x_te) == y_te).mean())
