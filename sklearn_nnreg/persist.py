"""Safe persistence of fitted estimators with ``skops.io``.

``pickle`` runs whatever code a file names; ``skops.io`` loads only types
that are known to be safe or that the caller trusts.  A fitted
``RegularizedMLPClassifier`` or ``RegularizedMLPRegressor`` holds only numpy
arrays, plain Python values and (the classifier) a scikit-learn
``LabelBinarizer``, trusted by skops, so the types to trust are the estimator
classes themselves: :func:`trusted_types` lists them.

Needs the ``[persist]`` extra: ``pip install "sklearn_nnreg[persist]"``.

Save and load a fitted ``clf``::

    import skops.io as sio
    from sklearn_nnreg.persist import trusted_types

    sio.dump(clf, "model.skops")
    clf = sio.load("model.skops", trusted=trusted_types())

or, the same, :func:`dump` and :func:`load` from this module.
"""

INSTALL_HINT = 'pip install "sklearn_nnreg[persist]"'


def _estimator_classes():
    from ._classifier import RegularizedMLPClassifier
    from ._regressor import RegularizedMLPRegressor

    return (RegularizedMLPClassifier, RegularizedMLPRegressor)


def trusted_types():
    """The library's types, as ``skops.io.load(..., trusted=...)`` takes them.

    Only the estimator classes: their fitted state is numpy arrays, plain
    Python values and scikit-learn objects that skops trusts by default, so
    anything else found in a file is still refused.

    Returns
    -------
    types : list of str
        Fully qualified type names, e.g.
        ``'sklearn_nnreg._classifier.RegularizedMLPClassifier'``.

    Examples
    --------
    >>> from sklearn_nnreg.persist import trusted_types
    >>> trusted_types()  # doctest: +NORMALIZE_WHITESPACE
    ['sklearn_nnreg._classifier.RegularizedMLPClassifier',
     'sklearn_nnreg._regressor.RegularizedMLPRegressor']
    """
    return [f"{cls.__module__}.{cls.__qualname__}" for cls in _estimator_classes()]


def _skops_io():
    try:
        import skops.io
    except ImportError:
        raise ImportError(
            f"skops is not installed; install the extra with: {INSTALL_HINT}"
        ) from None
    return skops.io


def dump(obj, file):
    """Save ``obj`` with ``skops.io.dump``.

    Parameters
    ----------
    obj : object
        A fitted estimator, or a pipeline or search holding one.
    file : str or path-like or file-like
        Where to write; skops uses the ``.skops`` extension by convention.
    """
    _skops_io().dump(obj, file)


def load(file, trusted=()):
    """Load a file written by :func:`dump` (or ``skops.io.dump``).

    Parameters
    ----------
    file : str or path-like or file-like
        The file.
    trusted : str or sequence of str, default=()
        More type names to trust, besides :func:`trusted_types`, e.g. those
        of your own transformers in a saved pipeline; one name may be given
        as a plain string.  Inspect a file's types
        with ``skops.io.get_untrusted_types(file=...)`` before trusting them.

    Returns
    -------
    obj : object
        The loaded object.

    Raises
    ------
    skops.io.exceptions.UntrustedTypesFoundException
        When the file holds a type that is neither trusted by skops nor in
        ``trusted_types() + trusted``.
    """
    if isinstance(trusted, str):
        trusted = [trusted]  # one type name, not a sequence of characters
    return _skops_io().load(file, trusted=[*trusted_types(), *trusted])
