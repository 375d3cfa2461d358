"""A grid search run through ``_dask.dask_backend`` survives a lost worker.

The search runs on a local cluster of 2 single-threaded worker processes
started by the helper; once the first fit has finished, the worker process
holding the most data is killed (SIGKILL, as the kernel's OOM killer or a
lost machine would).  The search must still complete, on the remaining
worker, with the test scores of the sequential search.
"""

import os
import signal
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV

from sklearn_nnreg import RegularizedMLPClassifier
from sklearn_nnreg._dask import dask_backend

pytest.importorskip(
    "distributed",
    reason='dask.distributed is not installed: pip install "sklearn_nnreg[dask]"',
)

pytestmark = [
    pytest.mark.slow,  # a cluster start, a worker restart and 36 fits: ~10 s
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]

SEARCH_TIMEOUT = 240  # seconds; a search that lost its data may hang instead
GRID = {"alpha": [1e-5, 1e-4, 1e-3, 1e-2], "learning_rate_init": [0.01, 0.05, 0.1]}
CV = 3


def _finished_fits(dask_scheduler):
    """How many GridSearchCV fit tasks the scheduler has seen finish."""
    return sum(
        prefix.state_counts.get("memory", 0) + prefix.state_counts.get("forgotten", 0)
        for name, prefix in dask_scheduler.task_prefixes.items()
        if "fit_and_score" in name
    )


def _worker_with_most_data(dask_scheduler):
    """The worker whose loss hurts most: most keys in memory, then most tasks."""
    worker = max(
        dask_scheduler.workers.values(),
        key=lambda ws: (len(ws.has_what), len(ws.processing)),
    )
    return worker.address, len(worker.has_what)


def _kill_after_first_fit(client, killed, stop):
    pids = client.run(os.getpid)
    while client.run_on_scheduler(_finished_fits) < 1:
        if stop.wait(0.02):
            return
    address, n_keys = client.run_on_scheduler(_worker_with_most_data)
    killed.update(
        pid=pids[address],
        keys=n_keys,
        fits_done=client.run_on_scheduler(_finished_fits),
    )
    os.kill(pids[address], signal.SIGKILL)


def _search():
    est = RegularizedMLPClassifier(
        hidden_layer_sizes=(8,), solver="sgd", max_iter=10, random_state=0
    )
    return GridSearchCV(est, GRID, cv=CV)


def _search_on_dask_killing_a_worker(X, y, killed):
    """The search through the helper while another thread kills a worker.

    (Run in a thread of its own by the test, for a time limit: joblib's
    backend configuration is per thread, so the helper is entered here.)
    """
    stop = threading.Event()
    with dask_backend(n_workers=2, timeout=60) as run:
        killer = threading.Thread(
            target=_kill_after_first_fit, args=(run.client, killed, stop), daemon=True
        )
        killer.start()
        try:
            search = _search().set_params(n_jobs=-1).fit(X, y)
        finally:
            stop.set()
            killer.join(30)
        return search, set(run.client.run(os.getpid).values())


def test_grid_search_survives_a_killed_worker():
    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16.0, y[:300]
    n_fits = len(GRID["alpha"]) * len(GRID["learning_rate_init"]) * CV
    killed = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sequential = _search().fit(X, y)
        with ThreadPoolExecutor(1) as pool:
            running = pool.submit(_search_on_dask_killing_a_worker, X, y, killed)
            on_dask, survivors = running.result(timeout=SEARCH_TIMEOUT)
    # a worker was killed, and before the search was over
    assert killed, "the search ended before the first fit was seen: kill nothing"
    assert killed["fits_done"] < n_fits
    assert killed["pid"] not in survivors
    for key, want in sequential.cv_results_.items():
        if "test_score" in key:
            assert np.array_equal(on_dask.cv_results_[key], want), key
    assert on_dask.best_params_ == sequential.best_params_
    # the scores differ between candidates, so equality above is not trivial
    assert len(set(sequential.cv_results_["mean_test_score"])) > 2
