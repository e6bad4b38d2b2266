"""Character normalisation shared by indexing, querying and highlighting.

It is length-preserving (one character in, one character out) so that character
offsets found in the normalised text are valid in the original text: highlights are
placed on the stored text without re-mapping.
"""

from __future__ import annotations

_FULLWIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH_TABLE[0x3000] = 0x20  # ideographic space


def normalize(text: str) -> str:
    """Full-width ASCII -> half-width, lower case; same length as the input."""
    out = text.translate(_FULLWIDTH_TABLE)
    lowered = out.lower()
    if len(lowered) != len(out):  # a few characters (e.g. 'İ') lower to two code points
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in out)
    return lowered
