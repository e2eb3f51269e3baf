"""Stage 3: the training configuration and profiles, the training loop, checkpoints."""
