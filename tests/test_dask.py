"""Grid search on a dask.distributed cluster equals the sequential search.

Every test here runs on a real ``distributed.LocalCluster`` started by the
``cluster`` fixture on 127.0.0.1 (2 worker processes, 1 thread each, random
ports, no dashboard) and closed after the module, also after a failure.
"""

import json
import logging
import socket
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV

from sklearn_nnreg import RegularizedMLPClassifier, style_param_grid
from sklearn_nnreg._cli import main

distributed = pytest.importorskip(
    "distributed",
    reason='dask.distributed is not installed: pip install "sklearn_nnreg[dask]"',
)
joblib = pytest.importorskip("joblib")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N_WORKERS = 2
SMALL = [
    "--cv",
    "2",
    "--max-iter",
    "5",
    "--hidden",
    "4",
    "--alphas",
    "1e-3,1e-1",
    "--dataset",
    "iris",
    "--styles",
    "gradient,proximal",
    "--learning-rate-init",
    "0.1",
]
SUBPROCESS_TIMEOUT = 180


@pytest.fixture(scope="module")
def cluster():
    with (
        distributed.LocalCluster(
            n_workers=N_WORKERS,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster, timeout=60) as client,
    ):
        client.wait_for_workers(N_WORKERS, timeout=60)
        yield cluster, client


def _nnreg(*args):
    return subprocess.run(
        [sys.executable, "-m", "sklearn_nnreg", *args],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
    )


def _fit_and_score_tasks(dask_scheduler):
    """Tasks of the searches' fits the scheduler has seen finish (run on it).

    GridSearchCV's (``--search grid``) and the path's (the default).
    """
    return sum(
        prefix.state_counts.get("memory", 0) + prefix.state_counts.get("forgotten", 0)
        for name, prefix in dask_scheduler.task_prefixes.items()
        if "fit_and_score" in name or "score_path" in name
    )


def _assert_same_cv_results(got, want):
    assert got.keys() == want.keys()
    for key in want:
        if "time" in key:
            continue
        if key == "params":
            assert got[key] == want[key]
        elif key.startswith("param_"):
            assert list(got[key]) == list(want[key]), key
            assert np.array_equal(
                np.ma.getmaskarray(got[key]), np.ma.getmaskarray(want[key])
            ), key
        else:
            a, b = np.asarray(got[key]), np.asarray(want[key])
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), key


def test_grid_search_on_dask_equals_sequential(cluster):
    _, client = cluster
    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16.0, y[:300]
    grid = style_param_grid(
        [1e-4, 1e-2], penalty="l1", learning_rate_init=0.05, momentum=0.9
    )
    assert len(grid) == 4  # gradient, decoupled, proximal, cumulative
    est = RegularizedMLPClassifier(
        hidden_layer_sizes=(16,), solver="sgd", max_iter=15, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sequential = GridSearchCV(est, grid, cv=3).fit(X, y)
        with (
            distributed.get_task_stream(client=client) as stream,
            joblib.parallel_config(backend="dask"),
        ):
            on_dask = GridSearchCV(est, grid, cv=3, n_jobs=-1).fit(X, y)
    _assert_same_cv_results(on_dask.cv_results_, sequential.cv_results_)
    assert on_dask.best_params_ == sequential.best_params_
    # the scores are not all equal, so equality above is not trivial
    assert len(set(sequential.cv_results_["mean_test_score"])) > 2
    # and the fits did run on the workers
    fits = [t for t in stream.data if "fit_and_score" in str(t["key"])]
    assert fits and {t["worker"] for t in fits} <= set(client.nthreads())


def test_the_cv_results_comparison_can_fail(cluster):
    X, y = load_digits(return_X_y=True)
    X, y = X[:200] / 16.0, y[:200]
    grid = {"alpha": [1e-4, 1e-2]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = GridSearchCV(
            RegularizedMLPClassifier(
                hidden_layer_sizes=(8,), max_iter=5, random_state=0
            ),
            grid,
            cv=2,
        ).fit(X, y)
        b = GridSearchCV(
            RegularizedMLPClassifier(
                hidden_layer_sizes=(8,), max_iter=5, random_state=1
            ),
            grid,
            cv=2,
        ).fit(X, y)
    with pytest.raises(AssertionError):
        _assert_same_cv_results(a.cv_results_, b.cv_results_)


def test_workers_run_one_blas_thread(cluster):
    _, client = cluster
    from threadpoolctl import threadpool_info

    infos = client.run(threadpool_info)
    assert len(infos) == N_WORKERS
    blas = [
        i["num_threads"]
        for info in infos.values()
        for i in info
        if i["user_api"] == "blas"
    ]
    assert blas and set(blas) == {1}


def test_cli_runs_on_the_given_scheduler(cluster, tmp_path):
    cluster_, client = cluster
    address = cluster_.scheduler_address
    before = client.run_on_scheduler(_fit_and_score_tasks)
    out = tmp_path / "dask.json"
    proc = _nnreg("compare", *SMALL, "--scheduler", address, "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    assert (
        f"ran on dask scheduler {address} with {N_WORKERS} workers "
        f"({N_WORKERS} threads, BLAS 1 thread per worker)" in proc.stdout
    )
    assert "Traceback" not in proc.stderr and "warning" not in proc.stderr
    # the fits ran there: the scheduler saw the path's tasks
    assert client.run_on_scheduler(_fit_and_score_tasks) > before
    rows = json.loads(out.read_text())["styles"]
    assert set(rows) == {"gradient", "proximal"}


def test_cli_local_dask_cluster_gives_the_local_results(tmp_path, capsys):
    here, there = tmp_path / "here.json", tmp_path / "there.json"
    assert main(["compare", *SMALL, "--json", str(here)]) == 0
    capsys.readouterr()
    start = time.perf_counter()
    proc = _nnreg("compare", *SMALL, "--dask-workers", "2", "--json", str(there))
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("ran on")]
    assert len(line) == 1
    assert line[0].startswith("ran on local dask cluster, scheduler tcp://127.0.0.1:")
    assert "with 2 workers (2 threads, BLAS 1 thread per worker)" in line[0]
    want = json.loads(here.read_text())["styles"]
    got = json.loads(there.read_text())["styles"]
    assert got.keys() == want.keys()
    for style in want:
        for key in want[style]:
            if key != "mean_fit_time":
                assert got[style][key] == want[style][key], (style, key)
    assert elapsed < SUBPROCESS_TIMEOUT


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_unreachable_scheduler_fails_fast_on_one_line():
    address = f"tcp://127.0.0.1:{_free_port()}"
    start = time.perf_counter()
    proc = _nnreg("compare", *SMALL, "--scheduler", address, "--dask-timeout", "2")
    elapsed = time.perf_counter() - start
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(
        f"nnreg: error: cannot reach the dask scheduler at {address} within 2 s"
    )
    assert elapsed < 60  # 2 s to connect, plus imports on a busy machine


def test_cli_scheduler_without_workers_is_an_error(capsys):
    with distributed.LocalCluster(
        n_workers=0,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    ) as empty:
        code = main(
            [
                "compare",
                *SMALL,
                "--scheduler",
                empty.scheduler_address,
                "--dask-timeout",
                "1",
            ]
        )
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "has 0 workers after 1 s" in err[0] and "dask worker" in err[0]
