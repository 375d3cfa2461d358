# cython: language_level=3, cdivision=True, initializedcheck=False
"""Fused float32 / float64 loops of the training step (optional; see _kernels.py).

Each loop does in one pass what the numpy reference in ``_kernels.py`` does in
several, with the same IEEE operations in the same order and the same
precision, so that the two paths give bitwise the same arrays.  That requires
no contraction of ``a * b + c`` into a fused multiply-add: the build passes
``-ffp-contract=off``.  Scalars arrive as Python floats (doubles) and are
rounded once to the arrays' type, as numpy rounds a Python float meeting a
float32 array; every operation on two ``floating`` values is done in that
type (a product of two floats is a float in C).

The arguments are typed memoryviews of one fused type, so a call with another
element type, a non-contiguous array or the wrong number of dimensions is
refused by Cython before any loop runs; each function then checks the
lengths and that no two arrays overlap, and only then runs its loop without
the GIL, with bounds and wraparound checks off (the indices are in range by
those checks).
"""

cimport cython
from cython cimport floating
from libc.math cimport copysign, fabs, fabsf, sqrt, sqrtf

from numpy import ndarray


cdef inline floating _sqrt(floating x) noexcept nogil:
    # sqrtf for float: correctly rounded, as numpy's float32 sqrt.
    if floating is float:
        return sqrtf(x)
    else:
        return sqrt(x)


cdef inline floating _abs(floating x) noexcept nogil:
    # fabsf for float: no trip through double (exact either way, but plain).
    if floating is float:
        return fabsf(x)
    else:
        return fabs(x)


cdef int _refuse_overlap(str name, const char **starts, const Py_ssize_t *sizes,
                         int count) except -1:
    """Raise if any two of ``count`` byte ranges [start, start + size) overlap.

    The loops read and write element i in one go: an array given twice, or
    two overlapping views, would give another result than the reference
    (which makes one pass per operation), so they are refused.
    """
    cdef int i, j
    for i in range(count):
        for j in range(i + 1, count):
            if (sizes[i] and sizes[j] and starts[i] < starts[j] + sizes[j]
                    and starts[j] < starts[i] + sizes[i]):
                raise ValueError(
                    f"{name}: two of the arrays share memory; pass separate arrays"
                )
    return 0


cdef int _check_length(str name, str what, Py_ssize_t got,
                       Py_ssize_t expected) except -1:
    if got != expected:
        raise ValueError(f"{name}: {what} has length {got}, expected {expected}")
    return 0


# --------------------------------------------------------------------- adam
@cython.boundscheck(False)
@cython.wraparound(False)
cdef void _adam_loop(const floating[::1] grad, floating[::1] m, floating[::1] v,
                     floating[::1] update, floating[::1] step_size, bint with_step,
                     double beta_1, double beta_2, double rate,
                     double epsilon) noexcept nogil:
    cdef floating b1 = <floating>beta_1, b2 = <floating>beta_2
    cdef floating c1 = <floating>(1.0 - beta_1), c2 = <floating>(1.0 - beta_2)
    cdef floating eps = <floating>epsilon
    cdef floating g, mi, vi, den
    cdef Py_ssize_t i
    for i in range(grad.shape[0]):
        g = grad[i]
        mi = m[i] * b1 + g * c1
        vi = v[i] * b2 + (g * g) * c2
        m[i] = mi
        v[i] = vi
        den = _sqrt(vi) + eps
        # m * rate in double, rounded, as numpy multiplies by the float64
        # bias-corrected rate (scikit-learn's order); exact for float64.
        update[i] = <floating>(<double>mi * rate) / den
        if with_step:
            step_size[i] = <floating>(rate / <double>den)


cdef int _check_adam(const floating[::1] grad, floating[::1] m, floating[::1] v,
                     floating[::1] update, floating[::1] step_size,
                     bint with_step) except -1:
    cdef Py_ssize_t n = grad.shape[0], size = n * sizeof(floating)
    cdef const char *starts[5]
    cdef Py_ssize_t sizes[5]
    _check_length("adam", "m", m.shape[0], n)
    _check_length("adam", "v", v.shape[0], n)
    _check_length("adam", "update", update.shape[0], n)
    _check_length("adam", "step_size", step_size.shape[0], n)
    if n == 0:
        return 0
    starts[:] = [<const char *>&grad[0], <const char *>&m[0], <const char *>&v[0],
                 <const char *>&update[0], <const char *>&step_size[0]]
    sizes[:] = [size, size, size, size, size]
    return _refuse_overlap("adam", starts, sizes, 5 if with_step else 4)


