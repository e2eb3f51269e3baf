"""ganseg_lib — the library behind the ganseg replication book.

Lahiri, Ayush, Biswas & Mitra, *Generative Adversarial Learning for Reducing Manual Annotation in
Semantic Segmentation on Large Scale Microscopy Images* (CVPR Workshops 2017).

One folder per stage of the paper, one idea per module:

* ``paper`` — the slides' constants and numbers; ``deviations`` — where we differ, declared on
  the line that differs; ``errors`` — the library's two errors;
* ``data/`` — DRIVE, the synthetic phantom, a user's own image, the data-source choice, green
  channel + CLAHE preprocessing, skeleton/dilation patch sampling;
* ``model/`` — generator, DC net, L_c / L_adv / L_G, exact whole-image (dense) inference;
* ``train/`` — the configuration and profiles, one training step, the loop, checkpoints, the
  run folder;
* ``evaluate/`` — test-set metrics, the run record, evaluating a run;
* ``experiment/`` — the resolved setup of an entry point, the grid of runs;
* ``analysis/`` — statistics, the paper's claims and their verdicts, tables, figures;
* ``book``, ``cli`` — the book builder (needs a checkout) and the ``ganseg`` command.
"""

__version__ = "0.1.0"
