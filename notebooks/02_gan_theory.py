# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # GAN theory
#
# The paper's method in equations: the GAN game, the K+1-way discriminator-classifier (DC net)
# of the semi-supervised GAN, and its three losses. The losses are the functions of
# `ganseg_lib.model.losses` that the training chapter uses; here they are checked against the slide
# equations and their gradients are compared with torch's autograd.

# %% tags=["remove-cell"]
# Bootstrap (Colab, or any Python without ganseg_lib): install the library from the project's
# repository. Set GANSEG_INSTALL_SPEC to install from elsewhere (a folder, a wheel, another URL).
import importlib
import importlib.util
import os
import subprocess
import sys

REPOSITORY = "https://github.com/ganseg/ganseg"  # pyproject.toml's [project.urls] Repository

if importlib.util.find_spec("ganseg_lib") is None:
    spec = os.environ.get("GANSEG_INSTALL_SPEC") or f"ganseg @ git+{REPOSITORY}"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], check=True)
    importlib.invalidate_caches()

# %% tags=["parameters", "remove-cell"]
n_points: int = 200  # points of the gradient curves

# %% tags=["remove-input"]
import inspect

import numpy as np
import pandas as pd
import torch
from IPython.display import Markdown, display

from ganseg_lib.analysis.present.display import Captions
from ganseg_lib.analysis.replication import plots
from ganseg_lib.model import losses
from ganseg_lib.paper import BACKGROUND, CLASS_NAMES, FAKE, VESSEL, K

page = Captions()
display(Markdown("**This chapter uses no image data: its numbers come from synthetic logits.**"))

# %% [markdown]
# ## The adversarial game
#
# > - A game between two players: 1. Generator $G$, 2. Discriminator $D$
# > - $D$ tries to discriminate between: a sample from the actual data distribution, and a
# >   sample from the generator $G$.
# > - $G$ tries to "trick" $D$ by generating samples that are hard for $D$ to distinguish from
# >   actual data.
# >
# > $$\min_G \max_D V(D, G) = \mathbb{E}_{\mathbf{x} \sim p_{\text{data}}(\mathbf{x})}
# > [\log D(\mathbf{x})] + \mathbb{E}_{\mathbf{z} \sim p_z(\mathbf{z})}
# > [\log(1 - D(G(\mathbf{z})))]$$
#
# — seed slides "Generative Adversarial Networks", "Training GANs" (Goodfellow et al., NIPS 2014)
#
# $D$ maximises the log-likelihood of telling real from generated samples; $G$ minimises the
# same quantity. At the game's equilibrium the generator's distribution equals the data
# distribution and $D$ outputs ½ everywhere (Goodfellow et al. 2014). In practice the two
# networks take alternating gradient steps.
#
# ## The K+1-way discriminator-classifier
#
# > - The original version of GAN can be implemented with **2-way softmax** output from
# >   discriminator network to find a distribution over [REAL, FAKE].
# > - We incorporate a **K+1-way softmax** layer at output of discriminator, where now the
# >   prediction labels will be [Class 1, Class 2,..., Class K, FAKE].
# > - The revised Discriminator can be termed as a **Discriminator-Classifier** network (DC net).
#
# — seed slide "Semi-Supervised Learning with GAN" (after Odena, 2016)
#
# Here $K = 2$, and the DC net's outputs are, in this order ({numref}`tbl-theory-outputs`):

# %% tags=["remove-input"]
page.table(
    pd.DataFrame({"output": [VESSEL, BACKGROUND, FAKE], "class": list(CLASS_NAMES)}),
    "The DC net's outputs (zero-based).",
    name="tbl-theory-outputs",
)
print(f"K = {K} real classes; the fake class has index K = {FAKE} (zero-based)")

# %% [markdown]
# ## The losses
#
# > The DC net is optimized to minimize both classification loss and adversarial loss.
# >
# > $$L_c = -\mathbb{E}_{(x,y) \sim p_{data}(x,y)} \log p_{DC}(y|x; y < K + 1)$$
# >
# > $$L_{adv} = -\mathbb{E}_{x \sim G} \log p_{DC}(y = K + 1|x)$$
# >
# > The generator is updated in such a way so that the DC net places minimum probability over
# > class $k = K + 1$. [...] So, for training the generator, we need to maximize, $L_G$,
# >
# > $$L_G = -\mathbb{E}_{x \sim G} \log p_{DC}(y = K + 1 | x)$$
# >
# > But trying to optimize the generator network with [this $L_G$] is practically not advisable
# > because in the early phase of training, **magnitudes of gradients propagated to generator
# > are small**. Thus, we instead minimize,
# >
# > $$L_G = -\mathbb{E}_{x \sim G} \log \{1 - p_{DC}(y = K + 1 | x)\}$$
#
# — seed slides "Semi-Supervised Learning with GAN"
#
# $L_c$ conditions on $y < K+1$: the softmax is renormalised over the $K$ real classes, so the
# fake logit does not enter the classification loss. The CNN baseline minimises $L_c$ alone
# with a $K$-output network; the GAN-CNN's DC net minimises $L_c + L_{adv}$ while the generator
# minimises the second (non-saturating) $L_G$. `ganseg_lib.model.losses` computes all of them from
# logits with `log_softmax` / `logsumexp`, which stay finite where a probability rounds to 0 or 1:

# %% tags=["remove-input"]
print(inspect.getsource(losses.loss_generator))

