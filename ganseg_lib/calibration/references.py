"""The calibration's two scikit-learn references on the same split: a classical semi-supervised
method (label spreading over a k-nearest-neighbour graph) and logistic regression on the labels
alone."""

from __future__ import annotations

import warnings

import numpy as np

from ganseg_lib.calibration.digits import DigitsSplit


def label_spreading_accuracy(split: DigitsSplit, n_neighbors: int = 7, alpha: float = 0.2) -> float:
    """Test accuracy of ``LabelSpreading(kernel="knn")`` (Zhou et al. 2004) fitted on the labelled
    and unlabelled training images (unlabelled marked −1); scikit-learn's defaults otherwise.

    A few test images (0–6 of 540 on seeds 0–4) have neighbours that received no label mass;
    scikit-learn gives them NaN probabilities and predicts class 0 for them. They are counted as
    scikit-learn predicts them."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.semi_supervised import LabelSpreading

    x = np.concatenate([split.x_lab, split.x_unl])
    y = np.concatenate([split.y_lab, np.full(len(split.x_unl), -1)])
    model = LabelSpreading(kernel="knn", n_neighbors=n_neighbors, alpha=alpha, max_iter=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # an unconverged fit is a failure
        model.fit(x, y)
        warnings.simplefilter("ignore", RuntimeWarning)  # the NaN rows of the docstring
        predicted = model.predict(split.x_test)
    return float((predicted == split.y_test).mean())


def logistic_accuracy(split: DigitsSplit) -> float:
    """Test accuracy of multinomial logistic regression (L2, C = 1) on the labelled images."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=5000).fit(split.x_lab, split.y_lab)
    return float((model.predict(split.x_test) == split.y_test).mean())
