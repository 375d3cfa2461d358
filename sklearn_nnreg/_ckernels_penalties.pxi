# The penalty styles' loops: L2 gradient, soft-threshold, cumulative pull, L1 norm, the bound L1 step.
# Part of _ckernels.pyx, which includes it: one compiled module.

# ------------------------------------------------------- flat weight loops
cdef int _check_pair(str name, str what, const floating[::1] y,
                     const floating[::1] x) except -1:
    cdef const char *starts[2]
    cdef Py_ssize_t sizes[2]
    _check_length(name, what, x.shape[0], y.shape[0])
    if y.shape[0] == 0:
        return 0
    starts[:] = [<const char *>&y[0], <const char *>&x[0]]
    sizes[:] = [y.shape[0] * sizeof(floating)] * 2
    return _refuse_overlap(name, starts, sizes, 2)


def axpy(floating[::1] y, double alpha, const floating[::1] x):
    """y <- y + alpha * x."""
    cdef Py_ssize_t i
    cdef floating a = <floating>alpha
    _check_pair("axpy", "x", y, x)
    with nogil, cython.boundscheck(False), cython.wraparound(False):
        for i in range(y.shape[0]):
            y[i] = y[i] + x[i] * a


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline floating _soft_threshold(floating w, floating l1_part) noexcept nogil:
    """copysign(max(|w| - l1_part, 0), w); NaN kept."""
    cdef floating shrunk = fabs(w) - l1_part
    if shrunk < 0:
        shrunk = 0
    return copysign(shrunk, w)


cdef void _threshold_loop(floating *wp, Py_ssize_t n, floating shrink,
                          floating div, bint l1, bint l2) noexcept nogil:
    cdef Py_ssize_t i
    # One loop per case: no branch inside, so that gcc vectorises them.
    if l1:
        for i in range(n):
            wp[i] = _soft_threshold(wp[i], shrink)
    if l2:
        for i in range(n):
            wp[i] = wp[i] / div


cdef void _threshold_per_coordinate_loop(floating *wp, const floating *sp,
                                         Py_ssize_t n, double alpha, double l1,
                                         double l2) noexcept nogil:
    cdef Py_ssize_t i
    cdef floating a = <floating>alpha, s1 = <floating>l1, s2 = <floating>l2
    cdef floating one = 1, t
    cdef bint has_l1 = l1 != 0, has_l2 = l2 != 0
    if has_l1 and not has_l2:  # L1 alone: a branch-free loop (vectorised)
        for i in range(n):
            t = sp[i] * a
            wp[i] = _soft_threshold(wp[i], t * s1)
    else:
        for i in range(n):
            t = sp[i] * a
            if has_l1:
                wp[i] = _soft_threshold(wp[i], t * s1)
            if has_l2:
                wp[i] = wp[i] / (t * s2 + one)


def soft_threshold(floating[::1] w, double l1_part, double divisor, bint l1,
                   bint l2, bint with_norm=False):
    """The proximal step of l1 |w| + l2 w^2 / 2 with one scalar threshold t:
    w <- soft_threshold(w, t l1) if l1, then w <- w / (1 + t l2) if l2.

    ``l1_part`` is t * l1 and ``divisor`` 1 + t * l2, computed by the caller.
    """
    cdef Py_ssize_t n = w.shape[0]
    if n:
        with nogil:
            _threshold_loop(&w[0], n, <floating>l1_part, <floating>divisor, l1, l2)
    return _norm_if(with_norm, w)


cdef int _threshold_per_coordinate(floating[::1] w, const floating[::1] step_size,
                                   double alpha, double l1, double l2) except -1:
    cdef Py_ssize_t n = w.shape[0]
    _check_pair("soft_threshold_per_coordinate", "step_size", w, step_size)
    if n:
        with nogil:
            _threshold_per_coordinate_loop(&w[0], &step_size[0], n, alpha, l1, l2)
    return 0


def soft_threshold_per_coordinate(floating[::1] w, const floating[::1] step_size,
                                  double alpha, double l1, double l2,
                                  bint with_norm=False):
    """As ``soft_threshold`` with one threshold t = step_size[i] * alpha per weight:
    w <- soft_threshold(w, t * l1) if l1, then w <- w / (t * l2 + 1) if l2."""
    _threshold_per_coordinate(w, step_size, alpha, l1, l2)
    return _norm_if(with_norm, w)


