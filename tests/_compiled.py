"""What the tests of the compiled loops' bound steps share.

``REQUIRES_COMPILED``: a module's ``pytestmark`` when its tests need the
optional extension (skipped where it was not built).
``unsuitable_arrays``: arrays the compiled loops do not take (``make(a)``
turns a float64 vector into one), which a bind must decline.
``assert_same_bits``: equal values, NaN where NaN, the same sign on every
zero and NaN; ``assert_same_fit``: two fitted estimators with those bits in
every weight and the same loss curve.
"""

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sklearn_nnreg import _kernels

REQUIRES_COMPILED = [
    pytest.mark.filterwarnings("ignore", category=ConvergenceWarning),
    pytest.mark.skipif(
        not _kernels.compiled_available(),
        reason="the optional extension sklearn_nnreg._ckernels was not built",
    ),
]

unsuitable_arrays = pytest.mark.parametrize(
    "make",
    [
        lambda a: a.astype(np.int64),
        lambda a: a.astype(">f8"),
        lambda a: np.repeat(a, 2)[::2],
        lambda a: a.reshape(-1, 1),
        lambda a: a.astype(np.float32),
    ],
    ids=["int64", "big-endian", "strided", "2-d", "mixed dtypes"],
)


def assert_same_bits(a, b):
    """Equal values, NaN where NaN, and the same sign on every zero and NaN."""
    assert a.dtype == b.dtype
    np.testing.assert_array_equal(a, b)  # NaN == NaN here
    assert np.array_equal(np.signbit(a), np.signbit(b))


def assert_same_fit(ours, reference):
    """Every coefficient and intercept with the same bits, the same loss curve."""
    for got, want in zip(
        ours.coefs_ + ours.intercepts_,
        reference.coefs_ + reference.intercepts_,
        strict=True,
    ):
        assert_same_bits(got, want)
    assert ours.loss_curve_ == reference.loss_curve_
