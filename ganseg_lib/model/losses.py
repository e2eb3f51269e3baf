"""The three losses of the semi-supervised GAN — seed slide "Semi-Supervised Learning with GAN".

> The DC net is optimized to minimize both classification loss and adversarial loss.

All losses take the DC net's logits over [vessel, background, fake] (``paper.VESSEL``,
``BACKGROUND``, ``FAKE``) and use ``log_softmax`` / ``logsumexp``, never the log of a probability,
so they stay finite for logits of any size. Expectations are batch means.

The paper's K = 2 is the default; ``n_classes`` gives another K (the digits calibration,
:mod:`ganseg_lib.calibration`, uses K = 10), with the same layout: the K real-class logits first,
the fake class last (index K, which is ``paper.FAKE`` for K = 2).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from ganseg_lib.paper import K


def _check(logits: Tensor, n_outputs: tuple[int, ...]) -> None:
    if logits.ndim != 2 or logits.shape[1] not in n_outputs:
        raise ValueError(
            f"logits must have shape (B, n) with n in {n_outputs}, got {tuple(logits.shape)}"
        )


def _fake(n_classes: int) -> int:
    """The fake class's index: the last of the K+1 logits (``paper.FAKE`` for the paper's K)."""
    return n_classes


def _log_not_fake(logits: Tensor, n_classes: int) -> Tensor:
    """log{1 − p_DC(y = K+1 | x)} = logsumexp(l_{1..K}) − logsumexp(l_{1..K+1}), per row."""
    return torch.logsumexp(logits[:, :n_classes], dim=1) - torch.logsumexp(logits, dim=1)


def loss_classification(logits: Tensor, labels: Tensor, n_classes: int = K) -> Tensor:
    """L_c = −E_{(x,y)~p_data(x,y)} log p_DC(y | x; y < K+1).

    The cross-entropy of the softmax over the K real-class logits only (``logits[:, :K]``): the
    condition y < K+1 renormalises p_DC over [vessel, background], so the fake logit does not enter.
    ``labels`` are class indices, 0 = vessel, 1 = background. Works for the K+1-output DC net and
    the K-output CNN baseline alike.
    """
    _check(logits, (n_classes, n_classes + 1))
    if labels.shape != logits.shape[:1]:
        raise ValueError(f"labels must have shape ({logits.shape[0]},), got {tuple(labels.shape)}")
    return F.cross_entropy(logits[:, :n_classes], labels.long())


def loss_classification_joint(logits: Tensor, labels: Tensor, n_classes: int = K) -> Tensor:
    """L_c read jointly: −E log p_DC(y | x) under the full K+1-way softmax (Odena 2016).

    The other reading of the slide's L_c: the fake logit enters the normaliser, so a labelled real
    patch is also pushed out of the fake class. With the conditional reading
    (:func:`loss_classification`) nothing keeps real patches out of the fake class, and the DC
    net can satisfy L_adv by calling every patch fake.
    """
    _check(logits, (n_classes + 1,))
    if labels.shape != logits.shape[:1]:
        raise ValueError(f"labels must have shape ({logits.shape[0]},), got {tuple(labels.shape)}")
    return F.cross_entropy(logits, labels.long())


def loss_adversarial(fake_logits: Tensor, n_classes: int = K) -> Tensor:
    """L_adv = −E_{x~G} log p_DC(y = K+1 | x): the DC net's loss on generated patches."""
    _check(fake_logits, (n_classes + 1,))
    return -F.log_softmax(fake_logits, dim=1)[:, _fake(n_classes)].mean()


def loss_generator(fake_logits: Tensor, n_classes: int = K) -> Tensor:
    """L_G = −E_{x~G} log{1 − p_DC(y = K+1 | x)}, the non-saturating form G minimises.

    > Thus, we instead minimize, L_G = −E_{x~G} log{1 − p_DC(y = K+1 | x)}

    1 − p(fake) = Σ_{k≤K} exp(l_k) / Σ_k exp(l_k), so log{1 − p(fake)} =
    logsumexp(l_{1..K}) − logsumexp(l_{1..K+1}), exact and stable where p(fake) → 1.
    """
    _check(fake_logits, (n_classes + 1,))
    return -_log_not_fake(fake_logits, n_classes).mean()


def loss_generator_saturating(fake_logits: Tensor, n_classes: int = K) -> Tensor:
    """E_{x~G} log p_DC(y = K+1 | x) = −L_adv: the slide's first, saturating objective for G.

    > for training the generator, we need to maximize, L_G = −E_{x~G} log p_DC(y = K+1 | x)
    > [...] practically not advisable because in the early phase of training, magnitudes of
    > gradients propagated to generator are small.

    Returned as the quantity G would minimise. Its gradient with respect to the logits is
    (onehot(fake) − p) / B, which vanishes when the DC net confidently rejects the fakes; kept
    for the book's demonstration of that effect, not for training.
    """
    _check(fake_logits, (n_classes + 1,))
    return F.log_softmax(fake_logits, dim=1)[:, _fake(n_classes)].mean()


def loss_generator_conditional(fake_logits: Tensor, labels: Tensor, n_classes: int = K) -> Tensor:
    """L_G,y = −E_{z,y} log p_DC(y | G(z, y)): a class-conditional generator's patches should be
    classified as their class y — hence also not as fake — by the K+1-way DC net (the cross-
    entropy over all K+1 logits, target y)."""
    _check(fake_logits, (n_classes + 1,))
    if labels.shape != fake_logits.shape[:1]:
        raise ValueError(f"labels must have shape ({fake_logits.shape[0]},)")
    return F.cross_entropy(fake_logits, labels.long())


def loss_unlabelled(real_logits: Tensor, n_classes: int = K) -> Tensor:
    """L_unl = −E_{x~p_data(x)} log{1 − p_DC(y = K+1 | x)}: unlabelled real patches are "not fake".

    The real-data half of the unsupervised loss of Salimans et al. (2016), §5, for the K+1-way
    DC net; with L_adv it is their L_unsupervised. The same stable form as :func:`loss_generator`.
    """
    _check(real_logits, (n_classes + 1,))
    return -_log_not_fake(real_logits, n_classes).mean()


def loss_feature_matching(real_features: Tensor, fake_features: Tensor) -> Tensor:
    """L_FM = ‖E_{x~p_data} f(x) − E_{z} f(G(z))‖² (Salimans et al. 2016, §3.1), with f the DC
    net's last hidden map (:meth:`ganseg_lib.model.networks.DCNet.embed`), flattened, batch means.

    The mean of the squared differences per feature (the squared norm divided by the number of
    features), so that its scale does not depend on the width.
    """
    if real_features.shape[1:] != fake_features.shape[1:]:
        raise ValueError(
            f"feature shapes differ: {tuple(real_features.shape)} vs {tuple(fake_features.shape)}"
        )
    diff = real_features.flatten(1).mean(0) - fake_features.flatten(1).mean(0)
    return (diff**2).mean()
