"""Run joblib work, such as ``GridSearchCV``, on a dask.distributed cluster.

Needs the ``[dask]`` extra (``pip install "sklearn_nnreg[dask]"``).  Nothing
here is needed to use dask from Python: a ``distributed.Client`` and
``joblib.parallel_config(backend="dask")`` around ``search.fit`` do it (see
the README).  This module is what ``nnreg compare --scheduler`` and
``--dask-workers`` use: it connects or starts a cluster, checks that the
workers can run the estimator, says where the work ran, and keeps a search
alive when a worker dies (see :func:`dask_backend`), which the plain
``backend="dask"`` does not.
"""

import functools
import logging
from contextlib import ExitStack, contextmanager

INSTALL_HINT = 'pip install "sklearn_nnreg[dask]"'

#: Loggers of dask.distributed that print warnings (dashboard, shutdown
#: noise, retries) which would break the command line's one-line errors.
_LOGGERS = ("distributed", "dask")


class DaskSetupError(RuntimeError):
    """The cluster cannot be used: missing extra, no scheduler, no workers.

    Its message is one line, fit for ``nnreg: error: ...``.
    """


def import_distributed():
    """Import ``distributed``, or raise :class:`DaskSetupError` saying what to install.

    Returns
    -------
    distributed : module
        The ``distributed`` package.
    """
    try:
        import dask  # noqa: F401
        import distributed
    except ImportError as exc:
        raise DaskSetupError(
            f"dask.distributed is not installed ({exc.name or exc}); "
            f"install the extra with: {INSTALL_HINT}"
        ) from None
    return distributed


def _worker_report():
    """What one worker runs: its versions and its BLAS thread count."""
    import sklearn
    import threadpoolctl

    from . import __version__

    blas = [
        info["num_threads"]
        for info in threadpoolctl.threadpool_info()
        if info.get("user_api") == "blas"
    ]
    return {
        "sklearn_nnreg": __version__,
        "scikit-learn": sklearn.__version__,
        "blas_threads": max(blas, default=1),
    }


def _local_report():
    report = _worker_report()
    report.pop("blas_threads")
    return report


def _first_line(exc):
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class DaskRun:
    """A connected client, and what can be said about where the work ran.

    Parameters
    ----------
    client : distributed.Client
        The connected client.
    local : bool
        Whether the cluster was started here (``--dask-workers``).
    reports : dict
        ``{worker address: _worker_report()}`` from every worker.
    """

    def __init__(self, client, local, reports):
        self.client = client
        self.local = local
        self.reports = reports
        self.address = client.scheduler.address
        self.notes = self._notes()

    def _notes(self):
        """Warnings for the user: version mismatches, oversubscribed BLAS."""
        notes = []
        here = _local_report()
        for name, version in here.items():
            seen = sorted({r[name] for r in self.reports.values()} - {version})
            if seen:
                notes.append(
                    f"workers run {name} {', '.join(seen)} but this machine "
                    f"{version}; results may differ from a local run"
                )
        nthreads = self.client.nthreads()
        for worker, report in self.reports.items():
            if report["blas_threads"] > 1 and nthreads.get(worker, 1) > 1:
                notes.append(
                    f"worker {worker} runs {nthreads[worker]} task threads, each "
                    f"with {report['blas_threads']} BLAS threads: oversubscribed; "
                    "start workers with a nanny (the default), which sets "
                    "OPENBLAS_NUM_THREADS=1, or with --nthreads 1"
                )
                break
        return notes

    def summary(self):
        """One line: the scheduler, its workers and their threads.

        Returns
        -------
        line : str
            E.g. ``ran on dask scheduler tcp://127.0.0.1:40321 with 2
            workers (2 threads, BLAS 1 thread per worker)``.
        """
        nthreads = self.client.nthreads()
        blas = sorted({r["blas_threads"] for r in self.reports.values()})
        blas_text = "/".join(str(b) for b in blas) or "?"
        where = "local dask cluster, scheduler" if self.local else "dask scheduler"
        return (
            f"ran on {where} {self.address} with "
            f"{_plural(len(nthreads), 'worker')} "
            f"({_plural(sum(nthreads.values()), 'thread')}, BLAS {blas_text} "
            f"thread{'s' if blas != [1] else ''} per worker)"
        )


@contextmanager
def _quiet_logs(level=logging.ERROR):
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    saved = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(level)
    try:
        yield
    finally:
        for lg, old in zip(loggers, saved, strict=True):
            lg.setLevel(old)


