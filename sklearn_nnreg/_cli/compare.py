"""``nnreg compare``: a search over alpha x penalty style, by path or grid."""

import os
import sys
import warnings

import numpy as np

from .._styles import STYLES
from .output import (
    check_output_path,
    check_plot_support,
    print_table,
    write_json,
    write_plot,
)
from .parser import UsageError
from .progress import Progress
from .styles import why_not
from .tasks import (
    CV_ESTIMATORS,
    ESTIMATORS,
    SCORING,
    resolve_task,
    split_regression,
)

PREFIX = "clf__"


# ------------------------------------------------------- before the search
def plan_styles(args):
    """Which alphas each style takes; why the others are left out.

    Returns ``(kept, dropped, skipped)``: ``{style: [objective alphas]}``,
    ``{style: reason}`` for styles that take none, and
    ``{style: [(alpha, reason)]}`` for single alphas left out.  A style named
    in --styles must take every alpha.
    """
    momentum = args.momentum if args.solver == "sgd" else 0.0
    kept, dropped, skipped = {}, {}, {}
    for style in args.styles or STYLES:
        reasons = [
            (alpha, why_not(style, alpha, penalty=args.penalty,
                            learning_rate_init=args.learning_rate_init,
                            l1_ratio=args.l1_ratio, momentum=momentum)[0])
            for alpha in args.alphas
        ]  # fmt: skip
        bad = [(alpha, reason) for alpha, reason in reasons if reason]
        if args.styles and bad:
            alpha, reason = bad[0]
            raise UsageError(f"style {style!r} cannot take alpha {alpha:g}: {reason}")
        if len(bad) == len(reasons):
            dropped[style] = bad[0][1]
        else:
            kept[style] = [alpha for alpha, reason in reasons if not reason]
            if bad:
                skipped[style] = bad
    if not kept:
        raise UsageError(f"no style can express penalty={args.penalty!r}")
    return kept, dropped, skipped


def _style_grid(style, alphas, args):
    from .._grid import style_param_grid

    momentum = args.momentum if args.solver == "sgd" else 0.0
    return style_param_grid(
        alphas,
        penalty=args.penalty,
        styles=[style],
        learning_rate_init=args.learning_rate_init,
        l1_ratio=args.l1_ratio,
        momentum=momentum,
        prefix=PREFIX,
    )


def load_data(args):
    """``(X, y, name)`` of --csv or --dataset."""
    from sklearn import datasets as skdata

    from ..datasets import load_csv, make_teacher_classification

    if args.csv is not None:
        if args.target is None:
            raise UsageError("--csv needs --target COLUMN, the column of the labels")
        try:
            X, y = load_csv(args.csv, args.target)
        except OSError as exc:
            raise UsageError(f"cannot read {args.csv!r}: {exc.strerror}") from None
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        return X, y, os.path.basename(args.csv)
    if args.target is not None:
        raise UsageError("--target goes with --csv")
    if args.dataset == "teacher":
        X, y = make_teacher_classification(600, random_state=args.seed)
        return X, y, "teacher"
    X, y = getattr(skdata, f"load_{args.dataset}")(return_X_y=True)
    return X, y, args.dataset


def split(X, y, args):
    """Train/held-out split; every class must fill each of the --cv folds."""
    from sklearn.model_selection import train_test_split

    classes = np.unique(y)
    if len(classes) < 2:
        raise UsageError("the target has only one class; a classifier needs two")
    try:
        parts = train_test_split(
            X, y, test_size=args.test_size, random_state=args.seed, stratify=y
        )
    except ValueError as exc:
        raise UsageError(f"cannot hold out a test set: {exc}") from None
    labels, counts = np.unique(parts[2], return_counts=True)
    if counts.min() < args.cv:
        raise UsageError(
            f"after holding out --test-size {args.test_size:g}, class "
            f"{labels[counts.argmin()]!r} has {counts.min()} training sample(s), "
            f"fewer than the {args.cv} CV folds; lower --test-size or --cv"
        )
    return parts


def _describe(X, y, name, parts):
    return {
        "name": name,
        "n_samples": int(X.shape[0]),
        "n_features": int(X.shape[1]),
        "n_train": int(len(parts[0])),
        "n_test": int(len(parts[1])),
    }


