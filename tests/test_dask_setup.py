"""``nnreg compare --scheduler / --dask-workers``: errors that need no cluster.

These run with or without the dask extra: a missing extra is simulated.
"""

import sys
from types import SimpleNamespace

import pytest
import sklearn

import sklearn_nnreg
from sklearn_nnreg._cli import main
from sklearn_nnreg._dask import DaskRun, DaskSetupError, dask_backend

SMALL = ["--dataset", "iris", "--cv", "2", "--max-iter", "2", "--hidden", "2"]


def _error_line(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("nnreg: error: ")
    return err[0]


@pytest.mark.parametrize(
    "where", [["--dask-workers", "2"], ["--scheduler", "tcp://127.0.0.1:8786"]]
)
def test_missing_extra_is_one_line_with_the_install_command(capsys, monkeypatch, where):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails
    line = _error_line(capsys, ["compare", *SMALL, *where])
    assert "dask.distributed is not installed" in line
    assert line.endswith('pip install "sklearn_nnreg[dask]"')


def test_missing_extra_in_the_helper(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(DaskSetupError, match=r"sklearn_nnreg\[dask\]"):
        with dask_backend(n_workers=1):
            pass


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["--scheduler", "tcp://127.0.0.1:1", "--dask-workers", "2"],
            "not allowed with argument",
        ),
        (["--dask-workers", "0"], "expected a positive integer"),
        (["--dask-workers", "2", "--dask-timeout", "0"], "expected a positive number"),
        (["--dask-workers", "2", "--n-jobs", "1"], "--n-jobs 1 would run every fit"),
    ],
)
def test_bad_dask_arguments_are_one_line(capsys, argv, message):
    assert message in _error_line(capsys, ["compare", *SMALL, *argv])


def test_helper_needs_exactly_one_place():
    with pytest.raises(ValueError, match="exactly one"):
        with dask_backend():
            pass
    with pytest.raises(ValueError, match="exactly one"):
        with dask_backend("tcp://127.0.0.1:1", 2):
            pass


def _fake_client(nthreads):
    return SimpleNamespace(
        scheduler=SimpleNamespace(address="tcp://10.0.0.5:8786"),
        nthreads=lambda: dict(nthreads),
    )


def _report(**changes):
    report = {
        "sklearn_nnreg": sklearn_nnreg.__version__,
        "scikit-learn": sklearn.__version__,
        "blas_threads": 1,
    }
    return {**report, **changes}


def test_summary_names_scheduler_workers_and_threads():
    run = DaskRun(
        _fake_client({"w1": 1, "w2": 1, "w3": 1}),
        local=False,
        reports={w: _report() for w in ("w1", "w2", "w3")},
    )
    assert run.notes == []
    assert run.summary() == (
        "ran on dask scheduler tcp://10.0.0.5:8786 with 3 "
        "workers (3 threads, BLAS 1 thread per worker)"
    )
    local = DaskRun(_fake_client({"w1": 1}), local=True, reports={"w1": _report()})
    assert local.summary().startswith("ran on local dask cluster, scheduler tcp://")
    assert "with 1 worker (1 thread," in local.summary()


def test_notes_warn_of_version_mismatch_and_oversubscription():
    run = DaskRun(
        _fake_client({"w1": 4, "w2": 1}),
        local=False,
        reports={"w1": _report(blas_threads=8), "w2": _report(sklearn_nnreg="0.0.1")},
    )
    assert len(run.notes) == 2
    assert "workers run sklearn_nnreg 0.0.1 but this machine" in run.notes[0]
    assert "w1 runs 4 task threads, each with 8 BLAS threads" in run.notes[1]
    assert "BLAS 1/8 threads per worker" in run.summary()
