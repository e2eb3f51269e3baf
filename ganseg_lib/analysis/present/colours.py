"""The colours and marks every figure shares: one colour per method or study arm, wherever it is
drawn (GAN-CNN red, CNN blue), and one marker for the paper's own numbers."""

from __future__ import annotations

METHOD_COLORS = {"gan": "#c0392b", "cnn": "#2e6fb7"}  # the paper's two methods
# the study's arms: the paper's methods, the K+1 semi-supervised GAN and the fake-source ablations
ARM_COLORS = {**METHOD_COLORS, "ssgan": "#7d3c98", "frozen": "#d68910", "noise": "#117a65"}
EXTRA_COLORS = {"cgan": "#8d6e63"}  # drawn in the answer figure only
OTHER_COLOR = "0.3"  # a method without a colour of its own
PAPER_MARKER = "*"  # the paper's numbers, in every figure that shows them


def method_color(method: str) -> str:
    """The colour of one of the paper's methods (grey for anything else)."""
    return METHOD_COLORS.get(method, OTHER_COLOR)


def arm_color(method: str) -> str:
    """The colour of a study arm's method (grey for a method without one)."""
    return ARM_COLORS.get(method, OTHER_COLOR)
