"""The replication's training step, kept as the "before" of the training benchmark."""

from __future__ import annotations

import torch


def replication_step(state, config, batch) -> None:
    """The GAN-CNN / CNN iteration that made the committed ``cpu`` records (for the before/after
    comparison): the DC step on a batch of fakes from one noise draw, real and fake patches
    through the DC net in two calls, then the G step on a second, fresh batch of fakes."""
    from ganseg_lib.model.losses import loss_adversarial, loss_classification, loss_generator
    from ganseg_lib.paper import NOISE_DIM

    x, y = batch.x, batch.y
    dcnet, generator = state.dcnet, state.generator
    loss_d = loss_classification(dcnet(x).float(), y)
    if generator is not None:
        z = torch.randn(len(x), NOISE_DIM, generator=state.rng).to(x.device)
        with torch.no_grad():
            fake = generator(z)
        loss_d = loss_d + loss_adversarial(dcnet(fake).float())
    state.opt_d.zero_grad(set_to_none=True)
    loss_d.backward()
    state.opt_d.step()
    if generator is not None:
        z = torch.randn(len(x), NOISE_DIM, generator=state.rng).to(x.device)
        dcnet.requires_grad_(False)
        l_g = loss_generator(dcnet(generator(z)).float())
        state.opt_g.zero_grad(set_to_none=True)
        l_g.backward()
        dcnet.requires_grad_(True)
        state.opt_g.step()
