"""Fused elementwise loops of the training step, with their numpy references.

Each function here computes what its numpy reference computes, bit for bit,
in float64 and in float32.  It runs the compiled loop of ``_ckernels`` (Cython,
``_ckernels.pyx``) when that optional extension was built (``pip install``
builds it when a C compiler is available) and the arrays suit it: all of one
native float32 or float64 dtype and C-contiguous.  Otherwise it runs the
numpy reference, so that any input gives the reference's answer; a compiled
loop given arrays of mismatched lengths, or overlapping ones, raises a
ValueError that names them.  The compiled loops make one pass over memory
where numpy makes one per operation.

Scalars are Python floats, rounded to the arrays' type where they meet them
(numpy's rule for a Python float), Adam's bias-corrected rate included: a
float32 fit computes its update in float32.  (scikit-learn's MLP under numpy
2 multiplies float32 moments by a float64 numpy scalar, so computes it in
float64; float64 fits are the same either way.)

``use_compiled(False)`` turns the compiled loops off (the tests compare both
paths); so does the environment variable ``SKLEARN_NNREG_PURE_NUMPY=1`` at
import time.

The loops are built up to three times (see pyproject.toml): ``_ckernels`` for
any CPU of its family, and on x86-64 ``_ckernels_avx2`` (``-march=x86-64-v3``)
and ``_ckernels_avx512`` (``-march=x86-64-v4``), the same source vectorised
with wider registers, the same operations in the same order: the same bits.
At import the widest one that was built and that this CPU runs (the baseline
module asks the CPU) is used; ``SKLEARN_NNREG_SIMD=baseline`` (or ``avx2``)
in the environment caps it, and ``use_variant`` switches within a block.
``compiled_variant()`` names the one in use.
"""

import importlib
import importlib.util
import os
from contextlib import contextmanager
from functools import partial

import numpy as np

try:  # pragma: no cover - depends on the build
    from . import _ckernels as _baseline
except ImportError:  # pragma: no cover - depends on the build
    _baseline = None

# The builds of the loops, narrowest first; the index is the CPU level that
# the baseline module's simd_level() reports for it.
SIMD_VARIANTS = ("baseline", "avx2", "avx512")


def _simd_cap(value):
    """The widest variant allowed by SKLEARN_NNREG_SIMD's ``value`` (None or
    empty: any)."""
    if not value:
        return SIMD_VARIANTS[-1]
    name = value.strip().lower()
    if name not in SIMD_VARIANTS:
        raise ValueError(
            f"SKLEARN_NNREG_SIMD={value!r} is not a build of the compiled loops; "
            f"use one of {', '.join(SIMD_VARIANTS)} (the widest allowed), or "
            "unset it to use the widest that this CPU runs"
        )
    return name


def _cpu_level():
    """How many of the variants after the baseline this CPU runs."""
    return 0 if _baseline is None else int(_baseline.simd_level())


def compiled_variants():
    """The builds of the compiled loops that are installed and that this CPU
    runs, narrowest first (``()`` when the extension was not built)."""
    if _baseline is None:
        return ()
    names = ["baseline"]
    for name in SIMD_VARIANTS[1 : 1 + _cpu_level()]:
        if importlib.util.find_spec(f"{__package__}._ckernels_{name}") is not None:
            names.append(name)
    return tuple(names)


def _variant_module(name):
    """The module of the variant ``name`` (one of ``compiled_variants()``)."""
    if name not in compiled_variants():
        raise ValueError(
            f"the compiled loops' variant {name!r} is not available here; "
            f"available: {', '.join(compiled_variants()) or 'none'}"
        )
    if name == "baseline":
        return _baseline
    return importlib.import_module(f"{__package__}._ckernels_{name}")


def _select_variant(cap):
    """The widest available variant no wider than ``cap``."""
    allowed = SIMD_VARIANTS[: SIMD_VARIANTS.index(cap) + 1]
    for name in reversed(compiled_variants()):
        if name in allowed:
            try:
                return _variant_module(name)
            except ImportError:  # pragma: no cover - a broken install
                continue
    return _baseline


# Checked even without the extension: a misspelt cap is an error everywhere.
_CAP = _simd_cap(os.environ.get("SKLEARN_NNREG_SIMD"))
_ckernels = None if _baseline is None else _select_variant(_CAP)

_state = {
    "compiled": _ckernels is not None and not os.environ.get("SKLEARN_NNREG_PURE_NUMPY")
}


