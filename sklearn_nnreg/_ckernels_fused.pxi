# A style's after-step run inside the bound optimizer passes (adam, sgd).
# Part of _ckernels.pyx, which includes it: one compiled module.
#
# The proximal soft-threshold (with the elastic net's division) and the
# cumulative pull of a ``BoundL1Step`` act weight by weight: the penalized
# prefix is stepped block by block (at most _STEP_BLOCK weights), each block by
# the optimizer's loop and then by the after-step's (the loops of the
# separate passes: their operations and roundings) while it is in L1 cache.
# When the step also sums |w|, the blocks are the subtrees of numpy's
# pairwise sum, each summed as it is stepped: the bits of
# ``_pairwise_abs_sum`` on the new weights, without a pass of its own.
# Adam's step sizes go to a buffer of one block, not to an array.

cdef enum:
    _AFTER_NONE = 0
    _AFTER_THRESHOLD = 1  # proximal: the soft-threshold and/or the division
    _AFTER_PULL = 2  # cumulative, L1 only: the clipped pull


cdef struct _After:
    # A bound after-step on params[:n]: its kind, scalars and cumulative's
    # debts (rows of owed, in the weights' type).
    int kind
    Py_ssize_t n
    bint with_norm
    double alpha, l1, l2
    char *pos  # cumulative: what each weight owes if positive
    char *neg  # and if negative
    double shrink, divisor, grow  # sgd: this step's scalars


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
                     const char *params, Py_ssize_t n,
                     const char **starts, Py_ssize_t *sizes, int *count) except -1:
    """``after`` set from ``op`` (None: no after-step), checked against the
    optimizer's weights: op's are their first ones (the same memory, dtype).
    Cumulative's debts are appended to the ranges to keep apart."""
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
        after.kind = _AFTER_THRESHOLD
        return 0
    if op.l2:
        raise ValueError(f"{name}: the cumulative after-step takes no L2 part")
    after.kind = _AFTER_PULL
    if single:
        after.pos, after.neg = <char *>&op.owed32[0, 0], <char *>&op.owed32[1, 0]
    else:
        after.pos, after.neg = <char *>&op.owed64[0, 0], <char *>&op.owed64[1, 0]
    starts[count[0]] = after.pos
    sizes[count[0]] = 2 * op.n * (4 if single else 8)
    count[0] += 1
    return 0


cdef int _check_after_fits(_After *after, str name, bint with_step_size,
                           bint with_decay, Py_ssize_t n_decay) except -1:
    """An after-step takes adam's step sizes in passing (none written), and
    comes without a decay (no style has both)."""
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
        after.grow = step_size * after.alpha * after.l1
    else:
        threshold = step_size * after.alpha
        after.shrink = threshold * after.l1
        after.divisor = 1.0 + threshold * after.l2


# ---------------------------------------------------- the pass, by blocks
cdef enum:
    # The most weights stepped at once: their arrays (grad, m, v, w, the step
    # sizes, two debts: 28 KiB in float64) stay in L1 cache between the loops.
    _STEP_BLOCK = 512


cdef void _after_block(_Step *s, _After *f, Py_ssize_t start, Py_ssize_t n,
                       floating *params) noexcept nogil:
    """The optimizer's loop on params[start:start + n] (n <= _STEP_BLOCK), adam's
    step sizes into a buffer, then the after-step's loop on the same weights:
    the loops of the unfused passes, so their bits, on a block in cache."""
    cdef floating step_size[_STEP_BLOCK]
    cdef floating *w = params + start
    cdef floating *grad = <floating *>s.grad + start
    cdef floating *m = <floating *>s.m + start if s.m != NULL else NULL
    if s.adam:
        _adam_pass(grad, m, <floating *>s.v + start, NULL, step_size, True, w, 0, n,
                   False, 0.0, s.beta_1, s.beta_2, s.rate, s.epsilon)
        if f.kind == _AFTER_PULL:
            _pull_per_coordinate_loop(w, <floating *>f.pos + start,
                                      <floating *>f.neg + start, step_size, n,
                                      f.alpha, f.l1)
        else:
            _threshold_per_coordinate_loop(w, step_size, n, f.alpha, f.l1, f.l2)
        return
    _sgd_pass(grad, m, <floating *>s.update + start, w, 0, n, False, 0.0, s.rate,
              s.momentum, s.nesterov)
    if f.kind == _AFTER_PULL:
        _pull_loop(w, <floating *>f.pos + start, <floating *>f.neg + start, n,
                   <floating>f.grow)
    else:
        _threshold_loop(w, n, <floating>f.shrink, <floating>f.divisor, f.l1 != 0,
                        f.l2 != 0)


cdef floating _after_pairwise(_Step *s, _After *f, Py_ssize_t start, Py_ssize_t n,
                              floating *params) noexcept nogil:
    """params[start:start + n] stepped, and their new sum |w| in numpy's
    pairwise order: the recursion of ``_pairwise_abs_sum`` down to subtrees
    of at most _STEP_BLOCK weights, each stepped and then summed."""
    cdef Py_ssize_t half
    cdef floating left
    if n <= _STEP_BLOCK:
        _after_block(s, f, start, n, params)
        return _pairwise_abs_sum(params + start, n)
    half = n // 2
    half = half - half % 8
    left = _after_pairwise(s, f, start, half, params)
    return left + _after_pairwise(s, f, start + half, n - half, params)


cdef floating _after_pass(_Step *s, _After *f, floating *params) noexcept nogil:
    """The penalized prefix params[:f.n] stepped with the after-step; its new
    sum |w| when ``f.with_norm`` (else 0)."""
    cdef Py_ssize_t start = 0
    if f.with_norm:
        return _after_pairwise(s, f, 0, f.n, params)
    while start < f.n:
        _after_block(s, f, start, min(<Py_ssize_t>_STEP_BLOCK, f.n - start), params)
        start = start + _STEP_BLOCK
    return 0


# ------------------------------------- the decayed weights and their sum w**2
cdef floating _decayed_square_sum(_Step *s, double decay, floating *step_size,
                                  bint by_step, floating *params, Py_ssize_t start,
                                  Py_ssize_t n) noexcept nogil:
    """params[start:start + n] stepped by the optimizer's pass with the decay,
    and the sum of their squares before the step (the L2 penalty of the
    weights this step starts from), in numpy's pairwise order: the recursion
    of ``_pairwise_sum`` down to subtrees of at most _STEP_BLOCK weights,
    each summed while in cache and then stepped."""
    cdef Py_ssize_t half
    cdef floating total
    if n <= _STEP_BLOCK:
        total = _pairwise_sum(params + start, n, _SQUARES)
        if s.adam:
            _adam_pass(<floating *>s.grad, <floating *>s.m, <floating *>s.v,
                       <floating *>s.update, step_size, by_step, params, start,
                       start + n, True, decay, s.beta_1, s.beta_2, s.rate, s.epsilon)
        else:
            _sgd_pass(<floating *>s.grad, <floating *>s.m, <floating *>s.update,
                      params, start, start + n, True, decay, s.rate, s.momentum,
                      s.nesterov)
        return total
    half = n // 2
    half = half - half % 8
    total = _decayed_square_sum(s, decay, step_size, by_step, params, start, half)
    return total + _decayed_square_sum(s, decay, step_size, by_step, params,
                                       start + half, n - half)
