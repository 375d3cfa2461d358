# A style's after-step run inside the bound optimizer passes (adam, sgd).
# Part of _ckernels.pyx, which includes it: one compiled module.
#
# The proximal soft-threshold (with the elastic net's division) and the
# cumulative pull of a ``BoundL1Step`` are per-weight operators: each weight
# of the penalized prefix is moved by the optimizer and then by the
# operator in one loop, with the operations and roundings of the separate
# passes (``_threshold_per_coordinate_loop``, ``_threshold_loop``,
# ``_pull_per_coordinate_loop``, ``_pull_loop``).  When the step also sums
# |w|, the prefix is stepped leaf by leaf of numpy's pairwise sum and each
# leaf summed while it is in cache (``_abs_sum_leaf``): the bits of
# ``_pairwise_abs_sum`` on the new weights, without a pass of its own.

cdef enum:
    _AFTER_NONE = 0
    _AFTER_SHRINK = 1  # proximal, L1 only: the soft-threshold
    _AFTER_DIVIDE = 2  # proximal, L2 only: the division
    _AFTER_SHRINK_DIVIDE = 3  # proximal elastic net: both
    _AFTER_PULL = 4  # cumulative, L1 only: the clipped pull


cdef struct _After:
    # A bound after-step on params[:n]: its kind, scalars and float64 arrays.
    int kind
    Py_ssize_t n
    bint with_norm
    double alpha, l1, l2
    double *u  # cumulative's total shrink: one per weight, or one (sgd)
    double *q  # cumulative's shrink taken, per weight
    double shrink, divisor, total  # sgd: this step's scalars


cdef struct _Step:
    # One optimizer step's arrays and scalars (sgd: ``m`` is the velocity,
    # NULL without momentum; adam: ``update`` unused).
    bint adam, nesterov
    char *grad
    char *m
    char *v
    char *update
    double rate, beta_1, beta_2, epsilon, momentum


cdef int _bind_after(_After *after, BoundL1Step op, str name, bint single,
                     const char *params, Py_ssize_t n, bint per_coordinate,
                     const char **starts, Py_ssize_t *sizes, int *count) except -1:
    """``after`` set from ``op`` (None: no after-step), checked against the
    optimizer's weights: op's are their first ones (the same memory, dtype),
    and cumulative's u is one per weight under ``per_coordinate`` (adam),
    else one total.  u and q are appended to the ranges to keep apart."""
    cdef const char *first = NULL
    after.kind, after.n, after.with_norm = _AFTER_NONE, 0, False
    if op is None or op.n == 0 or (not op.cumulative and not op.l1 and not op.l2):
        return 0
    if params == NULL:
        raise ValueError(f"{name}: an after-step needs params, the weights it moves")
    if op.single == single and op.n <= n:
        first = <const char *>&op.w32[0] if single else <const char *>&op.w64[0]
    if first != params:
        raise ValueError(
            f"{name}: the after-step's weights must be the first weights of params "
            "(a prefix view: the same memory and dtype); bind it to params[:k]"
        )
    after.n, after.with_norm = op.n, op.with_norm
    after.alpha, after.l1, after.l2 = op.alpha, op.l1, op.l2
    if not op.cumulative:
        after.kind = (_AFTER_SHRINK_DIVIDE if op.l1 and op.l2 else
                      _AFTER_SHRINK if op.l1 else _AFTER_DIVIDE)
        return 0
    if op.l2:
        raise ValueError(f"{name}: the cumulative after-step takes no L2 part")
    if op.scalar_u == per_coordinate:
        raise ValueError(
            f"{name}: cumulative's u must be one total shrink under sgd and one "
            "per weight under adam (as the style's init_state makes it)"
        )
    after.kind, after.u, after.q = _AFTER_PULL, &op.u[0], &op.q[0]
    starts[count[0]] = <char *>after.u
    sizes[count[0]] = op.u.shape[0] * sizeof(double)
    starts[count[0] + 1] = <char *>after.q
    sizes[count[0] + 1] = op.n * sizeof(double)
    count[0] += 2
    return 0