def compiled_available():
    """Whether the compiled extension was built and imported."""
    return _ckernels is not None


def compiled_variant():
    """The name of the build of the compiled loops in use (one of
    ``SIMD_VARIANTS``), or None when the extension was not built."""
    if _ckernels is None:
        return None
    return (
        SIMD_VARIANTS[0]
        if _ckernels is _baseline
        else _ckernels.__name__.rsplit("_", 1)[-1]
    )


@contextmanager
def use_variant(name):
    """Within the block, run the compiled loops of the build ``name`` (one of
    ``compiled_variants()``).  Loops bound before the block keep their build:
    bind (fit) inside it."""
    global _ckernels
    module = _variant_module(name)
    previous = _ckernels
    _ckernels = module
    try:
        yield
    finally:
        _ckernels = previous


@contextmanager
def use_compiled(enabled):
    """Within the block, use the compiled loops (if built) or not."""
    previous = _state["compiled"]
    _state["compiled"] = bool(enabled) and _ckernels is not None
    try:
        yield
    finally:
        _state["compiled"] = previous


_F64 = np.dtype(np.float64)
_F32 = np.dtype(np.float32)


def _compiled(first, *others):
    """Whether the compiled loops are on and take these arrays: one native
    float dtype (float32 or float64) for all, each C-contiguous.

    The memoryviews of the compiled loops would refuse anything else with a
    TypeError or ValueError; here such arrays take the numpy path instead.
    """
    if not _state["compiled"]:
        return False
    dtype = first.dtype
    # ``is`` first: numpy's native descriptors are singletons (fast path).
    if dtype is not _F64 and dtype is not _F32 and dtype not in (_F64, _F32):
        return False
    if not first.flags.c_contiguous:
        return False
    for other in others:
        if other.dtype != dtype or not other.flags.c_contiguous:
            return False
    return True


_SPECIALISATION = {_F64: "double", _F32: "float"}


def bind(loop, *arrays):
    """The compiled ``loop`` with ``arrays`` as its first arguments, checked
    once; None when the compiled loops are off or the arrays do not suit them.

    For a caller that passes the same arrays at every step (the trainer's
    buffers and parameter views): the returned callable takes the remaining
    arguments of ``_ckernels.<loop>`` and skips, per call, the checks of the
    wrappers above, the choice of the float32 or float64 loop and the
    memoryview set-up of each array (together about 3x the cost of a loop on
    a row of 8).  The arrays must stay as they are (same shape, same memory)
    while it is used: it holds views of them.
    """
    if not arrays or not _compiled(*arrays):
        return None
    function = getattr(_ckernels, loop)[_SPECIALISATION[arrays[0].dtype]]
    views = [
        _ckernels.memoryview_of(a) if a.ndim == 1 else _ckernels.memoryview_of_rows(a)
        for a in arrays
    ]
    return partial(function, *views)


def _work_arrays(scratch, n, dtypes):
    """The numpy path's work arrays: a group of arrays of length n and these
    dtypes, made on the first call that needs them and kept in ``scratch`` (a
    list the caller owns, which may hold several groups), so that no later
    step allocates and the compiled path never makes them."""
    for group in scratch:
        if len(group) == len(dtypes) and all(
            a.shape == (n,) and a.dtype == d for a, d in zip(group, dtypes, strict=True)
        ):
            return group
    group = tuple(np.empty(n, dtype=d) for d in dtypes)
    scratch.append(group)
    return group


def adam(
    grad, m, v, update, denominator, beta_1, beta_2, rate, epsilon, step_size=None
):
    """Adam's moments and step, as scikit-learn's Adam computes them.

    ``m <- beta_1 m + (1 - beta_1) grad``,
    ``v <- beta_2 v + (1 - beta_2) grad**2``,
    ``update <- (m rate) / (sqrt(v) + epsilon)``, all in the arrays' dtype
    (``rate`` rounded to it once: a float32 fit computes in float32).  When
    ``step_size`` (an array like the others) is given instead, ``step_size <-
    rate / (sqrt(v) + epsilon)`` in the arrays' dtype and ``update <- m
    step_size``: the styles that use the step size move every weight by that
    same step size.  ``denominator`` is scratch shaped like the others (numpy
    path only).
    """
    beta_1, beta_2 = float(beta_1), float(beta_2)
    rate, epsilon = float(rate), float(epsilon)
    if step_size is None and _compiled(grad, m, v, update):
        _ckernels.adam(grad, m, v, update, beta_1, beta_2, rate, epsilon)
        return
    if step_size is not None and _compiled(grad, m, v, update, step_size):
        _ckernels.adam_step_size(
            grad, m, v, update, step_size, beta_1, beta_2, rate, epsilon
        )
        return
    m *= beta_1
    np.multiply(grad, 1 - beta_1, out=update)
    m += update
    v *= beta_2
    np.multiply(grad, grad, out=update)
    update *= 1 - beta_2
    v += update
    np.sqrt(v, out=denominator)
    denominator += epsilon
    if step_size is not None:
        # A Python float meets the arrays in their dtype (rounded once).
        np.divide(rate, denominator, out=step_size)
        np.multiply(m, step_size, out=update)
        return
    np.multiply(m, rate, out=update)
    update /= denominator


