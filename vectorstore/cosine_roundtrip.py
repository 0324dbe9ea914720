"""Write vectors into a Chroma cosine collection so that they read back bit for bit.

Why this exists: a Chroma cosine collection does not hand back the vector it was given. Its HNSW
index (chromadb 1.5, embedded and `chroma run` alike; the HTTP transport, JSON or base64, is
exact) keeps the unit vector u = x * (1/n) and n, and `get` returns u * n, all in float32, where
n is the square root of the left-to-right float32 sum of x's squares. That is x to within an ulp
per component, not x: for about one all-MiniLM-L6-v2 vector in nine some components move by one
ulp, and the round trip is not idempotent (writing the read-back vector y gives back y only for
most vectors). So an export, which reads y, followed by an import, which wrote y, stored neither
x nor y, and a moved store's vectors differed from the original in the last bit.

`stored_form` is that round trip, computed here exactly (tests/test_transfer_vectors.py checks it
against Chroma itself). `preimages` finds for each y an x' with stored_form(x') == y: x' is y
nudged by an ulp or two per component so that, with its own norm n', (x' * (1/n')) * n' lands on
y. Any y that Chroma produced has such an x' (the original vector is one), and for unit vectors
the search below finds one. A vector it cannot match is written as it is (off by an ulp at most).
"""

from __future__ import annotations

import numpy as np

_F32 = np.float32
_NUDGES = np.arange(-3, 4)  # candidate offsets per component, in ulps (int32 steps of the bit pattern)
_NORM_STEPS = (0, -1, 1, -2, 2, -3, 3)  # candidate norms n', in ulps from y's own norm
_MAX_ADJUST = 64  # single-ulp moves spent steering x' to the chosen norm


def _norms(x: np.ndarray) -> np.ndarray:
    """Chroma's norm of each row: sqrt of the sequential float32 sum of squares (accumulate is
    strictly left to right, unlike np.sum's pairwise sum)."""
    squares = x * x
    return np.sqrt(np.add.accumulate(squares, axis=1, dtype=_F32)[:, -1])


def stored_form(x: np.ndarray) -> np.ndarray:
    """What a Chroma cosine collection reads back after `x` (rows of float32) is written."""
    x = np.asarray(x, dtype=_F32)
    n = _norms(x)[:, None]
    return (x * (_F32(1) / n)) * n


def _bits(a: np.ndarray) -> np.ndarray:
    return a.view(np.int32)


def _preimage_row(y: np.ndarray) -> np.ndarray | None:
    """An x' with stored_form(x') == y for one row, or None."""
    ybits = _bits(y).astype(np.int64)
    # Offsets in the bit pattern move away from zero for +k and towards it for -k, whatever the
    # sign; candidates that would cross zero or leave the finite range are dropped.
    cand_bits = ybits[None, :] + _NUDGES[:, None]
    same_sign = (cand_bits >> 31) == (ybits[None, :] >> 31)
    cand = cand_bits.astype(np.int32).view(_F32)
    usable = same_sign & np.isfinite(cand)
    by_size = np.argsort(np.abs(_NUDGES), kind="stable")  # prefer the smallest nudge
    own_norm = _bits(_norms(y[None])).astype(np.int64)[0]
    for step in _NORM_STEPS:
        n = np.array([own_norm + step], dtype=np.int64).astype(np.int32).view(_F32)[0]
        valid = usable & (_bits((cand * (_F32(1) / n)) * n) == _bits(y)[None, :])
        if not valid.any(axis=0).all():
            continue
        pick = _NUDGES[by_size][np.argmax(valid[by_size], axis=0)]  # first valid offset of each component
        largest_first = np.argsort(-np.abs(y), kind="stable")
        for _ in range(_MAX_ADJUST):
            x = (ybits + pick).astype(np.int32).view(_F32)
            got = _norms(x[None])[0]
            if got == n:
                return x
            move = -1 if got > n else 1  # shrink or grow one component's magnitude by an ulp
            for i in largest_first:
                j = pick[i] + move - _NUDGES[0]
                if 0 <= j < len(_NUDGES) and valid[j, i]:
                    pick[i] += move
                    break
            else:
                break
    return None


def preimages(y: np.ndarray) -> tuple[np.ndarray, int]:
    """Vectors to write so that a cosine collection reads back exactly `y` (rows of float32),
    and how many rows could not be matched (those are returned as given)."""
    y = np.ascontiguousarray(y, dtype=_F32)
    out = y.copy()
    unmatched = 0
    for row in np.nonzero((_bits(stored_form(y)) != _bits(y)).any(axis=1))[0]:
        found = _preimage_row(y[row])
        if found is None:
            unmatched += 1
        else:
            out[row] = found
    return out, unmatched