cdef int _check_after_fits(_After *after, str name, bint with_step_size,
                           bint with_decay, Py_ssize_t n_decay) except -1:
    """An after-step takes adam's step sizes in passing (none written), and
    comes without a decay (no style has both: one loop fewer per case)."""
    if after.kind == _AFTER_NONE:
        return 0
    if with_step_size:
        raise ValueError(f"{name}: with an after-step, pass step_size=None (the "
                         "step sizes are used in the pass, not written)")
    if with_decay:
        raise ValueError(f"{name}: an after-step is not fused with a decay; bind "
                         "with decay=None, or without the after-step")
    return 0


cdef void _sgd_after_scalars(_After *after, double step_size) noexcept nogil:
    """This sgd step's scalars, as ``BoundL1Step._threshold`` / ``_pull``."""
    cdef double threshold
    if after.kind == _AFTER_PULL:
        after.total = after.u[0] + step_size * after.alpha * after.l1
        after.u[0] = after.total
    else:
        threshold = step_size * after.alpha
        after.shrink = threshold * after.l1
        after.divisor = 1.0 + threshold * after.l2


cdef extern from *:
    # cumulative's u and q, which the bind keeps apart from every other
    # array (``_refuse_overlap``): said to the compiler (restrict
    # parameters), the adam loop needs fewer runtime overlap checks than gcc
    # allows for vectorising it (it made none of the cumulative loop).
    ctypedef double *_apart_double "double * __restrict__"


# ----------------------------------------------------- one weight's after-step
# The after-step's kind as a type: each loop below is compiled once per kind
# (and dtype), its kind known at compile time, so no loop tests it per
# weight (gcc vectorises them; an inlined loop with the kind as an argument
# was not inlined into its callers, and a branch inside a loop stops gcc).
cdef struct _Shrink:
    char unused
cdef struct _Divide:
    char unused
cdef struct _ShrinkDivide:
    char unused
cdef struct _Pull:
    char unused
ctypedef fused _Kind:
    _Shrink
    _Divide
    _ShrinkDivide
    _Pull


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline floating _after_per_coordinate(floating p, floating step, Py_ssize_t i,
                                           floating a, floating s1, floating s2,
                                           double alpha, double l1, double *u,
                                           double *q, _Kind *kind) noexcept nogil:
    """Weight i (value p, just moved) after adam's step ``step`` of it:
    as ``_threshold_per_coordinate_loop`` or ``_pull_per_coordinate_loop``."""
    cdef floating t, one = 1
    cdef double ui
    if _Kind is _Pull:
        ui = u[i] + (<double>step * alpha) * l1
        u[i] = ui
        return _pulled(p, q, i, ui)
    else:
        t = step * a
        if _Kind is not _Divide:
            p = _soft_threshold(p, t * s1)
        if _Kind is not _Shrink:
            p = p / (t * s2 + one)
        return p


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline floating _after_scalar(floating p, Py_ssize_t i, floating shrink,
                                   floating div, double total, double *q,
                                   _Kind *kind) noexcept nogil:
    """Weight i (value p, just moved) after sgd's step: as ``_threshold_loop``
    (``shrink``, ``div``) or ``_pull_loop`` (``total``)."""
    if _Kind is _Pull:
        return _pulled(p, q, i, total)
    else:
        if _Kind is not _Divide:
            p = _soft_threshold(p, shrink)
        if _Kind is not _Shrink:
            p = p / div
        return p


# ------------------------------------------------------------ the loops
@cython.boundscheck(False)
@cython.wraparound(False)
cdef void _adam_after_loop(_Step *s, _After *f, Py_ssize_t start, Py_ssize_t stop,
                           _Kind *kind, floating *params, _apart_double u,
                           _apart_double q) noexcept nogil:
    """Adam's pass over [start, stop) as ``_adam_pass`` with ``params`` (no
    decay), the after-step on each weight right after its update; no step
    size written."""
    cdef const floating *grad = <floating *>s.grad
    cdef floating *m = <floating *>s.m
    cdef floating *v = <floating *>s.v
    cdef floating b1 = <floating>s.beta_1, b2 = <floating>s.beta_2
    cdef floating c1 = <floating>(1.0 - s.beta_1), c2 = <floating>(1.0 - s.beta_2)
    cdef floating eps = <floating>s.epsilon, den, p
    cdef floating a = <floating>f.alpha, s1 = <floating>f.l1, s2 = <floating>f.l2
    cdef double rate = s.rate, alpha = f.alpha, l1 = f.l1
    cdef Py_ssize_t i
    for i in range(start, stop):
        den = _moments(grad[i], m, v, i, b1, b2, c1, c2, eps)
        p = params[i] - <floating>(<double>m[i] * rate) / den
        params[i] = _after_per_coordinate(p, <floating>(rate / <double>den), i, a, s1,
                                          s2, alpha, l1, u, q, kind)


