"""Helpers of ``scripts/bench`` (benchmark code only; the product never imports them).

* :mod:`benchlib.synth` — a deterministic synthetic archive built from the sample pages;
* :mod:`benchlib.queries` — the fixed query mix, chosen from what the generator wrote;
* :mod:`benchlib.measure` — subprocess builds with peak RSS, percentiles, HTTP timing;
* :mod:`benchlib.fts5_ref` — the SQLite FTS5 reference over the same articles and tokens.
"""