def adam(const floating[::1] grad, floating[::1] m, floating[::1] v,
         floating[::1] update, double beta_1, double beta_2, double rate,
         double epsilon):
    """m <- m b1 + g (1 - b1); v <- v b2 + g^2 (1 - b2);
    update <- (m rate) / (sqrt(v) + epsilon), in one pass."""
    _check_adam(grad, m, v, update, update, False)
    with nogil:
        _adam_loop(grad, m, v, update, update, False, beta_1, beta_2, rate, epsilon)


def adam_step_size(const floating[::1] grad, floating[::1] m, floating[::1] v,
                   floating[::1] update, floating[::1] step_size, double beta_1,
                   double beta_2, double rate, double epsilon):
    """As ``adam``, and step_size <- rate / (sqrt(v) + epsilon) in the same pass."""
    _check_adam(grad, m, v, update, step_size, True)
    with nogil:
        _adam_loop(grad, m, v, update, step_size, True, beta_1, beta_2, rate,
                   epsilon)


# ---------------------------------------------------- layers and backprop
cdef int _check_rows(str name, str what, const floating[:, ::1] z,
                     const floating[::1] b) except -1:
    """b must be as long as z's rows."""
    cdef const char *starts[2]
    cdef Py_ssize_t sizes[2]
    _check_length(name, what, b.shape[0], z.shape[1])
    if z.shape[0] == 0 or z.shape[1] == 0:
        return 0
    starts[:] = [<const char *>&z[0, 0], <const char *>&b[0]]
    sizes[:] = [z.shape[0] * z.shape[1] * sizeof(floating), b.shape[0] * sizeof(floating)]
    return _refuse_overlap(name, starts, sizes, 2)


def bias_relu(floating[:, ::1] z, const floating[::1] b):
    """z[i, j] <- max(z[i, j] + b[j], 0), NaN kept."""
    cdef Py_ssize_t r, j
    cdef floating x
    _check_rows("bias_relu", "b", z, b)
    with nogil, cython.boundscheck(False), cython.wraparound(False):
        for r in range(z.shape[0]):
            for j in range(z.shape[1]):
                x = z[r, j] + b[j]
                # x < 0 is false for NaN: NaN passes, as through np.maximum.
                z[r, j] = 0 if x < 0 else x


def bias_add(floating[:, ::1] z, const floating[::1] b):
    """z[i, j] <- z[i, j] + b[j]."""
    cdef Py_ssize_t r, j
    _check_rows("bias_add", "b", z, b)
    with nogil, cython.boundscheck(False), cython.wraparound(False):
        for r in range(z.shape[0]):
            for j in range(z.shape[1]):
                z[r, j] = z[r, j] + b[j]


cdef enum:
    # The widest block of columns that column_sums adds in registers: 4 AVX2
    # vectors of doubles (8 SSE2 ones), half that of floats.
    _BLOCK = 16


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline Py_ssize_t _sum_column_blocks(const floating[:, ::1] d, floating[::1] out,
                                          Py_ssize_t j, Py_ssize_t width) noexcept nogil:
    """out's columns from j on, ``width`` (a constant, at most _BLOCK) at a
    time while as many remain, each summed down the rows in registers (no
    load and store of out per row), its rows added in order; returns the
    first column not summed."""
    cdef floating block[_BLOCK]
    cdef Py_ssize_t r, c
    while j + width <= d.shape[1]:
        for c in range(width):
            block[c] = d[0, j + c]
        for r in range(1, d.shape[0]):
            for c in range(width):
                block[c] = block[c] + d[r, j + c]
        for c in range(width):
            out[j + c] = block[c]
        j = j + width
    return j