# ----------------------------------------------------------- the search
def _network_settings(args):
    """The estimator parameters the options set, for the grid and the path."""
    return dict(
        hidden_layer_sizes=args.hidden,
        solver=args.solver,
        momentum=args.momentum,
        learning_rate_init=args.learning_rate_init,
        max_iter=args.max_iter,
        random_state=args.seed,
    )


def _pipeline(args):
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    clf = ESTIMATORS[args.task](**_network_settings(args))
    return Pipeline([("scale", StandardScaler()), (PREFIX[:-2], clf)])


def search_style(pipe, grid, X, y, args):
    """``cv_results_`` of one style's grid: score and sparsity per fold."""
    from sklearn.model_selection import GridSearchCV

    from .._scoring import sparsity_scorer

    # The key 'score' keeps the score in mean_test_score, where
    # best_alpha_per_style and the plots look for it.
    search = GridSearchCV(
        pipe,
        grid,
        cv=args.cv,
        n_jobs=args.n_jobs,
        error_score=np.nan,
        scoring={"score": SCORING[args.task], "sparsity": sparsity_scorer},
        refit=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    return search.cv_results_


def style_rows(cv_results, alphas, args, prefix=PREFIX):
    """Every (alpha) row of a search, in both units."""
    from .._grid import common_alpha

    # The objective alpha as typed, not as translated there and back.
    typed = [min(alphas, key=lambda a: abs(a - c)) for c in common_alpha(cv_results)]
    rows = []
    for i, params in enumerate(cv_results["params"]):
        rows.append(
            {
                "style": params[prefix + "penalty_style"],
                "alpha": float(params[prefix + "alpha"]),
                "common_alpha": float(typed[i]),
                "cv_mean": float(cv_results["mean_test_score"][i]),
                "cv_std": float(cv_results["std_test_score"][i]),
                "cv_scores": [
                    float(cv_results[f"split{k}_test_score"][i]) for k in range(args.cv)
                ],
                "sparsity_mean": float(cv_results["mean_test_sparsity"][i]),
                "sparsity_std": float(cv_results["std_test_sparsity"][i]),
                "fit_time_mean": float(cv_results["mean_fit_time"][i]),
                "fit_time_std": float(cv_results["std_fit_time"][i]),
            }
        )
    return rows


def best_row(rows):
    """The index of the first of the highest finite CV means (None: all failed)."""
    means = np.array([row["cv_mean"] for row in rows])
    return None if np.isnan(means).all() else int(np.nanargmax(means))


def best_of_style(rows, best_index, tested, alphas):
    """The table's entry of one style: its best row and ``(test acc, zeros)``."""
    means = np.array([row["cv_mean"] for row in rows])
    test_acc, zeros = tested
    best_index = 0 if best_index is None else best_index
    best = rows[best_index]
    edge = None
    if len(alphas) > 1 and not np.isnan(means).all():
        if best["common_alpha"] == min(alphas):
            edge = "smallest"
        elif best["common_alpha"] == max(alphas):
            edge = "largest"
    return {
        "alpha": best["alpha"],
        "common_alpha": best["common_alpha"],
        "cv_mean": best["cv_mean"],
        "cv_std": best["cv_std"],
        "test_score": test_acc,
        "zero_share": zeros,
        "mean_fit_time": best["fit_time_mean"],
        "edge": edge,
    }


def _refit_and_test(pipe, params, parts):
    from sklearn.base import clone

    X_train, X_test, y_train, y_test = parts
    model = clone(pipe).set_params(**params)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X_train, y_train)
    except (ValueError, ArithmeticError):  # e.g. TrainingDivergedError
        return np.nan, np.nan
    return float(model.score(X_test, y_test)), float(model[-1].sparsity_)