def bias_relu(z, b, zeros):
    """``z <- max(z + b, 0)`` in place; ``zeros`` is an array of zeros like z."""
    if z.ndim == 2 and _compiled(z, b):
        _ckernels.bias_relu(z, b)
        return
    z += b
    # Against an array of zeros np.maximum takes numpy's contiguous SIMD loop:
    # 2x faster than against the scalar 0.
    np.maximum(z, zeros, out=z)


def bias_add(z, b):
    """``z <- z + b`` in place, b added to every row."""
    if z.ndim == 2 and _compiled(z, b):
        _ckernels.bias_add(z, b)
        return
    z += b


def column_sums(delta, out):
    """``out <- delta.sum(axis=0)``, the rows added one after the other.

    numpy's reduction down the rows of a C-ordered array adds them in order,
    and so does the compiled loop.  (A BLAS ``ones @ delta`` would be as fast
    on numpy's path but runs on BLAS threads, which on a busy machine wait for
    each other at every call.)
    """
    if delta.ndim == 2 and _compiled(delta, out):
        _ckernels.column_sums(delta, out)
        return
    np.add.reduce(delta, axis=0, out=out)


def relu_backward(a, delta, masks):
    """``delta <- delta * (a != 0)``; ``masks`` is a (bool, float) pair of
    scratch arrays shaped like a (numpy path)."""
    if a.ndim == 2 and _compiled(a, delta):
        _ckernels.relu_backward(delta, a)
        return
    # Multiplying by the mask is 5x faster than ``delta[a == 0] = 0`` (boolean
    # indexing).  It differs only in the sign of the zeros it writes, and where
    # delta is already infinite (inf * 0 is nan), which only a diverging fit
    # has.  The mask is copied to floats first: a bool operand would make the
    # multiplication allocate a buffer to cast it in, at every step.
    mask, floats = masks
    np.not_equal(a, 0, out=mask)
    np.copyto(floats, mask)
    np.multiply(delta, floats, out=delta)


def abs_sum(w, scratch=None):
    """``sum |w|`` (a float), as numpy's ``add.reduce(abs(w))`` sums it.

    The compiled loop adds in numpy's pairwise order (blocks of 128 with 8
    accumulators) in one pass; the numpy path writes ``|w|`` into ``scratch``
    (an array like w, or None: a new one).
    """
    if w.ndim == 1 and _compiled(w):
        return float(_ckernels.abs_sum(w))
    return float(np.add.reduce(np.abs(w, out=scratch)))


def square_sum(w, scratch=None):
    """``sum w**2`` (a float), as numpy's ``add.reduce(w * w)`` sums it.

    The compiled loop adds in numpy's pairwise order in one pass (as
    :func:`abs_sum`); the numpy path writes ``w * w`` into ``scratch`` (an
    array like w, or None: a new one).  Unlike a BLAS dot product, the
    order of the sum is numpy's, whatever the BLAS and its threads.
    """
    if w.ndim == 1 and _compiled(w):
        return float(_ckernels.square_sum(w))
    return float(np.add.reduce(np.multiply(w, w, out=scratch)))


def axpy(y, alpha, x, scratch=None):
    """``y <- y + alpha * x`` in place; ``scratch`` (numpy path) is like x."""
    alpha = float(alpha)
    if y.ndim == 1 and _compiled(y, x):
        _ckernels.axpy(y, alpha, x)
        return
    y += np.multiply(x, alpha, out=scratch)


def _norm_after(w, scratch, with_norm):
    """The numpy path's ``abs_sum`` of the weights just stepped, or None."""
    if not with_norm:
        return None
    return abs_sum(w, _work_arrays(scratch, w.shape[0], (w.dtype,))[0])


