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


cdef enum:
    # What _pairwise_sum (_ckernels_penalties.pxi) adds up: the values, their
    # magnitudes, their squares.
    _VALUES = 0
    _MAGNITUDES = 1
    _SQUARES = 2


# ------------------------------------------------------- bound arguments
def memoryview_of(floating[::1] a):
    """A's typed memoryview, made once: passed again to a loop of this module,
    it skips the buffer request and format check of an ndarray argument."""
    return a


def memoryview_of_rows(floating[:, ::1] a):
    """As ``memoryview_of`` for a C-contiguous 2-d array."""
    return a


# ------------------------------------------------------ the CPU's level
cdef extern from *:
    """
    /* 2 when this CPU (and its OS) runs x86-64-v4 code (AVX-512 F, BW, CD,
       DQ, VL), 1 for x86-64-v3 (AVX2, FMA, BMI1/2, ...), else 0.  gcc 12 and
       later name the levels; other compilers get 0 (the baseline module). */
    static int nnreg_simd_level(void) {
    #if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12 \
        && (defined(__x86_64__) || defined(__i386__))
        __builtin_cpu_init();
        if (__builtin_cpu_supports("x86-64-v4")) return 2;
        if (__builtin_cpu_supports("x86-64-v3")) return 1;
    #endif
        return 0;
    }
    """
    int nnreg_simd_level() noexcept nogil


def simd_level():
    """0, 1 or 2: whether this CPU runs the baseline module only, also
    ``_ckernels_avx2`` (x86-64-v3) or also ``_ckernels_avx512`` (x86-64-v4).

    ``_kernels`` asks the baseline module, compiled for any x86-64, before it
    imports a variant, whose code (its module set-up included) may use
    instructions that an older CPU does not have.
    """
    return nnreg_simd_level()


# The loops, by the part of the training step they serve.  Each file is
# included here (one compiled module); the helpers above are shared.
include "_ckernels_layers.pxi"
include "_ckernels_penalties.pxi"
include "_ckernels_fused.pxi"
include "_ckernels_optimizers.pxi"
