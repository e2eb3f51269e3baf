"""The presentation layer, shared by the replication and the study; it imports neither.

* ``text`` — how numbers read in sentences and Markdown cells (AUCs, p-values, shares, CIs);
* ``display`` — tables and figures on a page, numbered with their captions;
* ``banner`` — which data, profile and records produced a page's numbers;
* ``colours`` — one colour per method and arm, one marker for the paper's numbers;
* ``layers`` — a network's layers as a table.
* ``samples`` — a generator's committed sample montages read back and shown as panels.
"""