def soft_threshold(w, step_size, alpha, l1, l2, scratch, with_norm=False):
    """The proximal step of ``step_size alpha (l1 |w| + l2 w**2 / 2)``, in place.

    ``w <- sign(w) max(|w| - t l1, 0)`` (when l1), then ``w <- w / (1 + t l2)``
    (when l2), with ``t = step_size alpha``; ``step_size`` is a scalar or an
    array like w (a step per coordinate).  ``scratch`` is a list, filled on
    the numpy path.  With ``with_norm``, returns ``abs_sum`` of the new
    weights, computed in the same compiled call (else None).
    """
    alpha, l1, l2 = float(alpha), float(l1), float(l2)
    if not isinstance(step_size, np.ndarray):
        threshold = float(step_size) * alpha
        if w.ndim == 1 and _compiled(w):
            return _ckernels.soft_threshold(
                w, threshold * l1, 1.0 + threshold * l2, l1 != 0, l2 != 0, with_norm
            )
        _scalar_threshold_reference(w, threshold, l1, l2, scratch)
    elif w.ndim == 1 and _compiled(w, step_size):
        return _ckernels.soft_threshold_per_coordinate(
            w, step_size, alpha, l1, l2, with_norm
        )
    else:
        _per_coordinate_threshold_reference(w, step_size, alpha, l1, l2, scratch)
    return _norm_after(w, scratch, with_norm)


def _scalar_threshold_reference(w, threshold, l1, l2, scratch):
    if l1:
        shrunk = np.abs(w, out=_work_arrays(scratch, w.shape[0], (w.dtype,))[0])
        shrunk -= threshold * l1
        np.maximum(shrunk, 0.0, out=shrunk)
        np.copysign(shrunk, w, out=w)
    if l2:
        w /= 1.0 + threshold * l2


def _per_coordinate_threshold_reference(w, step_size, alpha, l1, l2, scratch):
    shrunk, other, threshold = _work_arrays(scratch, w.shape[0], (w.dtype,) * 3)
    np.multiply(step_size, alpha, out=threshold)
    if l1:
        np.abs(w, out=shrunk)
        shrunk -= np.multiply(threshold, l1, out=other)
        np.maximum(shrunk, 0.0, out=shrunk)
        np.copysign(shrunk, w, out=w)
    if l2:
        divisor = np.multiply(threshold, l2, out=other)
        divisor += 1.0
        w /= divisor


def l2_shrink(update, w, step_size, alpha, l2, scratch):
    """``update <- update + (1 - max(0, 1 - step_size alpha l2)) w`` in place: the L2
    part of the cumulative elastic net, a factor on the old weights.

    ``step_size`` is a scalar or an array like w; ``scratch`` is a list, filled on the
    numpy path.
    """
    alpha, l2 = float(alpha), float(l2)
    n = w.shape[0]
    if not isinstance(step_size, np.ndarray):
        factor = max(0.0, 1.0 - float(step_size) * alpha * l2)
        if update.ndim == 1 and _compiled(update, w):
            _ckernels.axpy(update, 1.0 - factor, w)
            return
        own = _work_arrays(scratch, n, (w.dtype,))[0]
        update += np.multiply(w, 1.0 - factor, out=own)
        return
    if update.ndim == 1 and _compiled(update, w, step_size):
        _ckernels.l2_shrink_per_coordinate(update, w, step_size, alpha, l2)
        return
    shrink = np.multiply(step_size, alpha, out=_work_arrays(scratch, n, (w.dtype,))[0])
    shrink *= l2
    np.subtract(1.0, shrink, out=shrink)
    np.maximum(0.0, shrink, out=shrink)
    np.subtract(1.0, shrink, out=shrink)
    shrink *= w
    update += shrink


