"""Stage 5: the grid of runs (methods × labelled-patch counts × seeds), the studies' plans and
their registration, and the generator check's short runs (``generator_suspects``: the runner;
``suspect_list``: what each suspect changes; ``generator_surgery``: the changes to a built G).
"""