@cython.boundscheck(False)
@cython.wraparound(False)
cdef void _sgd_after_loop(_Step *s, _After *f, Py_ssize_t start, Py_ssize_t stop,
                          _Kind *kind, floating *params) noexcept nogil:
    """sgd's pass over [start, stop) as ``_sgd_pass`` with ``params`` (no
    decay), the after-step on each weight right after its update: one loop
    per momentum (each a constant in ``_sgd_update``)."""
    cdef const floating *grad = <floating *>s.grad
    cdef floating *velocity = <floating *>s.m
    cdef floating *update = <floating *>s.update
    cdef floating lr = <floating>s.rate
    cdef floating mom = <floating>s.momentum, neg_mom = <floating>(-s.momentum)
    cdef floating shrink = <floating>f.shrink, div = <floating>f.divisor
    cdef double total = f.total
    cdef double *q = f.q
    cdef Py_ssize_t i
    if velocity == NULL:
        for i in range(start, stop):
            params[i] = _after_scalar(
                params[i] - _sgd_update(grad[i], velocity, i, lr, mom, neg_mom, _PLAIN),
                i, shrink, div, total, q, kind)
    elif s.nesterov:
        for i in range(start, stop):
            params[i] = _after_scalar(
                params[i] - _sgd_update(grad[i], velocity, i, lr, mom, neg_mom,
                                        _NESTEROV),
                i, shrink, div, total, q, kind)
    else:
        # -velocity through memory first (see ``_sgd_pass``), then subtracted.
        _sgd_loops(grad, velocity, update, params, NULL, start, stop, False, 0, lr,
                   mom, neg_mom, _HEAVY_BALL)
        for i in range(start, stop):
            params[i] = _after_scalar(params[i] - update[i], i, shrink, div, total, q,
                                      kind)


cdef inline void _after_loop(_Step *s, _After *f, Py_ssize_t start, Py_ssize_t stop,
                             _Kind *kind, floating *params) noexcept nogil:
    if s.adam:
        _adam_after_loop(s, f, start, stop, kind, params, f.u, f.q)
    else:
        _sgd_after_loop(s, f, start, stop, kind, params)


# ------------------------------------------------- the pass, leaf by leaf
cdef void _after_block(_Step *s, _After *f, Py_ssize_t start, Py_ssize_t stop,
                       floating *params) noexcept nogil:
    """The optimizer and the after-step on params[start:stop]."""
    if f.kind == _AFTER_SHRINK:
        _after_loop(s, f, start, stop, <_Shrink *>NULL, params)
    elif f.kind == _AFTER_DIVIDE:
        _after_loop(s, f, start, stop, <_Divide *>NULL, params)
    elif f.kind == _AFTER_SHRINK_DIVIDE:
        _after_loop(s, f, start, stop, <_ShrinkDivide *>NULL, params)
    else:
        _after_loop(s, f, start, stop, <_Pull *>NULL, params)


cdef floating _after_pairwise(_Step *s, _After *f, Py_ssize_t start, Py_ssize_t n,
                              floating *params) noexcept nogil:
    """params[start:start + n] stepped, and their new sum |w| in numpy's
    pairwise order (the recursion of ``_pairwise_abs_sum``): each leaf
    stepped, then summed."""
    cdef Py_ssize_t half
    cdef floating left
    if n <= 128:
        _after_block(s, f, start, start + n, params)
        return _abs_sum_leaf(params + start, n)
    half = n // 2
    half = half - half % 8
    left = _after_pairwise(s, f, start, half, params)
    return left + _after_pairwise(s, f, start + half, n - half, params)


cdef floating _after_pass(_Step *s, _After *f, floating *params) noexcept nogil:
    """The penalized prefix params[:f.n] stepped with the after-step; its new
    sum |w| when ``f.with_norm`` (else 0)."""
    if f.with_norm:
        return _after_pairwise(s, f, 0, f.n, params)
    _after_block(s, f, 0, f.n, params)
    return 0
