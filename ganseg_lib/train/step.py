"""One training iteration — seed slide "Semi-Supervised Learning with GAN".

Each iteration of ``method="gan"``:

1. DC step: minimise L_c (a labelled real batch) + L_adv (a batch of G(z), z ~ N(0, I_300));
2. G step: minimise the non-saturating L_G on a fresh batch of G(z).

``method="cnn"`` is step 1 without L_adv, on a K-output DC net: the generator is the only
difference between the two methods.
"""

from __future__ import annotations

import numpy as np
import torch

from ganseg_lib.model.losses import loss_adversarial, loss_classification, loss_generator
from ganseg_lib.paper import BACKGROUND, FAKE, LABEL_VESSEL, NOISE_DIM, VESSEL, K
from ganseg_lib.train.checkpoint import RunState
from ganseg_lib.train.config import TrainConfig


def class_index(labels: np.ndarray) -> np.ndarray:
    """Patch labels (:data:`LABEL_VESSEL` or background) → DC net class indices (:data:`VESSEL`,
    :data:`BACKGROUND`)."""
    return np.where(labels == LABEL_VESSEL, VESSEL, BACKGROUND).astype(np.int64)


def next_batch(state: RunState, batch_size: int) -> torch.Tensor:
    """Indices of the next mini-batch; a new permutation starts each epoch (drawn from ``rng``)."""
    n = len(state.order)
    if state.position + batch_size > n:
        state.order = torch.randperm(n, generator=state.rng)
        state.position = 0
    idx = state.order[state.position : state.position + batch_size]
    state.position += batch_size
    return idx


def train_step(
    state: RunState, config: TrainConfig, x: torch.Tensor, y: torch.Tensor
) -> dict[str, torch.Tensor]:
    """One iteration: the DC step (L_c [+ L_adv]) then, for the GAN, the G step (L_G)."""
    device = x.device
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=config.bf16)
    dcnet, generator = state.dcnet, state.generator
    metrics: dict[str, torch.Tensor] = {}
    with autocast:
        logits_real = dcnet(x).float()
        l_c = loss_classification(logits_real, y)
        loss_d = l_c
        if generator is not None:
            z = torch.randn(len(x), NOISE_DIM, generator=state.rng).to(device)
            with torch.no_grad():
                fake = generator(z)
            logits_fake = dcnet(fake).float()
            l_adv = loss_adversarial(logits_fake)
            loss_d = l_c + l_adv
    state.opt_d.zero_grad(set_to_none=True)
    loss_d.backward()
    state.opt_d.step()
    metrics["L_c"] = l_c.detach()
    metrics["real_acc"] = (logits_real[:, :K].argmax(1) == y).float().mean().detach()
    if generator is not None:
        metrics["L_adv"] = l_adv.detach()
        metrics["fake_detect"] = (logits_fake.argmax(1) == FAKE).float().mean().detach()
        z = torch.randn(len(x), NOISE_DIM, generator=state.rng).to(device)
        dcnet.requires_grad_(False)  # the G step needs gradients through D, not for D's weights
        with autocast:
            l_g = loss_generator(dcnet(generator(z)).float())
        state.opt_g.zero_grad(set_to_none=True)
        l_g.backward()
        dcnet.requires_grad_(True)
        state.opt_g.step()
        state.sched_g.step()
        metrics["L_G"] = l_g.detach()
    state.sched_d.step()
    state.iteration += 1
    return metrics