def column_sums(const floating[:, ::1] d, floating[::1] out):
    """out[j] <- sum_i d[i, j], the rows added one after the other (as numpy's
    add.reduce(d, axis=0) adds them)."""
    cdef Py_ssize_t j
    if d.shape[0] == 0:
        raise ValueError("column_sums: delta has no rows")
    _check_rows("column_sums", "out", d, out)
    with nogil:
        j = _sum_column_blocks(d, out, 0, _BLOCK)
        j = _sum_column_blocks(d, out, j, 4)
        _sum_column_blocks(d, out, j, 1)


def relu_backward(floating[:, ::1] delta, const floating[:, ::1] a):
    """delta <- delta * (a != 0)."""
    cdef Py_ssize_t i, n
    cdef floating keep
    cdef floating *dp
    cdef const floating *ap
    cdef const char *starts[2]
    cdef Py_ssize_t sizes[2]
    if a.shape[0] != delta.shape[0] or a.shape[1] != delta.shape[1]:
        raise ValueError(
            f"relu_backward: a has shape ({a.shape[0]}, {a.shape[1]}), delta "
            f"({delta.shape[0]}, {delta.shape[1]}); they must be equal"
        )
    if delta.shape[0] == 0 or delta.shape[1] == 0:
        return
    starts[:] = [<const char *>&delta[0, 0], <const char *>&a[0, 0]]
    sizes[:] = [delta.shape[0] * delta.shape[1] * sizeof(floating)] * 2
    _refuse_overlap("relu_backward", starts, sizes, 2)
    n = delta.shape[0] * delta.shape[1]
    dp, ap = &delta[0, 0], &a[0, 0]  # one flat loop: both C-contiguous, same shape
    with nogil:
        for i in range(n):
            # The product, not a plain 0, so that inf and NaN become NaN
            # as in numpy's delta * 0.
            keep = 1 if ap[i] != 0 else 0
            dp[i] = dp[i] * keep


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


cdef floating _pairwise_abs_sum(const floating *a, Py_ssize_t n) noexcept nogil:
    """sum |a[:n]| in numpy's pairwise order (its add.reduce of a contiguous
    array): blocks of at most 128 summed with 8 accumulators, the halves (cut
    at a multiple of 8) added recursively."""
    cdef floating r0, r1, r2, r3, r4, r5, r6, r7, res
    cdef Py_ssize_t i, half
    if n < 8:
        res = 0
        for i in range(n):
            res = res + _abs(a[i])
        return res
    if n <= 128:
        r0 = _abs(a[0]); r1 = _abs(a[1]); r2 = _abs(a[2]); r3 = _abs(a[3])
        r4 = _abs(a[4]); r5 = _abs(a[5]); r6 = _abs(a[6]); r7 = _abs(a[7])
        i = 8
        while i < n - (n % 8):
            r0 = r0 + _abs(a[i]); r1 = r1 + _abs(a[i + 1])
            r2 = r2 + _abs(a[i + 2]); r3 = r3 + _abs(a[i + 3])
            r4 = r4 + _abs(a[i + 4]); r5 = r5 + _abs(a[i + 5])
            r6 = r6 + _abs(a[i + 6]); r7 = r7 + _abs(a[i + 7])
            i = i + 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res = res + _abs(a[i])
            i = i + 1
        return res
    half = n // 2
    half = half - half % 8
    return _pairwise_abs_sum(a, half) + _pairwise_abs_sum(a + half, n - half)


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


# ------------------------------------------------------- bound arguments
def memoryview_of(floating[::1] a):
    """A's typed memoryview, made once: passed again to a loop of this module,
    it skips the buffer request and format check of an ndarray argument."""
    return a


def memoryview_of_rows(floating[:, ::1] a):
    """As ``memoryview_of`` for a C-contiguous 2-d array."""
    return a


# ---------------------------------------------- adam bound to one fit
@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline floating _moments(floating g, floating *m, floating *v, Py_ssize_t i,
                              floating b1, floating b2, floating c1, floating c2,
                              floating eps) noexcept nogil:
    """Adam's moments of weight i from its gradient g (as ``_adam_loop``);
    returns the denominator sqrt(v) + epsilon."""
    cdef floating mi = m[i] * b1 + g * c1, vi = v[i] * b2 + (g * g) * c2
    m[i] = mi
    v[i] = vi
    return _sqrt(vi) + eps