# %% [markdown]
# ### Check against the slide equations
#
# On random logits, the library's losses equal the slides' formulas written out naively with
# probabilities (fine for moderate logits, where nothing over- or underflows);
# {numref}`tbl-theory-losses` compares them:

# %%
gen = torch.Generator().manual_seed(0)
logits = torch.randn(8, K + 1, generator=gen, dtype=torch.float64)
labels = torch.randint(0, K, (8,), generator=gen)
p = torch.softmax(logits, dim=1)
p_real = torch.softmax(logits[:, :K], dim=1)  # p_DC(y | x; y < K+1)
naive = {
    "L_c": -torch.log(p_real[torch.arange(8), labels]).mean(),
    "L_adv": -torch.log(p[:, FAKE]).mean(),
    "L_G (non-saturating)": -torch.log(1 - p[:, FAKE]).mean(),
    "E log p(fake) (saturating)": torch.log(p[:, FAKE]).mean(),
}
library = {
    "L_c": losses.loss_classification(logits, labels),
    "L_adv": losses.loss_adversarial(logits),
    "L_G (non-saturating)": losses.loss_generator(logits),
    "E log p(fake) (saturating)": losses.loss_generator_saturating(logits),
}
page.table(
    pd.DataFrame(
        {
            "loss": list(naive),
            "slide formula": [float(v) for v in naive.values()],
            "ganseg_lib.model.losses": [float(library[k]) for k in naive],
            "|difference|": [abs(float(naive[k] - library[k])) for k in naive],
        }
    ),
    "The library's losses against the slide formulas, on random logits.",
    name="tbl-theory-losses",
    digits=6,
)

# %% [markdown]
# ## Why the non-saturating generator loss
#
# Early in training the generator's samples are poor and the DC net rejects them confidently:
# $p_{DC}(\text{fake} \mid G(z)) \to 1$. The generator learns only through the gradient that
# flows back from the DC net's logits. For a sample with logits $l$ and $p = $ softmax$(l)$:
#
# * the saturating objective $\log p_{fake}$ has $\partial / \partial l_{fake} = 1 - p_{fake}$,
#   which vanishes as $p_{fake} \to 1$;
# * the non-saturating $L_G = -\log(1 - p_{fake})$ has $\partial / \partial l_{fake} = p_{fake}$,
#   which tends to 1 there.
#
# The cell below does not use these formulas: it asks torch's autograd for the gradients of the
# library's two functions, on logits $[0, 0, t]$ with $t$ swept so that $p_{fake}$ runs from
# near 0 to near 1 ({numref}`fig-theory-gradients`, and {numref}`tbl-theory-gradients` at a few
# points).

# %% tags=["hide-input"]
t_values = np.linspace(-6.0, 14.0, n_points)
p_fake, grad_sat, grad_ns = [], [], []
for t in t_values:
    grads = {}
    for name, fn in (
        ("sat", losses.loss_generator_saturating),
        ("ns", losses.loss_generator),
    ):
        x = torch.tensor([[0.0, 0.0, t]], dtype=torch.float64, requires_grad=True)
        fn(x).backward()
        grads[name] = float(x.grad[0, FAKE])
    p_fake.append(float(torch.softmax(torch.tensor([0.0, 0.0, t], dtype=torch.float64), 0)[FAKE]))
    grad_sat.append(grads["sat"])
    grad_ns.append(grads["ns"])
p_fake, grad_sat, grad_ns = map(np.asarray, (p_fake, grad_sat, grad_ns))

page.figure(
    plots.plot_generator_gradients(
        p_fake,
        {
            "saturating: minimise E log p(fake)": grad_sat,
            "non-saturating: minimise L_G = −E log(1 − p(fake))": grad_ns,
        },
        title="gradient reaching the generator through the fake logit",
    ),
    "The gradient that reaches the generator through the fake logit, from torch's autograd.",
    name="fig-theory-gradients",
)

# %% tags=["hide-input"]
rows = []
for target in (0.5, 0.9, 0.99, 0.999, 0.9999):
    i = int(np.argmin(np.abs(p_fake - target)))
    rows.append(
        {
            "p(fake)": round(p_fake[i], 5),
            "|grad| saturating": abs(grad_sat[i]),
            "|grad| non-saturating": abs(grad_ns[i]),
            "ratio": abs(grad_ns[i]) / max(abs(grad_sat[i]), 1e-300),
            "autograd = 1 − p (sat.)": np.isclose(abs(grad_sat[i]), 1 - p_fake[i], rtol=1e-9),
            "autograd = p (non-sat.)": np.isclose(abs(grad_ns[i]), p_fake[i], rtol=1e-9),
        }
    )
page.table(
    pd.DataFrame(rows),
    "Gradient magnitudes of the two generator objectives.",
    name="tbl-theory-gradients",
    digits=4,
)

# %% [markdown]
# Both objectives push the generator in the same direction (lower $p_{fake}$), and Goodfellow et
# al. (2014) note that they share the fixed point of the game's dynamics; they differ in how
# hard they push when the DC net is winning. As $p_{fake} \to 1$ the gradient of the saturating
# form shrinks in proportion to $1 - p_{fake}$, while the non-saturating one approaches 1: this
# is the slide's reason for minimising the second $L_G$, and it is the form
# `ganseg_lib.train.step` uses (`loss_generator`). The saturating form exists in the library only
# for this demonstration.
#
# The gradients with respect to the two *real-class* logits sum to minus the gradient with
# respect to the fake logit (a softmax does not change when a constant is added to every
# logit), so the conclusion does not depend on which logit one looks at. How these losses
# evolve during actual training is shown in the training chapter.
