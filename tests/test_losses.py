"""L_c, L_adv and L_G against values computed by hand, for huge logits, and their gradients."""

from __future__ import annotations

import math

import pytest
import torch

from ganseg_lib.model.losses import (
    loss_adversarial,
    loss_classification,
    loss_generator,
    loss_generator_saturating,
)

LOGITS = [[2.0, 1.0, 5.0], [0.0, 3.0, -1.0], [-0.5, 0.25, 0.0]]


def log_softmax_row(row: list[float], i: int) -> float:
    return row[i] - math.log(sum(math.exp(v) for v in row))


def test_classification_loss_by_hand():
    labels = [0, 1, 1]  # vessel, background, background
    expected = -sum(log_softmax_row(r[:2], y) for r, y in zip(LOGITS, labels)) / 3
    logits = torch.tensor(LOGITS, dtype=torch.float64)
    got3 = loss_classification(logits, torch.tensor(labels))
    got2 = loss_classification(logits[:, :2], torch.tensor(labels))
    assert got3.item() == pytest.approx(expected, rel=1e-12)
    assert got2.item() == pytest.approx(expected, rel=1e-12)  # the fake logit plays no part


def test_classification_loss_of_one_example():
    # −log(e² / (e² + e¹)) = log(1 + e^{−1})
    got = loss_classification(torch.tensor([[2.0, 1.0, 7.0]]), torch.tensor([0]))
    assert got.item() == pytest.approx(math.log1p(math.exp(-1)), rel=1e-6)


def test_adversarial_loss_by_hand():
    expected = -sum(log_softmax_row(r, 2) for r in LOGITS) / 3
    got = loss_adversarial(torch.tensor(LOGITS, dtype=torch.float64))
    assert got.item() == pytest.approx(expected, rel=1e-12)


def test_generator_loss_by_hand():
    def log_not_fake(row):
        p_fake = math.exp(log_softmax_row(row, 2))
        return math.log(1 - p_fake)

    expected = -sum(log_not_fake(r) for r in LOGITS) / 3
    got = loss_generator(torch.tensor(LOGITS, dtype=torch.float64))
    assert got.item() == pytest.approx(expected, rel=1e-12)


def test_saturating_form_is_minus_adversarial_loss():
    logits = torch.tensor(LOGITS, dtype=torch.float64)
    expected = sum(log_softmax_row(r, 2) for r in LOGITS) / 3
    assert loss_generator_saturating(logits).item() == pytest.approx(expected, rel=1e-12)
    assert loss_generator_saturating(logits).item() == pytest.approx(-loss_adversarial(logits))


def test_losses_are_finite_and_exact_for_huge_logits():
    big = torch.tensor([[0.0, 0.0, 1e4]])  # the DC net is sure the fake is fake
    # log(1 − p_fake) = logsumexp(0, 0) − logsumexp(0, 0, 1e4) = log 2 − 1e4
    assert loss_generator(big).item() == pytest.approx(1e4 - math.log(2), rel=1e-6)
    assert loss_adversarial(big).item() == pytest.approx(0.0, abs=1e-6)
    assert loss_generator_saturating(big).item() == pytest.approx(0.0, abs=1e-6)
    wrong = torch.tensor([[1e4, -1e4, -1e4]])
    assert loss_classification(wrong, torch.tensor([1])).item() == pytest.approx(2e4, rel=1e-6)
    assert loss_adversarial(wrong).item() == pytest.approx(2e4, rel=1e-6)
    assert loss_generator(wrong).item() == pytest.approx(0.0, abs=1e-6)
    for logits in (big, wrong, -big, torch.full((2, 3), 1e4)):
        for loss in (loss_adversarial, loss_generator, loss_generator_saturating):
            assert torch.isfinite(loss(logits))
        assert torch.isfinite(loss_classification(logits, torch.tensor([0] * len(logits))))


@pytest.mark.parametrize(
    "loss",
    [
        lambda x: loss_classification(x, torch.tensor([0, 1, 1, 0])),
        loss_adversarial,
        loss_generator,
        loss_generator_saturating,
    ],
)
def test_gradients_match_finite_differences(loss):
    torch.manual_seed(0)
    logits = (3 * torch.randn(4, 3, dtype=torch.float64)).requires_grad_()
    assert torch.autograd.gradcheck(loss, (logits,))


def test_adversarial_gradient_is_softmax_minus_onehot():
    logits = torch.tensor(LOGITS, dtype=torch.float64, requires_grad=True)
    loss_adversarial(logits).backward()
    expected = torch.softmax(logits.detach(), 1) - torch.tensor([0.0, 0.0, 1.0])
    torch.testing.assert_close(logits.grad, expected / 3)


def test_saturating_form_has_vanishing_gradient_when_fakes_are_rejected():
    """Seed slide: 'in the early phase of training, magnitudes of gradients ... are small'."""
    confident = torch.tensor([[0.0, 0.0, 10.0]], dtype=torch.float64)
    grads = {}
    for name, loss in (("sat", loss_generator_saturating), ("nonsat", loss_generator)):
        logits = confident.clone().requires_grad_()
        loss(logits).backward()
        grads[name] = logits.grad.norm().item()
    assert grads["sat"] < 1e-3
    assert grads["nonsat"] > 1.0
    # the non-saturating gradient points G towards the real classes
    logits = confident.clone().requires_grad_()
    loss_generator(logits).backward()
    assert logits.grad[0, 2] > 0 and logits.grad[0, 0] < 0


def test_fake_class_losses_need_three_outputs():
    with pytest.raises(ValueError):
        loss_adversarial(torch.zeros(2, 2))
    with pytest.raises(ValueError):
        loss_generator(torch.zeros(2, 2))
    with pytest.raises(ValueError):
        loss_classification(torch.zeros(2, 3), torch.zeros(3, dtype=torch.long))