@contextmanager
def dask_backend(scheduler=None, n_workers=None, timeout=10.0, quiet=True):
    """Make joblib (and so ``GridSearchCV``) run on a dask cluster.

    Inside the ``with`` block joblib's dask backend is in force with the
    connected client and ``n_jobs=-1``, so an estimator with ``n_jobs=None``
    uses every worker thread.  The client, and a cluster started here, are
    closed on exit, also after an error.

    A search run here survives the loss of any one worker while another
    remains (its process killed, its machine gone): the scheduler runs the
    lost worker's fits again elsewhere, and the search completes with the
    ``cv_results_`` test scores of the sequential search (tested by killing
    a worker process mid-search).  For that the data are not scattered:
    joblib's dask backend would otherwise place every argument over 1 kB
    (``X``, ``y``, the fold indices) on a single worker, with no task able to
    recreate it, so that the death of that worker cancels the search
    (``FutureCancelledError: ... already forgotten``).  Here the data travel
    inside each batch of fits instead, a cost paid once per batch.  dask
    gives up on a fit (``KilledWorker``) once more workers than its
    ``distributed.scheduler.allowed-failures`` setting (3 by default) died
    while running it.

    Parameters
    ----------
    scheduler : str, default=None
        Address of a running scheduler, e.g. ``'tcp://10.0.0.5:8786'``.
    n_workers : int, default=None
        Start a local cluster of this many single-threaded worker processes
        on 127.0.0.1 instead (no dashboard, random ports).  Exactly one of
        ``scheduler`` and ``n_workers`` must be given.
    timeout : float, default=10.0
        Seconds to wait for the scheduler, and for its first worker.
    quiet : bool, default=True
        Raise dask's loggers to ERROR meanwhile, so that warnings about ports
        or shutdown do not clutter the output.

    Yields
    ------
    run : DaskRun
        The connected client (``run.client``) and ``run.summary()``, a
        line that says where the work ran (call it inside the block).

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn_nnreg import dask_backend
    >>> search = GridSearchCV(estimator, grid, cv=5)  # doctest: +SKIP
    >>> with dask_backend("tcp://scheduler-host:8786") as run:  # doctest: +SKIP
    ...     search.fit(X, y)
    ...     print(run.summary())

    Raises
    ------
    DaskSetupError
        When the extra is missing, the scheduler cannot be reached, it has
        no workers, or the workers cannot import sklearn_nnreg.
    """
    if (scheduler is None) == (n_workers is None):
        raise ValueError("give exactly one of scheduler and n_workers")
    distributed = import_distributed()
    import joblib

    with ExitStack() as stack:
        if quiet:
            stack.enter_context(_quiet_logs())
        if scheduler is None:
            cluster = stack.enter_context(_local_cluster(distributed, n_workers, quiet))
            scheduler = cluster.scheduler_address
        client = stack.enter_context(_connect(distributed, scheduler, timeout))
        _wait_for_workers(client, scheduler, n_workers or 1, timeout)
        try:
            reports = client.run(_worker_report)
        except Exception as exc:
            raise DaskSetupError(
                f"the workers of {scheduler} cannot run sklearn_nnreg "
                f"({_first_line(exc)}); install it on every worker, the same "
                f"version as here: {INSTALL_HINT}"
            ) from None
        stack.enter_context(
            joblib.parallel_config(backend=_unscattered_backend(client), n_jobs=-1)
        )
        yield DaskRun(client, local=n_workers is not None, reports=reports)


@functools.cache
def _unscattered_backend_class():
    """joblib's dask backend without its scatter of large arguments.

    joblib scatters an argument over 1 kB to one worker: data that no task
    produced, so the scheduler cannot recreate them when that worker dies,
    and every fit still needing them is cancelled.  Left in the tasks, the
    data are part of each task's definition and a lost fit simply reruns.
    joblib scatters only while ``call_data_futures`` is set (its map of the
    arguments scattered during one ``Parallel`` call), so it is unset here.
    """
    from joblib._dask import DaskDistributedBackend

    class UnscatteredDaskBackend(DaskDistributedBackend):
        def start_call(self):
            super().start_call()
            self.call_data_futures = None

        def stop_call(self):
            self.call_data_futures = {}  # joblib clears it
            super().stop_call()

    return UnscatteredDaskBackend


def _unscattered_backend(client):
    return _unscattered_backend_class()(client=client)


def _local_cluster(distributed, n_workers, quiet):
    """N one-thread worker processes; scheduler and HTTP on random loopback ports."""
    try:
        return distributed.LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR if quiet else logging.WARNING,
        )
    except Exception as exc:
        raise DaskSetupError(
            f"cannot start a local dask cluster of {_plural(n_workers, 'worker')} "
            f"({_first_line(exc)})"
        ) from None


@contextmanager
def _connect(distributed, address, timeout):
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:
        raise DaskSetupError(
            f"cannot reach the dask scheduler at {address} within {timeout:g} s "
            f"({_first_line(exc)}); check the address and that "
            "`dask scheduler` is running there"
        ) from None
    try:
        yield client
    finally:
        client.close()


def _wait_for_workers(client, address, n_workers, timeout):
    try:
        client.wait_for_workers(n_workers, timeout=timeout)
    except Exception:
        have = len(client.nthreads())
        raise DaskSetupError(
            f"the dask scheduler at {address} has {_plural(have, 'worker')} "
            f"after {timeout:g} s, needs {n_workers}; start some with "
            f"`dask worker {address}`"
        ) from None
