"""Whole-image vessel probability maps from the DC net — seed slide "Testing Details".

The score of pixel (r, c) is the DC net's ``vessel_probability`` of the 64×64 patch centred at
it. Convention (ours; the slides do not say how borders are handled): the H×W image is padded by
numpy reflection ``((32, 31), (32, 31))`` and the patch of pixel (r, c) is
``padded[r:r + 64, c:c + 64]``, so the pixel sits at index (32, 32) of its patch.

Two evaluations of the same quantity:

* :func:`predict_patchwise` — the reference: cut every patch and run the DC net on batches of
  them. Works for both ``norm`` variants; costs a full network pass per pixel.
* :func:`predict_dense` — the fast path for ``norm="final"`` and ``"none"`` nets. The network is
  run once, fully convolutionally, over the padded image: strides become dilations (conv1 stride 1,
  conv2 dilation 2, conv3 dilation 4), so the conv3 activation map ``h`` holds every patch's
  6×6 layer-3 map on a dilation-8 lattice: patch (r, c) sees ``h[:, r + 8i, c + 8j]``,
  i, j = 0..5. The final instance norm and the linear 6×6 classifier combine per pixel as

      logits_k(p) = Σ_c γ_c [(W_kc ⋆ h_c)(p) − μ_pc ΣW_kc] / σ_pc + Σ_c β_c ΣW_kc + b_k,

  with μ_pc, σ_pc² = var_pc + eps the (biased) mean and variance of channel c over pixel p's
  window, computed by box sums on the dilation-8 lattice, and W_kc ⋆ h_c a grouped, dilated
  convolution. This is exact (up to float rounding), not an approximation. Rows are processed in
  tiles with a 61-row halo so that the peak memory stays under ``max_memory_bytes``. A
  ``norm="none"`` net has no statistics: its logits are the dilated 6×6 classifier on ``h``.

Precision. With σ_pc² = var_pc + eps close to eps, 1/σ_pc ≈ 316 amplifies rounding, so the dense
head computes the window statistics in float64, subtracts a per-channel constant before the
float32 grouped convolution (which changes nothing mathematically), and gives windows whose 36
values are all equal their exact normalised value β_c. Against a float64 evaluation of the same
net, the dense probabilities were within 2e-5 in our random-weight tests, closer than the float32
patch-wise reference (within 8e-5); the tests require both differences ≤ 1e-4.

Speed, measured on 2 CPU threads (torch defaults), DC net width 32, one 584×565 image: dense
3.2 s (one tile, +0.6 GB resident memory); patch-wise 143 s, extrapolated from 20,000 random
pixels in batches of 1024 (0.44 ms per pixel): 44× faster.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from numpy.lib.stride_tricks import sliding_window_view

from ganseg_lib.data.patches import (
    HALF as PAD_BEFORE,  # 32: the pixel sits at index 32 of its patch
)
from ganseg_lib.data.patches import pad_reflect
from ganseg_lib.model.networks import DENSE_NORMS, DCNet, vessel_probability
from ganseg_lib.paper import PATCH_SIZE

# The DC net's receptive field: conv3 output 5 uses conv1 outputs up to 29, i.e. input pixels up
# to 2·29 + 3 = 61; patch pixels 62 and 63 never influence the score.
RECEPTIVE_FIELD = 62
CONV3_HALO = 8 * (6 - 1)  # extra conv3 rows a tile needs: the classifier's dilated 6×6 window
HEAD_CHANNEL_CHUNK = 16  # channels of the dense head processed at once (bounds its temporaries)


def _padded(image: np.ndarray) -> np.ndarray:
    """The float32 image reflect-padded as the patch sampler pads it (:func:`pad_reflect`)."""
    _check_image(image)
    return pad_reflect(np.asarray(image, dtype=np.float32))


def predict_patchwise_logits(
    dcnet: DCNet,
    image: np.ndarray,
    pixels: np.ndarray | None = None,
    batch_size: int = 1024,
) -> np.ndarray:
    """Reference logits: the DC net on each pixel's patch, in batches.

    Returns (M, n_outputs) for ``pixels`` (M, 2), or (H, W, n_outputs) for every pixel when
    ``pixels`` is None; float32, or float64 for a float64 net. Works for both ``norm`` variants.
    """
    _check_image(image)
    height, width = image.shape
    all_pixels = pixels is None
    if all_pixels:
        rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
        pixels = np.stack([rows.ravel(), cols.ravel()], axis=1)
    pixels = _check_pixels(pixels, image.shape)
    windows = sliding_window_view(_padded(image), (PATCH_SIZE, PATCH_SIZE))
    param = next(dcnet.parameters())
    # a float64 copy of the net gives a float64 reference, used to judge float32 rounding
    dtype = np.float64 if param.dtype == torch.float64 else np.float32
    out = np.empty((len(pixels), dcnet.n_outputs), dtype=dtype)
    was_training = dcnet.training
    dcnet.eval()
    try:
        with torch.inference_mode():
            for start in range(0, len(pixels), batch_size):
                chunk = pixels[start : start + batch_size]
                batch = torch.from_numpy(windows[chunk[:, 0], chunk[:, 1]])
                batch = batch.to(device=param.device, dtype=param.dtype)
                out[start : start + len(chunk)] = dcnet(batch[:, None]).cpu().numpy()
    finally:
        dcnet.train(was_training)
    return out.reshape(height, width, -1) if all_pixels else out


def predict_patchwise(
    dcnet: DCNet,
    image: np.ndarray,
    pixels: np.ndarray | None = None,
    batch_size: int = 1024,
) -> np.ndarray:
    """Reference vessel probability per pixel: (M,) for ``pixels`` (M, 2), (H, W) when None."""
    logits = predict_patchwise_logits(dcnet, image, pixels, batch_size)
    flat = torch.from_numpy(logits.reshape(-1, logits.shape[-1]))
    return vessel_probability(flat).numpy().reshape(logits.shape[:-1])


def dense_bytes_per_row(dcnet: DCNet, image_width: int) -> int:
    """Estimated peak working memory of :func:`predict_dense_logits` per conv3 row of a tile.

    Counts the float32 conv1–conv3 maps, the float32/float64 temporaries of one channel chunk of
    the head, and a 1.25 margin for allocator slack. Checked against the peak resident memory on
    a 584×565 image at width 32: one 584-row tile grew the resident memory by 0.6 GB; the
    estimate says 0.9 GB.
    """
    c1, c2, c3, n = dcnet.width, 2 * dcnet.width, 4 * dcnet.width, dcnet.n_outputs
    w = image_width
    chunk = min(HEAD_CHANNEL_CHUNK, c3)
    convs = 4 * (c1 * (w + 58) + c2 * (w + 52) + c3 * (w + 40))
    # chunk copy (f32), its float64 copy and row sums; mean, E[h²], scale (f64), shift (f32);
    # the grouped conv output and its product with the scale (f32); the logits (f64)
    head = (4 + 8 + 8) * chunk * (w + 40) + (3 * 8 + 4) * chunk * w + 8 * chunk * n * w + 8 * n * w
    return int(1.25 * (convs + head))


def dense_tile_rows(
    dcnet: DCNet, image_height: int, image_width: int, max_memory_bytes: int
) -> int:
    """Output rows per tile so that the estimated peak memory stays under ``max_memory_bytes``.

    A tile of T output rows computes T + 40 rows of conv3 (its halo: 8·(6 − 1)), so bigger tiles
    waste less; at width 32 a whole DRIVE image (584 rows) fits in the default 1 GiB.
    """
    per_row = dense_bytes_per_row(dcnet, image_width)
    rows = max_memory_bytes // per_row - CONV3_HALO
    return int(max(1, min(image_height, rows)))


def predict_dense_logits(
    dcnet: DCNet,
    image: np.ndarray,
    tile: int | None = None,
    device: str | torch.device | None = None,
    max_memory_bytes: int = 2**30,
) -> np.ndarray:
    """(H, W, n_outputs) float32 logits of every pixel's patch, by the exact dense evaluation.

    Equal to ``predict_patchwise_logits(dcnet, image)`` up to float rounding, for DC nets with
    ``norm="final"`` or ``"none"``. ``tile`` is the number of output rows per tile (default: as
    many as fit in ``max_memory_bytes``, see :func:`dense_tile_rows`); ``device`` defaults to
    the net's.
    """
    if getattr(dcnet, "norm", None) not in DENSE_NORMS:
        raise ValueError(
            f"dense exactness needs a DCNet with norm in {DENSE_NORMS} (per-patch instance norms "
            "inside the "
            f"network cannot share work between patches); got norm={getattr(dcnet, 'norm', None)!r}"
            " — use predict_patchwise instead"
        )
    if dcnet.norm == "final" and dcnet.final_norm.track_running_stats:
        raise ValueError("the final InstanceNorm2d must not track running statistics")
    padded = _padded(image)
    height, width = image.shape
    if tile is None:
        tile = dense_tile_rows(dcnet, height, width, max_memory_bytes)
    if tile < 1:
        raise ValueError(f"tile must be >= 1 row, got {tile}")
    device = torch.device(device) if device is not None else next(dcnet.parameters()).device
    params = _DenseParams(dcnet, device)
    # the columns a pixel's patch can see: W - 1 + 61, plus one
    padded_t = torch.from_numpy(padded[:, : width + RECEPTIVE_FIELD - 1])
    out = np.empty((height, width, dcnet.n_outputs), dtype=np.float32)
    with torch.inference_mode():
        for r0 in range(0, height, tile):
            rows = min(tile, height - r0)
            x = padded_t[r0 : r0 + rows + RECEPTIVE_FIELD - 1].to(device)
            out[r0 : r0 + rows] = _dense_tile(params, x[None, None]).float().cpu().numpy()
    return out


def predict_dense(
    dcnet: DCNet,
    image: np.ndarray,
    tile: int | None = None,
    device: str | torch.device | None = None,
    max_memory_bytes: int = 2**30,
) -> np.ndarray:
    """(H, W) float32 vessel probability of every pixel, fast and exact (norm "final" or "none").

    Same values as ``predict_patchwise(dcnet, image)`` up to float32 rounding (≤ 1e-4, typically
    ~1e-6); see the module docstring.
    """
    logits = predict_dense_logits(dcnet, image, tile, device, max_memory_bytes)
    flat = torch.from_numpy(logits.reshape(-1, logits.shape[-1]))
    return vessel_probability(flat).numpy().reshape(image.shape).astype(np.float32)


class _DenseParams:
    """The DC net's weights, detached and on the target device, in the form the dense path uses."""

    def __init__(self, dcnet: DCNet, device: torch.device) -> None:
        def get(t: torch.Tensor | None) -> torch.Tensor | None:
            return None if t is None else t.detach().to(device=device, dtype=torch.float32)

        feats = dcnet.features
        self.convs = [
            (get(feats.conv1.weight), get(feats.conv1.bias), 1),
            (get(feats.conv2.weight), get(feats.conv2.bias), 2),
            (get(feats.conv3.weight), get(feats.conv3.bias), 4),
        ]
        self.slope = dcnet.negative_slope
        w = get(dcnet.classifier.weight)  # (n, C, 6, 6)
        n, c = w.shape[:2]
        self.n_outputs, self.channels = n, c
        self.kernel = w.shape[-1]
        self.dilation = 8  # the product of the three strides
        # grouped kernel: output channel c·n + k holds W_kc
        self.grouped = w.permute(1, 0, 2, 3).reshape(c * n, 1, *w.shape[2:]).contiguous()
        w64 = w.double()
        self.wsum = w64.sum(dim=(2, 3))  # (n, C): ΣW_kc
        self.wsum32 = self.wsum.float()
        self.weight = w  # norm="none": the classifier is a plain dilated convolution
        self.bias = get(dcnet.classifier.bias)
        self.normalised = dcnet.norm == "final"
        if not self.normalised:
            return
        norm = dcnet.final_norm
        self.gamma = norm.weight.detach().to(device, torch.float64)
        beta = norm.bias.detach().to(device, torch.float64)
        self.eps = norm.eps
        bias = dcnet.classifier.bias.detach().to(device, torch.float64)
        self.const = bias + (self.wsum * beta[None, :]).sum(dim=1)  # b_k + Σ_c β_c ΣW_kc


