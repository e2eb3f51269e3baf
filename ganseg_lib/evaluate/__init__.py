"""Stage 4: test-set metrics of one trained run and its run record."""
