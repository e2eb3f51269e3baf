"""Segmenting a fundus image: reading it, the shipped models, the vessel probability map — what
``ganseg predict`` does, as functions of arrays."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from ganseg_lib.errors import DataError

if TYPE_CHECKING:
    from ganseg_lib.predict import Predictor


def read_image(path: str | os.PathLike) -> np.ndarray:
    """Read a colour fundus photograph as ``ganseg predict`` reads it.

    Parameters
    ----------
    path : str or os.PathLike
        An 8-bit RGB image file (PNG, JPEG, TIFF, ... anything Pillow reads).

    Returns
    -------
    image : ndarray of uint8, shape (H, W, 3)
        The RGB pixels.

    Raises
    ------
    ganseg_lib.errors.DataError
        (a ``ValueError``) when the file is missing or unreadable, or is grayscale, has an alpha
        channel, 16 bits per channel, or a side under 64 pixels; the message names the file.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> from PIL import Image
    >>> import ganseg_lib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "eye.png"
    ...     Image.fromarray(np.full((64, 80, 3), 90, np.uint8)).save(path)
    ...     image = ganseg_lib.read_image(path)
    >>> image.shape, image.dtype
    ((64, 80, 3), dtype('uint8'))
    """
    from ganseg_lib.data.user_image import read_user_image

    return read_user_image(path)


def list_models() -> list[str]:
    """The names of the DC nets shipped with the package, the default first.

    Returns
    -------
    names : list of str
        Each a name :func:`load_model` accepts. ``names[0]`` is the default of
        :func:`load_model`, :func:`segment` and ``ganseg predict``: of the models trained on
        DRIVE, the one whose record has the highest validation AUC (chosen on validation
        images, never on test images); the others follow by name.

    Examples
    --------
    >>> import ganseg_lib
    >>> "drive-cnn-fair-lr0.0003-b0.5-n15000-s0" in ganseg_lib.list_models()
    True
    """
    from ganseg_lib.models import best_model, read_manifest

    models = read_manifest()
    default = best_model().name if models else None
    return [m.name for m in sorted(models, key=lambda m: (m.weights != default, m.name))]


def load_model(name_or_path: str | os.PathLike | None = None, *, device: str = "cpu") -> Predictor:
    """Load a trained DC net once, for any number of calls of :func:`segment`.

    Parameters
    ----------
    name_or_path : str, os.PathLike or None, default None
        A shipped model's name (:func:`list_models`), a run folder or its ``checkpoint.pt``, or a
        record's kept weights ``<cell>.dcnet.pt``; None loads the default shipped model
        (``list_models()[0]``).
    device : str, default "cpu"
        The torch device to predict on ("cpu", "cuda", ...).

    Returns
    -------
    model : ganseg_lib.predict.Predictor
        The DC net in evaluation mode with what prediction needs to know: ``data`` (the data
        source it was trained on), ``fov_diameter`` (its training images' field-of-view diameter
        in pixels, for scale normalisation; None for the phantom) and ``threshold`` (the
        F1-optimal threshold on its validation images, None when no record gives one).

    Raises
    ------
    ganseg_lib.errors.DataError
        When ``name_or_path`` is neither a shipped model nor a checkpoint, or a shipped model's
        file differs from the SHA-256 of the manifest.

    Examples
    --------
    >>> import ganseg_lib
    >>> model = ganseg_lib.load_model("drive-cnn-fair-lr0.0003-b0.5-n15000-s0")
    >>> model.data, model.fov_diameter, round(model.threshold, 2)
    ('drive', 540.0, 0.92)
    """
    from ganseg_lib.predict import load_predictor

    return load_predictor(name_or_path, device)


def _as_rgb(image: np.ndarray) -> np.ndarray:
    """uint8 H×W×3 from a uint8 array, or from floats in [0, 1] (scikit-image's convention)."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3:
        raise DataError(f"image must be an RGB array of shape (H, W, 3), got shape {image.shape}")
    if image.dtype == np.uint8:
        return image
    if np.issubdtype(image.dtype, np.floating):
        if image.size and not (image.min() >= 0.0 and image.max() <= 1.0):
            raise DataError("a float image must lie in [0, 1] (scikit-image's convention)")
        return np.round(image * 255).astype(np.uint8)
    raise DataError(f"image must be uint8 or float in [0, 1], got {image.dtype}")


def segment(
    image: np.ndarray,
    model: Predictor | str | os.PathLike | None = None,
    *,
    mask: np.ndarray | None = None,
    rescale: bool = True,
) -> np.ndarray:
    """The vessel probability map of a colour fundus image: the map ``ganseg predict`` writes.

    The field of view is derived from the image (:func:`ganseg_lib.data.fov.derive_fov`) unless
    ``mask`` is given; the image is resized so that its field of view has the diameter of the
    model's training images (:func:`ganseg_lib.model.scale.predict_scaled`), the DC net predicts
    every pixel exactly (:mod:`ganseg_lib.model.dense`), and the map is resized back.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3)
        RGB image, uint8 or float in [0, 1]; at least 64 × 64 pixels.
    model : Predictor, str, os.PathLike or None, default None
        A model from :func:`load_model`, or what :func:`load_model` accepts; None: the default
        shipped model. Load it once with :func:`load_model` to segment many images.
    mask : ndarray of bool, shape (H, W), optional
        The field of view (True inside); derived from the image when None.
    rescale : bool, default True
        Bring the field of view to the training images' diameter first (skipped for a model
        trained on the phantom, or when the factor is within 2 % of 1). False predicts at the
        image's own scale, as ``ganseg predict --no-rescale``.

    Returns
    -------
    probability : ndarray of float32, shape (H, W)
        P(vessel) of every pixel, in [0, 1]; 0 outside the field of view. Threshold it at
        ``model.threshold`` (:func:`load_model`) for the mask ``ganseg predict`` writes.

    Raises
    ------
    ganseg_lib.errors.DataError
        (a ``ValueError``) when the image is not RGB, ``mask`` has another shape or is empty, or
        the field of view would need resizing by more than 4× (not a fundus photograph, or a
        wrong field of view: pass ``mask`` or ``rescale=False``).

    Examples
    --------
    A synthetic fundus image (the project's phantom) segmented with the default shipped model:

    >>> import ganseg_lib
    >>> from ganseg_lib.data.phantom import make_phantom
    >>> from sklearn.metrics import roc_auc_score
    >>> eye = make_phantom(seed=0, split="test", index=0)
    >>> probability = ganseg_lib.segment(eye.rgb)
    >>> probability.shape, probability.dtype
    ((584, 565), dtype('float32'))
    >>> bool(probability.min() >= 0 and probability.max() <= 1)
    True
    >>> bool(roc_auc_score(eye.vessels[eye.fov], probability[eye.fov]) > 0.9)
    True
    """
    from ganseg_lib.data.fov import derive_fov
    from ganseg_lib.predict import Predictor, predict_probability

    rgb = _as_rgb(image)
    if mask is None:
        fov = derive_fov(rgb)
    else:
        fov = np.asarray(mask, bool)
        if fov.shape != rgb.shape[:2]:
            raise DataError(f"mask of shape {fov.shape} differs from the image {rgb.shape[:2]}")
        if not fov.any():
            raise DataError("mask: the field of view is empty")
    if not isinstance(model, Predictor):
        model = load_model(model)
    probability, _ = predict_probability(model, rgb, fov, rescale)
    return probability
