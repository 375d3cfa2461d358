"""Refactors change no result: weights of a set of fits per style equal the
ones recorded before the architecture refactor (see ``_reference_configs``).

Recorded and checked bitwise on the development machine; the test allows
1e-12 relative so that a CI machine whose BLAS picks another kernel (another
summation order in the matrix products) does not fail on the last bit.
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
    np.testing.assert_allclose(current[name], recorded, rtol=1e-12, atol=1e-300)
    # Exact zeros (the L1 styles' point) stay exactly where they were.
    np.testing.assert_array_equal(current[name] == 0, recorded == 0)
