"""ganseg_lib — the library behind the ganseg replication book.

Lahiri, Ayush, Biswas & Mitra, *Generative Adversarial Learning for Reducing Manual Annotation in
Semantic Segmentation on Large Scale Microscopy Images* (CVPR Workshops 2017).

Modules, in the order of the paper:

* ``records``, ``drive``, ``phantom``, ``datasets`` — the data (DRIVE, or the synthetic phantom);
* ``preprocessing``, ``patches`` — green channel, CLAHE, skeleton/dilation patch sampling;
* ``networks``, ``losses`` — generator, DC net, L_c, L_adv, L_G;
* ``training`` — the semi-supervised GAN and CNN trainers;
* ``dense``, ``evaluation``, ``results``, ``plots`` — whole-image prediction, AUC, Welch tests;
* ``cli`` — the ``ganseg`` command.
"""

__version__ = "0.1.0"
