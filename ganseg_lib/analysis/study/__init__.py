"""The studies beyond the paper: does adversarial learning reduce manual annotation here, and why?

* ``records`` — the study's records: its arms, a run's primary score, the (lr, β1) choice, an
  arm's runs and per-seed scores;
* ``tables`` — every arm at one size against the fair CNN, the price of the normalisation, the
  (lr, β1) choice;
* ``efficiency`` — mean test AUC against labelled patches, per arm and size;
* ``saving`` — the annotation-saving factor: how many CNN labels an arm's labels are worth;
* ``verdicts`` — the pre-registered hypotheses H1–H5 and their verdicts, Holm-adjusted;
* ``fewer_verdicts`` — the study "Fewer labels": its hypotheses L1–L5 and S3a–S5 and their
  verdicts, Holm-adjusted within each family;
* ``fewer_curve`` — "Fewer labels" as curves: every arm's AUC by size, the fair CNN's curve
  with the earlier study's anchors, and each arm's annotation-saving factor;
* ``progress`` — "Fewer labels" against its plan: records per arm and stage, every tuning run
  with its diagnostics, and its generator's last samples;
* ``paired`` — the registered paired tests beside the verdicts, and a CI for H2's share;
* ``game`` — the adversarial game in the run histories: whether its signal fades, and when;
* ``answer`` — the answer in words, from the verdicts; tier 2's differences;
* ``context`` — the sentences around the verdicts: scope, exclusions, descriptive comparisons;
* ``compute`` — runs planned and recorded, hours per run, the projected total;
* ``headline`` — the verdicts and the answer's first paragraph, as the README's block;
* ``plots`` — label efficiency, the adversarial signals, validation curves, generator samples.
"""
