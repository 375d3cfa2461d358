# The layers: intercepts, relu, backprop sums, the softmax log-loss head.
# Part of _ckernels.pyx, which includes it: one compiled module.

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
    cdef floating zero = 0
    cdef Py_ssize_t r, c
    while j + width <= d.shape[1]:
        for c in range(width):
            # From numpy's identity, +0: a column of -0 sums to +0 as in numpy.
            block[c] = zero + d[0, j + c]
        for r in range(1, d.shape[0]):
            for c in range(width):
                block[c] = block[c] + d[r, j + c]
        for c in range(width):
            out[j + c] = block[c]
        j = j + width
    return j


def column_sums(const floating[:, ::1] d, floating[::1] out):
    """out[j] <- sum_i d[i, j], as numpy's add.reduce(d, axis=0) adds them:
    from +0, the rows one after the other; a single column, contiguous, in
    numpy's pairwise order."""
    cdef Py_ssize_t j
    cdef floating zero = 0
    if d.shape[0] == 0:
        raise ValueError("column_sums: delta has no rows")
    _check_rows("column_sums", "out", d, out)
    if d.shape[1] == 1:
        out[0] = zero + _pairwise_sum(&d[0, 0], d.shape[0], _VALUES)
        return
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


# ------------------------------------------------ the softmax log-loss head
def subtract_row_max(floating[:, ::1] z):
    """z[i, :] <- z[i, :] - max_k z[i, k], the maximum taken as numpy's
    ``np.maximum`` reduction takes it (a NaN wins; its sign of zero may
    differ, which z - max and exp(z - max) do not show)."""
    cdef Py_ssize_t r, k
    cdef floating top, x
    cdef bint unordered
    if z.shape[1] == 0:
        return
    with nogil, cython.boundscheck(False), cython.wraparound(False):
        for r in range(z.shape[0]):
            # The larger of each pair as a max instruction, no branch (a
            # branch on random rows mispredicts about once a row); a NaN,
            # which that skips, is looked for after.
            top = z[r, 0]
            unordered = top != top
            for k in range(1, z.shape[1]):
                x = z[r, k]
                unordered = unordered | (x != x)
                top = x if x > top else top
            if unordered:  # np.maximum keeps the first NaN it meets
                for k in range(z.shape[1]):
                    if z[r, k] != z[r, k]:
                        top = z[r, k]
                        break
            for k in range(z.shape[1]):
                z[r, k] = z[r, k] - top


cdef int _check_shape(str name, str what, Py_ssize_t rows, Py_ssize_t columns,
                      Py_ssize_t n, Py_ssize_t m) except -1:
    if rows != n or columns != m:
        raise ValueError(
            f"{name}: {what} has shape ({rows}, {columns}), expected ({n}, {m})"
        )
    return 0


def delta_and_pick(const floating[:, ::1] output, const floating[:, ::1] Y,
                   floating[:, ::1] delta, floating[::1] picked, double scale,
                   bint with_scale, double low, double high):
    """delta <- (output - Y) [* scale]; then the outputs where Y is 1, clipped
    to [low, high] with np.maximum's and np.minimum's NaN (kept), written
    one after another, row by row, from picked's start.  Returns how many,
    or -1 when some Y is neither 0 nor 1 (picked then holds nothing of use)."""
    cdef Py_ssize_t r, k, count = 0, n = output.shape[0], m = output.shape[1]
    cdef floating o, c, y, s = <floating>scale, lo = <floating>low, hi = <floating>high
    cdef Py_ssize_t i, one, ones, at, others
    cdef const floating *po
    cdef const floating *py
    cdef floating *pd
    cdef const char *starts[4]
    cdef Py_ssize_t sizes[4]
    _check_shape("delta_and_pick", "Y", Y.shape[0], Y.shape[1], n, m)
    _check_shape("delta_and_pick", "delta", delta.shape[0], delta.shape[1], n, m)
    if picked.shape[0] < n * m:
        raise ValueError(f"delta_and_pick: picked has length {picked.shape[0]}, "
                         f"expected at least {n * m}")
    if n == 0 or m == 0:
        return 0
    starts[:] = [<const char *>&output[0, 0], <const char *>&Y[0, 0],
                 <const char *>&delta[0, 0], <const char *>&picked[0]]
    sizes[:] = [n * m * sizeof(floating)] * 3 + [picked.shape[0] * sizeof(floating)]
    _refuse_overlap("delta_and_pick", starts, sizes, 4)
    with nogil, cython.boundscheck(False), cython.wraparound(False):
        # One flat loop per case (all C-contiguous, one shape): vectorised.
        po, py, pd = &output[0, 0], &Y[0, 0], &delta[0, 0]
        if with_scale:
            for i in range(n * m):
                pd[i] = (po[i] - py[i]) * s
        else:
            for i in range(n * m):
                pd[i] = po[i] - py[i]
        for r in range(n):
            # Each row's ones counted and located without a branch (a branch
            # per value mispredicts at the one, about once a row); a one-hot
            # row then picks its one output.
            ones, at, others = 0, 0, 0
            for k in range(m):
                y = Y[r, k]
                one = <Py_ssize_t>(y == 1)
                ones = ones + one
                at = at + k * one
                others = others + <Py_ssize_t>(y != 0) - one
            if others:
                count = -1
                break
            if ones > 1:  # several ones: each in turn
                at, ones = 0, m
            for k in range(at, at + ones):
                if Y[r, k] == 1:
                    o = output[r, k]
                    c = o if (o >= lo or o != o) else lo
                    picked[count] = c if (c <= hi or c != c) else hi
                    count = count + 1
    return count
