"""Stage 6: from run records to verdicts, tables and figures — arranged by the question each part
answers.

Two questions, two rooms, and what both share:

* :mod:`~ganseg_lib.analysis.replication` — *does the paper replicate?* The paper's claims from
  the ``cpu`` records, the fixed rules that judge them, its tables and figures, the segmentation
  maps, the cross-dataset generalisation, the generator check of its GAN-CNN, the deviations
  from the paper and the README's headline.
* :mod:`~ganseg_lib.analysis.study` — *beyond the paper: does adversarial learning reduce manual
  annotation here, and why?* The study's records and arms, its pre-registered verdicts, the
  answer in words, the registered paired tests, its figures, its compute and its README block.
* :mod:`~ganseg_lib.analysis.stats` — the tests behind every verdict of both: Welch across seeds,
  paired by seed or test image, contrasts, TOST, power, Holm, t intervals, a ratio bootstrap.
* :mod:`~ganseg_lib.analysis.present` — how both are shown: numbers in sentences
  (``text``), tables and figures on a page with their captions (``display``), the provenance
  banner (``banner``), the colours every figure shares (``colours``), a network's layers
  (``layers``).
* :mod:`~ganseg_lib.analysis.answer_figure` — the first page's figure: both answers at a glance.

Imports run one way: ``present`` and ``stats`` import nothing of the rest, ``replication``
imports them, ``study`` imports those three (the replication's equivalence margin among them),
and ``answer_figure`` sits on top.
"""
