"""pytest configuration shared by the doctests and the tests.

matplotlib is optional (the ``plot`` extra): without it, the doctests of
the ``sklearn_nnreg/plot/`` package are skipped with a reason instead of
failing, and ``tests/test_plot.py`` skips itself.  With it, everything
draws on the non-interactive Agg backend and figures are closed after each
test.
"""

import importlib.util

import pytest

HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None

if HAS_MATPLOTLIB:
    import matplotlib

    matplotlib.use("Agg")

# Every module of the plot package, whose doctests draw.
_PLOT_PACKAGE = "sklearn_nnreg/plot/"


def pytest_collection_modifyitems(config, items):
    if HAS_MATPLOTLIB:
        return
    skip = pytest.mark.skip(
        reason='matplotlib is not installed: pip install "sklearn_nnreg[plot]"'
    )
    for item in items:
        if item.nodeid.startswith(_PLOT_PACKAGE):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    if HAS_MATPLOTLIB:
        import matplotlib.pyplot as plt

        plt.close("all")


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    """The test networks are tiny: BLAS threads only add contention on a
    shared 2-core machine (up to 13x slower estimator checks under load)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
