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
cdef inline double _pull(double before, double u, double q) noexcept nogil:
    """A weight moved toward zero by what it owes, never across zero.

    The debt on the weight's side is t = u + q for a positive weight, u - q
    for a negative one, i.e. u + sign(w) q.  The pull is then taken on |w|
    and the sign put back: |w| - t rounds to exactly minus what w + t rounds
    to, so a positive weight gets max(0, w - (u + q)) and a negative one
    min(0, w + (u - q)), bit for bit as the reference, +0 when clipped.  The
    sign goes on and off by products with +-1, which are exact and leave a
    NaN as it is (as the reference's sums pass it on).  A zero or NaN weight
    stays.  No branches and one subtraction instead of two: gcc vectorises
    the loops, the float32 ones too (with -fno-trapping-math, see
    pyproject.toml).
    """
    cdef double size = fabs(before), sign = copysign(1.0, before)
    cdef double pulled = size - (u + sign * q)
    # Not ``pulled > 0``: a NaN (from a NaN debt) must stay NaN.
    pulled = 0 if pulled <= 0 else pulled * sign
    return pulled if size > 0 else before


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline floating _pull_one(floating *wp, double *qp, Py_ssize_t i,
                               double u) noexcept nogil:
    """Weight i pulled toward zero by the total shrink u, offset by what it
    has already taken (q), and q updated by what it takes now."""
    cdef double before = wp[i], qi = qp[i]
    cdef floating wi = <floating>_pull(before, u, qi)
    wp[i] = wi
    qp[i] = qi + (<double>wi - before)
    return wi


cdef void _pull_loop(floating *wp, double *qp, Py_ssize_t n,
                     double u) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        _pull_one(wp, qp, i, u)


cdef void _pull_per_coordinate_loop(floating *wp, double *up, double *qp,
                                    const floating *sp, Py_ssize_t n, double alpha,
                                    double l1) noexcept nogil:
    cdef Py_ssize_t i
    cdef double ui
    for i in range(n):
        ui = up[i] + (<double>sp[i] * alpha) * l1
        up[i] = ui
        _pull_one(wp, qp, i, ui)


cdef int _check_pull(floating[::1] w, double[::1] q, double[::1] u,
                     bint with_u) except -1:
    """q (and u if ``with_u``) as long as w; no two of them overlapping."""
    cdef Py_ssize_t n = w.shape[0]
    cdef const char *starts[3]
    cdef Py_ssize_t sizes[3]
    _check_length("cumulative_pull", "q", q.shape[0], n)
    if with_u:
        _check_length("cumulative_pull", "u", u.shape[0], n)
    if n == 0:
        return 0
    starts[:] = [<const char *>&w[0], <const char *>&q[0], <const char *>&u[0]]
    sizes[:] = [n * sizeof(floating), n * sizeof(double), n * sizeof(double)]
    return _refuse_overlap("cumulative_pull", starts, sizes, 3 if with_u else 2)


def cumulative_pull(floating[::1] w, double[::1] q, double u, bint with_norm=False):
    """The cumulative L1 pull with one total shrink u for every weight:
    w <- max(0, w - (u + q)) if w > 0, min(0, w + (u - q)) if w < 0; then
    q <- q + (w_new - w_old), in double."""
    _check_pull(w, q, q, False)
    if w.shape[0]:
        with nogil:
            _pull_loop(&w[0], &q[0], w.shape[0], u)
    return _norm_if(with_norm, w)


cdef int _pull_per_coordinate(floating[::1] w, double[::1] u, double[::1] q,
                              const floating[::1] step_size, double alpha,
                              double l1) except -1:
    cdef Py_ssize_t n = w.shape[0]
    _check_pull(w, q, u, True)
    _check_pair("cumulative_pull_per_coordinate", "step_size", w, step_size)
    if n:
        _check_step_apart(&step_size[0], n * sizeof(floating), u, q)
        with nogil:
            _pull_per_coordinate_loop(&w[0], &u[0], &q[0], &step_size[0], n, alpha, l1)
    return 0


def cumulative_pull_per_coordinate(floating[::1] w, double[::1] u, double[::1] q,
                                   const floating[::1] step_size, double alpha, double l1,
                                   bint with_norm=False):
    """As ``cumulative_pull`` with one total shrink per weight, itself first
    increased in the same pass: u <- u + (step_size alpha) l1, in double."""
    _pull_per_coordinate(w, u, q, step_size, alpha, l1)
    return _norm_if(with_norm, w)


cdef int _check_step_apart(const void *step, Py_ssize_t step_bytes, double[::1] u,
                           double[::1] q) except -1:
    """Adam's step sizes (``step_bytes`` long) share no memory with u or q."""
    cdef const char *starts[3]
    cdef Py_ssize_t sizes[3]
    cdef Py_ssize_t n = q.shape[0]
    if n == 0:
        return 0
    starts[:] = [<const char *>step, <const char *>&u[0], <const char *>&q[0]]
    sizes[:] = [step_bytes, n * sizeof(double), n * sizeof(double)]
    return _refuse_overlap("cumulative_pull", starts, sizes, 3)


# ------------------------------------------------------------ the L1 norm
cdef object _norm_if(bint with_norm, const floating[::1] w):
    """sum |w| after a step, when asked (the penalty value of the next step)."""
    if not with_norm:
        return None
    if w.shape[0] == 0:
        return <floating>0
    return _pairwise_abs_sum(&w[0], w.shape[0])


