"""The training methods: where a DC net's fakes come from and what else it learns from.

The paper compares two methods; the study chapter adds the ablations and the paper's own future
work (seed slide "Future Work"):

* ``cnn`` — the CNN: K outputs, labelled patches only (the paper's baseline);
* ``gan`` — GAN-CNN: K+1 outputs, fakes from a generator trained against the DC net (the paper);
* ``frozen`` — the same DC net and losses as ``gan``, fakes from a randomly initialised generator
  that is never updated: the fakes carry no information about the data;
* ``noise`` — the same, fakes of Gaussian noise with the labelled patches' mean and standard
  deviation (in the network's input range);
* ``cgan`` — the same DC net and losses as ``gan`` with a class-conditional generator G(z, y)
  (future work 2): the DC net learns G's patches as fake; G learns to make patches that the DC
  net classifies as their class y and not as fake, L_G,y = −E_{z,y} log p_DC(y | G(z, y));
* ``ssgan`` — the K+1 semi-supervised GAN of Salimans et al. (2016), "Improved techniques for
  training GANs", §5: labelled real patches → their class, unlabelled real patches → "not fake",
  generated patches → fake; the generator trained by feature matching (or the paper's L_G). This
  is future work 1: the DC net gives the unlabelled data a low fake likelihood.

A *protocol* is applied to any method: ``paper`` (as the replication) or ``fair`` (random dihedral
augmentation of labelled patches; the checkpoint with the best validation AUC is evaluated as
well as the last one; learning rate and Adam β1 chosen on the validation images).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Method:
    """One training method."""

    name: str
    label: str  # as tables and figures name it
    fakes: str | None  # None, "generator", "frozen" or "noise"
    unlabelled: bool = False  # learns "not fake" from unlabelled real patches
    conditional: bool = False  # G(z, y): class-conditional fakes
    default_g_loss: str = "paper"

    @property
    def adversarial(self) -> bool:
        """Whether the DC net has the (K+1)-th, fake class."""
        return self.fakes is not None

    @property
    def trains_generator(self) -> bool:
        return self.fakes == "generator"

    @property
    def has_generator(self) -> bool:
        return self.fakes in ("generator", "frozen")


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("gan", "GAN-CNN", "generator"),
        Method("cnn", "CNN", None),
        Method("frozen", "frozen-G fakes", "frozen"),
        Method("noise", "noise fakes", "noise"),
        Method("ssgan", "K+1 SSL GAN", "generator", unlabelled=True, default_g_loss="fm"),
        Method("cgan", "class-conditional GAN", "generator", conditional=True),
    )
}
PROTOCOLS = ("paper", "fair")
G_LOSSES = ("paper", "fm")  # the slides' non-saturating L_G, or feature matching
CLASSIFICATIONS = ("conditional", "joint")  # how L_c reads p_DC(y | x; y < K+1)


def method_label(name: str, protocol: str = "paper") -> str:
    """``GAN-CNN``, ``CNN (fair)``: a method (and a non-paper protocol) as tables name it."""
    label = METHODS[name].label if name in METHODS else name
    return label if protocol == "paper" else f"{label} ({protocol})"
