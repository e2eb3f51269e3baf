"""Preprocessing — seed slide "Preprocessing & Patch Creation".

> Vascular structures manifest best contrast in **green channel**. Contrast Limited Adaptive
> Histogram Equalization (CLAHE) is used for compensating irregular illuminations.

The slides give no CLAHE parameters. We use scikit-image's ``equalize_adapthist`` with an explicit
``clip_limit = 0.01`` and ``kernel_size = 64`` pixels (about a ninth of the image width: a tile
several vessel widths across, so that uneven illumination is flattened but vessels are not),
quantise the result to 8 bits (so that patches can be stored as uint8 and compared exactly), and
scale to [-1, 1], the range of the generator's tanh output. The FOV mask travels with the image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from skimage.exposure import equalize_adapthist

from ganseg_lib.data.record import FundusRecord
from ganseg_lib.deviations import declare


@dataclass(frozen=True)
class ClaheParams:
    """CLAHE parameters (scikit-image ``equalize_adapthist``)."""

    clip_limit: float = 0.01
    kernel_size: int = 64
    nbins: int = 256


declare(
    aspect="CLAHE parameters",
    paper="not given",
    ours=f"clip limit {ClaheParams.clip_limit}, kernel {ClaheParams.kernel_size} px, "
    f"{ClaheParams.nbins} bins (scikit-image), result quantised to 8 bits",
    reason="a tile several vessel widths across flattens uneven illumination without flattening "
    "vessels",
)


@dataclass(frozen=True, eq=False)
class PreprocessedImage:
    """``image_u8``: CLAHE-equalised green channel, uint8 H×W; ``fov`` bool H×W."""

    image_id: str
    image_u8: np.ndarray
    fov: np.ndarray

    @property
    def image(self) -> np.ndarray:
        """The network input: ``image_u8`` scaled to [-1, 1] as float32."""
        return to_unit_range(self.image_u8)


def green_channel(rgb: np.ndarray) -> np.ndarray:
    """The green channel of an RGB uint8 image (vessels have their best contrast there)."""
    return rgb[..., 1]


def clahe(green: np.ndarray, params: ClaheParams = ClaheParams()) -> np.ndarray:
    """CLAHE of a uint8 image, quantised back to uint8 (rounding to nearest)."""
    out = equalize_adapthist(
        green, kernel_size=params.kernel_size, clip_limit=params.clip_limit, nbins=params.nbins
    )
    return np.round(out * 255.0).astype(np.uint8)


def to_unit_range(image_u8: np.ndarray) -> np.ndarray:
    """uint8 [0, 255] → float32 [-1, 1] (x / 127.5 − 1)."""
    return image_u8.astype(np.float32) / np.float32(127.5) - np.float32(1.0)


def preprocess(record: FundusRecord, params: ClaheParams = ClaheParams()) -> PreprocessedImage:
    """Green channel → CLAHE → uint8; the FOV mask is carried along unchanged."""
    return PreprocessedImage(record.image_id, clahe(green_channel(record.rgb), params), record.fov)