cdef inline floating _term(floating x, bint absolute) noexcept nogil:
    return _abs(x) if absolute else x


cdef floating _pairwise_sum(const floating *a, Py_ssize_t n,
                            bint absolute) noexcept nogil:
    """sum a[:n] (of |a[:n]| if ``absolute``) in numpy's pairwise order (its
    add.reduce of a contiguous array): blocks of at most 128 summed with 8
    accumulators, the halves (cut at a multiple of 8) added recursively.
    numpy's reduction starts from its identity, +0: a caller that needs a
    sum of zeros to be +0 as numpy's adds the result to 0 (not needed for
    |a|, never -0)."""
    cdef floating r0, r1, r2, r3, r4, r5, r6, r7, res
    cdef Py_ssize_t i, half
    if n < 8:
        res = 0
        for i in range(n):
            res = res + _term(a[i], absolute)
        return res
    if n <= 128:
        r0 = _term(a[0], absolute); r1 = _term(a[1], absolute)
        r2 = _term(a[2], absolute); r3 = _term(a[3], absolute)
        r4 = _term(a[4], absolute); r5 = _term(a[5], absolute)
        r6 = _term(a[6], absolute); r7 = _term(a[7], absolute)
        i = 8
        while i < n - (n % 8):
            r0 = r0 + _term(a[i], absolute); r1 = r1 + _term(a[i + 1], absolute)
            r2 = r2 + _term(a[i + 2], absolute); r3 = r3 + _term(a[i + 3], absolute)
            r4 = r4 + _term(a[i + 4], absolute); r5 = r5 + _term(a[i + 5], absolute)
            r6 = r6 + _term(a[i + 6], absolute); r7 = r7 + _term(a[i + 7], absolute)
            i = i + 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res = res + _term(a[i], absolute)
            i = i + 1
        return res
    half = n // 2
    half = half - half % 8
    return (_pairwise_sum(a, half, absolute)
            + _pairwise_sum(a + half, n - half, absolute))


cdef inline floating _pairwise_abs_sum(const floating *a, Py_ssize_t n) noexcept nogil:
    """sum |a[:n]| in numpy's pairwise order (see ``_pairwise_sum``)."""
    return _pairwise_sum(a, n, True)


def abs_sum(const floating[::1] w):
    """sum |w|, bit for bit as numpy's add.reduce(abs(w)) (in w's type)."""
    cdef floating total = 0
    if w.shape[0]:
        with nogil:
            total = _pairwise_abs_sum(&w[0], w.shape[0])
    return total


# ------------------------------------------- an L1 step bound to one fit
cdef class BoundL1Step:
    """The proximal or cumulative step of one fit, its arrays and scalars bound.

    The module's functions take every array anew at each call: buffer set-up,
    the float32 / float64 dispatch and the Python wrapper's checks cost a few
    microseconds per call, the whole loop at batch size 1.  Here the
    penalized weights ``w`` (and cumulative's float64 ``u`` and ``q``; u 0-d
    for one total shrink) are checked once (dtype, contiguity, lengths,
    overlap) with the style's ``alpha``, ``l1`` and ``l2``; a step then passes
    only the step size.  ``step`` computes bit for bit what
    ``_kernels.soft_threshold`` (no ``q``) or ``_kernels.cumulative_pull``
    computes, and returns the new ``sum |w|`` when bound ``with_norm``.
    """

    cdef float[::1] w32
    cdef double[::1] w64, u, q
    cdef bint single, cumulative, scalar_u, with_norm
    cdef double alpha, l1, l2
    cdef Py_ssize_t n

    def __init__(self, w, u, q, double alpha, double l1, double l2, bint with_norm):
        self.single = w.dtype.itemsize == 4
        if self.single:
            self.w32 = w
        else:
            self.w64 = w
        self.n, self.with_norm = w.shape[0], with_norm
        self.alpha, self.l1, self.l2 = alpha, l1, l2
        self.cumulative = q is not None
        if not self.cumulative:
            return
        self.scalar_u = u.ndim == 0
        self.u = u.reshape(1) if self.scalar_u else u  # a view of the 0-d total
        self.q = q
        if self.single:
            _check_pull(self.w32, self.q, self.u, not self.scalar_u)
        else:
            _check_pull(self.w64, self.q, self.u, not self.scalar_u)

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
        # u <- u + step_size alpha l1 (the 0-d total), as the wrapper adds it.
        cdef double total
        if not self.scalar_u:
            raise ValueError("cumulative_pull: a scalar step size needs a 0-d u")
        total = self.u[0] + step_size * self.alpha * self.l1
        self.u[0] = total
        if self.n and self.single:
            with nogil:
                _pull_loop(&self.w32[0], &self.q[0], self.n, total)
        elif self.n:
            with nogil:
                _pull_loop(&self.w64[0], &self.q[0], self.n, total)

    cdef _pull_per_coordinate(self, step_size):
        cdef const float[::1] s32
        cdef const double[::1] s64
        if self.scalar_u:
            raise ValueError("cumulative_pull: step sizes per weight need u per weight")
        if self.single:
            s32 = step_size
            _pull_per_coordinate(self.w32, self.u, self.q, s32, self.alpha, self.l1)
        else:
            s64 = step_size
            _pull_per_coordinate(self.w64, self.u, self.q, s64, self.alpha, self.l1)