def _dense_tile(p: _DenseParams, x: torch.Tensor) -> torch.Tensor:
    """(1, 1, T + 61, W + 61) padded rows → (T, W, n) float64 logits of the T×W pixels.

    Works channels-last throughout: oneDNN runs these convolutions, the grouped one above all,
    faster in that layout, and the head's per-pixel sums over channels read contiguous memory.
    """
    h = x.contiguous(memory_format=torch.channels_last)
    for weight, bias, dilation in p.convs:
        # stride 2 of the patch network becomes a dilation here: every offset is kept
        h = F.leaky_relu(F.conv2d(h, weight, bias, dilation=dilation), p.slope, inplace=True)
    if not p.normalised:  # norm="none": the 6×6 classifier on the dilation-8 lattice
        logits = F.conv2d(h, p.weight, p.bias, dilation=p.dilation)
        return logits[0].permute(1, 2, 0).double()
    span = p.dilation * (p.kernel - 1)
    out_h, out_w = h.shape[2] - span, h.shape[3] - span
    n = p.n_outputs
    logits = p.const.expand(out_h, out_w, n).clone()  # b_k + Σ_c β_c ΣW_kc
    window = p.kernel * p.kernel
    for c0 in range(0, p.channels, HEAD_CHANNEL_CHUNK):
        c1 = min(c0 + HEAD_CHANNEL_CHUNK, p.channels)
        hc = h[:, c0:c1]
        # Subtract a per-channel constant first: the window variance and the term
        # (W_kc ⋆ h_c) − μ_pc ΣW_kc do not change, but a channel that is nearly constant at a
        # large value — where σ_pc ≈ √eps amplifies every rounding error — no longer cancels
        # digits in float32.
        hc = (hc - hc.mean(dim=(2, 3), keepdim=True)).contiguous(memory_format=torch.channels_last)
        # per-window statistics in float64: E[h²] − μ² loses digits to cancellation in float32
        h64 = hc[0].permute(1, 2, 0).to(torch.float64, copy=True)  # (T + 40, W + 40, chunk)
        mean = _dilated_box_sum(h64, p.kernel, p.dilation, out_h, out_w).div_(window)
        mean_sq = _dilated_box_sum(h64.square_(), p.kernel, p.dilation, out_h, out_w)
        del h64
        var = mean_sq.div_(window).sub_(mean.square()).clamp_min_(0.0)  # biased, as the norm
        scale = torch.rsqrt(var.add_(p.eps)).mul_(p.gamma[c0:c1])  # γ_c / σ_pc
        # A window whose 36 values are all equal normalises to exactly β_c (as the patch-wise
        # norm computes it); the linear formula would return G's float32 rounding noise
        # amplified by 1/√eps instead, so its scale is set to 0 there.
        scale.masked_fill_(_constant_windows(hc[0].permute(1, 2, 0), p, out_h, out_w), 0.0)
        shift = (scale * mean).float()  # γ_c μ_pc / σ_pc
        scale = scale.float()
        del mean, var
        kernels = p.grouped[c0 * n : c1 * n]
        conv = F.conv2d(hc, kernels, dilation=p.dilation, groups=c1 - c0)  # W_kc ⋆ h_c
        conv = conv[0].permute(1, 2, 0).reshape(out_h, out_w, c1 - c0, n)
        logits += conv.mul_(scale[..., None]).sum(dim=2)  # Σ_c γ_c (W_kc ⋆ h_c) / σ_pc
        logits -= shift @ p.wsum32[:, c0:c1].T  # Σ_c γ_c μ_pc ΣW_kc / σ_pc
    return logits


