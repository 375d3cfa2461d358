"""Synthetic data sets for regularization experiments."""

import numpy as np
from sklearn.utils import check_random_state


def make_teacher_classification(
    n_samples=240,
    *,
    n_features=10,
    n_hidden=15,
    n_classes=4,
    weight_range=9.9,
    input_range=10.0,
    random_state=None,
    return_teacher=False,
):
    """Inputs labelled by a random "teacher" network.

    The classic synthetic benchmark of the regularization articles: a
    ``n_features``-``n_hidden``-``n_classes`` network with tanh hidden units,
    softmax outputs and every weight and bias drawn uniformly from
    ``[-weight_range, weight_range]`` labels inputs drawn uniformly from
    ``[-input_range, input_range]`` by the argmax of its output.

    Parameters
    ----------
    n_samples : int, default=240
        Number of samples (the classic demo uses 200 for training and 40 for
        testing).
    n_features : int, default=10
        Number of inputs.
    n_hidden : int, default=15
        Hidden units of the teacher.
    n_classes : int, default=4
        Number of classes (outputs of the teacher).
    weight_range : float, default=9.9
        Teacher weights and biases are uniform in ``[-weight_range, weight_range]``.
    input_range : float, default=10.0
        Inputs are uniform in ``[-input_range, input_range]``, as in the
        articles' data generator.  With these wide inputs the tanh teacher is
        saturated and its labels are hard to learn from 200 items: a 10-8-4
        student reaches about 93% train and 53% +- 8% test accuracy over seeds
        (with ``input_range=1`` about 94% and 71%).
    random_state : int, RandomState instance or None, default=None
        Seeds the teacher and the inputs.
    return_teacher : bool, default=False
        Also return the teacher's ``(W1, b1, W2, b2)``.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Inputs.
    y : ndarray of shape (n_samples,)
        Labels in ``range(n_classes)``.
    teacher : tuple of ndarray
        Only when ``return_teacher=True``.

    Examples
    --------
    >>> from sklearn_nnreg.datasets import make_teacher_classification
    >>> X, y = make_teacher_classification(200, random_state=0)
    >>> X.shape, sorted(set(y)) == [0, 1, 2, 3]
    ((200, 10), True)
    """
    for name, value in [
        ("n_samples", n_samples),
        ("n_features", n_features),
        ("n_hidden", n_hidden),
    ]:
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    if int(n_classes) != n_classes or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2; got {n_classes!r}.")
    if not weight_range > 0 or not input_range > 0:
        raise ValueError("weight_range and input_range must be positive.")
    rng = check_random_state(random_state)
    w = float(weight_range)
    W1 = rng.uniform(-w, w, (n_features, n_hidden))
    b1 = rng.uniform(-w, w, n_hidden)
    W2 = rng.uniform(-w, w, (n_hidden, n_classes))
    b2 = rng.uniform(-w, w, n_classes)
    X = rng.uniform(-input_range, input_range, (n_samples, n_features))
    # Softmax is monotone, so the argmax of the logits is the teacher's label.
    y = np.argmax(np.tanh(X @ W1 + b1) @ W2 + b2, axis=1)
    if return_teacher:
        return X, y, (W1, b1, W2, b2)
    return X, y
