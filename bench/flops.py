"""FLOP accounting of the benchmarks: every FLOP/s figure of the suite is a count from here
divided by a measured time. A FLOP is one multiply or one add: a multiply-add counts 2.

Only convolutions, transposed convolutions and matrix products are counted. Biases,
normalisations, activations, losses and the Adam updates count 0 — they are memory-bound and
small next to the convolutions (so the achieved rates below slightly understate the work done).

Training (:func:`training_flops`). ``F_D`` and ``F_G`` are ``networks.flops_per_patch`` of the
DC net and of the generator: the forward FLOPs of one sample. A backward pass costs two forward
passes — one for the gradient with respect to a layer's input, one for the gradient with respect
to its weights — so forward + backward = 3 F. With mini-batch ``B`` one iteration counts:

* CNN: the classifier forward + backward on B labelled patches: ``3 B F_D``.
* GAN-CNN (``ganseg_lib.train.step.train_step``): one G forward on B noise vectors, whose
  fakes serve both steps, and G's backward in the G step: ``3 B F_G``; the DC step's DC net
  forward + backward on B real + B fake patches: ``2 B · 3 F_D``; the G step's DC net forward and
  backward-to-its-input only (its weights are frozen there): ``2 B F_D``; in all
  ``B (3 F_G + 8 F_D)``.
* The replication's GAN-CNN step (the ``replication`` variant, the code that made the committed
  ``cpu`` records) drew a second batch of fakes for the G step: ``B (4 F_G + 8 F_D)``.
* The GAN-CNN with the generator fix (``TrainConfig(**GENERATOR_FIX)``): the GAN-CNN's count
  with ``F_G`` of the generator with resize-convolutions (each ×2 step a nearest-neighbour
  resize and a 3×3 convolution at the output resolution); the DC net without normalisation and
  the real-data term add no convolution.
* The K+1 SSL GAN (``ssgan``, feature matching): the DC step runs B labelled + B unlabelled +
  B fake patches: ``3 B · 3 F_D``; the G step compares the DC net's last hidden map (``F_E``,
  the forward FLOPs of ``DCNet.embed``: ``F_D`` without the classifier) of the B unlabelled
  patches (forward only, no gradient) with that of the fakes (forward and backward-to-input):
  ``3 B F_E``; in all ``B (3 F_G + 9 F_D + 3 F_E)``. With the paper's L_G instead of feature
  matching the G step is the GAN-CNN's ``2 B F_D``.

This is the *nominal* count, the convention of the benchmark's goals. Autograd skips two pieces
of it, which :func:`training_flops` also reports as ``executed``: the input gradient of the DC
net's first convolution in the DC step (its inputs, real patches and detached fakes, need none)
and that of the generator's first deconvolution (the noise needs none). So
``executed = nominal − B (F_G,first + 2 F_D,first)`` (``ssgan``: ``3 F_D,first``, three sets of
patches in the DC step), about 2 % less at width 16; a test checks this against PyTorch's own
``FlopCounterMode`` for every method the benchmark measures.

Dense inference (:func:`dense_image_flops`). ``dense.predict_dense`` runs the DC net fully
convolutionally on the reflect-padded image, tile by tile. A tile of T output rows of an image W
wide reads T + 61 rows of W + 61 columns, and each layer shrinks the map by its span
(dilation · (kernel − 1)):

* conv1, 1 → c1 = width channels, 4×4, dilation 1 → (T + 58) × (W + 58) positions;
* conv2, c1 → c2 = 2·width, 4×4, dilation 2 → (T + 52) × (W + 52);
* conv3, c2 → c3 = 4·width, 4×4, dilation 4 → (T + 40) × (W + 40);
* the head's grouped convolution: c3·n output maps (n logits per channel), one input channel
  each, 6×6, dilation 8 → T × W.

Each position of a layer costs ``2 · (c_in / groups) · k² · c_out``. The halo rows of every tile
are counted (they are computed), so ``dense_image_flops`` is the work actually done; the head's
window statistics (box sums) and its small matrix product are not counted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ganseg_lib.model.dense import CONV3_HALO, RECEPTIVE_FIELD
from ganseg_lib.model.networks import DCNet, Generator, flops_per_patch, layer_table
from ganseg_lib.paper import K

KERNEL = 4  # the DC net's convolutions
HEAD_KERNEL = 6  # the classifier: a 6×6 convolution over the last 6×6 map
HEAD_DILATION = 8  # product of the three strides


def conv2d_flops(
    n: int,
    c_in: int,
    c_out: int,
    kernel: tuple[int, int] | int,
    out_hw: tuple[int, int],
    groups: int = 1,
) -> int:
    """FLOPs of one 2-D convolution: 2 · N · (c_in / groups) · kh · kw · c_out · out_h · out_w."""
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    if c_in % groups or c_out % groups:
        raise ValueError(f"groups={groups} must divide c_in={c_in} and c_out={c_out}")
    return 2 * n * (c_in // groups) * kh * kw * c_out * out_hw[0] * out_hw[1]


def matmul_flops(m: int, k: int, n: int) -> int:
    """FLOPs of an (m × k) @ (k × n) product: 2 m k n."""
    return 2 * m * k * n


def ssgan_iteration_flops(
    f_d: int, f_e: int, f_g: int, batch: int, feature_matching: bool = True
) -> int:
    """Nominal FLOPs of one K+1 SSL GAN iteration: B (3 F_G + 9 F_D + 3 F_E) with feature
    matching, B (3 F_G + 11 F_D) with the paper's L_G — see the module docstring."""
    generator = batch * 3 * f_g  # G fwd+bwd
    d_step = 3 * batch * 3 * f_d  # D fwd+bwd, labelled + unlabelled + fake
    # G step: embed(u) forward; embed(fake) forward + backward-to-input (or D's, paper L_G)
    g_step = batch * 3 * f_e if feature_matching else batch * 2 * f_d
    return generator + d_step + g_step


