"""Stage 2: the generator, the K+1-way DC net, the losses, and whole-image (dense) inference."""
