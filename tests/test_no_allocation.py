"""No training step allocates an array: every buffer is made once per fit.

tracemalloc sees numpy's allocations, so the peak of traced memory during one
step, above what was allocated before it, shows any temporary array.  What
remains is small: Python objects, and the internal buffers numpy's ufuncs use
when they broadcast, which numpy bounds at 8192 elements (64 KB) per operand.
With the compiled loops only the output layer's softmax broadcasts (a few KB
for 3 classes); on the numpy path the intercepts added in place to a hidden
layer take two such buffers.  The network here is large enough that any
temporary shaped like the parameters (1.1 MB) or a hidden layer (256 KB) is
larger than that.
"""

import tracemalloc

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sklearn_nnreg import RegularizedMLPClassifier, _kernels
from sklearn_nnreg._trainer import StochasticTrainer

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)

# Below any array of the fit: a hidden layer is 128 x 256 x 8 B = 256 KB.
SMALL = 16 * 1024
NUMPY_BUFFERS = 2 * 8192 * 8  # numpy's ufunc buffers of an in-place broadcast

CASES = {
    "adam gradient l2": dict(solver="adam", penalty="l2"),
    "adam gradient l1": dict(solver="adam", penalty="l1"),
    "sgd decoupled elasticnet": dict(
        solver="sgd", penalty="elasticnet", penalty_style="decoupled"
    ),
    "sgd multiplicative": dict(
        solver="sgd", penalty="l2", penalty_style="multiplicative", alpha=0.999
    ),
    "adam proximal elasticnet": dict(
        solver="adam", penalty="elasticnet", penalty_style="proximal"
    ),
    "sgd proximal l1": dict(solver="sgd", penalty="l1", penalty_style="proximal"),
    "adam cumulative elasticnet": dict(
        solver="adam", penalty="elasticnet", penalty_style="cumulative"
    ),
    "sgd nesterov cumulative l1": dict(
        solver="sgd", penalty="l1", penalty_style="cumulative"
    ),
    "adam proximal group lasso": dict(
        solver="adam", penalty="group_lasso", penalty_style="proximal"
    ),
    "sgd proximal sparse group lasso": dict(
        solver="sgd", penalty="sparse_group_lasso", penalty_style="proximal"
    ),
    "adam gradient group lasso": dict(solver="adam", penalty="group_lasso"),
    "sgd decoupled sparse group lasso": dict(
        solver="sgd", penalty="sparse_group_lasso", penalty_style="decoupled"
    ),
    "adam tanh squared error": dict(
        solver="adam", activation="tanh", loss="squared_error"
    ),
}


def step_peaks(monkeypatch, params, X, y, dtype=np.float64):
    """Peak traced memory of each step above the memory at its start."""
    peaks = []
    step = StochasticTrainer._step

    def measured(self, *args):
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        loss = step(self, *args)
        peaks.append(tracemalloc.get_traced_memory()[1] - start)
        return loss

    monkeypatch.setattr(StochasticTrainer, "_step", measured)
    est = RegularizedMLPClassifier(
        hidden_layer_sizes=(512, 256),
        batch_size=128,
        max_iter=2,
        random_state=0,
        alpha=params.pop("alpha", 1e-3),
        **params,
    )
    tracemalloc.start()
    try:
        est.fit(X.astype(dtype), y)
    finally:
        tracemalloc.stop()
    return est, peaks


@pytest.fixture(scope="module")
def data():
    return make_classification(512, 20, n_informative=8, n_classes=3, random_state=0)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "numpy"])
@pytest.mark.parametrize("name", list(CASES))
def test_no_step_allocates_an_array(monkeypatch, data, name, compiled):
    if compiled and not _kernels.compiled_available():
        pytest.skip("the optional compiled loops were not built")
    with _kernels.use_compiled(compiled):
        est, peaks = step_peaks(monkeypatch, dict(CASES[name]), *data)
    n_params = sum(a.size for a in est.coefs_ + est.intercepts_)
    layer = 128 * 256 * 8  # the smaller hidden layer of a batch, in bytes
    limit = SMALL if compiled else NUMPY_BUFFERS + SMALL
    assert min(n_params * 8, layer) > limit  # such a temporary would show
    assert len(peaks) == 8  # 2 epochs of 4 batches
    # The first step makes the buffers of its batch size; none after it.
    assert max(peaks[1:]) < limit, peaks


def test_the_measure_sees_an_allocating_step(monkeypatch, data):
    """The check above can fail: a step that allocates one array is seen."""
    original = StochasticTrainer._step

    def allocating(self, flat, *args):
        waste = flat * 2.0  # one parameter-sized temporary
        del waste
        return original(self, flat, *args)

    monkeypatch.setattr(StochasticTrainer, "_step", allocating)
    _, peaks = step_peaks(monkeypatch, dict(CASES["adam gradient l2"]), *data)
    assert min(peaks[1:]) >= NUMPY_BUFFERS + SMALL


@pytest.mark.parametrize("name", ["adam gradient l2", "adam cumulative elasticnet"])
def test_float32_steps_do_not_allocate_either(monkeypatch, data, name):
    # Where a float64 scalar (Adam's bias-corrected rate) meets float32
    # arrays numpy computes in float64 through its 64 KB buffers: the check
    # here sees temporaries of the parameters (570 KB) or of the first
    # hidden layer (256 KB).  The cumulative style's state is float32 too
    # (its debts, in the weights' dtype).
    est, peaks = step_peaks(monkeypatch, dict(CASES[name]), *data, dtype=np.float32)
    assert est.coefs_[0].dtype == np.float32
    limit = NUMPY_BUFFERS + SMALL
    assert 128 * 512 * 4 > limit  # a float32 first hidden layer would show
    assert max(peaks[1:]) < limit, peaks


@pytest.mark.parametrize(
    "name",
    ["adam gradient l2", "adam proximal elasticnet", "adam cumulative elasticnet"],
)
def test_compiled_float32_steps_make_no_temporaries(monkeypatch, data, name):
    """float32 end to end on the compiled loops: no float64 pass through
    numpy's buffers either (Adam's float64 rate is applied inside the loop,
    the step size, the styles' work and the cumulative style's debts are
    float32), so the compiled bound holds."""
    if not _kernels.compiled_available():
        pytest.skip("the optional compiled loops were not built")
    with _kernels.use_compiled(True):
        est, peaks = step_peaks(monkeypatch, dict(CASES[name]), *data, dtype=np.float32)
    assert est.coefs_[0].dtype == np.float32
    assert 128 * 256 * 4 > SMALL  # a float32 hidden layer would show
    assert max(peaks[1:]) < SMALL, peaks
