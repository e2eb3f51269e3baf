"""Stage 5: the grid of runs (methods × labelled-patch counts × seeds)."""