@cython.boundscheck(False)
@cython.wraparound(False)
cdef void _adam_pass(const floating *grad, floating *m, floating *v, floating *update,
                     floating *step_size, floating *params, Py_ssize_t start,
                     Py_ssize_t stop, bint with_decay, double decay, double beta_1,
                     double beta_2, double rate, double epsilon) noexcept nogil:
    """Adam's pass over [start, stop), as ``_adam_loop``; with ``params``, the
    gradient first gets ``decay * params`` (``axpy``'s bits, when
    ``with_decay``) and the update is subtracted from params (as ``flat -=
    update``) instead of being written to ``update``.  One loop per case,
    with no branch inside: gcc vectorises them (a loop that tested the case
    per element ran 2-3x slower)."""
    cdef floating b1 = <floating>beta_1, b2 = <floating>beta_2
    cdef floating c1 = <floating>(1.0 - beta_1), c2 = <floating>(1.0 - beta_2)
    cdef floating eps = <floating>epsilon, d = <floating>decay, g, den
    cdef Py_ssize_t i
    if params == NULL:  # the update written (and the step size)
        for i in range(start, stop):
            den = _moments(grad[i], m, v, i, b1, b2, c1, c2, eps)
            update[i] = <floating>(<double>m[i] * rate) / den
            if step_size != NULL:
                step_size[i] = <floating>(rate / <double>den)
    elif step_size != NULL or with_decay:
        for i in range(start, stop):
            g = grad[i] + params[i] * d if with_decay else grad[i]
            den = _moments(g, m, v, i, b1, b2, c1, c2, eps)
            params[i] = params[i] - <floating>(<double>m[i] * rate) / den
            if step_size != NULL:
                step_size[i] = <floating>(rate / <double>den)
    else:
        for i in range(start, stop):
            den = _moments(grad[i], m, v, i, b1, b2, c1, c2, eps)
            params[i] = params[i] - <floating>(<double>m[i] * rate) / den


cdef char *_data_of(object a, bint single, Py_ssize_t n, str what) except NULL:
    """The data of ``a`` (checked: the fit's dtype, C-contiguous, 1-d, n long)."""
    cdef float[::1] a32
    cdef double[::1] a64
    if single:
        a32 = a
        _check_length("BoundAdam", what, a32.shape[0], n)
        return <char *>&a32[0]
    a64 = a
    _check_length("BoundAdam", what, a64.shape[0], n)
    return <char *>&a64[0]


cdef Py_ssize_t _bound_length(str name, grad, Py_ssize_t n_decay,
                              bint decay_without_params) except -1:
    """The length of a bound step's arrays, checked: not empty, and a decay
    (on its first ``n_decay`` weights) only with the weights to decay."""
    cdef Py_ssize_t n = grad.shape[0]
    if n == 0:
        raise ValueError(f"{name}: the arrays are empty")
    if not 0 <= n_decay <= n or decay_without_params:
        raise ValueError(f"{name}: a decay needs params, on at most n of them")
    return n