def l2_shrink_per_coordinate(floating[::1] update, const floating[::1] w,
                             const floating[::1] step_size, double alpha, double l2):
    """update <- update + (1 - max(0, 1 - step_size alpha l2)) w: the L2 part of the
    cumulative elastic net, a factor on the old weights added to the step."""
    cdef Py_ssize_t i
    cdef floating a = <floating>alpha, s2 = <floating>l2, one = 1, shrink
    _check_pair("l2_shrink_per_coordinate", "w", update, w)
    _check_pair("l2_shrink_per_coordinate", "step_size", update, step_size)
    with nogil, cython.boundscheck(False), cython.wraparound(False):
        for i in range(update.shape[0]):
            shrink = (step_size[i] * a) * s2
            shrink = one - shrink
            # max(0, shrink) as np.maximum(0.0, shrink): NaN kept.
            if shrink <= 0:
                shrink = 0
            shrink = one - shrink
            update[i] = update[i] + shrink * w[i]


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline floating _pull_one(floating *wp, floating *pos, floating *neg,
                               Py_ssize_t i, floating grow) noexcept nogil:
    """Weight i moved toward zero by what it owes, never across zero.

    Both of its debts first grow by this step's shrink ``grow``: ``pos`` is
    what a positive weight owes (u + q in Tsuruoka et al.'s terms), ``neg``
    what a negative one owes (u - q).  A positive weight becomes
    max(0, w - pos), a negative one min(0, w + neg), +0 when clipped; a zero
    or NaN weight stays.  Then what the weight took settles both debts:
    pos + taken, neg - taken.  The reference's operations, NaN for NaN: both
    pulls are computed and one is selected, no branches, so gcc vectorises
    the loops (with -fno-trapping-math, see pyproject.toml), all in the
    weights' type.  (Not a pull on |w| with the sign put back by a product
    with +-1: gcc turns that product into a flip of the sign bit, which
    flips a NaN's sign too, and the reference's NaN keeps its sign.)
    """
    cdef floating before = wp[i], owed_pos = pos[i] + grow, owed_neg = neg[i] + grow
    cdef floating zero = 0
    cdef floating down = before - owed_pos, up = before + owed_neg
    cdef floating after, taken
    # max(0, down) and min(0, up) as x86's maxsd / minsd take them (the
    # second operand when unordered): a NaN stays NaN.  Neither can be -0
    # where it is used (w - pos with w > 0, w + neg with w < 0).
    down = zero if zero > down else down
    up = zero if zero < up else up
    after = down if before > 0 else (up if before < 0 else before)
    taken = after - before
    wp[i] = after
    pos[i] = owed_pos + taken
    neg[i] = owed_neg - taken
    return after


cdef void _pull_loop(floating *wp, floating *pos, floating *neg, Py_ssize_t n,
                     floating grow) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        _pull_one(wp, pos, neg, i, grow)


cdef void _pull_per_coordinate_loop(floating *wp, floating *pos, floating *neg,
                                    const floating *sp, Py_ssize_t n, double alpha,
                                    double l1) noexcept nogil:
    cdef Py_ssize_t i
    cdef floating a = <floating>alpha, b = <floating>l1
    for i in range(n):
        _pull_one(wp, pos, neg, i, (sp[i] * a) * b)


cdef int _check_owed(str name, floating[::1] w, floating[:, ::1] owed) except -1:
    """owed is (2, len(w)), apart from w."""
    cdef Py_ssize_t n = w.shape[0]
    cdef const char *starts[2]
    cdef Py_ssize_t sizes[2]
    if owed.shape[0] != 2 or owed.shape[1] != n:
        raise ValueError(
            f"{name}: owed has shape ({owed.shape[0]}, {owed.shape[1]}), expected "
            f"(2, {n}): the debts of positive and of negative weights"
        )
    if n == 0:
        return 0
    starts[:] = [<const char *>&w[0], <const char *>&owed[0, 0]]
    sizes[:] = [n * sizeof(floating), 2 * n * sizeof(floating)]
    return _refuse_overlap(name, starts, sizes, 2)


def cumulative_pull(floating[::1] w, floating[:, ::1] owed, double grow,
                    bint with_norm=False):
    """The cumulative L1 pull with one shrink ``grow`` for every weight:
    owed += grow (in w's type), then w <- max(0, w - owed[0]) if w > 0,
    min(0, w + owed[1]) if w < 0, and owed[0] += taken, owed[1] -= taken
    with taken = w_new - w_old."""
    _check_owed("cumulative_pull", w, owed)
    if w.shape[0]:
        with nogil:
            _pull_loop(&w[0], &owed[0, 0], &owed[1, 0], w.shape[0], <floating>grow)
    return _norm_if(with_norm, w)


