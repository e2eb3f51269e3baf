"""The replication of the paper: does GAN-CNN beat the CNN as the paper reports?

* ``aggregate`` — from run records to per-seed scores, per-size summaries, the GAN−CNN tests by
  each unit, per-image comparisons and the size gains;
* ``rules`` — the fixed rules that give a claim its verdict, and their constants;
* ``claims`` — each claim of the paper with the paper's number, ours and its verdict;
* ``tables`` — the results chapter's tables: the slides' table with ours, the tests by unit, the
  literature, every run;
* ``headline`` — the paper's table with ours and the verdicts, as the README's block;
* ``compute`` — the runs, hours and devices a set of records used;
* ``generalisation`` — GAN−CNN on another dataset's test images;
* ``maps`` — the two methods' probability maps of one test image, from a pair of trained nets;
* ``plots`` — the figures of data, patches, training and results;
* ``deviations`` — the table of every way the replication differs from the paper.
"""