def run_compare(args, out):
    for path, option in ((args.json_out, "--json"), (args.plot, "--plot")):
        if path:
            check_output_path(path, option)
    if args.plot:
        check_plot_support(args.plot)
    kept, dropped, skipped = plan_styles(args)
    X, y, name = load_data(args)
    y, args.task, facts = resolve_task(y, args)  # args.task: the one that runs
    regression = args.task == "regression"
    parts = split_regression(X, y, args) if regression else split(X, y, args)
    report = {"data": {**_describe(X, y, name, parts), **facts}, "dropped": dropped,
              "skipped_alphas": skipped, "styles": {}, "rows": []}  # fmt: skip
    cv_results = _search_all(kept, parts, report, args)
    print_table(report, args, out)
    if args.json_out:
        write_json(report, args)
    if args.plot:
        write_plot(cv_results, report, args)
    return 0


def _search_all(kept, parts, report, args):
    """Search every style, filling ``report``; the cv_results_ for the plot."""
    progress = Progress(sum(len(a) for a in kept.values()) * args.cv)
    if args.search == "path":
        all_results = _search_path(kept, parts, report, args, progress)
    else:
        all_results = _search_grid(kept, parts, report, args, progress)
    progress.close()
    return all_results


def _search_grid(kept, parts, report, args, progress):
    """One ``GridSearchCV`` per style; each style's best refitted cold."""
    pipe = _pipeline(args)
    all_results = []
    for style, alphas in kept.items():
        grid = _style_grid(style, alphas, args)
        cv_results = search_style(pipe, grid, parts[0], parts[2], args)
        progress.update(len(alphas) * args.cv, style)
        rows = style_rows(cv_results, alphas, args)
        best = best_row(rows)
        tested = (np.nan, np.nan)
        if best is not None:
            tested = _refit_and_test(pipe, cv_results["params"][best], parts)
        report["rows"] += rows
        report["styles"][style] = best_of_style(rows, best, tested, args.alphas)
        all_results.append(cv_results)
    return all_results


def _search_path(kept, parts, report, args, progress):
    """One path search (the task's CV estimator) over every style; each style's
    best refitted on its path.

    The data are standardised on the whole training part first (the grid
    standardises within each fold: a Pipeline cannot wrap the path's folds).
    """
    from sklearn.preprocessing import StandardScaler

    X_train, X_test, y_train, y_test = parts
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    search = _path_search(kept, args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X_train, y_train)
    progress.update(sum(len(a) for a in kept.values()) * args.cv, "path")
    rows = style_rows(search.cv_results_, args.alphas, args, prefix="")
    by_style = {style: [r for r in rows if r["style"] == style] for style in kept}
    offsets = np.cumsum([0] + [len(r) for r in by_style.values()])
    bests = {s: best_row(r) for s, r in by_style.items()}
    chosen = [offsets[i] + b for i, b in enumerate(bests.values()) if b is not None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        models = search._refit_rows(chosen, X_train, y_train)
    for i, (style, best) in enumerate(bests.items()):
        model = None if best is None else models[offsets[i] + best]
        tested = (np.nan, np.nan)
        if model is not None:
            tested = (float(model.score(X_test, y_test)), float(model.sparsity_))
        report["styles"][style] = best_of_style(
            by_style[style], best, tested, args.alphas
        )
    report["rows"] += rows
    return [search.cv_results_]


def _path_search(kept, args):
    return CV_ESTIMATORS[args.task](
        alphas=sorted({a for alphas in kept.values() for a in alphas}),
        penalty_styles=list(kept),
        cv=args.cv,
        n_jobs=args.n_jobs,
        refit=False,
        penalty=args.penalty,
        l1_ratio=args.l1_ratio,
        **_network_settings(args),
    )


# ------------------------------------------------------------ on dask
def run_compare_where(args, out):
    """``run_compare`` here, or on dask with --scheduler / --dask-workers."""
    if args.scheduler is None and args.dask_workers is None:
        return run_compare(args, out)
    if args.n_jobs == 1:
        raise UsageError(
            "--n-jobs 1 would run every fit here, not on dask; "
            "leave --n-jobs out to use every worker thread"
        )
    from .._dask import DaskSetupError, dask_backend

    try:
        with dask_backend(
            args.scheduler, args.dask_workers, timeout=args.dask_timeout
        ) as run:
            for note in run.notes:
                print(f"nnreg: warning: {note}", file=sys.stderr)
            status = run_compare(args, out)
            print(run.summary(), file=out)
    except DaskSetupError as exc:
        raise UsageError(str(exc)) from None
    return status