cdef int _pull_per_coordinate(floating[::1] w, floating[:, ::1] owed,
                              const floating[::1] step_size, double alpha,
                              double l1) except -1:
    cdef Py_ssize_t n = w.shape[0]
    cdef const char *starts[2]
    cdef Py_ssize_t sizes[2]
    _check_owed("cumulative_pull_per_coordinate", w, owed)
    _check_pair("cumulative_pull_per_coordinate", "step_size", w, step_size)
    if n:
        starts[:] = [<const char *>&step_size[0], <const char *>&owed[0, 0]]
        sizes[:] = [n * sizeof(floating), 2 * n * sizeof(floating)]
        _refuse_overlap("cumulative_pull_per_coordinate", starts, sizes, 2)
        with nogil:
            _pull_per_coordinate_loop(&w[0], &owed[0, 0], &owed[1, 0], &step_size[0],
                                      n, alpha, l1)
    return 0


def cumulative_pull_per_coordinate(floating[::1] w, floating[:, ::1] owed,
                                   const floating[::1] step_size, double alpha,
                                   double l1, bint with_norm=False):
    """As ``cumulative_pull`` with one shrink per weight, (step_size alpha) l1
    in w's type."""
    _pull_per_coordinate(w, owed, step_size, alpha, l1)
    return _norm_if(with_norm, w)


# ------------------------------------------------------------ the L1 norm
cdef object _norm_if(bint with_norm, const floating[::1] w):
    """sum |w| after a step, when asked (the penalty value of the next step)."""
    if not with_norm:
        return None
    if w.shape[0] == 0:
        return <floating>0
    return _pairwise_abs_sum(&w[0], w.shape[0])


cdef inline floating _term(floating x, int kind) noexcept nogil:
    if kind == _MAGNITUDES:
        return _abs(x)
    if kind == _SQUARES:
        return x * x
    return x


cdef floating _pairwise_sum(const floating *a, Py_ssize_t n, int kind) noexcept nogil:
    """sum a[:n] (of |a[:n]| or a[:n]**2 for ``kind`` _MAGNITUDES or _SQUARES)
    in numpy's pairwise order (its add.reduce of a contiguous array, of
    np.abs(a) or a * a): blocks of at most 128 summed with 8 accumulators,
    the halves (cut at a multiple of 8) added recursively.  numpy's
    reduction starts from its identity, +0: a caller that needs a sum of
    zeros to be +0 as numpy's adds the result to 0 (not needed for |a| or
    a**2, never -0)."""
    cdef floating r0, r1, r2, r3, r4, r5, r6, r7, res
    cdef Py_ssize_t i, half
    if n < 8:
        res = 0
        for i in range(n):
            res = res + _term(a[i], kind)
        return res
    if n <= 128:
        r0 = _term(a[0], kind); r1 = _term(a[1], kind)
        r2 = _term(a[2], kind); r3 = _term(a[3], kind)
        r4 = _term(a[4], kind); r5 = _term(a[5], kind)
        r6 = _term(a[6], kind); r7 = _term(a[7], kind)
        i = 8
        while i < n - (n % 8):
            r0 = r0 + _term(a[i], kind); r1 = r1 + _term(a[i + 1], kind)
            r2 = r2 + _term(a[i + 2], kind); r3 = r3 + _term(a[i + 3], kind)
            r4 = r4 + _term(a[i + 4], kind); r5 = r5 + _term(a[i + 5], kind)
            r6 = r6 + _term(a[i + 6], kind); r7 = r7 + _term(a[i + 7], kind)
            i = i + 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res = res + _term(a[i], kind)
            i = i + 1
        return res
    half = n // 2
    half = half - half % 8
    return _pairwise_sum(a, half, kind) + _pairwise_sum(a + half, n - half, kind)


cdef inline floating _pairwise_abs_sum(const floating *a, Py_ssize_t n) noexcept nogil:
    """sum |a[:n]| in numpy's pairwise order (see ``_pairwise_sum``)."""
    return _pairwise_sum(a, n, _MAGNITUDES)


def abs_sum(const floating[::1] w):
    """sum |w|, bit for bit as numpy's add.reduce(abs(w)) (in w's type)."""
    cdef floating total = 0
    if w.shape[0]:
        with nogil:
            total = _pairwise_abs_sum(&w[0], w.shape[0])
    return total


def square_sum(const floating[::1] w):
    """sum w**2, bit for bit as numpy's add.reduce(w * w) (in w's type)."""
    cdef floating total = 0
    if w.shape[0]:
        with nogil:
            total = _pairwise_sum(&w[0], w.shape[0], _SQUARES)
    return total