cdef class BoundAdam:
    """Adam's step of one fit, its arrays and constants bound once.

    ``grad``, ``m``, ``v`` and ``update`` (and ``step_size``, ``params`` when
    given) are checked once (one dtype, C-contiguous, 1-d, equal lengths, no
    two sharing memory) and held; ``step(rate)`` then runs one pass that
    computes bit for bit what ``_kernels.adam`` computes.  With ``params``
    the pass also does the two operations around it when the training step
    has nothing else there: first ``grad[:n_decay] += decay * params[:n_decay]``
    (when ``with_decay``: the L2 gradient of the penalized weights, as
    ``axpy``) and last ``params -= update`` (``update`` is then not written).
    """

    cdef object arrays  # holds the arrays: the pointers below stay valid
    cdef char *grad
    cdef char *m
    cdef char *v
    cdef char *update
    cdef char *step_size
    cdef char *params
    cdef bint single, with_decay
    cdef Py_ssize_t n, n_decay
    cdef double decay, beta_1, beta_2, epsilon

    def __init__(self, grad, m, v, update, step_size, params, Py_ssize_t n_decay,
                 bint with_decay, double decay, double beta_1, double beta_2,
                 double epsilon):
        cdef const char *starts[6]
        cdef Py_ssize_t sizes[6]
        cdef int count = 4, k
        self.single = grad.dtype.itemsize == 4
        self.n = _bound_length("BoundAdam", grad, n_decay, with_decay and params is None)
        self.arrays = (grad, m, v, update, step_size, params)
        self.grad = _data_of(grad, self.single, self.n, "grad")
        self.m = _data_of(m, self.single, self.n, "m")
        self.v = _data_of(v, self.single, self.n, "v")
        self.update = _data_of(update, self.single, self.n, "update")
        starts[:4] = [self.grad, self.m, self.v, self.update]
        for extra, what in ((step_size, "step_size"), (params, "params")):
            if extra is not None:
                starts[count] = _data_of(extra, self.single, self.n, what)
                count += 1
        self.step_size = <char *>starts[4] if step_size is not None else NULL
        self.params = <char *>starts[count - 1] if params is not None else NULL
        for k in range(count):
            sizes[k] = self.n * (4 if self.single else 8)
        _refuse_overlap("BoundAdam", starts, sizes, count)
        self.n_decay, self.with_decay, self.decay = n_decay, with_decay, decay
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def step(self, double rate):
        """One step at the bias-corrected rate ``rate``."""
        if self.single:
            with nogil:
                _bound_adam_pass(self, rate, <float>0)
        else:
            with nogil:
                _bound_adam_pass(self, rate, <double>0)


cdef void _bound_adam_pass(BoundAdam bound, double rate,
                           floating kind) noexcept nogil:
    """The bound pass in ``kind``'s type: the decayed part, then the rest."""
    cdef Py_ssize_t cut = bound.n_decay if bound.with_decay else 0
    cdef floating *grad = <floating *>bound.grad
    cdef floating *m = <floating *>bound.m
    cdef floating *v = <floating *>bound.v
    cdef floating *update = <floating *>bound.update
    cdef floating *step_size = <floating *>bound.step_size
    cdef floating *params = <floating *>bound.params
    if cut:
        _adam_pass(grad, m, v, update, step_size, params, 0, cut, True, bound.decay,
                   bound.beta_1, bound.beta_2, rate, bound.epsilon)
    _adam_pass(grad, m, v, update, step_size, params, cut, bound.n, False, 0.0,
               bound.beta_1, bound.beta_2, rate, bound.epsilon)


# ------------------------------------------------ the softmax log-loss head
def subtract_row_max(floating[:, ::1] z):
    """z[i, :] <- z[i, :] - max_k z[i, k], the maximum taken as numpy's
    ``np.maximum`` reduction takes it (a NaN wins; its sign of zero may
    differ, which z - max and exp(z - max) do not show)."""
    cdef Py_ssize_t r, k
    cdef floating top, x
    if z.shape[1] == 0:
        return
    with nogil, cython.boundscheck(False), cython.wraparound(False):
        for r in range(z.shape[0]):
            top = z[r, 0]
            for k in range(1, z.shape[1]):
                x = z[r, k]
                if not (top >= x or top != top):  # np.maximum(top, x)
                    top = x
            for k in range(z.shape[1]):
                z[r, k] = z[r, k] - top


cdef int _check_shape(str name, str what, Py_ssize_t rows, Py_ssize_t columns,
                      Py_ssize_t n, Py_ssize_t m) except -1:
    if rows != n or columns != m:
        raise ValueError(
            f"{name}: {what} has shape ({rows}, {columns}), expected ({n}, {m})"
        )
    return 0