def cumulative_pull(w, owed, step_size, alpha, l1, scratch, with_norm=False):
    """The cumulative L1 step (Tsuruoka et al., 2009), in place.

    ``owed`` (shape (2, len(w)), w's dtype) holds each weight's two debts:
    ``owed[0]`` what it owes while positive, ``owed[1]`` while negative (u +
    q and u - q in the paper's terms, u the total shrink so far and q what
    the weight took).  Both first grow by this step's shrink ``step_size
    alpha l1`` (a scalar rounded once to w's dtype, or per coordinate in w's
    dtype); then each weight moves toward zero by what it owes on its side,
    never across zero: a positive one to ``max(0, w - owed[0])``, a negative
    one to ``min(0, w + owed[1])``; then what it took, ``taken = w_new -
    w_old``, settles both: ``owed[0] += taken``, ``owed[1] -= taken``.  All in
    w's dtype.  ``scratch`` is a list, filled on the numpy path.  With
    ``with_norm``, returns ``abs_sum`` of the new weights, computed in the
    same compiled call (else None).
    """
    alpha, l1 = float(alpha), float(l1)
    scalar = not isinstance(step_size, np.ndarray)
    # One Python float, rounded to w's dtype as it meets the arrays.
    grow = float(step_size) * alpha * l1 if scalar else None
    if w.ndim == 1 and owed.ndim == 2 and _compiled(w, owed):
        if scalar:
            return _ckernels.cumulative_pull(w, owed, grow, with_norm)
        if _compiled(w, step_size):
            return _ckernels.cumulative_pull_per_coordinate(
                w, owed, step_size, alpha, l1, with_norm
            )
    work = _pull_work(w, scratch)
    pos, neg = owed[0], owed[1]
    if not scalar:
        grow = np.multiply(step_size, alpha, out=work[1])
        grow *= l1
    pos += grow
    neg += grow
    _pull_reference(w, pos, neg, work)
    return _norm_after(w, scratch, with_norm)


_BOOL = np.dtype(bool)


def _pull_work(w, scratch):
    """The numpy path's work arrays, of w's dtype unless named: the weights
    before the pull, the pull of positive weights, of negative ones, and the
    two sign masks."""
    dtypes = (w.dtype, w.dtype, w.dtype, _BOOL, _BOOL)
    return _work_arrays(scratch, w.shape[0], dtypes)


def _pull_reference(w, pos, neg, work):
    before, pulled_pos, pulled_neg, positive, negative = work
    np.copyto(before, w)
    np.greater(before, 0, out=positive)
    np.less(before, 0, out=negative)
    np.subtract(before, pos, out=pulled_pos)
    np.maximum(0.0, pulled_pos, out=pulled_pos)
    np.add(before, neg, out=pulled_neg)
    np.minimum(0.0, pulled_neg, out=pulled_neg)
    np.copyto(w, pulled_pos, where=positive)
    np.copyto(w, pulled_neg, where=negative)
    # What each weight took (0 for a zero weight, NaN for a NaN one).
    taken = np.subtract(w, before, out=pulled_pos)
    pos += taken
    neg -= taken


def bind_l1_step(w, owed, alpha, l1, l2, with_norm):
    """The compiled proximal (``owed`` None) or cumulative step bound to one
    fit's arrays and scalars, or None when the numpy path must run (compiled
    loops off or not built, or arrays they do not take).

    ``w`` is the penalized slice of the weights; ``owed`` cumulative's debts
    (shape (2, len(w)), w's dtype).  The returned object's
    ``step(step_size)`` gives the bits of ``soft_threshold`` or
    ``cumulative_pull`` with these arguments, without taking the arrays anew
    at every step.
    """
    if w.ndim != 1 or not _compiled(w):
        return None
    if owed is not None and not (owed.ndim == 2 and _compiled(w, owed)):
        return None
    alpha, l1, l2 = float(alpha), float(l1), float(l2)
    return _ckernels.BoundL1Step(w, owed, alpha, l1, l2, bool(with_norm))


def _bindable(*arrays):
    """Whether a bound step takes these arrays (None: not given): the
    compiled loops on, all 1-d, not empty, one float dtype, C-contiguous."""
    arrays = [a for a in arrays if a is not None]
    if any(a.ndim != 1 for a in arrays) or arrays[0].shape[0] == 0:
        return False
    return _compiled(*arrays)