def ssgan_iteration_flops_executed(
    f_d: int,
    f_e: int,
    f_g: int,
    f_d_first: int,
    f_g_first: int,
    batch: int,
    feature_matching: bool = True,
) -> int:
    """What autograd runs of :func:`ssgan_iteration_flops`: minus conv1's input gradient on the
    3B patches of the DC step and deconv0's on the B noise vectors."""
    nominal = ssgan_iteration_flops(f_d, f_e, f_g, batch, feature_matching)
    return nominal - batch * (f_g_first + 3 * f_d_first)


def gan_iteration_flops(f_d: int, f_g: int, batch: int, replication: bool = False) -> int:
    """Nominal FLOPs of one GAN-CNN iteration: B (3 F_G + 8 F_D), or B (4 F_G + 8 F_D) for the
    replication's step with a second generator batch — see the module docstring."""
    generator = batch * 3 * f_g + (batch * f_g if replication else 0)  # G fwd+bwd [+ 2nd fwd]
    d_step = 2 * batch * 3 * f_d  # D fwd+bwd, real + fake
    g_step = batch * 2 * f_d  # D forward + backward-to-input
    return generator + d_step + g_step


def cnn_iteration_flops(f_d: int, batch: int) -> int:
    """Nominal FLOPs of one CNN iteration: 3 B F_D (forward + backward on B patches)."""
    return 3 * batch * f_d


def gan_iteration_flops_executed(
    f_d: int, f_g: int, f_d_first: int, f_g_first: int, batch: int, replication: bool = False
) -> int:
    """What autograd runs of the nominal count: minus the first layers' unneeded input
    gradients (DC net's conv1 on 2B patches in the DC step, G's deconv0 on B in the G step)."""
    nominal = gan_iteration_flops(f_d, f_g, batch, replication)
    return nominal - batch * (f_g_first + 2 * f_d_first)


def cnn_iteration_flops_executed(f_d: int, f_d_first: int, batch: int) -> int:
    """What autograd runs of :func:`cnn_iteration_flops`: minus conv1's input gradient."""
    return cnn_iteration_flops(f_d, batch) - batch * f_d_first


@dataclass(frozen=True)
class TrainingFlops:
    """FLOPs of one training iteration and the per-sample counts they come from."""

    method: str
    width: int
    g_width: int | None
    batch: int
    f_d: int  # DC net forward, one patch
    f_g: int | None  # generator forward, one sample
    nominal: int  # the goal convention (forward + backward = 3 × forward)
    executed: int  # nominal minus the input gradients autograd skips
    g_arch: str | None = None  # the generator's architecture (networks.G_ARCHS)
    f_e: int | None = None  # DC net forward up to its last hidden map (ssgan's feature matching)

    def to_json(self) -> dict:
        return asdict(self)


def _first_layer_flops(module) -> int:
    return next(row["flops"] for row in layer_table(module) if row["flops"])


def _embed_flops(dcnet: DCNet) -> int:
    """Forward FLOPs of ``DCNet.embed`` for one patch: everything but the classifier."""
    return sum(row["flops"] for row in layer_table(dcnet) if row["name"] != "classifier")