def delta_and_clip(const floating[:, ::1] output, const floating[:, ::1] Y,
                   floating[:, ::1] delta, floating[:, ::1] clipped, double scale,
                   bint with_scale, double low, double high):
    """delta <- (output - Y) [* scale]; clipped <- min(max(output, low), high)
    with np.maximum's and np.minimum's NaN (kept), in one pass."""
    cdef Py_ssize_t r, k, n = output.shape[0], m = output.shape[1]
    cdef floating o, c, s = <floating>scale, lo = <floating>low, hi = <floating>high
    cdef const char *starts[4]
    cdef Py_ssize_t sizes[4]
    _check_shape("delta_and_clip", "Y", Y.shape[0], Y.shape[1], n, m)
    _check_shape("delta_and_clip", "delta", delta.shape[0], delta.shape[1], n, m)
    _check_shape("delta_and_clip", "clipped", clipped.shape[0], clipped.shape[1], n, m)
    if n == 0 or m == 0:
        return
    starts[:] = [<const char *>&output[0, 0], <const char *>&Y[0, 0],
                 <const char *>&delta[0, 0], <const char *>&clipped[0, 0]]
    sizes[:] = [n * m * sizeof(floating)] * 4
    _refuse_overlap("delta_and_clip", starts, sizes, 4)
    with nogil, cython.boundscheck(False), cython.wraparound(False):
        for r in range(n):
            for k in range(m):
                o = output[r, k]
                delta[r, k] = (o - Y[r, k]) * s if with_scale else o - Y[r, k]
                c = o if (o >= lo or o != o) else lo
                clipped[r, k] = c if (c <= hi or c != c) else hi


# ----------------------------------------------- sgd bound to one fit
cdef enum:
    _PLAIN = 0  # no momentum
    _HEAVY_BALL = 1
    _NESTEROV = 2


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline floating _sgd_update(floating g, floating *velocity, Py_ssize_t i,
                                 floating lr, floating mom, floating neg_mom,
                                 int kind) noexcept nogil:
    """The update sgd subtracts for weight i, as ``SGD.direction``'s numpy
    calls: ``u = g * lr``; with momentum ``velocity = velocity * mom - u``,
    then ``-velocity`` (heavy ball) or ``velocity * -mom + g * lr``."""
    cdef floating u = g * lr, vi
    if kind == _PLAIN:
        return u
    vi = velocity[i] * mom - u
    velocity[i] = vi
    if kind == _HEAVY_BALL:
        return -vi
    return vi * neg_mom + u


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline void _sgd_loops(const floating *grad, floating *velocity, floating *update,
                            const floating *weights, floating *params,
                            Py_ssize_t start, Py_ssize_t stop, bint with_decay,
                            floating d, floating lr, floating mom, floating neg_mom,
                            int kind) noexcept nogil:
    """sgd over [start, stop) for one ``kind`` (a constant where inlined, so
    each loop has no branch inside): the gradient first given ``d * weights``
    (``axpy``'s bits, when ``with_decay``), then the update written, or with
    ``params`` subtracted from them (``flat -= update``) instead."""
    cdef Py_ssize_t i
    if params == NULL and with_decay:
        for i in range(start, stop):
            update[i] = _sgd_update(grad[i] + weights[i] * d, velocity, i, lr, mom,
                                    neg_mom, kind)
    elif params == NULL:
        for i in range(start, stop):
            update[i] = _sgd_update(grad[i], velocity, i, lr, mom, neg_mom, kind)
    elif with_decay:
        for i in range(start, stop):
            params[i] = params[i] - _sgd_update(grad[i] + params[i] * d, velocity, i,
                                                lr, mom, neg_mom, kind)
    else:
        for i in range(start, stop):
            params[i] = params[i] - _sgd_update(grad[i], velocity, i, lr, mom,
                                                neg_mom, kind)