def bind_adam(
    grad, m, v, update, step_size, params, n_decay, decay, betas, epsilon,
    after_step=None, square_norm=False,
):  # fmt: skip
    """Adam's compiled step bound to one fit's arrays (``_ckernels.BoundAdam``),
    or None when the numpy path must run (compiled loops off or not built,
    arrays empty, not 1-d, or not all of one float dtype and C-contiguous).

    Its ``step(rate)`` computes what ``adam(grad, m, v, update, ...,
    step_size)`` computes.  With ``params`` (the flat weights), it also adds
    ``decay * params[:n_decay]`` to the gradient first (as ``axpy``; not when
    ``decay`` is None) and subtracts the update from params last, instead of
    writing ``update``: one pass where the training step made three.

    ``after_step``, a :func:`bind_l1_step` on ``params[:k]`` (or None), is
    then run on each of those weights right after its update, with its step
    size (not written: ``step_size`` must be None); ``step`` returns what
    the after-step's ``step`` returns (the new ``sum |w|``, or None).

    With ``square_norm`` (and a decay), ``step`` returns the sum of
    ``params[:n_decay]**2`` before the step, as :func:`square_sum` sums it,
    taken in the same pass: the L2 penalty of the weights the step starts
    from.
    """
    if not _bindable(grad, m, v, update, step_size, params):
        return None
    beta_1, beta_2 = (float(b) for b in betas)
    with_decay = decay is not None
    return _ckernels.BoundAdam(
        grad, m, v, update, step_size, params, int(n_decay), with_decay,
        float(decay) if with_decay else 0.0, beta_1, beta_2, float(epsilon),
        after_step, bool(square_norm),
    )  # fmt: skip


def bind_sgd(
    grad, velocity, update, params, n_decay, decay, momentum, nesterov,
    after_step=None, square_norm=False,
):  # fmt: skip
    """sgd's compiled step bound to one fit's arrays (``_ckernels.BoundSGD``),
    or None when the numpy path must run (as :func:`bind_adam`).

    Its ``step(rate)`` computes what ``SGD.direction`` computes at the
    learning rate ``rate``: no momentum when ``velocity`` is None, else
    heavy-ball or (``nesterov``) Nesterov ``momentum``.  With ``params``
    (the flat weights) it also adds ``decay * params[:n_decay]`` to the
    gradient first (as ``axpy``; not when ``decay`` is None) and subtracts
    the update from params last (``update`` is then written only with
    heavy-ball momentum, as scratch).  With ``after_step`` (as
    :func:`bind_adam`), ``step(rate, step_size)`` takes sgd's scalar step
    size for it and returns what its ``step`` returns.  With ``square_norm``
    (as :func:`bind_adam`), ``step`` returns the sum of squares of the
    decayed weights before the step.
    """
    if not _bindable(grad, velocity, update, params):
        return None
    with_decay = decay is not None
    return _ckernels.BoundSGD(
        grad, velocity, update, params, int(n_decay), with_decay,
        float(decay) if with_decay else 0.0, float(momentum), bool(nesterov),
        after_step, bool(square_norm),
    )  # fmt: skip


def subtract_row_max(z, zt, rows):
    """``z <- z - z.max(axis=1, keepdims=True)`` in place (softmax's shift).

    ``zt`` (k, n) and ``rows`` (n, 1) are the numpy path's scratch for z of
    shape (n, k): numpy reduces a short contiguous axis row by row, slowly,
    so it takes the maxima down the columns of a contiguous transpose.
    """
    if z.ndim == 2 and _compiled(z):
        _ckernels.subtract_row_max(z)
        return
    np.copyto(zt, z.T)
    np.maximum.reduce(zt, axis=0, out=rows[:, 0])
    z -= rows


def delta_and_pick(output, Y, delta, picked, scale, low, high):
    """The log loss's output delta and the probabilities it takes the log of.

    ``delta <- output - Y``, then ``delta *= scale`` unless ``scale`` is
    None.  Where Y is 1, the outputs clipped to ``[low, high]`` (``low``
    and ``high`` exact in the arrays' type) are written one after another,
    row by row, from the start of ``picked`` (1-d, at least ``output.size``
    long); returns how many, or -1 when some Y is neither 0 nor 1.  One-hot
    targets need only these: every other term of the loss is 0 * log(p).
    """
    if output.ndim == 2 and _compiled(output, Y, delta, picked):
        with_scale = scale is not None
        return _ckernels.delta_and_pick(
            output, Y, delta, picked, float(scale) if with_scale else 1.0,
            with_scale, float(low), float(high),
        )  # fmt: skip
    if len(picked) < output.size:
        raise ValueError(
            f"delta_and_pick: picked has length {len(picked)}, "
            f"expected at least {output.size}"
        )
    np.subtract(output, Y, out=delta)
    if scale is not None:
        delta *= scale
    true = Y == 1
    count = int(np.count_nonzero(true))
    if count + np.count_nonzero(Y == 0) != Y.size:
        return -1
    values = picked[:count]
    np.maximum(output[true], low, out=values)
    np.minimum(values, high, out=values)
    return count