TRAINING_METHODS = ("gan", "cnn", "ssgan")


def training_flops(
    method: str,
    width: int,
    g_width: int,
    batch: int = 64,
    replication: bool = False,
    g_arch: str = "paper",
    feature_matching: bool = True,
) -> TrainingFlops:
    """Counts for ``train_step`` with the given method ("gan", "cnn" or "ssgan"), widths and
    generator architecture (or, with ``replication``, for the replication's step: the CNN's
    count is the same);
    ``feature_matching``: the G loss of ``ssgan`` (its default; False: the paper's L_G)."""
    if method not in TRAINING_METHODS:
        raise ValueError(f"method must be one of {TRAINING_METHODS}, got {method!r}")
    if replication and method == "ssgan":
        raise ValueError("replication: the replication's step trains the GAN-CNN and the CNN")
    dcnet = DCNet(K if method == "cnn" else K + 1, width=width)
    f_d, f_d1 = flops_per_patch(dcnet), _first_layer_flops(dcnet)
    if method == "cnn":
        return TrainingFlops(
            method,
            width,
            None,
            batch,
            f_d,
            None,
            cnn_iteration_flops(f_d, batch),
            cnn_iteration_flops_executed(f_d, f_d1, batch),
        )
    generator = Generator(g_width, arch=g_arch)
    f_g, f_g1 = flops_per_patch(generator), _first_layer_flops(generator)
    if method == "ssgan":
        f_e = _embed_flops(dcnet)
        return TrainingFlops(
            method,
            width,
            g_width,
            batch,
            f_d,
            f_g,
            ssgan_iteration_flops(f_d, f_e, f_g, batch, feature_matching),
            ssgan_iteration_flops_executed(f_d, f_e, f_g, f_d1, f_g1, batch, feature_matching),
            g_arch,
            f_e,
        )
    return TrainingFlops(
        method,
        width,
        g_width,
        batch,
        f_d,
        f_g,
        gan_iteration_flops(f_d, f_g, batch, replication),
        gan_iteration_flops_executed(f_d, f_g, f_d1, f_g1, batch, replication),
        g_arch,
    )


def dense_layer_flops_per_position(width: int, n_outputs: int) -> dict[str, int]:
    """FLOPs per output position of each layer of the dense path (see the module docstring)."""
    c1, c2, c3 = width, 2 * width, 4 * width
    k2 = KERNEL * KERNEL
    return {
        "conv1": 2 * 1 * k2 * c1,
        "conv2": 2 * c1 * k2 * c2,
        "conv3": 2 * c2 * k2 * c3,
        "head": 2 * 1 * HEAD_KERNEL * HEAD_KERNEL * c3 * n_outputs,  # grouped: 1 input each
    }


def dense_tile_layer_flops(width: int, n_outputs: int, rows: int, image_width: int) -> dict:
    """FLOPs per layer of one dense tile: ``rows`` output rows of an image ``image_width`` wide."""
    per = dense_layer_flops_per_position(width, n_outputs)
    halo_in = RECEPTIVE_FIELD - 1  # 61 extra input rows and columns
    spans = {  # how much each layer's output map is larger than the tile, rows and columns
        "conv1": halo_in - (KERNEL - 1) * 1,  # 58
        "conv2": halo_in - (KERNEL - 1) * (1 + 2),  # 52
        "conv3": halo_in - (KERNEL - 1) * (1 + 2 + 4),  # 40
        "head": 0,
    }
    assert spans["conv3"] == CONV3_HALO
    return {
        name: per[name] * (rows + extra) * (image_width + extra) for name, extra in spans.items()
    }


def dense_image_flops(
    width: int, n_outputs: int, height: int, image_width: int, tile: int | None = None
) -> int:
    """FLOPs the dense path runs on a ``height`` × ``image_width`` image in tiles of ``tile``
    output rows (default: one tile), halos included."""
    tile = height if tile is None else tile
    if tile < 1:
        raise ValueError(f"tile must be >= 1, got {tile}")
    total = 0
    for r0 in range(0, height, tile):
        rows = min(tile, height - r0)
        total += sum(dense_tile_layer_flops(width, n_outputs, rows, image_width).values())
    return total


def dense_nominal_flops_per_pixel(width: int, n_outputs: int) -> int:
    """Dense FLOPs per pixel without halos (the limit of a large image)."""
    return sum(dense_layer_flops_per_position(width, n_outputs).values())