# ------------------------------------------- an L1 step bound to one fit
cdef class BoundL1Step:
    """The proximal or cumulative step of one fit, its arrays and scalars bound.

    The module's functions take every array anew at each call: buffer set-up,
    the float32 / float64 dispatch and the Python wrapper's checks cost a few
    microseconds per call, the whole loop at batch size 1.  Here the
    penalized weights ``w`` (and cumulative's debts ``owed``, shaped (2,
    len(w)) in w's dtype) are checked once (dtype, contiguity, shapes,
    overlap) with the style's ``alpha``, ``l1`` and ``l2``; a step then passes
    only the step size.  ``step`` computes bit for bit what
    ``_kernels.soft_threshold`` (no ``owed``) or ``_kernels.cumulative_pull``
    computes, and returns the new ``sum |w|`` when bound ``with_norm``.
    """

    cdef float[::1] w32
    cdef double[::1] w64
    cdef float[:, ::1] owed32
    cdef double[:, ::1] owed64
    cdef bint single, cumulative, with_norm
    cdef double alpha, l1, l2
    cdef Py_ssize_t n

    def __init__(self, w, owed, double alpha, double l1, double l2, bint with_norm):
        self.single = w.dtype.itemsize == 4
        if self.single:
            self.w32 = w
        else:
            self.w64 = w
        self.n, self.with_norm = w.shape[0], with_norm
        self.alpha, self.l1, self.l2 = alpha, l1, l2
        self.cumulative = owed is not None
        if not self.cumulative:
            return
        if self.single:
            self.owed32 = owed
            _check_owed("BoundL1Step", self.w32, self.owed32)
        else:
            self.owed64 = owed
            _check_owed("BoundL1Step", self.w64, self.owed64)

    def step(self, step_size):
        """The step with ``step_size``: a number (sgd) or an array like w."""
        if not isinstance(step_size, ndarray):
            if self.cumulative:
                self._pull(step_size)
            else:
                self._threshold(step_size)
        else:
            try:
                if self.cumulative:
                    self._pull_per_coordinate(step_size)
                else:
                    self._threshold_per_coordinate(step_size)
            except (ValueError, TypeError) as error:
                if "length" in str(error) or "share memory" in str(error):
                    raise
                raise ValueError(
                    f"step: step_size must be a C-contiguous 1-d array of the "
                    f"weights' dtype ({'float32' if self.single else 'float64'}); "
                    f"got dtype {step_size.dtype}, shape {step_size.shape} ({error})"
                ) from None
        if not self.with_norm:
            return None
        return _norm_if(True, self.w32) if self.single else _norm_if(True, self.w64)

    cdef _threshold(self, double step_size):
        # The wrapper's scalars, in its order.
        cdef double threshold = step_size * self.alpha
        cdef double l1_part = threshold * self.l1, divisor = 1.0 + threshold * self.l2
        cdef bint l1 = self.l1 != 0, l2 = self.l2 != 0
        if self.n and self.single:
            with nogil:
                _threshold_loop(&self.w32[0], self.n, <float>l1_part, <float>divisor,
                                l1, l2)
        elif self.n:
            with nogil:
                _threshold_loop(&self.w64[0], self.n, l1_part, divisor, l1, l2)

    cdef _threshold_per_coordinate(self, step_size):
        cdef const float[::1] s32
        cdef const double[::1] s64
        if self.single:
            s32 = step_size
            _threshold_per_coordinate(self.w32, s32, self.alpha, self.l1, self.l2)
        else:
            s64 = step_size
            _threshold_per_coordinate(self.w64, s64, self.alpha, self.l1, self.l2)

    cdef _pull(self, double step_size):
        # The step's shrink, as the wrapper computes it (in double, then
        # rounded once to the weights' type).
        cdef double grow = step_size * self.alpha * self.l1
        if self.n and self.single:
            with nogil:
                _pull_loop(&self.w32[0], &self.owed32[0, 0], &self.owed32[1, 0],
                           self.n, <float>grow)
        elif self.n:
            with nogil:
                _pull_loop(&self.w64[0], &self.owed64[0, 0], &self.owed64[1, 0],
                           self.n, grow)

    cdef _pull_per_coordinate(self, step_size):
        cdef const float[::1] s32
        cdef const double[::1] s64
        if self.single:
            s32 = step_size
            _pull_per_coordinate(self.w32, self.owed32, s32, self.alpha, self.l1)
        else:
            s64 = step_size
            _pull_per_coordinate(self.w64, self.owed64, s64, self.alpha, self.l1)