def _dilated_box_sum(
    x: torch.Tensor, kernel: int, dilation: int, out_h: int, out_w: int
) -> torch.Tensor:
    """Σ_{i,j<kernel} x[p + dilation·(i, j)] over the first two axes, for out_h × out_w
    positions p; separable: a row pass, then a column pass."""
    rows = x[:out_h] + x[dilation : dilation + out_h]
    for i in range(2, kernel):
        rows += x[i * dilation : i * dilation + out_h]
    out = rows[:, :out_w] + rows[:, dilation : dilation + out_w]
    for j in range(2, kernel):
        out += rows[:, j * dilation : j * dilation + out_w]
    return out


def _constant_windows(x: torch.Tensor, p: _DenseParams, out_h: int, out_w: int) -> torch.Tensor:
    """(out_h, out_w, C) bool: whether x (H, W, C) is constant on each dilated 6×6 window.

    A window is constant iff every pair of lattice neighbours in it is equal (the lattice is
    connected), i.e. no vertical difference in its 5×6 pairs and no horizontal one in its 6×5.
    """
    d, k = p.dilation, p.kernel

    def window_any(mask: torch.Tensor, k_rows: int, k_cols: int) -> torch.Tensor:
        rows = mask[:out_h].clone()
        for i in range(1, k_rows):
            rows |= mask[i * d : i * d + out_h]
        out = rows[:, :out_w].clone()
        for j in range(1, k_cols):
            out |= rows[:, j * d : j * d + out_w]
        return out

    vertical = window_any(x[d:] != x[:-d], k - 1, k)
    return ~(vertical | window_any(x[:, d:] != x[:, :-d], k, k - 1))


def _check_image(image: np.ndarray) -> None:
    if not isinstance(image, np.ndarray) or image.ndim != 2:
        raise ValueError(f"image must be a 2-D array, got {getattr(image, 'shape', type(image))}")
    if min(image.shape) <= PAD_BEFORE:
        raise ValueError(
            f"image {image.shape} is too small: reflect padding by {PAD_BEFORE} pixels needs both "
            f"sides > {PAD_BEFORE}"
        )


def _check_pixels(pixels: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    pixels = np.asarray(pixels)
    if pixels.ndim != 2 or pixels.shape[1] != 2 or not np.issubdtype(pixels.dtype, np.integer):
        raise ValueError(
            f"pixels must be an (M, 2) integer array, got {pixels.dtype} {pixels.shape}"
        )
    if len(pixels) and (
        pixels.min() < 0 or pixels[:, 0].max() >= shape[0] or pixels[:, 1].max() >= shape[1]
    ):
        raise ValueError(f"pixels must lie inside the {shape} image")
    return pixels