@cython.boundscheck(False)
@cython.wraparound(False)
cdef void _sgd_pass(const floating *grad, floating *velocity, floating *update,
                    floating *params, Py_ssize_t start, Py_ssize_t stop,
                    bint with_decay, double decay, double rate, double momentum,
                    bint nesterov) noexcept nogil:
    """One sgd pass over [start, stop); the scalars rounded once to the type."""
    cdef floating d = <floating>decay, lr = <floating>rate
    cdef floating mom = <floating>momentum, neg_mom = <floating>(-momentum)
    cdef Py_ssize_t i
    if velocity == NULL:
        _sgd_loops(grad, velocity, update, params, params, start, stop, with_decay, d,
                   lr, mom, neg_mom, _PLAIN)
    elif nesterov:
        _sgd_loops(grad, velocity, update, params, params, start, stop, with_decay, d,
                   lr, mom, neg_mom, _NESTEROV)
    else:
        # The compiler folds ``w - (-v)`` into ``w + v``, which gives a NaN
        # velocity's sign to w where numpy gives it flipped: the update
        # (-v) goes through memory, then a second loop subtracts it.
        _sgd_loops(grad, velocity, update, params, NULL, start, stop, with_decay, d,
                   lr, mom, neg_mom, _HEAVY_BALL)
        if params != NULL:
            for i in range(start, stop):
                params[i] = params[i] - update[i]


cdef class BoundSGD:
    """sgd's step of one fit, its arrays and constants bound once.

    ``grad`` and ``update`` (and ``velocity``, ``params`` when given) are
    checked once (one dtype, C-contiguous, 1-d, equal lengths, no two
    sharing memory) and held; ``step(rate)`` then computes bit for bit what
    ``SGD.direction`` computes at that rate: no momentum without
    ``velocity``, else heavy-ball or (``nesterov``) Nesterov momentum.  With
    ``params`` the pass also does the two operations around it, as
    ``BoundAdam``: first ``grad[:n_decay] += decay * params[:n_decay]``
    (when ``with_decay``; ``grad`` itself is left as it is) and last
    ``params -= update`` (``update`` is then not written, but with
    heavy-ball momentum, which holds it there between two loops).
    """

    cdef object arrays  # holds the arrays: the pointers below stay valid
    cdef char *grad
    cdef char *velocity
    cdef char *update
    cdef char *params
    cdef bint single, with_decay, nesterov
    cdef Py_ssize_t n, n_decay
    cdef double decay, momentum

    def __init__(self, grad, velocity, update, params, Py_ssize_t n_decay,
                 bint with_decay, double decay, double momentum, bint nesterov):
        cdef const char *starts[4]
        cdef Py_ssize_t sizes[4]
        cdef int count = 0, k
        self.single = grad.dtype.itemsize == 4
        self.n = _bound_length("BoundSGD", grad, n_decay, with_decay and params is None)
        self.arrays = (grad, velocity, update, params)
        pointers = []
        for a, what in ((grad, "grad"), (velocity, "velocity"), (update, "update"),
                        (params, "params")):
            if a is None:
                pointers.append(None)
                continue
            _check_length("BoundSGD", what, len(a), self.n)
            starts[count] = _data_of(a, self.single, self.n, what)
            pointers.append(count)
            count += 1
        self.grad = <char *>starts[0]
        self.update = <char *>starts[pointers[2]]
        self.velocity = <char *>starts[pointers[1]] if velocity is not None else NULL
        self.params = <char *>starts[pointers[3]] if params is not None else NULL
        for k in range(count):
            sizes[k] = self.n * (4 if self.single else 8)
        _refuse_overlap("BoundSGD", starts, sizes, count)
        self.n_decay, self.with_decay, self.decay = n_decay, with_decay, decay
        self.momentum, self.nesterov = momentum, nesterov

    def step(self, double rate):
        """One step at the learning rate ``rate``."""
        with nogil:
            if self.single:
                _bound_sgd_pass(self, rate, <float>0)
            else:
                _bound_sgd_pass(self, rate, <double>0)


cdef void _bound_sgd_pass(BoundSGD bound, double rate, floating kind) noexcept nogil:
    """The bound pass in ``kind``'s type: the decayed part, then the rest."""
    cdef Py_ssize_t cut = bound.n_decay if bound.with_decay else 0
    cdef floating *grad = <floating *>bound.grad
    cdef floating *velocity = <floating *>bound.velocity
    cdef floating *update = <floating *>bound.update
    cdef floating *params = <floating *>bound.params
    if cut:
        _sgd_pass(grad, velocity, update, params, 0, cut, True, bound.decay, rate,
                  bound.momentum, bound.nesterov)
    _sgd_pass(grad, velocity, update, params, cut, bound.n, False, 0.0, rate,
              bound.momentum, bound.nesterov)
