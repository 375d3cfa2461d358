"""Refactors change no result: weights of a set of fits per style equal the
ones recorded before the architecture refactor (see ``_reference_configs``).

Recorded and checked bitwise on the development machine; the test allows
1e-12 relative to the largest weight of the fit, so that a CI machine whose
BLAS or numpy picks other kernels for its CPU (another summation order in
the matrix products, another vectorised exp or log) does not fail on the
last bits.  Relative to the fit's scale, not to each weight: a weight near
zero is a sum of larger terms, whose last bits are larger than its own (on
a 2-core Zen 5, where the recording was made on a Zen 1, 5 of the 18 fits
differ in some last bits, with every build of the compiled loops and on the
numpy path; one L-BFGS weight of 9.4e-4 moved by 9.2e-15, 9.7e-12 of
itself).
"""

from pathlib import Path

import numpy as np
import pytest

from tests._reference_configs import fitted_weights

REFERENCE = Path(__file__).parent / "data" / "reference_weights.npz"


@pytest.fixture(scope="module")
def current():
    return fitted_weights()


def test_every_recorded_configuration_is_still_fitted(current):
    recorded = np.load(REFERENCE)
    assert set(recorded.files) == set(current)


@pytest.mark.parametrize("name", sorted(np.load(REFERENCE).files))
def test_weights_equal_the_recorded_ones(current, name):
    recorded = np.load(REFERENCE)[name]
    scale = float(np.max(np.abs(recorded)))
    np.testing.assert_allclose(current[name], recorded, rtol=0, atol=1e-12 * scale)
    # Exact zeros (the L1 styles' point) stay exactly where they were.
    np.testing.assert_array_equal(current[name] == 0, recorded == 0)
